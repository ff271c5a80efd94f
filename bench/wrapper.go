package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Environment of the wrapper mode.
const (
	wrapProviderEnv = "SECURESCORE_BENCH_PROVIDER" // the real provider binary
	wrapRSSEnv      = "SECURESCORE_BENCH_RSS_FILE" // where each child's usage is appended (usage.line)
)

// usage is what the wrapper records of one provider process.
type usage struct {
	maxRSSKiB  int64
	cpu        time.Duration // the provider's user + system time
	wrapperCPU time.Duration // the wrapper's own, which Terraform's rusage also counts
	// The provider's garbage collector, from GODEBUG=gctrace=1: its pauses,
	// assists and background marking, and apart from them the marking it
	// did on cores that were idle otherwise (rusage counts both).
	gcCPU, gcIdleCPU time.Duration
	gcCycles         int
	liveHeapMB       int // the largest live heap a collection marked
}

func (u usage) line() string {
	return fmt.Sprintf("%d %d %d %d %d %d %d\n", u.maxRSSKiB, u.cpu.Microseconds(), u.wrapperCPU.Microseconds(), u.gcCPU.Microseconds(), u.gcIdleCPU.Microseconds(), u.gcCycles, u.liveHeapMB)
}

// wrap runs the real provider as a child with this process's stdin, stdout,
// args and environment, and appends the child's usage to the RSS file. The
// child runs with GODEBUG=gctrace=1: its garbage collector's lines on stderr
// are summed here and not passed on; every other line goes to Terraform.
func wrap() int {
	cmd := exec.Command(os.Getenv(wrapProviderEnv), os.Args[1:]...) //nolint:gosec,noctx // the benchmark's own binary; it must outlive no context
	cmd.Stdin, cmd.Stdout = os.Stdin, os.Stdout
	godebug := "gctrace=1"
	if v := os.Getenv("GODEBUG"); v != "" {
		godebug = v + ",gctrace=1"
	}
	cmd.Env = append(os.Environ(), "GODEBUG="+godebug)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		return 1
	}
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench wrapper:", err)
		return 1
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	gc := filterGCTrace(stderr, os.Stderr)
	err = cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if f, openErr := os.OpenFile(os.Getenv(wrapRSSEnv), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); openErr == nil {
			var self syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
			u := gc
			u.maxRSSKiB, u.cpu, u.wrapperCPU = ru.Maxrss /* KiB on Linux */, cpuTime(ru), cpuTime(&self)
			_, _ = f.WriteString(u.line())
			_ = f.Close()
		}
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}

// gcTraceLine is one line of GODEBUG=gctrace=1 (runtime package
// documentation): "gc # @#s #%: #+#+# ms clock, #+#/#/#+# ms cpu, ...";
// the cpu fields are the stop-the-world sweep termination, the mark assist,
// background and idle marking, and the mark termination; "#->#-># MB" ends
// with the heap marked live.
var gcTraceLine = regexp.MustCompile(`^gc \d+ @[0-9.]+s \d+%: \S+ ms clock, ([0-9.]+)\+([0-9.]+)/([0-9.]+)/([0-9.]+)\+([0-9.]+) ms cpu, \d+->\d+->(\d+) MB`)

// filterGCTrace copies r to w line by line, leaving out the garbage
// collector's lines, and returns what they report: the CPU time without the
// idle marking, the idle marking, the cycles and the largest live heap.
func filterGCTrace(r io.Reader, w io.Writer) usage {
	var u usage
	var total, idle float64 // ms
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 64<<10), 16<<20)
	for scanner.Scan() {
		line := scanner.Text()
		if m := gcTraceLine.FindStringSubmatch(line); m != nil {
			for i, field := range m[1:6] {
				v, _ := strconv.ParseFloat(field, 64)
				if i == 3 {
					idle += v
				} else {
					total += v
				}
			}
			live, _ := strconv.Atoi(m[6])
			u.liveHeapMB = max(u.liveHeapMB, live)
			u.gcCycles++
			continue
		}
		if strings.HasPrefix(line, "gc ") && strings.Contains(line, "ms cpu") {
			u.gcCycles++ // a format this program does not know: counted, not summed
			continue
		}
		_, _ = io.WriteString(w, line+"\n")
	}
	u.gcCPU = time.Duration(total * float64(time.Millisecond))
	u.gcIdleCPU = time.Duration(idle * float64(time.Millisecond))
	return u
}

// providerUsage reads the RSS file: the highest peak RSS of the provider
// processes of one run, and their CPU, wrapper and GC times together.
func providerUsage(path string) usage {
	var sum usage
	data, err := os.ReadFile(path)
	if err != nil {
		return sum
	}
	for _, line := range strings.Split(string(data), "\n") {
		var rss, cpu, wrapper, gc, gcIdle int64
		var cycles, live int
		if _, err := fmt.Sscan(line, &rss, &cpu, &wrapper, &gc, &gcIdle, &cycles, &live); err == nil {
			sum.liveHeapMB = max(sum.liveHeapMB, live)
			sum.maxRSSKiB = max(sum.maxRSSKiB, rss)
			sum.cpu += time.Duration(cpu) * time.Microsecond
			sum.wrapperCPU += time.Duration(wrapper) * time.Microsecond
			sum.gcCPU += time.Duration(gc) * time.Microsecond
			sum.gcIdleCPU += time.Duration(gcIdle) * time.Microsecond
			sum.gcCycles += cycles
		}
	}
	return sum
}

// cpuTime is user plus system time. The rusage of a waited-for process
// includes the children it waited for, so Terraform's covers its providers.
func cpuTime(ru *syscall.Rusage) time.Duration {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

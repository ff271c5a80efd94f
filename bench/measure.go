package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/securescore/terraform-provider-securescore/bench/internal/serve"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

type result struct {
	s      scenario
	counts map[emulator.Route]int // of the last timed run
	// batched are the requests of that run sent inside Graph $batch
	// requests (counts holds each batch once, as graph_batch).
	batched map[emulator.Route]int
	times   []time.Duration
	rssKiB  int64
	liveMB  int // the largest live heap a provider's collector marked
	// CPU time of each timed run: all of it (Terraform and its provider
	// processes, without the measuring wrappers), the providers' part, and
	// the part of that their garbage collectors spent.
	totalCPU, providerCPU, gcCPU, gcIdleCPU []time.Duration
	gcCycles                                []int
	timedOut                                bool
}

func (r result) median() time.Duration { return median(r.times) }

func median(values []time.Duration) time.Duration {
	if len(values) == 0 {
		return 0
	}
	t := append([]time.Duration{}, values...)
	sort.Slice(t, func(i, j int) bool { return t[i] < t[j] })
	return t[len(t)/2]
}

func (r result) measured() bool { return len(r.totalCPU) > 0 && !r.timedOut }

// terraformCPU is the median CPU time of a run in Terraform itself.
func (r result) terraformCPU() time.Duration {
	terraform := make([]time.Duration, len(r.totalCPU))
	for i := range r.totalCPU {
		terraform[i] = max(r.totalCPU[i]-r.providerCPU[i], 0)
	}
	return median(terraform)
}

// cpuSummary is the median CPU time of a run in Terraform itself, in its
// provider processes, and in their garbage collectors: where a run's time
// goes beyond waiting for requests.
func (r result) cpuSummary() string {
	if !r.measured() {
		return "not measured"
	}
	if median(r.providerCPU) == 0 {
		return fmt.Sprintf("%s / –", round(r.terraformCPU()))
	}
	return fmt.Sprintf("%s / %s (GC %s + %s idle, %d cycles)", round(r.terraformCPU()), round(median(r.providerCPU)), round(median(r.gcCPU)), round(median(r.gcIdleCPU)), medianInt(r.gcCycles))
}

func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}

func (r result) line() string {
	return fmt.Sprintf("%s | median %s of %d | CPU Terraform / provider %s | peak RSS %.1f MB, live heap %d MB", r.requestSummary(), round(r.median()), len(r.times), r.cpuSummary(), float64(r.rssKiB)/1024, r.liveMB)
}

// armRequests counts requests to Azure Resource Manager (Resource Graph included).
func armRequests(counts map[emulator.Route]int) int {
	n := 0
	for route, c := range counts {
		if strings.HasPrefix(string(route), "arm_") || route == emulator.RouteResourceGraph {
			n += c
		}
	}
	return n
}

func graphRequests(counts map[emulator.Route]int) int {
	n := 0
	for route, c := range counts {
		if strings.HasPrefix(string(route), "graph_") {
			n += c
		}
	}
	return n
}

func allRequests(counts map[emulator.Route]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

func routeSummary(counts map[emulator.Route]int) string {
	routes := make([]string, 0, len(counts))
	for route, c := range counts {
		if c > 0 {
			routes = append(routes, fmt.Sprintf("%s %d", route, c))
		}
	}
	sort.Strings(routes)
	return strings.Join(routes, ", ")
}

// requestSummary is routeSummary with what the $batch requests held.
func (r result) requestSummary() string {
	s := routeSummary(r.counts)
	if inside := routeSummary(r.batched); inside != "" {
		s += " (inside the batches: " + inside + ")"
	}
	return s
}

// timing is one scenario set up for its timed runs: its configuration
// written, applied where it manages resources, and planned once untimed.
type timing struct {
	r                 result
	dir               string
	timedEnv, command []string
	prepare           func() error
}

func (b *bench) setUp(s scenario) (*timing, error) {
	t := &timing{r: result{s: s}, dir: filepath.Join(b.work, s.key)}
	if s.setUp != nil {
		s.setUp()
	}
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(t.dir, "main.tf"), []byte(s.config), 0o644); err != nil {
		return nil, err
	}
	env := append(append([]string{}, b.env...), b.variantEnv(s.variant)...)
	t.command = []string{"plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"}
	if s.creates {
		t.command = []string{"apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"}
	}
	t.prepare = func() error {
		if s.reset != nil {
			return s.reset(t.dir)
		}
		return nil
	}
	if s.apply {
		if s.beforeApply != nil {
			s.beforeApply()
		}
		if _, _, err := b.terraform(t.dir, env, 0, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
			return nil, err
		}
	}
	if !s.cold {
		// One untimed run first, so that no timed run pays for cold caches
		// (the file system's, and the emulator's rows of new subscriptions).
		if err := t.prepare(); err != nil {
			return nil, err
		}
		if _, _, err := b.terraform(t.dir, env, 0, untimed(t.command)...); err != nil {
			return nil, err
		}
	}
	t.timedEnv = env
	if b.o.cpuProfile != "" {
		profiles := filepath.Join(b.o.cpuProfile, strings.ReplaceAll(s.id(), " ", "-"))
		if err := os.MkdirAll(profiles, 0o755); err != nil {
			return nil, err
		}
		t.timedEnv = append(append([]string{}, env...), serve.ProfileDirEnv+"="+profiles)
	}
	return t, nil
}

// timeOnce makes one timed run; done is true once the scenario has all its
// runs or its time box stopped one.
func (b *bench) timeOnce(t *timing) (done bool, err error) {
	if err := t.prepare(); err != nil {
		return true, err
	}
	r := &t.r
	_ = os.Remove(b.rssFile)
	b.emu.ResetCounts()
	elapsed, cpu, err := b.terraform(t.dir, t.timedEnv, r.s.timeBox, t.command...)
	r.times = append(r.times, elapsed)
	r.counts, r.batched = b.emu.Counts(), b.emu.BatchedCounts()
	if errors.Is(err, errTimeBox) {
		r.timedOut = true
		return true, nil
	}
	if err != nil {
		return true, err
	}
	u := providerUsage(b.rssFile)
	r.rssKiB, r.liveMB = max(r.rssKiB, u.maxRSSKiB), max(r.liveMB, u.liveHeapMB)
	r.totalCPU = append(r.totalCPU, max(cpu-u.wrapperCPU, 0))
	r.providerCPU, r.gcCPU, r.gcIdleCPU, r.gcCycles = append(r.providerCPU, u.cpu), append(r.gcCPU, u.gcCPU), append(r.gcIdleCPU, u.gcIdleCPU), append(r.gcCycles, u.gcCycles)
	return len(r.times) >= r.s.runs, nil
}

// measureTogether times scenarios that are compared with each other (the
// variants of one configuration: release, naive, floor, ...) in turns, one run of each and again, so that a change in
// the machine's load during the runs falls on all of them alike instead of
// on whichever ran first.
func (b *bench) measureTogether(scenarios []scenario) ([]result, error) {
	timings := make([]*timing, 0, len(scenarios))
	for _, s := range scenarios {
		t, err := b.setUp(s)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", s.group, s.name, err)
		}
		timings = append(timings, t)
	}
	done := make([]bool, len(timings))
	for left := len(timings); left > 0; {
		for i, t := range timings {
			if done[i] {
				continue
			}
			var err error
			if done[i], err = b.timeOnce(t); err != nil {
				return nil, fmt.Errorf("%s %s: %w", t.r.s.group, t.r.s.name, err)
			}
			if done[i] {
				left--
			}
		}
	}
	results := make([]result, len(timings))
	for i, t := range timings {
		results[i] = t.r
	}
	return results, nil
}

// untimed is command without -detailed-exitcode: a warm-up may show changes.
func untimed(command []string) []string {
	var out []string
	for _, arg := range command {
		if arg != "-detailed-exitcode" {
			out = append(out, arg)
		}
	}
	return out
}

var errTimeBox = errors.New("time box exceeded")

// terraform runs one command in dir and returns its wall time and CPU time
// (Terraform's and its providers'). A plan that shows changes (exit code 2
// with -detailed-exitcode) is an error: the refresh must match what was
// applied.
func (b *bench) terraform(dir string, env []string, timeBox time.Duration, args ...string) (time.Duration, time.Duration, error) {
	cmd := exec.Command(b.o.terraform, args...) //nolint:noctx // bounded by the time box below
	cmd.Dir, cmd.Env = dir, env
	var output strings.Builder
	cmd.Stdout, cmd.Stderr = &output, &output
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var timeout <-chan time.Time
	if timeBox > 0 {
		timeout = time.After(timeBox)
	}
	select {
	case err := <-done:
		elapsed := time.Since(start)
		var cpu time.Duration
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			cpu = cpuTime(ru)
		}
		if err != nil {
			return elapsed, cpu, fmt.Errorf("terraform %s: %w\n%s", args[0], err, tail(output.String(), 3000))
		}
		return elapsed, cpu, nil
	case <-timeout:
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done: //nolint:errcheck // stopped on purpose; the exit status says nothing
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done //nolint:errcheck // killed on purpose
		}
		return time.Since(start), 0, errTimeBox
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

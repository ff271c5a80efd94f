package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func machine(b *bench) string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "MemTotal:") {
				if kb, err := strconv.ParseInt(strings.Fields(line)[1], 10, 64); err == nil {
					mem = fmt.Sprintf(", %.0f GiB memory", float64(kb)/1024/1024)
				}
			}
		}
	}
	kernel := ""
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(data))
	}
	return fmt.Sprintf("- %s, %d cores%s%s (%s/%s)\n- %s, %s\n- run on %s; load average (1, 5, 15 min) %s at the start, %s at the end: the cores are shared, so other work on the machine shows in the timings",
		cpu, runtime.NumCPU(), mem, kernel, runtime.GOOS, runtime.GOARCH,
		b.tfVersion, runtime.Version(), time.Now().UTC().Format("2006-01-02 15:04 MST"), b.loadStart, loadAverage())
}

// plural writes n with a thousands separator and the noun in its plural.
func plural(n int, noun string) string {
	digits := strconv.Itoa(n)
	for i := len(digits) - 3; i > 0; i -= 3 {
		digits = digits[:i] + "," + digits[i:]
	}
	if n == 1 {
		return digits + " " + noun
	}
	return digits + " " + noun + "s"
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

// Command bench times `terraform plan` with the real Terraform CLI and the
// built provider against the in-process emulator, which adds a fixed latency
// to every request (the round trip to a cloud region). For each scenario it
// prints the HTTP requests of one plan by route, the median wall time of the
// plans and the provider's peak RSS, checks the targets of issue 7, and
// writes the table with the machine it ran on (bench/RESULTS.md).
//
//	go run ./bench -provider bin/terraform-provider-securescore -out bench/RESULTS.md
//
// The provider's peak RSS comes from the kernel: Terraform starts this
// program (copied under the provider's name into the dev_overrides
// directory) instead of the provider; it runs the real provider as its
// child, passes the plugin handshake through, and records the child's
// rusage maximum resident set size when it exits.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// Environment of the wrapper mode.
const (
	wrapProviderEnv = "SECURESCORE_BENCH_PROVIDER" // the real provider binary
	wrapRSSEnv      = "SECURESCORE_BENCH_RSS_FILE" // where each child's max RSS (KiB) and CPU time (µs) are appended
)

// Tenants created for the Microsoft 365 scenarios, sized exactly.
const (
	actionsTenantSize = 420                                    // the size of recorded real tenants (462 and 420 profiles)
	actionsTenantID   = "5ec0e5c0-0000-4000-8000-000000000300" // 300 profiles: the resource refreshes and the 300-profile list
	largeTenantID     = "5ec0e5c0-0000-4000-8000-000000001000" // 1,000 profiles: the 1,000-profile list
)

func main() {
	if os.Getenv(wrapProviderEnv) != "" {
		os.Exit(wrap())
	}
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// wrap runs the real provider as a child with this process's stdio, args and
// environment, and appends the child's peak RSS and CPU time to the RSS file.
func wrap() int {
	cmd := exec.Command(os.Getenv(wrapProviderEnv), os.Args[1:]...) //nolint:gosec,noctx // the benchmark's own binary; it must outlive no context
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
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
	err := cmd.Wait()
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if f, openErr := os.OpenFile(os.Getenv(wrapRSSEnv), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); openErr == nil {
			// The wrapper's own CPU time is this program's start-up, not
			// Terraform's: it is reported so the caller can leave it out.
			var self syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
			_, _ = fmt.Fprintf(f, "%d %d %d\n", usage.Maxrss, cpuTime(usage).Microseconds(), cpuTime(&self).Microseconds()) // KiB on Linux
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

type options struct {
	provider, terraform, out string
	latency                  time.Duration
	runs                     int
	naiveRuns                int
	naiveTimeBox             time.Duration
	quick                    bool
	cpuProfile               string
	only                     string
}

func run() error {
	var o options
	flag.StringVar(&o.provider, "provider", "", "the provider binary (default: build it)")
	flag.StringVar(&o.terraform, "terraform", "terraform", "the Terraform CLI")
	flag.StringVar(&o.out, "out", "", "also write the results as Markdown to this file")
	flag.DurationVar(&o.latency, "latency", 40*time.Millisecond, "latency the emulator adds to every request")
	flag.IntVar(&o.runs, "runs", 5, "timed plans per scenario (the median is reported)")
	flag.IntVar(&o.naiveRuns, "naive-runs", 1, "timed plans of the naive for_each over 5,000 subscriptions")
	flag.DurationVar(&o.naiveTimeBox, "naive-time-box", 3*time.Minute, "a naive plan running longer is stopped and reported as such")
	flag.BoolVar(&o.quick, "quick", false, "smoke test: one run, small sizes")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "profile the provider processes of the timed plans (a build with -tags securescore_bench_pprof) into DIR/<scenario>/cpu-<pid>.pprof, for go tool pprof; the timings then include the profiler's cost")
	flag.StringVar(&o.only, "only", "", "run only the scenarios whose directory name matches this regular expression (e.g. aggregate-1000)")
	flag.Parse()
	if o.quick {
		o.runs = 1
	}

	work, err := os.MkdirTemp("", "securescore-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work) //nolint:errcheck // a temp dir left behind is harmless

	b, err := newBench(o, work)
	if err != nil {
		return err
	}
	defer b.emu.Close()

	only, err := regexp.Compile(o.only)
	if err != nil {
		return fmt.Errorf("-only: %w", err)
	}
	results := []result{}
	for _, s := range b.scenarios() {
		if !only.MatchString(s.key) {
			continue
		}
		fmt.Fprintf(os.Stderr, "==> %s: %s\n", s.group, s.name)
		r, err := b.measure(s)
		if err != nil {
			return fmt.Errorf("%s %s: %w", s.group, s.name, err)
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "    %s\n", r.line())
	}
	report := b.report(results)
	fmt.Print(report)
	if o.out != "" {
		return os.WriteFile(o.out, []byte(report), 0o644)
	}
	return nil
}

type bench struct {
	o             options
	emu           *emulator.Emulator
	work          string
	env           []string
	rssFile       string
	naiveProvider string // the provider built with -tags securescore_bench_naive
	subscriptions []string
	actions       []string // the 300 profiles of actionsTenantID
	tfVersion     string
	loadStart     string
}

func newBench(o options, work string) (*bench, error) {
	b := &bench{o: o, work: work, rssFile: filepath.Join(work, "rss"), loadStart: loadAverage()}
	var err error
	if o.terraform, err = exec.LookPath(o.terraform); err != nil {
		return nil, fmt.Errorf("terraform: %w", err)
	}
	if o.provider == "" {
		o.provider = filepath.Join(work, "terraform-provider-securescore-real")
		fmt.Fprintln(os.Stderr, "==> building the provider")
		build := exec.Command("go", "build", "-trimpath", "-o", o.provider, ".") //nolint:noctx // a build
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("building the provider: %w", err)
		}
	}
	if o.provider, err = filepath.Abs(o.provider); err != nil {
		return nil, err
	}
	if o.cpuProfile != "" {
		if o.cpuProfile, err = filepath.Abs(o.cpuProfile); err != nil {
			return nil, err
		}
		o.provider = filepath.Join(work, "terraform-provider-securescore-pprof")
		if err := buildVariant(o.provider, "securescore_bench_pprof"); err != nil {
			return nil, err
		}
	}
	b.o = o
	// The naive baseline is this provider built with its shared reads off
	// (internal/provider/naive_bench.go): a build of its own, so the release
	// binary carries no switch for it.
	b.naiveProvider = filepath.Join(work, "terraform-provider-securescore-naive")
	naiveTags := "securescore_bench_naive"
	if o.cpuProfile != "" {
		naiveTags += ",securescore_bench_pprof"
	}
	if err := buildVariant(b.naiveProvider, naiveTags); err != nil {
		return nil, err
	}

	// The dev_overrides directory holds this program under the provider's name.
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	pluginDir := filepath.Join(work, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		return nil, err
	}
	if err := copyFile(self, filepath.Join(pluginDir, "terraform-provider-securescore"), 0o755); err != nil {
		return nil, err
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.terraform.io/securescore/securescore\" = %q\n  }\n  direct {}\n}\n", pluginDir)
	rcPath := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(rcPath, []byte(rc), 0o644); err != nil {
		return nil, err
	}

	b.emu = emulator.New(emulator.Options{Latency: o.latency})
	if err := b.emu.Start(); err != nil {
		return nil, err
	}
	caPath := filepath.Join(work, "ca.pem")
	if err := b.emu.WriteCACert(caPath); err != nil {
		return nil, err
	}
	defaultTenant := b.emu.Tenant(emulator.DefaultTenantID)
	for _, s := range defaultTenant.Subscriptions {
		if len(s.Scores) > 0 {
			b.subscriptions = append(b.subscriptions, s.ID)
		}
	}
	b.subscriptions = append(b.subscriptions, b.emu.AddSubscriptions(emulator.DefaultTenantID, 5000-len(b.subscriptions))...)
	b.emu.ExportHistory(b.subscriptions[:100]...) // continuous export of 100 subscriptions (history scenarios)
	b.actions = b.emu.AddTenant(actionsTenantID, "Bench Actions", actionsTenantSize)
	// A third of the generated actions carry a team's decision, which a
	// create refuses to overwrite: the managed ones start undecided.
	for _, p := range b.emu.Tenant(actionsTenantID).Profiles {
		if cur, ok := p.CurrentState(); ok && (cur.State != "Default" || cur.Comment != "" || cur.AssignedTo != "") {
			b.emu.PatchProfile(actionsTenantID, p.ID, "Default", "", "", "bench")
		}
	}
	b.emu.AddTenant(largeTenantID, "Bench Large", 1000)

	b.env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rcPath, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_LOG=",
		"SSL_CERT_FILE="+caPath,
		"ARM_TENANT_ID="+emulator.DefaultTenantID, "ARM_CLIENT_ID="+emulator.ClientID,
		"ARM_CLIENT_SECRET="+emulator.ClientSecret, "ARM_SUBSCRIPTION_ID="+emulator.DefaultSubscriptionID,
		"ARM_USE_CLI=false",
		wrapProviderEnv+"="+o.provider, wrapRSSEnv+"="+b.rssFile,
	)
	out, err := exec.Command(o.terraform, "version").Output() //nolint:noctx // a version
	if err != nil {
		return nil, fmt.Errorf("terraform version: %w", err)
	}
	b.tfVersion = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	return b, nil
}

// buildVariant builds the provider from the working directory with a
// benchmark's build tag.
func buildVariant(out, tag string) error {
	fmt.Fprintf(os.Stderr, "==> building the provider with -tags %s\n", tag)
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-tags", tag, "-o", out, ".") //nolint:noctx // a build
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the provider with -tags %s: %w", tag, err)
	}
	return nil
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close() //nolint:errcheck // read-only
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// scenario is one configuration timed with `terraform plan`.
type scenario struct {
	group, name string
	key         string // directory name
	config      string
	env         []string
	apply       bool // `terraform apply` once before the timed plans
	runs        int
	cold        bool // no untimed warm-up plan (the slow naive cases)
	timeBox     time.Duration
	note        string
}

func (b *bench) providerBlock() string {
	return fmt.Sprintf(`terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}

provider "securescore" {
  endpoint = {
    active_directory_authority_host = %q
    resource_manager_endpoint       = %q
    microsoft_graph_endpoint        = %q
    log_analytics_endpoint          = %q
  }
  auxiliary_tenant_ids = [%q, %q]
}
`, b.emu.AuthorityURL(), b.emu.ARMURL(), b.emu.GraphURL(), b.emu.LogAnalyticsURL(), actionsTenantID, largeTenantID)
}

func hclList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return "[\n    " + strings.Join(quoted, ",\n    ") + ",\n  ]"
}

func (b *bench) scenarios() []scenario {
	subCounts := []int{1, 100, 1000, 5000}
	actionCounts := []int{1, 50, 300}
	listCounts := map[int]string{300: actionsTenantID, 1000: largeTenantID}
	if b.o.quick {
		subCounts, actionCounts = []int{1, 100}, []int{1, 50}
	}
	var out []scenario
	for _, n := range subCounts {
		out = append(out, scenario{
			group: "Defender aggregate", name: "securescore_defender_scores, " + plural(n, "subscription"), key: fmt.Sprintf("aggregate-%d", n),
			config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_defender_scores\" \"this\" {\n  subscription_ids = %s\n}\n", hclList(b.subscriptions[:n])),
			runs:   b.o.runs,
		})
	}
	for _, n := range subCounts {
		s := scenario{
			group: "Defender aggregate", name: "naive: securescore_defender_score for_each, " + plural(n, "subscription"), key: fmt.Sprintf("naive-%d", n),
			config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_defender_score\" \"each\" {\n  for_each        = toset(%s)\n  subscription_id = each.key\n}\n", hclList(b.subscriptions[:n])),
			runs:   b.o.runs,
		}
		switch {
		case n >= 5000:
			s.runs, s.timeBox, s.cold = b.o.naiveRuns, b.o.naiveTimeBox, true
			s.note = fmt.Sprintf("%d timed plan, time-boxed to %s", s.runs, s.timeBox)
		case n >= 1000:
			s.runs, s.cold = min(b.o.runs, 3), true
			s.note = fmt.Sprintf("median of %d, no warm-up plan", s.runs)
		}
		out = append(out, s)
	}
	for _, n := range actionCounts {
		config := b.providerBlock() + fmt.Sprintf(`
resource "securescore_microsoft365_improvement_action" "managed" {
  for_each   = toset(%s)
  tenant_id  = %q
  control_id = each.key
  status     = "planned"
  notes      = "benchmark"
}
`, hclList(b.actions[:n]), actionsTenantID)
		for _, cacheOff := range []bool{false, true} {
			s := scenario{
				group: "Improvement action refresh", name: plural(n, "managed action") + ", shared profile cache", key: fmt.Sprintf("refresh-%d", n),
				config: config, apply: !cacheOff, runs: b.o.runs,
			}
			if cacheOff {
				s.name = plural(n, "managed action") + ", naive baseline (one GET per action)"
				s.env = []string{wrapProviderEnv + "=" + b.naiveProvider}
			}
			out = append(out, s)
		}
	}
	// What Terraform itself costs for as many resource instances, with its
	// built-in terraform_data (no provider process, no request).
	for _, n := range actionCounts {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("instance-%d", i+1)
		}
		out = append(out, scenario{
			group: "Reference: Terraform alone", name: "terraform_data for_each, " + plural(n, "instance") + " (no provider)", key: fmt.Sprintf("terraform-data-%d", n),
			config: fmt.Sprintf("resource \"terraform_data\" \"each\" {\n  for_each = toset(%s)\n  input    = each.key\n}\n", hclList(ids)),
			apply:  true, runs: b.o.runs,
		})
	}
	// Recommendations: requests grow with the summarised rows (about 60 a
	// subscription), not with the resources assessed.
	recCounts := []int{1, 100, 1000}
	if b.o.quick {
		recCounts = []int{1, 100}
	}
	for _, n := range recCounts {
		out = append(out, scenario{
			group: "Defender recommendations", name: "securescore_defender_recommendations, " + plural(n, "subscription"), key: fmt.Sprintf("recommendations-%d", n),
			config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_defender_recommendations\" \"this\" {\n  subscription_ids = %s\n  statuses = [\"Unhealthy\", \"Healthy\", \"NotApplicable\"]\n}\n", hclList(b.subscriptions[:n])),
			runs:   b.o.runs,
		})
	}
	for _, n := range []int{1, 100} {
		out = append(out, scenario{
			group: "Defender score history", name: "securescore_defender_score_history, 90 days of " + plural(n, "subscription"), key: fmt.Sprintf("history-90x%d", n),
			config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_defender_score_history\" \"this\" {\n  workspace_id = %q\n  days = 90\n  subscription_ids = %s\n}\n", emulator.LogAnalyticsWorkspaceID, hclList(b.subscriptions[:n])),
			runs:   b.o.runs,
		})
	}
	for _, n := range []int{300, 1000} {
		out = append(out, scenario{
			group: "Improvement actions list", name: fmt.Sprintf("securescore_microsoft365_improvement_actions, %d profiles", n), key: fmt.Sprintf("list-%d", n),
			config: b.providerBlock() + fmt.Sprintf("\ndata \"securescore_microsoft365_improvement_actions\" \"all\" {\n  tenant_id = %q\n}\n", listCounts[n]),
			runs:   b.o.runs,
		})
	}
	return out
}

type result struct {
	s      scenario
	counts map[emulator.Route]int // of the last timed plan
	times  []time.Duration
	rssKiB int64
	// CPU time of each timed plan: all of it (Terraform and its provider
	// processes, without the measuring wrappers), and the providers' part.
	totalCPU, providerCPU []time.Duration
	timedOut              bool
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

// cpuSummary is the median CPU time of a plan in Terraform itself and in
// its provider processes: where a plan's time goes beyond waiting for
// requests.
func (r result) cpuSummary() string {
	if len(r.totalCPU) == 0 || r.timedOut {
		return "not measured"
	}
	terraform := make([]time.Duration, len(r.totalCPU))
	for i := range r.totalCPU {
		terraform[i] = max(r.totalCPU[i]-r.providerCPU[i], 0)
	}
	return fmt.Sprintf("%s / %s", median(terraform).Round(10*time.Millisecond), median(r.providerCPU).Round(10*time.Millisecond))
}

func (r result) line() string {
	return fmt.Sprintf("%s | median %s of %d | CPU Terraform / provider %s | peak RSS %.1f MB", routeSummary(r.counts), r.median().Round(10*time.Millisecond), len(r.times), r.cpuSummary(), float64(r.rssKiB)/1024)
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

func (b *bench) measure(s scenario) (result, error) {
	r := result{s: s}
	dir := filepath.Join(b.work, s.key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return r, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(s.config), 0o644); err != nil {
		return r, err
	}
	env := append(append([]string{}, b.env...), s.env...)
	if s.apply {
		if _, _, err := b.terraform(dir, env, 0, "apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"); err != nil {
			return r, err
		}
	}
	if !s.cold {
		// One untimed plan first, so that no timed plan pays for cold caches
		// (the file system's, and the emulator's rows of new subscriptions).
		if _, _, err := b.terraform(dir, env, 0, "plan", "-input=false", "-no-color", "-lock=false"); err != nil {
			return r, err
		}
	}
	timedEnv := env
	if b.o.cpuProfile != "" {
		profiles := filepath.Join(b.o.cpuProfile, s.key)
		if len(s.env) > 0 {
			profiles += "-variant"
		}
		if err := os.MkdirAll(profiles, 0o755); err != nil {
			return r, err
		}
		timedEnv = append(append([]string{}, env...), "SECURESCORE_BENCH_PPROF_DIR="+profiles)
	}
	for range s.runs {
		_ = os.Remove(b.rssFile)
		b.emu.ResetCounts()
		elapsed, cpu, err := b.terraform(dir, timedEnv, s.timeBox, "plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode")
		if errors.Is(err, errTimeBox) {
			r.timedOut = true
			r.times = append(r.times, elapsed)
			r.counts = b.emu.Counts()
			break
		}
		if err != nil {
			return r, err
		}
		r.times = append(r.times, elapsed)
		r.counts = b.emu.Counts()
		rss, providerCPU, wrapperCPU := providerUsage(b.rssFile)
		r.rssKiB = max(r.rssKiB, rss)
		r.totalCPU, r.providerCPU = append(r.totalCPU, max(cpu-wrapperCPU, 0)), append(r.providerCPU, providerCPU)
	}
	return r, nil
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
		if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			cpu = cpuTime(usage)
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

// providerUsage reads the RSS file: the highest peak RSS (KiB) of the
// provider processes of one plan, their CPU time together, and the CPU time
// of the wrappers that measured them.
func providerUsage(path string) (peakKiB int64, providerCPU, wrapperCPU time.Duration) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		var rss, provider, wrapper int64
		if _, err := fmt.Sscan(line, &rss, &provider, &wrapper); err == nil {
			peakKiB = max(peakKiB, rss)
			providerCPU += time.Duration(provider) * time.Microsecond
			wrapperCPU += time.Duration(wrapper) * time.Microsecond
		}
	}
	return peakKiB, providerCPU, wrapperCPU
}

// cpuTime is user plus system time. The rusage of a waited-for process
// includes the children it waited for, so Terraform's covers its providers.
func cpuTime(usage *syscall.Rusage) time.Duration {
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// --- the report ------------------------------------------------------------

const rssTargetMB = 80

func (b *bench) report(results []result) string {
	var w strings.Builder
	fmt.Fprintf(&w, "# Benchmark results\n\n")
	fmt.Fprintf(&w, "`make bench` (`go run ./bench`): the built provider under the real Terraform CLI against the in-process emulator, which adds **%s to every request** (token requests included). ", b.o.latency)
	fmt.Fprintf(&w, "Each scenario runs `terraform plan` %d time(s) after one untimed warm-up plan (and after one `terraform apply` where it manages resources); the table gives the HTTP requests of one plan by route, the median wall time of the plans, the median CPU time of a plan spent in Terraform itself and in the provider processes (rusage: user + system), and the highest peak RSS of any provider process Terraform started for them (the kernel's rusage maximum resident set size).\n\n", b.o.runs)
	fmt.Fprintf(&w, "## Machine\n\n%s\n\n", machine(b))
	fmt.Fprintf(&w, "## Results\n\n| scenario | HTTP requests of one plan, by route | `terraform plan`, median | CPU: Terraform / provider, median | plans | provider peak RSS |\n| --- | --- | --- | --- | --- | --- |\n")
	group := ""
	for _, r := range results {
		if r.s.group != group {
			group = r.s.group
			fmt.Fprintf(&w, "| **%s** | | | | | |\n", group)
		}
		wall := r.median().Round(10 * time.Millisecond).String()
		if r.timedOut {
			wall = "> " + r.s.timeBox.String() + " (stopped)"
		}
		name := r.s.name
		if r.s.note != "" {
			name += " (" + r.s.note + ")"
		}
		requests, rss := routeSummary(r.counts), fmt.Sprintf("%.1f MB", float64(r.rssKiB)/1024)
		if requests == "" {
			requests = "none"
		}
		switch {
		case r.timedOut:
			rss = "not measured (stopped)"
		case r.rssKiB == 0:
			rss = "no provider process"
		}
		fmt.Fprintf(&w, "| %s | %s | %s | %s | %d | %s |\n", name, requests, wall, r.cpuSummary(), len(r.times), rss)
	}
	fmt.Fprintf(&w, "\n## Targets\n\n")
	for _, t := range b.targets(results) {
		fmt.Fprintf(&w, "- %s\n", t)
	}
	fmt.Fprintf(&w, "\n## Notes\n\n")
	fmt.Fprintf(&w, "- Routes are the emulator's: `token` is Microsoft Entra ID, `arm_*` and `resource_graph` are Azure Resource Manager, `graph_*` are Microsoft Graph. Every `terraform plan` starts new provider processes, so each plan fetches its own tokens.\n")
	fmt.Fprintf(&w, "- Aggregate scenarios list explicit `subscription_ids` (the default tenant's subscriptions plus generated ones); Resource Graph takes 1,000 subscriptions a request, so 5,000 need 5.\n")
	fmt.Fprintf(&w, "- The naive for_each is slow enough to need limits to keep `make bench` near 15 minutes: over 1,000 subscriptions it is timed 3 times without a warm-up plan, over 5,000 once, stopped after %s (a stopped plan is reported as such, with the requests it had made).\n", b.o.naiveTimeBox)
	fmt.Fprintf(&w, "- The improvement-action scenarios use a tenant holding exactly 300 generated profiles (all of which accept PATCH); the 1-, 50- and 300-action configurations manage the first 1, 50 and 300 of them. Microsoft Graph pages hold 25 profiles (the emulator's default), so listing the tenant takes 12 pages. With the shared cache every refresh reads that list once (plus one `$top=1` secure score); with it off each resource reads its profile and the newest secure score itself.\n")
	fmt.Fprintf(&w, "- The 1,000-profile list uses a second tenant of exactly 1,000 generated profiles (40 pages).\n")
	fmt.Fprintf(&w, "- *Reference: Terraform alone* plans the same number of instances of Terraform's built-in `terraform_data` resource, which starts no provider and sends no request: what Terraform itself costs per resource instance on this machine.\n")
	fmt.Fprintf(&w, "- Peak RSS is the kernel's maximum resident set size of each provider process (rusage of the real provider, which this program starts as Terraform's plugin and waits for). The provider sets a soft Go memory limit of 48 MiB (`GOMEMLIMIT` overrides it) and, when no `TF_LOG*` variable asks for logs, writes only warnings and errors instead of TRACE lines Terraform would discard.\n")
	return w.String()
}

func (b *bench) targets(results []result) []string {
	find := func(key string, env bool) *result {
		for i := range results {
			if results[i].s.key == key && (len(results[i].s.env) > 0) == env {
				return &results[i]
			}
		}
		return nil
	}
	verdict := func(ok bool) string {
		if ok {
			return "**met**"
		}
		return "**missed**"
	}
	var out []string
	if one, thousand := find("aggregate-1", false), find("aggregate-1000", false); one != nil && thousand != nil {
		arm := armRequests(thousand.counts)
		out = append(out, fmt.Sprintf("1,000-subscription aggregate: %d ARM request(s), target ≤ 2: %s.", arm, verdict(arm <= 2)))
		ratio := float64(thousand.median()) / float64(one.median())
		out = append(out, fmt.Sprintf("1,000-subscription aggregate plans in %s, %.2f× the 1-subscription case (%s), target ≤ 1.5×: %s.",
			thousand.median().Round(10*time.Millisecond), ratio, one.median().Round(10*time.Millisecond), verdict(ratio <= 1.5)))
		out = append(out, fmt.Sprintf("Where it goes: CPU time of one plan, Terraform / provider processes: %s for 1 subscription, %s for 1,000.", one.cpuSummary(), thousand.cpuSummary()))
	}
	if one, three := find("refresh-1", false), find("refresh-300", false); one != nil && three != nil {
		limit := (300+24)/25 + 1
		g := graphRequests(three.counts)
		out = append(out, fmt.Sprintf("300-action refresh: %d Graph requests, target ≤ ceil(300 / 25) + 1 = %d: %s.", g, limit, verdict(g <= limit)))
		ratio := float64(three.median()) / float64(one.median())
		out = append(out, fmt.Sprintf("300-action refresh plans in %s, %.2f× the 1-action refresh (%s), target ≤ 2×: %s.",
			three.median().Round(10*time.Millisecond), ratio, one.median().Round(10*time.Millisecond), verdict(ratio <= 2)))
		out = append(out, fmt.Sprintf("Where it goes: CPU time of one plan, Terraform / provider processes: %s for 1 action, %s for 300.", one.cpuSummary(), three.cpuSummary()))
		if core := find("terraform-data-300", false); core != nil && one.median() > 0 {
			out = append(out, fmt.Sprintf("For scale: Terraform alone plans 300 instances of its built-in `terraform_data` (no provider process, no request) in %s, %.2f× the 1-action refresh.",
				core.median().Round(10*time.Millisecond), float64(core.median())/float64(one.median())))
		}
	}
	var peak int64
	var peakName string
	stopped := 0
	for _, r := range results {
		if r.timedOut {
			stopped++
			continue
		}
		if r.rssKiB > peak {
			peak, peakName = r.rssKiB, r.s.name
		}
	}
	scope := "every scenario"
	if stopped > 0 {
		scope = "every scenario whose plan ran to the end (a stopped plan's provider is not measured)"
	}
	out = append(out, fmt.Sprintf("Provider peak RSS: at most %.1f MB (%s), target ≤ %d MB in %s: %s.", float64(peak)/1024, peakName, rssTargetMB, scope, verdict(peak <= rssTargetMB*1024)))
	return out
}

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

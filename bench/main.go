// Command bench times `terraform plan` (and `terraform apply` where a
// scenario creates) with the real Terraform CLI and the built provider
// against the in-process emulator, which adds a fixed latency to every
// request (the round trip to a cloud region). For each scenario it prints
// the HTTP requests of one run by route, the median wall time, the time the
// provider adds above Terraform alone, the CPU time of Terraform and of the
// provider (and of the provider's garbage collector), and the provider's
// peak RSS; it checks the performance targets and writes the table with the
// machine it ran on (bench/RESULTS.md).
//
//	go run ./bench -provider bin/terraform-provider-securescore -out bench/RESULTS.md
//
// The provider's peak RSS and CPU time come from the kernel: Terraform
// starts this program (copied under the provider's name into the
// dev_overrides directory) instead of the provider; it runs the real
// provider as its child, passes the plugin handshake through, and records
// the child's rusage when it exits (wrapper.go).
//
// The same run measures programs of its own under bench/, each a main
// package importing what it measures: the naive baseline (bench/naive: one
// GET and one secure score request per action), Terraform's floor for the
// provider's schema (bench/floor: no request, no framework) and, for
// -cpuprofile, the release provider with profiling (bench/profiled). It also
// runs the release without its quiet default logging (TF_LOG_SDK_PROTO=TRACE,
// a variable only plugins read).
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// Tenants created for the Microsoft 365 scenarios, sized exactly.
const (
	// actionsTenantSize is the size of recorded real tenants (462 and 420
	// profiles); the service pages them 200 at a time unless asked $top.
	actionsTenantSize = 420
	actionsTenantID   = "5ec0e5c0-0000-4000-8000-000000000420" // the resource scenarios and the 420-profile list
	largeTenantID     = "5ec0e5c0-0000-4000-8000-000000001000" // 1,000 profiles: the 1,000-profile list
)

// benchManagementGroupID holds the first 1,000 subscriptions of the default
// tenant.
const benchManagementGroupID = "bench-1000"

func main() {
	if os.Getenv(wrapProviderEnv) != "" {
		os.Exit(wrap())
	}
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

type options struct {
	provider, terraform, out string
	latency                  time.Duration
	runs                     int
	naiveRuns                int
	naiveTimeBox             time.Duration
	quick                    bool
	only                     string
	cpuProfile               string
	noProfile                bool
	providerEnv              string
}

func run() error {
	var o options
	flag.StringVar(&o.provider, "provider", "", "the provider binary (default: build it)")
	flag.StringVar(&o.terraform, "terraform", "terraform", "the Terraform CLI")
	flag.StringVar(&o.out, "out", "", "also write the results as Markdown to this file")
	flag.DurationVar(&o.latency, "latency", 40*time.Millisecond, "latency the emulator adds to every request")
	flag.IntVar(&o.runs, "runs", 5, "timed runs per scenario (the median is reported)")
	flag.IntVar(&o.naiveRuns, "naive-runs", 1, "timed plans of the naive for_each over 5,000 subscriptions")
	flag.DurationVar(&o.naiveTimeBox, "naive-time-box", 3*time.Minute, "a naive plan running longer is stopped and reported as such")
	flag.BoolVar(&o.quick, "quick", false, "smoke test: one run, small sizes")
	flag.StringVar(&o.only, "only", "", "run only the scenarios whose id matches this regular expression: the directory name, then /variant for a variant (e.g. aggregate-1000, refresh-300/naive)")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "profile the provider processes of every timed run (the release as bench/profiled, and the other bench programs) into DIR/<scenario>/cpu-<pid>.pprof, for go tool pprof; the timings then include the profiler's cost")
	flag.BoolVar(&o.noProfile, "no-profile", false, "skip the profiled 300-action plan at the end")
	flag.StringVar(&o.providerEnv, "provider-env", "", "extra environment of every provider process, comma-separated NAME=VALUE pairs (experiments, e.g. GOGC=200)")
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
	for _, together := range byConfiguration(b.scenarios(), only) {
		for _, s := range together {
			fmt.Fprintf(os.Stderr, "==> %s: %s\n", s.group, s.name)
		}
		rs, err := b.measureTogether(together)
		if err != nil {
			return err
		}
		for _, r := range rs {
			fmt.Fprintf(os.Stderr, "    %s: %s\n", r.s.name, r.line())
		}
		results = append(results, rs...)
	}
	var profile *profileSummary
	if !o.noProfile && o.cpuProfile == "" && only.MatchString("refresh-300") && !o.quick {
		fmt.Fprintf(os.Stderr, "==> profiling one 300-action plan (go tool pprof)\n")
		if profile, err = b.profile300(); err != nil {
			return fmt.Errorf("profiling the 300-action plan: %w", err)
		}
	}
	report := b.report(results, profile)
	fmt.Print(report)
	if o.out != "" {
		return os.WriteFile(o.out, []byte(report), 0o644)
	}
	return nil
}

// byConfiguration groups the scenarios that -only selects by configuration
// (their key), in order: the variants of one configuration are measured
// together (measureTogether).
func byConfiguration(scenarios []scenario, only *regexp.Regexp) [][]scenario {
	var groups [][]scenario
	for _, s := range scenarios {
		if !only.MatchString(s.id()) {
			continue
		}
		if n := len(groups); n > 0 && groups[n-1][0].key == s.key {
			groups[n-1] = append(groups[n-1], s)
			continue
		}
		groups = append(groups, []scenario{s})
	}
	return groups
}

type bench struct {
	o             options
	emu           *emulator.Emulator
	work          string
	env           []string
	rssFile       string
	naiveProvider string // bench/naive, built
	floorProvider string // bench/floor, built
	subscriptions []string
	actions       []string // the undecided profiles of actionsTenantID
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
		if err := buildProgram(o.provider, "."); err != nil {
			return nil, err
		}
	}
	if o.provider, err = filepath.Abs(o.provider); err != nil {
		return nil, err
	}
	if o.cpuProfile != "" {
		if o.cpuProfile, err = filepath.Abs(o.cpuProfile); err != nil {
			return nil, err
		}
		o.provider = filepath.Join(work, "terraform-provider-securescore-profiled")
		if err := buildProgram(o.provider, "./bench/profiled"); err != nil {
			return nil, err
		}
	}
	b.o = o
	// The naive baseline and Terraform's floor are programs of their own,
	// so the release binary carries no switch for them.
	b.naiveProvider = filepath.Join(work, "terraform-provider-securescore-naive")
	if err := buildProgram(b.naiveProvider, "./bench/naive"); err != nil {
		return nil, err
	}
	b.floorProvider = filepath.Join(work, "terraform-provider-securescore-floor")
	if err := buildProgram(b.floorProvider, "./bench/floor"); err != nil {
		return nil, err
	}

	// The dev_overrides directory holds this program under the provider's name.
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	pluginDir := filepath.Join(work, "plugins")
	if err := os.MkdirAll(filepath.Join(work, "floor"), 0o755); err != nil { // bench/floor's data source states
		return nil, err
	}
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

	// The emulator pages Graph lists as the service does: 200 a page, $top
	// honoured up to 999.
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
	// Continuous export of 100 subscriptions (the history scenarios; the
	// 1,000-subscription ones export more), and a management group of the
	// first 1,000 (the per-group aggregate).
	b.emu.ExportHistory(b.subscriptions[:100]...)
	b.emu.Mutate(emulator.DefaultTenantID, func(t *emulator.Tenant) {
		t.ManagementGroups[benchManagementGroupID] = slices.Clone(b.subscriptions[:1000])
	})
	b.actions = b.emu.AddTenant(actionsTenantID, "Bench Actions", actionsTenantSize)
	// A third of the generated actions carry a team's decision, which a
	// create refuses to overwrite: the managed ones start undecided.
	for _, id := range b.actions {
		b.resetAction(id)
	}
	b.emu.AddTenant(largeTenantID, "Bench Large", 1000)

	// The provider's own defaults are measured, whatever the caller's shell
	// sets: the variants set these themselves.
	b.env = withoutVariables(os.Environ(), append([]string{"GOMEMLIMIT", "GOGC", "GODEBUG"}, logLevelVariables...)...)
	b.env = append(b.env,
		"TF_CLI_CONFIG_FILE="+rcPath, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_LOG=",
		"SSL_CERT_FILE="+caPath,
		"ARM_TENANT_ID="+emulator.DefaultTenantID, "ARM_CLIENT_ID="+emulator.ClientID,
		"ARM_CLIENT_SECRET="+emulator.ClientSecret, "ARM_SUBSCRIPTION_ID="+emulator.DefaultSubscriptionID,
		"ARM_USE_CLI=false",
		wrapProviderEnv+"="+o.provider, wrapRSSEnv+"="+b.rssFile,
	)
	if o.providerEnv != "" {
		b.env = append(b.env, strings.Split(o.providerEnv, ",")...)
	}
	out, err := exec.Command(o.terraform, "version").Output() //nolint:noctx // a version
	if err != nil {
		return nil, fmt.Errorf("terraform version: %w", err)
	}
	b.tfVersion = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	return b, nil
}

// logLevelVariables are the TF_LOG* variables a provider process reads:
// any one set turns the release's quiet default (main.go) off.
var logLevelVariables = []string{
	"TF_LOG_PROVIDER", "TF_LOG_PROVIDER_SECURESCORE", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_ACC_LOG_PATH",
}

// withoutVariables is env without the variables named.
func withoutVariables(env []string, names ...string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			out = append(out, kv)
		}
	}
	return out
}

// resetAction leaves an action with no decision (Default, no notes, nobody
// assigned), so a create adopts it.
func (b *bench) resetAction(id string) {
	for _, p := range b.emu.Tenant(actionsTenantID).Profiles {
		if p.ID != id {
			continue
		}
		if cur, ok := p.CurrentState(); ok && (cur.State != "Default" || cur.Comment != "" || cur.AssignedTo != "") {
			b.emu.PatchProfile(actionsTenantID, p.ID, "Default", "", "", "bench")
		}
		return
	}
}

// buildProgram builds the main package pkg of the working directory's
// module ("." is the release provider, "./bench/naive" a bench program)
// into out.
func buildProgram(out, pkg string) error {
	fmt.Fprintf(os.Stderr, "==> building %s\n", pkg)
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg) //nolint:noctx,gosec // a build of this module's own programs
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building %s: %w", pkg, err)
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

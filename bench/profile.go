package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/bench/internal/serve"
)

// profileSummary is where the provider's CPU time goes in one 300-action
// plan: the cumulative time of the functions that tell the parts apart, from
// the CPU profile of the plan's provider process (go tool pprof -top -cum).
type profileSummary struct {
	total time.Duration
	parts []profilePart
	file  string
}

type profilePart struct {
	label string
	cum   time.Duration
}

// profiledParts are the functions whose cumulative time the summary gives,
// with what each stands for.
var profiledParts = []struct{ function, label string }{
	{"tfplugin6._Provider_ReadResource_Handler", "ReadResource RPCs (the refresh), all of it"},
	{"microsoft365.(*ImprovementActionResource).Read", "…of which the resource's Read (state in and out, the shared lookup)"},
	{"tfplugin6._Provider_PlanResourceChange_Handler", "PlanResourceChange RPCs, all of it"},
	{"microsoft365.(*ImprovementActionResource).ModifyPlan", "…of which the resource's ModifyPlan"},
	{"fwserver.SchemaModifyPlan", "…of which the framework's attribute plan modifiers"},
	{"internal/reflect.isValidFieldName", "framework: struct-tag checks (a regexp compiled per field per Get/Set)"},
	{"resource/schema.schemaAttributes", "framework: attribute maps rebuilt per path step"},
	{"fromproto6.DynamicValue", "framework: msgpack state and plan decoded"},
	{"encoding/json.Unmarshal", "Graph answers decoded"},
	{"runtime.gcBgMarkWorker", "garbage collector, background marking"},
	{"runtime.mallocgc", "allocation (with the collector's assists)"},
}

// profile300 plans the 300-action configuration once more with the
// profiling build and summarises the provider process that did the work.
func (b *bench) profile300() (*profileSummary, error) {
	dir := filepath.Join(b.work, "refresh-300")
	if _, err := os.Stat(filepath.Join(dir, "terraform.tfstate")); err != nil {
		return nil, fmt.Errorf("the 300-action scenario has not run: %w", err)
	}
	bin := filepath.Join(b.work, "terraform-provider-securescore-profiled")
	if err := buildProgram(bin, "./bench/profiled"); err != nil {
		return nil, err
	}
	profiles := filepath.Join(b.work, "pprof-300")
	if err := os.MkdirAll(profiles, 0o755); err != nil {
		return nil, err
	}
	env := append(append([]string{}, b.env...), wrapProviderEnv+"="+bin, serve.ProfileDirEnv+"="+profiles)
	if _, _, err := b.terraform(dir, env, 0, "plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode"); err != nil {
		return nil, err
	}
	// Terraform starts a provider process to validate and one to plan; the
	// largest CPU profile is the plan's (heap-*.pprof are allocations).
	entries, err := os.ReadDir(profiles)
	if err != nil {
		return nil, err
	}
	var largest string
	var size int64
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "cpu-") {
			continue
		}
		if info, err := e.Info(); err == nil && info.Size() > size {
			largest, size = filepath.Join(profiles, e.Name()), info.Size()
		}
	}
	if largest == "" {
		return nil, fmt.Errorf("no profile written in %s", profiles)
	}
	out, err := exec.Command("go", "tool", "pprof", "-top", "-cum", "-unit=ms", "-nodecount=100000", largest).Output() //nolint:noctx,gosec // the profile this program wrote
	if err != nil {
		return nil, fmt.Errorf("go tool pprof: %w", err)
	}
	summary := parsePprofTop(string(out))
	summary.file = largest
	return summary, nil
}

var (
	pprofTotal = regexp.MustCompile(`Total samples = ([0-9.]+)ms`)
	pprofZero  = regexp.MustCompile(`^(\s*)0(\s)`)
	pprofRow   = regexp.MustCompile(`^\s*[0-9.]+ms\s+[0-9.]+%\s+[0-9.]+%\s+([0-9.]+)ms\s+[0-9.]+%\s+(.+?)(?: \(inline\))?$`)
)

func parsePprofTop(text string) *profileSummary {
	s := &profileSummary{}
	if m := pprofTotal.FindStringSubmatch(text); m != nil {
		s.total = msDuration(m[1])
	}
	cum := map[string]time.Duration{}
	for _, line := range strings.Split(text, "\n") {
		// pprof writes 0 as "0" without a unit.
		line = pprofZero.ReplaceAllString(line, "${1}0ms$2")
		if m := pprofRow.FindStringSubmatch(line); m != nil {
			cum[m[2]] = max(cum[m[2]], msDuration(m[1]))
		}
	}
	for _, p := range profiledParts {
		var total time.Duration
		for name, d := range cum {
			if strings.HasSuffix(name, p.function) || strings.Contains(name, "/"+p.function) {
				total = max(total, d)
			}
		}
		s.parts = append(s.parts, profilePart{label: p.label + " (`" + p.function + "`)", cum: total})
	}
	return s
}

func msDuration(ms string) time.Duration {
	v, _ := strconv.ParseFloat(ms, 64)
	return time.Duration(v * float64(time.Millisecond))
}

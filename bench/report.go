package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

const rssTargetMB = 80

// defaultRSSTargetMB bounds the peak RSS of a Defender data source's default
// configuration at 1,000 subscriptions (defaultTargets).
const defaultRSSTargetMB = 120

// servedPageSize is the page the service serves the provider's list of
// profiles: the $top it asks (client.ProfilePageSize), which the service
// honours up to 999 (its default page, without $top, is 200).
const servedPageSize = min(client.ProfilePageSize, 999)

func (b *bench) report(results []result, profile *profileSummary) string {
	byID := map[string]*result{}
	for i := range results {
		byID[results[i].s.id()] = &results[i]
	}
	var w strings.Builder
	fmt.Fprintf(&w, "# Benchmark results\n\n")
	fmt.Fprintf(&w, "`make bench` (`go run ./bench`): the built provider under the real Terraform CLI against the in-process emulator, which adds **%s to every request** (token requests included). ", b.o.latency)
	fmt.Fprintf(&w, "Each scenario runs `terraform plan` %d time(s) after one untimed warm-up run (and after one `terraform apply` where it manages resources); the create scenarios run `terraform apply` of a resource that does not exist yet instead, the action reset in between. A configuration's variants (the naive baseline, the floor, logs at TRACE) take their timed runs in turns with it, one run of each and again, so that a change in the machine's load falls on both sides of a comparison. ", b.o.runs)
	fmt.Fprintf(&w, "The table gives the HTTP requests of one run by route and in all (a Microsoft Graph `$batch` is one request; what it held is named in brackets), the median wall time, the provider-attributable time (the median minus the median of Terraform alone with as many `terraform_data` instances, run the same way), the provider's own share (the median minus the median of Terraform's floor for the same configuration, `bench/floor`, timed in turns with it: what remains is the provider's reads and the framework's work), the median CPU time of a run spent in Terraform itself and in the provider processes (rusage: user + system; GC: what the provider's garbage collector reports with `GODEBUG=gctrace=1`: its pauses, assists and background marking, then the marking it did on cores otherwise idle, which rusage counts too, and its cycles), and the highest peak RSS of any provider process Terraform started for them (the kernel's rusage maximum resident set size).\n\n")
	fmt.Fprintf(&w, "## Machine\n\n%s\n\n", machine(b))
	fmt.Fprintf(&w, "## Results\n\n| scenario | HTTP requests of one run, by route | requests | median | provider-attributable | provider's own share | CPU: Terraform / provider (GC) | runs | provider peak RSS (largest live heap) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	group := ""
	for _, r := range results {
		if r.s.group != group {
			group = r.s.group
			fmt.Fprintf(&w, "| **%s** | | | | | | | | |\n", group)
		}
		wall := round(r.median()).String()
		if r.timedOut {
			wall = "> " + r.s.timeBox.String() + " (stopped)"
		}
		name := r.s.name
		if r.s.note != "" {
			name += " (" + r.s.note + ")"
		}
		requests, rss := r.requestSummary(), fmt.Sprintf("%.1f MB (live heap %d MB)", float64(r.rssKiB)/1024, r.liveMB)
		if requests == "" {
			requests = "none"
		}
		switch {
		case r.timedOut:
			rss = "not measured (stopped)"
		case r.rssKiB == 0:
			rss = "no provider process"
		}
		attributable := "–"
		if ref := byID[r.s.reference()]; ref != nil && r.s.group != "Reference: Terraform alone" && !r.timedOut {
			attributable = signed(r.median() - ref.median())
		}
		own := "–"
		if f := byID[r.s.key+"/"+string(floor)]; f != nil && r.s.variant == release && f.measured() && r.measured() {
			own = signed(r.median() - f.median())
		}
		fmt.Fprintf(&w, "| %s | %s | %d | %s | %s | %s | %s | %d | %s |\n", name, requests, allRequests(r.counts), wall, attributable, own, r.cpuSummary(), len(r.times), rss)
	}
	fmt.Fprintf(&w, "\n## Targets\n\n")
	for _, t := range b.targets(byID, results) {
		fmt.Fprintf(&w, "- %s\n", t)
	}
	if profile != nil {
		fmt.Fprintf(&w, "\n## Where the provider's CPU goes: one 300-action plan, profiled\n\n")
		fmt.Fprintf(&w, "The refresh-300 configuration planned once more with the profiling build (`bench/profiled`; the plan's provider process, %s of CPU samples). Cumulative time of the functions that tell the parts apart (a part's time includes what it calls, so the rows overlap):\n\n", round(profile.total))
		fmt.Fprintf(&w, "| part | CPU | share |\n| --- | --- | --- |\n")
		for _, p := range profile.parts {
			share := 0.0
			if profile.total > 0 {
				share = 100 * float64(p.cum) / float64(profile.total)
			}
			fmt.Fprintf(&w, "| %s | %s | %.0f %% |\n", p.label, round(p.cum), share)
		}
	}
	fmt.Fprintf(&w, "\n## Notes\n\n")
	fmt.Fprintf(&w, "- Routes are the emulator's: `token` and `openid_configuration` are Microsoft Entra ID, `arm_*` and `resource_graph` are Azure Resource Manager, `graph_*` are Microsoft Graph, `log_analytics_query` is Log Analytics. Every `terraform plan` starts new provider processes, so each plan fetches its own tokens; a `terraform apply` starts one to plan and one to apply.\n")
	fmt.Fprintf(&w, "- The improvement-action scenarios use a tenant of %d generated profiles, the size of recorded real tenants; the service pages them 200 at a time by default and honours `$top` up to 999. A third of the generated actions carry a decision; the managed ones are reset to none before the first apply (a create refuses to overwrite a decision). The 1-, 50- and 300-action configurations manage the first 1, 50 and 300; the create scenario creates the last one, reset between runs.\n", actionsTenantSize)
	fmt.Fprintf(&w, "- The naive baseline is `bench/naive`, a provider of its own: the release's configuration and schema with an improvement action resource written as a generic provider writes one (the framework's reflection for state), each resource sending its own requests: a read GETs the action and the newest secure score, a plan that changes a decision GETs the action, a write GETs it, PATCHes it and reads it back. It keeps the release's checks; only the request pattern differs. No setting of the released provider reaches it.\n")
	fmt.Fprintf(&w, "- Aggregate scenarios list explicit `subscription_ids` (the default tenant's subscriptions plus generated ones); Resource Graph takes 1,000 subscriptions a request, so 5,000 need 5. The naive for_each is slow enough to need limits to keep `make bench` near 20 minutes: over 1,000 subscriptions it is timed 3 times without a warm-up plan, over 5,000 once, stopped after %s (a stopped plan is reported as such, with the requests it had made).\n", b.o.naiveTimeBox)
	fmt.Fprintf(&w, "- *Reference: Terraform alone* runs the same number of instances of Terraform's built-in `terraform_data` resource, which starts no provider and sends no request: what Terraform itself costs per instance on this machine. A data source scenario has one instance.\n")
	fmt.Fprintf(&w, "- The provider's one process default, its quiet logging when no `TF_LOG*` variable is set (`main.go`), is measured against terraform-plugin-log's own default in the same run: *provider logs at TRACE* sets `TF_LOG_SDK_PROTO=TRACE` (read only by the provider, so Terraform itself logs nothing more). The garbage collector runs with Go's defaults.\n")
	fmt.Fprintf(&w, "- *Terraform's floor* is `bench/floor`, a program of its own: it serves the real schema and answers the resource RPCs of a plan from what Terraform sent (validation passes, the state read is the state given, the plan is the proposed new state), with no request and none of the framework's plan logic. Its time above *Terraform alone* is what Terraform and the plugin protocol cost for this resource's schema, whatever the provider does. For a data source it answers with the state the real provider read for the same configuration in the warm-up plan, so its timed plans are what Terraform does with that state.\n")
	return w.String()
}

func signed(d time.Duration) string {
	if d < 0 {
		return "−" + round(-d).String()
	}
	return "+" + round(d).String()
}

func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**missed**"
}

// whereItGoes is the measured split of one run: wall time, CPU in
// Terraform and in the provider, requests, and Terraform alone.
func whereItGoes(r *result, ref *result, latency time.Duration) string {
	s := fmt.Sprintf("%s wall: %d requests (%s of latency if none overlapped), CPU Terraform %s, provider %s (GC %s + %s idle)",
		round(r.median()), allRequests(r.counts), time.Duration(allRequests(r.counts))*latency, round(r.terraformCPU()), round(median(r.providerCPU)), round(median(r.gcCPU)), round(median(r.gcIdleCPU)))
	if ref != nil {
		s += fmt.Sprintf("; Terraform alone %s", round(ref.median()))
	}
	return s
}

func (b *bench) targets(byID map[string]*result, results []result) []string {
	var out []string
	lat := b.o.latency
	ref := func(r *result) *result { return byID[r.s.reference()] }
	ratio := func(a, b *result) float64 { return float64(a.median()) / float64(b.median()) }

	if one, base := byID["refresh-1"], byID["refresh-1/naive"]; one != nil && base != nil {
		ok := one.median() <= base.median()
		n := allRequests(one.counts)
		out = append(out, fmt.Sprintf("1 managed action, plan: %s against the naive baseline's %s (%.2f×), target no slower: %s; %d requests in all, target ≤ 4: %s.",
			round(one.median()), round(base.median()), ratio(one, base), verdict(ok), n, verdict(n <= 4)))
		if !ok {
			out = append(out, "Where it goes: release "+whereItGoes(one, ref(one), lat)+"; naive "+whereItGoes(base, ref(base), lat)+".")
		}
	}
	if one, base := byID["create-1"], byID["create-1/naive"]; one != nil && base != nil {
		ok := float64(one.median()) <= 1.1*float64(base.median())
		n := allRequests(one.counts)
		out = append(out, fmt.Sprintf("1-action apply (create): %s against the naive baseline's %s (%.2f×), target ≤ 1.1×: %s; %d requests in all (%s), target ≤ 8: %s.",
			round(one.median()), round(base.median()), ratio(one, base), verdict(ok), n, one.requestSummary(), verdict(n <= 8)))
		if !ok || n > 8 {
			out = append(out, "Where it goes: release "+whereItGoes(one, ref(one), lat)+"; naive "+whereItGoes(base, ref(base), lat)+".")
		}
	}
	for _, n := range []int{50, 300} {
		r, base := byID[fmt.Sprintf("refresh-%d", n)], byID[fmt.Sprintf("refresh-%d/naive", n)]
		if r == nil || base == nil {
			continue
		}
		limit := (actionsTenantSize+servedPageSize-1)/servedPageSize + 2
		g := graphRequests(r.counts)
		ok := float64(r.median()) <= 0.6*float64(base.median())
		out = append(out, fmt.Sprintf("%d managed actions, plan: %s, %.2f× the naive baseline's %s, target ≤ 0.6×: %s; %d Graph requests (%s), target ≤ ceil(%d profiles / %d a page) + 2 = %d: %s.",
			n, round(r.median()), ratio(r, base), round(base.median()), verdict(ok), g, r.requestSummary(), actionsTenantSize, servedPageSize, limit, verdict(g <= limit)))
		if !ok {
			out = append(out, "Where it goes: release "+whereItGoes(r, ref(r), lat)+"; naive "+whereItGoes(base, ref(base), lat)+".")
		}
	}
	if r := byID["refresh-300"]; r != nil {
		if f := byID["refresh-300/"+string(floor)]; f != nil && f.measured() && r.measured() {
			own := r.median() - f.median()
			out = append(out, fmt.Sprintf("Provider's own share of the 300-action plan: %s (%s plan − %s for Terraform's floor, bench/floor, in the same run), target ≤ 1.0 s: %s. Every scenario's is in the table.",
				round(own), round(r.median()), round(f.median()), verdict(own <= time.Second)))
		}
		if core := ref(r); core != nil {
			attributable := r.median() - core.median()
			out = append(out, fmt.Sprintf("Provider-attributable time, 300 managed actions: %s (%s plan − %s for Terraform alone with 300 `terraform_data`), target ≤ 1.0 s: %s. Every scenario's is in the table.",
				round(attributable), round(r.median()), round(core.median()), verdict(attributable <= time.Second)))
			if attributable > time.Second {
				out = append(out, "Where it goes: "+whereItGoes(r, core, lat)+fmt.Sprintf("; Terraform's own CPU is %s here against %s alone.", round(r.terraformCPU()), round(core.terraformCPU())))
			}
			if f := byID["refresh-300/"+string(floor)]; f != nil && f.measured() {
				schemaCost := f.median() - core.median()
				reach := fmt.Sprintf("which leaves %s of the 1.0 s target for all of the provider's own work", round(time.Second-schemaCost))
				if schemaCost > time.Second {
					reach = "above the 1.0 s target before the provider does any work: no provider with this resource's schema meets it on this machine"
				}
				out = append(out, fmt.Sprintf("Terraform's floor for the resource's schema, 300 managed actions: a provider that serves the same schema and does no work (bench/floor) plans in %s, %s above Terraform alone: Terraform's work for the schema and the plugin protocol, %s. "+
					"Of the provider-attributable %s, %s is this provider's (its reads, the framework's plan logic). CPU: Terraform %s with the floor against %s with the release; the floor's provider process %s against the release's %s.",
					round(f.median()), signed(schemaCost), reach, round(attributable), signed(r.median()-f.median()),
					round(f.terraformCPU()), round(r.terraformCPU()), round(median(f.providerCPU)), round(median(r.providerCPU))))
			}
		}
		if r.measured() {
			perAction := median(r.providerCPU) / 300
			out = append(out, fmt.Sprintf("Provider CPU per managed action, 300-action plan: %s (%s in all, of which GC %s + %s idle marking), target ≤ 3 ms: %s. The profile below says where it goes.",
				perAction.Round(10*time.Microsecond), round(median(r.providerCPU)), round(median(r.gcCPU)), round(median(r.gcIdleCPU)), verdict(perAction <= 3*time.Millisecond)))
			if f := byID["refresh-300/"+string(floor)]; f != nil && f.measured() {
				out = append(out, fmt.Sprintf("The floor build's provider processes (the plugin protocol, the process and its start-up, no framework and no work) take %s per managed action (%s in all) in the same plan; the rest, %s per action, is the framework's and the provider's.",
					(median(f.providerCPU)/300).Round(10*time.Microsecond), round(median(f.providerCPU)), ((median(r.providerCPU)-median(f.providerCPU))/300).Round(10*time.Microsecond)))
			}
		}
	}
	if one, thousand := byID["aggregate-1"], byID["aggregate-1000"]; one != nil && thousand != nil {
		arm := armRequests(thousand.counts)
		above := thousand.median() - one.median()
		out = append(out, fmt.Sprintf("1,000-subscription aggregate: %d ARM request(s), target ≤ 2: %s; plans in %s, %s above the 1-subscription aggregate (%s), target ≤ 200 ms: %s.",
			arm, verdict(arm <= 2), round(thousand.median()), round(above), round(one.median()), verdict(above <= 200*time.Millisecond)))
		if above > 200*time.Millisecond {
			out = append(out, fmt.Sprintf("Where it goes: CPU Terraform / provider (GC) %s for 1 subscription, %s for 1,000.", one.cpuSummary(), thousand.cpuSummary()))
		}
		if f1, f1000 := byID["aggregate-1/"+string(floor)], byID["aggregate-1000/"+string(floor)]; f1 != nil && f1000 != nil && f1.measured() && f1000.measured() {
			floorAbove := f1000.median() - f1.median()
			reach := "within the target"
			if floorAbove > 200*time.Millisecond {
				reach = "above the 200 ms target before the provider does any work"
			}
			out = append(out, fmt.Sprintf("Terraform's floor for the aggregate: a provider that answers each plan with the state the real provider read for the same configuration in the warm-up (bench/floor) plans 1,000 subscriptions in %s and 1 in %s, %s: Terraform's work for the larger state, %s. "+
				"Of the %s above, the provider's reads account for %s. Terraform's CPU with the floor: %s for 1 subscription, %s for 1,000.",
				round(f1000.median()), round(f1.median()), signed(floorAbove), reach, round(above), signed(above-floorAbove), round(f1.terraformCPU()), round(f1000.terraformCPU())))
		}
	}
	for _, key := range defaultTargets {
		r := byID[key]
		if r == nil || !r.measured() {
			continue
		}
		rss, cpu := float64(r.rssKiB)/1024, median(r.providerCPU)
		out = append(out, fmt.Sprintf("Default configuration, %s: provider peak RSS %.1f MB, target ≤ %d MB: %s; provider CPU %s, target ≤ 1.5 s: %s.",
			r.s.name, rss, defaultRSSTargetMB, verdict(rss <= defaultRSSTargetMB), round(cpu), verdict(cpu <= 1500*time.Millisecond)))
	}
	for _, r := range results {
		if r.s.optIn && r.measured() {
			out = append(out, fmt.Sprintf("Opt-in answer, %s (no target): provider peak RSS %.1f MB (live heap %d MB), provider CPU %s, plan %s.",
				r.s.name, float64(r.rssKiB)/1024, r.liveMB, round(median(r.providerCPU)), round(r.median())))
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
		if r.rssKiB > peak && heldToRSSTarget(r.s) {
			peak, peakName = r.rssKiB, r.s.name
		}
	}
	scope := fmt.Sprintf("every scenario (the floor build, there to compare with, the opt-in answers and the default configurations at 1,000 subscriptions, held to %d MB, left out)", defaultRSSTargetMB)
	if stopped > 0 {
		scope += ", whose runs ended (a stopped plan's provider is not measured)"
	}
	out = append(out, fmt.Sprintf("Provider peak RSS: at most %.1f MB (%s), target ≤ %d MB in %s: %s.", float64(peak)/1024, peakName, rssTargetMB, scope, verdict(peak <= rssTargetMB*1024)))
	for _, r := range results {
		if !r.timedOut && r.rssKiB > rssTargetMB*1024 && heldToRSSTarget(r.s) {
			line := fmt.Sprintf("Where it goes: %s peaks at %.1f MB with a live heap of %d MB (what the collector found reachable at its largest; the rest is the binary's pages, stacks and the heap's headroom).", r.s.name, float64(r.rssKiB)/1024, r.liveMB)
			if f := byID[r.s.key+"/"+string(floor)]; f != nil && f.measured() {
				line += fmt.Sprintf(" Its floor build, which only sends the same state (read from a file, a single message of the plugin protocol), peaks at %.1f MB (live heap %d MB).", float64(f.rssKiB)/1024, f.liveMB)
			}
			out = append(out, line)
		}
	}

	if quiet, loud := byID["refresh-300"], byID["refresh-300/"+string(loudLogs)]; quiet != nil && loud != nil && quiet.measured() && loud.measured() {
		out = append(out, fmt.Sprintf("The quiet default logging (main.go) at 300 managed actions: provider CPU %s quiet, %s at TRACE; Terraform CPU %s quiet, %s at TRACE (it reads every line the provider writes); plan %s quiet, %s at TRACE.",
			round(median(quiet.providerCPU)), round(median(loud.providerCPU)), round(quiet.terraformCPU()), round(loud.terraformCPU()), round(quiet.median()), round(loud.median())))
	}
	if r := byID["recommendations-1000"]; r != nil {
		out = append(out, fmt.Sprintf("Recommendations of 1,000 subscriptions: %s in %s (requests follow the summarised rows, not the resources assessed).", r.requestSummary(), round(r.median())))
	}
	if r := byID["history-90x100"]; r != nil {
		out = append(out, fmt.Sprintf("90 days of history for 100 subscriptions: %s in %s.", r.requestSummary(), round(r.median())))
	}
	return out
}

func medianInt(values []int) int {
	d := make([]time.Duration, len(values))
	for i, v := range values {
		d[i] = time.Duration(v)
	}
	return int(median(d))
}

// heldToRSSTarget: the scenario's peak RSS counts against rssTargetMB.
func heldToRSSTarget(s scenario) bool {
	return !comparisonBuild(s.variant) && !s.optIn && !slices.Contains(defaultTargets, s.key)
}

// comparisonBuild is a variant built to compare with, not a way to run
// the release: the peak RSS target does not apply to it.
func comparisonBuild(v variant) bool { return v == floor }

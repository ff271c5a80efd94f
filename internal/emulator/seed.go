package emulator

import (
	"crypto/sha256"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// The seeder is deterministic: every random choice comes from a PRNG keyed
// by a stable string, so the world only changes with the calendar day (Graph
// snapshots end today).

func rngFor(key string) *rand.Rand {
	sum := sha256.Sum256([]byte(key))
	var a, b uint64
	for i := range 8 {
		a = a<<8 | uint64(sum[i])
		b = b<<8 | uint64(sum[8+i])
	}
	return rand.New(rand.NewPCG(a, b))
}

// guidFrom derives a stable GUID-shaped id from key.
func guidFrom(key string) string {
	b := sha256.Sum256([]byte(key))
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// ratio4 is the documented percentage: current/max rounded to 4 decimals.
func ratio4(current float64, maxScore int) float64 {
	if maxScore == 0 {
		return 0
	}
	return math.Round(current/float64(maxScore)*10000) / 10000
}

func newDefinition(spec defenderControlSpec, i int, source string) *ControlDefinition {
	name := guidFrom("secure-score-control:" + spec.displayName)
	d := &ControlDefinition{
		Name:        name,
		Type:        "Microsoft.Security/secureScoreControlDefinitions",
		DisplayName: spec.displayName,
		Description: spec.description,
		MaxScore:    spec.max,
		SourceType:  source,
	}
	if i%2 == 1 {
		d.Type = "Microsoft.Security/SecureScoreControlDefinitions"
	}
	for a := range spec.assessments {
		d.AssessmentDefinitions = append(d.AssessmentDefinitions,
			"/providers/Microsoft.Security/assessmentMetadata/"+guidFrom(fmt.Sprintf("assessment:%s:%d", name, a)))
	}
	return d
}

// builtinDefinitions is the tenant-wide catalogue, shared read-only.
var builtinDefinitions = sync.OnceValue(func() []*ControlDefinition {
	defs := make([]*ControlDefinition, len(defenderControls))
	for i, spec := range defenderControls {
		defs[i] = newDefinition(spec, i, "BuiltIn")
	}
	return defs
})

var customDefinition = sync.OnceValue(func() *ControlDefinition {
	return newDefinition(customControl, 0, "Custom")
})

// subscriptionDefinitions is the built-in catalogue plus the custom
// definitions the subscription's scores use; nothing without Defender data.
func subscriptionDefinitions(s *Subscription) []*ControlDefinition {
	if len(s.Scores) == 0 {
		return nil
	}
	defs := append([]*ControlDefinition(nil), builtinDefinitions()...)
	seen := map[string]bool{}
	for _, sc := range s.Scores {
		for _, c := range sc.Controls {
			if c.Definition.SourceType == "Custom" && !seen[c.Name] {
				seen[c.Name] = true
				defs = append(defs, c.Definition)
			}
		}
	}
	return defs
}

func newARMControl(d *ControlDefinition, healthy, unhealthy, notApplicable int) *ARMControl {
	c := &ARMControl{
		Name: d.Name, DisplayName: d.DisplayName, Max: d.MaxScore,
		HealthyResourceCount: healthy, UnhealthyResourceCount: unhealthy, NotApplicableResourceCount: notApplicable,
		Weight: healthy + unhealthy, Definition: d,
	}
	// Points are earned per healthy resource; no assessed resource, no points.
	if healthy+unhealthy > 0 {
		c.Current = round2(float64(d.MaxScore) * float64(healthy) / float64(healthy+unhealthy))
	}
	c.Percentage = ratio4(c.Current, c.Max)
	return c
}

func newARMScore(name, displayName string, weight int, controls []*ARMControl) *ARMScore {
	s := &ARMScore{Name: name, DisplayName: displayName, Weight: weight, Controls: controls}
	var current float64
	for _, c := range controls {
		s.Max += c.Max
		current += c.Current
	}
	s.Current = round2(current)
	s.Percentage = ratio4(s.Current, s.Max)
	return s
}

// randomControl draws resource counts; about a third of the controls are
// completed (no unhealthy resource). Idle subscriptions assess nothing.
func randomControl(rng *rand.Rand, d *ControlDefinition, idle bool) *ARMControl {
	if idle {
		return newARMControl(d, 0, 0, rng.IntN(3))
	}
	healthy := rng.IntN(25)
	unhealthy := 0
	if rng.Float64() > 0.33 {
		unhealthy = 1 + rng.IntN(12)
	}
	return newARMControl(d, healthy, unhealthy, rng.IntN(6))
}

type subscriptionSeed struct {
	id, name string
	weight   int
	defender bool
	custom   bool
}

func newSubscription(tenantID string, seed subscriptionSeed) *Subscription {
	s := &Subscription{ID: seed.id, TenantID: tenantID, DisplayName: seed.name}
	if !seed.defender {
		return s
	}
	rng := rngFor("subscription:" + seed.id)
	catalogue := builtinDefinitions()
	// 13 to 15 of the 16 built-in controls, in catalogue order.
	drop := map[int]bool{}
	for len(drop) < 1+rng.IntN(3) {
		drop[rng.IntN(len(catalogue))] = true
	}
	var controls []*ARMControl
	for i, d := range catalogue {
		if !drop[i] {
			controls = append(controls, randomControl(rng, d, seed.weight == 0))
		}
	}
	s.Scores = append(s.Scores, newARMScore("ascScore", "ASC score", seed.weight, controls))
	if seed.custom {
		custom := []*ARMControl{
			randomControl(rng, customDefinition(), false),
			randomControl(rng, catalogue[0], false),
			randomControl(rng, catalogue[6], false),
		}
		s.Scores = append(s.Scores, newARMScore(guidFrom("initiative:"+seed.id), "Contoso ISO 27001 baseline", seed.weight, custom))
	}
	return s
}

type tenantSeed struct {
	id, name      string
	domain        string
	subscriptions []subscriptionSeed
	mgs           map[string][]int // management group -> subscription indexes
	profiles      []profileSpec
	users         int
	services      []string
	industry      string
}

func (e *Emulator) seed() {
	contoso := tenantSeed{
		id: DefaultTenantID, name: "Contoso", domain: "contoso.onmicrosoft.com",
		subscriptions: []subscriptionSeed{
			{DefaultSubscriptionID, "Contoso Production", 67, true, true},
			{guidFrom("subscription:contoso:development"), "Contoso Development", 23, true, false},
			{guidFrom("subscription:contoso:shared"), "Contoso Shared Services", 41, true, false},
			{guidFrom("subscription:contoso:data"), "Contoso Data Platform", 12, true, false},
			{guidFrom("subscription:contoso:sandbox"), "Contoso Sandbox", 0, true, false},
			{guidFrom("subscription:contoso:legacy"), "Contoso Legacy (no Defender)", 0, false, false},
		},
		mgs:      map[string][]int{ManagementGroupID: {0, 2, 3}},
		profiles: profileCatalog,
		users:    250,
		services: []string{"HasAzureAD", "HasExchange", "HasSharePoint", "HasOD4B", "HasMDO", "HasIntune", "HasMCAS", "HasTeams"},
		industry: "Technology",
	}
	fabrikam := tenantSeed{
		id: SecondTenantID, name: "Fabrikam", domain: "fabrikam.onmicrosoft.com",
		subscriptions: []subscriptionSeed{
			{guidFrom("subscription:fabrikam:production"), "Fabrikam Production", 30, true, false},
			{guidFrom("subscription:fabrikam:test"), "Fabrikam Test", 8, true, false},
		},
		profiles: subset(0),
		users:    1200,
		services: []string{"HasAzureAD", "HasExchange", "HasSharePoint", "HasOD4B", "HasMDO"},
		industry: "Manufacturing",
	}
	northwind := tenantSeed{
		id: ThirdTenantID, name: "Northwind Traders", domain: "northwind.onmicrosoft.com",
		subscriptions: []subscriptionSeed{
			{guidFrom("subscription:northwind:main"), "Northwind Traders", 15, true, false},
		},
		profiles: subset(1),
		users:    45,
		services: []string{"HasAzureAD", "HasExchange", "HasSharePoint", "HasTeams"},
		industry: "Retail",
	}
	tailspin := tenantSeed{
		id: NoConsentTenantID, name: "Tailspin Toys", domain: "tailspin.onmicrosoft.com",
		subscriptions: []subscriptionSeed{
			{guidFrom("subscription:tailspin:main"), "Tailspin Toys", 5, true, false},
		},
	}
	for _, ts := range []tenantSeed{contoso, fabrikam, northwind, tailspin} {
		e.seedTenant(ts)
	}
	e.seedDefenderWorld()
	e.seedWorkedTenant()
}

// subset picks 20 catalogue profiles, every third from offset; both subsets
// hold Device profiles and one deprecated or scid_ profile.
func subset(offset int) []profileSpec {
	var out []profileSpec
	for i := offset; i < len(profileCatalog) && len(out) < 20; i += 3 {
		out = append(out, profileCatalog[i])
	}
	return out
}

func (e *Emulator) seedTenant(ts tenantSeed) {
	t := &Tenant{ID: ts.id, DisplayName: ts.name, ManagementGroups: map[string][]string{}}
	for _, ss := range ts.subscriptions {
		s := newSubscription(ts.id, ss)
		t.Subscriptions = append(t.Subscriptions, s)
		e.subs[strings.ToLower(s.ID)] = s
	}
	for mg, idx := range ts.mgs {
		for _, i := range idx {
			t.ManagementGroups[mg] = append(t.ManagementGroups[mg], t.Subscriptions[i].ID)
		}
	}
	rng := rngFor("profiles:" + ts.id)
	for i, spec := range ts.profiles {
		t.Profiles = append(t.Profiles, newProfile(rng, ts.id, spec, i+1, e.today))
	}
	e.seedStates(t, ts, rng)
	if len(t.Profiles) > 0 {
		t.SecureScores = seedSecureScores(t, ts, e.today)
	}
	e.tenants[strings.ToLower(ts.id)] = t
}

func newProfile(rng *rand.Rand, tenantID string, spec profileSpec, rank int, today time.Time) *ControlProfile {
	threats := threatsByCategory[spec.category]
	start := rng.IntN(len(threats))
	n := 1 + rng.IntN(3)
	var picked []string
	for k := range n {
		picked = append(picked, threats[(start+k)%len(threats)])
	}
	// complianceInformation is "not implemented" (Microsoft's metadata):
	// live tenants send [] or null. The seeder keeps a few entries on some
	// profiles so the mapping stays tested, [] on others and null on the rest.
	var compliance []ComplianceInformation
	if rank%4 == 1 {
		compliance = []ComplianceInformation{}
	}
	for k := range rng.IntN(3) {
		ci := compliancePool[(rank+k)%len(compliancePool)]
		ci.CertificationControls = append([]CertificationControl(nil), ci.CertificationControls...)
		compliance = append(compliance, ci)
	}
	actionURL := actionURLs[spec.service]
	return &ControlProfile{
		ID:                 spec.id,
		AzureTenantID:      tenantID,
		ActionType:         spec.actionType,
		ActionURL:          actionURL,
		ControlCategory:    spec.category,
		Title:              spec.title,
		Deprecated:         spec.deprecated,
		ImplementationCost: spec.cost,
		// Never touched: no lastModifiedDateTime and the placeholder update
		// live tenants send (seedStates and PATCH replace it).
		MaxScore: spec.max,
		Rank:     rank,
		Remediation: fmt.Sprintf(`<p>%s.</p><ol><li>Go to the <a href="%s" target="_blank">%s admin center</a>.</li>`+
			`<li>Review the current configuration and apply the recommended setting.</li>`+
			`<li>Pilot the change with a small group before enforcing it for everyone.</li></ol>`,
			spec.title, actionURL, spec.service),
		RemediationImpact:     remediationImpacts[spec.impact],
		Service:               spec.service,
		Threats:               picked,
		Tier:                  spec.tier,
		UserImpact:            spec.impact,
		ComplianceInformation: compliance,
		ControlStateUpdates:   []ControlStateUpdate{placeholderUpdate()},
		VendorInformation:     VendorInformation{Provider: "SecureScore", Vendor: "Microsoft"},
		Extra:                 map[string]any{"x-unknownField": map[string]any{"source": "emulator", "schemaVersion": 2}},
	}
}

type stateSeed struct {
	state, comment, assignedTo, updatedBy string
	daysAgo, hour                         int
}

// contosoStates covers every state, a profile whose history is deliberately
// out of chronological order (BlockLegacyAuthentication: the newest entry is
// the third), and the managed-tenants word resolvedThroughAlternateMitigation.
var contosoStates = map[string][]stateSeed{
	"AdminMFAV2": {{"Reviewed", "Rolling out FIDO2 keys to all admins", "alex.wilber@contoso.onmicrosoft.com", "megan.bowen@contoso.onmicrosoft.com", 12, 9}},
	"BlockLegacyAuthentication": {
		{"Reviewed", "Pilot Conditional Access policy in report-only mode", "alex.wilber@contoso.onmicrosoft.com", "megan.bowen@contoso.onmicrosoft.com", 20, 10},
		{"Default", "", "", "megan.bowen@contoso.onmicrosoft.com", 60, 14},
		{"ThirdParty", "Legacy protocols are blocked at the Okta edge", "lee.gu@contoso.onmicrosoft.com", ClientID, 5, 16},
		{"Ignored", "Legacy printers still need SMTP AUTH", "", "lee.gu@contoso.onmicrosoft.com", 40, 11},
	},
	"SelfServicePasswordReset": {{"Ignored", "Risk accepted: the helpdesk handles resets", "", "megan.bowen@contoso.onmicrosoft.com", 30, 8}},
	"PWAgePolicyNew":           {{"Default", "", "", "megan.bowen@contoso.onmicrosoft.com", 75, 13}},
	"IntegratedApps": {
		{"Reviewed", "Reviewing enterprise app consent settings", "isaiah.langer@contoso.onmicrosoft.com", "megan.bowen@contoso.onmicrosoft.com", 50, 9},
		{"Default", "Reverted: app review backlog", "", "isaiah.langer@contoso.onmicrosoft.com", 15, 15},
	},
	"mdo_safeattachments":        {{"ThirdParty", "Mail flows through Proofpoint first", "", "lee.gu@contoso.onmicrosoft.com", 25, 10}},
	"exo_mailboxaudit":           {{"resolvedThroughAlternateMitigation", "Mailboxes are audited by the SIEM connector", "", "lee.gu@contoso.onmicrosoft.com", 8, 12}},
	"DLPEnabled":                 {{"Reviewed", "Planned for Q3 with the compliance team", "nestor.wilke@contoso.onmicrosoft.com", ClientID, 3, 17}},
	"Intune_BitLockerEncryption": {{"Reviewed", "Tracked as a Defender Vulnerability Management exception", "", "nestor.wilke@contoso.onmicrosoft.com", 18, 11}},
	"mcas_DiscoverShadowIT":      {{"Ignored", "No Cloud App Security licence", "", "megan.bowen@contoso.onmicrosoft.com", 45, 16}},
}

func (e *Emulator) seedStates(t *Tenant, ts tenantSeed, rng *rand.Rand) {
	at := func(daysAgo, hour int) time.Time {
		return e.today.AddDate(0, 0, -daysAgo).Add(time.Duration(hour)*time.Hour + 23*time.Minute + 7*time.Second)
	}
	if ts.id == DefaultTenantID {
		for _, p := range t.Profiles {
			for _, s := range contosoStates[p.ID] {
				p.ControlStateUpdates = append(withoutPlaceholder(p.ControlStateUpdates), ControlStateUpdate{
					State: s.state, Comment: s.comment, AssignedTo: s.assignedTo, UpdatedBy: s.updatedBy,
					UpdatedDateTime: at(s.daysAgo, s.hour),
					Extra:           map[string]any{"x-unknownField": "seeded"},
				})
			}
		}
	} else {
		states := []string{"Default", "Reviewed", "Ignored", "ThirdParty"}
		admin := "admin@" + ts.domain
		for i, p := range t.Profiles {
			if i%3 != 1 {
				continue
			}
			n := 1 + rng.IntN(2)
			for k := range n {
				p.ControlStateUpdates = append(withoutPlaceholder(p.ControlStateUpdates), ControlStateUpdate{
					State: states[rng.IntN(len(states))], Comment: fmt.Sprintf("%s review %d", ts.name, k+1),
					UpdatedBy: admin, UpdatedDateTime: at(10+rng.IntN(80), rng.IntN(24)),
					Extra: map[string]any{"x-unknownField": "seeded"},
				})
			}
		}
	}
	for _, p := range t.Profiles {
		if cur, ok := p.CurrentState(); ok && cur.UpdatedDateTime.After(p.LastModifiedDateTime) {
			p.LastModifiedDateTime = cur.UpdatedDateTime
		}
	}
}

const snapshotDays = 90

// profilePlan is how one profile's points evolve over the 90 days.
type profilePlan struct {
	profile      *ControlProfile
	start, final float64
	total        int
	// acceptedFrom is the first day the action is risk accepted, when it
	// earns nothing: "You won't be given any points" for an action whose
	// status is Risk accepted
	// (https://learn.microsoft.com/defender-xdr/microsoft-secure-score-improvement-actions).
	// snapshotDays when it is not.
	acceptedFrom int
}

func (pp profilePlan) score(day int) float64 { // day 0 = oldest
	if day >= pp.acceptedFrom {
		return 0
	}
	return round2(pp.start + (pp.final-pp.start)*float64(day)/float64(snapshotDays-1))
}

// acceptedFrom is the day (0 = oldest snapshot) from which p is risk
// accepted (its current state is Ignored), or snapshotDays.
func acceptedFrom(p *ControlProfile, today time.Time) int {
	cur, ok := p.CurrentState()
	if !ok || cur.State != "Ignored" {
		return snapshotDays
	}
	daysAgo := int(today.Sub(cur.UpdatedDateTime.UTC().Truncate(24*time.Hour)).Hours() / 24)
	return max(0, snapshotDays-1-daysAgo)
}

// seedSecureScores builds the daily snapshots, newest first. Deprecated
// profiles and those in notInScore are missing from controlScores, as live
// tenants list far more profiles than their score covers; a third of the
// rest end at maxScore (completed). maxScore is the sum of the scored
// profiles' maxScore, as the service computes it.
func seedSecureScores(t *Tenant, ts tenantSeed, today time.Time) []*SecureScore {
	rng := rngFor("securescores:" + ts.id)
	var plans []profilePlan
	var maxScore float64
	for _, p := range t.Profiles {
		if p.Deprecated || notInScore[p.ID] {
			continue
		}
		maxScore += p.MaxScore
		pp := profilePlan{profile: p, total: 1 + rng.IntN(ts.users/5+1), acceptedFrom: acceptedFrom(p, today)}
		switch r := rng.Float64(); {
		case r < 0.33:
			pp.final = p.MaxScore
		case r < 0.45:
			pp.final = 0
		default:
			pp.final = round2(p.MaxScore * (0.2 + 0.75*rng.Float64()))
		}
		pp.start = pp.final
		if rng.Float64() < 0.6 {
			pp.start = round2(pp.final * (0.3 + 0.6*rng.Float64()))
		}
		plans = append(plans, pp)
	}

	snapshots := make([]*SecureScore, 0, snapshotDays)
	for k := range snapshotDays {
		date := today.AddDate(0, 0, -k)
		day := snapshotDays - 1 - k
		s := &SecureScore{
			ID:                fmt.Sprintf("%s_%s", ts.id, date.Format("2006-01-02")),
			AzureTenantID:     ts.id,
			ActiveUserCount:   ts.users - ts.users/10 + rng.IntN(ts.users/10+1) + day/30,
			CreatedDateTime:   date,
			MaxScore:          maxScore,
			LicensedUserCount: ts.users + ts.users/8,
			EnabledServices:   append([]string(nil), ts.services...),
			VendorInformation: VendorInformation{Provider: "SecureScore", Vendor: "Microsoft"},
			Extra:             map[string]any{"x-unknownField": float64(day)},
		}
		var current float64
		for _, pp := range plans {
			score := pp.score(day)
			current += score
			count := int(math.Round(float64(pp.total) * score / pp.profile.MaxScore))
			cs := ControlScore{
				ControlCategory: pp.profile.ControlCategory,
				ControlName:     pp.profile.ID,
				Description:     pp.profile.Title + ". " + pp.profile.RemediationImpact,
				Score:           score,
				Extra: map[string]any{
					"scoreInPercentage":    round2(score / pp.profile.MaxScore * 100),
					"implementationStatus": fmt.Sprintf("%d of %d items are configured as recommended", count, pp.total),
					"lastSynced":           date.Add(-3 * time.Hour).Format(time.RFC3339),
					"count":                fmt.Sprint(count),
					"total":                fmt.Sprint(pp.total),
				},
			}
			if pp.profile.ControlCategory == "Identity" {
				cs.Extra["IsApplicable"] = "true"
			}
			s.ControlScores = append(s.ControlScores, cs)
		}
		s.CurrentScore = round2(current)
		switch {
		case k >= 60:
			s.AverageComparativeScores = noComparativeData(ts.industry) // live tenants send -1 for periods without data
		case k == 45:
			s.AverageComparativeScores = []AverageComparativeScore{} // or nothing at all
		default:
			s.AverageComparativeScores = comparativeScores(rng, ts.industry, ts.users)
		}
		snapshots = append(snapshots, s)
	}
	return snapshots
}

// comparativeScores mixes strings and numbers for the per-category fields,
// as Microsoft's own example does, and adds what live tenants send besides:
// the *ScoreMax maxima, infrastructureScore, and PascalCase seat-range keys.
func comparativeScores(rng *rand.Rand, industry string, users int) []AverageComparativeScore {
	cat := func() float64 { return round2(10 + 30*rng.Float64()) }
	str := func() string { return fmt.Sprintf("%.2f", cat()) }
	lower, upper := "1", "100"
	if users >= 100 {
		lower, upper = "100", "500"
	}
	if users >= 1000 {
		lower, upper = "1000", "5000"
	}
	return []AverageComparativeScore{
		{Basis: "AllTenants", AverageScore: round2(38 + 6*rng.Float64()), Extra: map[string]any{
			"identityScore": str(), "dataScore": str(), "deviceScore": str(), "appsScore": str(), "infrastructureScore": 0,
			"identityScoreMax": "80", "dataScoreMax": "60", "deviceScoreMax": "70", "appsScoreMax": "90", "infrastructureScoreMax": 0,
		}},
		{Basis: "TotalSeats", AverageScore: round2(35 + 10*rng.Float64()), Extra: map[string]any{
			"SeatSizeRangeLowerValue": lower, "SeatSizeRangeUpperValue": upper,
			"identityScore": cat(), "dataScore": cat(), "deviceScore": cat(), "appsScore": cat(),
			"identityScoreMax": 80, "dataScoreMax": 60, "deviceScoreMax": 70, "appsScoreMax": 90,
		}},
		{Basis: "IndustryTypes", AverageScore: round2(33 + 12*rng.Float64()), Extra: map[string]any{
			"categoryValue": industry,
			"identityScore": str(), "dataScore": str(), "deviceScore": cat(), "appsScore": cat(),
		}},
	}
}

// noComparativeData is a period without comparison data: every value -1.
func noComparativeData(industry string) []AverageComparativeScore {
	none := map[string]any{"identityScore": -1, "dataScore": -1, "deviceScore": -1, "appsScore": -1, "infrastructureScore": -1,
		"identityScoreMax": -1, "dataScoreMax": -1, "deviceScoreMax": -1, "appsScoreMax": -1, "infrastructureScoreMax": -1}
	seats := cloneMap(none)
	seats["SeatSizeRangeLowerValue"], seats["SeatSizeRangeUpperValue"] = "-1", "-1"
	industryExtra := cloneMap(none)
	industryExtra["categoryValue"] = industry
	return []AverageComparativeScore{
		{Basis: "AllTenants", AverageScore: -1, Extra: cloneMap(none)},
		{Basis: "TotalSeats", AverageScore: -1, Extra: seats},
		{Basis: "IndustryTypes", AverageScore: -1, Extra: industryExtra},
	}
}

// placeholderUpdate is the controlStateUpdates entry live tenants send for
// a profile nobody touched: every member null but state "Default".
func placeholderUpdate() ControlStateUpdate { return ControlStateUpdate{State: "Default"} }

// withoutPlaceholder drops the placeholder once a real update arrives.
func withoutPlaceholder(updates []ControlStateUpdate) []ControlStateUpdate {
	out := updates[:0:0]
	for _, u := range updates {
		if !u.UpdatedDateTime.IsZero() || u.UpdatedBy != "" || u.Comment != "" || u.AssignedTo != "" {
			out = append(out, u)
		}
	}
	return out
}

// AddSubscriptions creates n more subscriptions with Defender data in
// tenantID and returns their ids (for tests of paging and the 1,000
// subscription Resource Graph limit).
func (e *Emulator) AddSubscriptions(tenantID string, n int) []string {
	return e.generate(tenantID, n, func(t *Tenant, k int) string {
		id := guidFrom(fmt.Sprintf("generated-subscription:%s:%d", t.ID, k))
		weight := 1 + rngFor(id).IntN(100)
		s := newSubscription(t.ID, subscriptionSeed{id, fmt.Sprintf("Generated subscription %d", k), weight, true, false})
		e.scaleResources(s)
		t.Subscriptions = append(t.Subscriptions, s)
		e.subs[strings.ToLower(id)] = s
		return id
	})
}

// generate adds n generated objects to tenantID under the lock: add makes
// the k-th object the emulator generates (k counts across calls, so that
// names stay unique) and returns its id. nil for an unknown tenant.
func (e *Emulator) generate(tenantID string, n int, add func(t *Tenant, k int) string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.tenants[strings.ToLower(tenantID)]
	if t == nil {
		return nil
	}
	ids := make([]string, 0, n)
	for range n {
		e.generated++
		ids = append(ids, add(t, e.generated))
	}
	return ids
}

// AddProfiles creates n more control profiles in tenantID (Identity, Data or
// Apps, so they accept PATCH) and gives each a controlScore in the newest
// snapshot, whose currentScore and maxScore grow accordingly.
func (e *Emulator) AddProfiles(tenantID string, n int) []string {
	categories := []string{"Identity", "Data", "Apps"}
	services := map[string]string{"Identity": "AzureAD", "Data": "SPO", "Apps": "MDO"}
	return e.generate(tenantID, n, func(t *Tenant, k int) string {
		category := categories[k%len(categories)]
		spec := profileSpec{
			id: fmt.Sprintf("emulator_generated_%d", k), category: category, service: services[category],
			title: fmt.Sprintf("Generated control %d", k), max: 5,
			actionType: "Config", tier: "DefenseInDepth", cost: "Low", impact: "Low",
		}
		p := newProfile(rngFor(spec.id), t.ID, spec, len(t.Profiles)+1, e.today)
		t.Profiles = append(t.Profiles, p)
		if len(t.SecureScores) > 0 {
			newest := t.SecureScores[0]
			score := 2.5
			if k%2 == 0 {
				score = p.MaxScore
			}
			newest.ControlScores = append(newest.ControlScores, ControlScore{
				ControlCategory: category, ControlName: p.ID, Description: p.Title + ".", Score: score,
				Extra: map[string]any{"scoreInPercentage": round2(score / p.MaxScore * 100), "implementationStatus": "generated"},
			})
			newest.MaxScore += p.MaxScore
			newest.CurrentScore = round2(newest.CurrentScore + score)
		}
		return p.ID
	})
}

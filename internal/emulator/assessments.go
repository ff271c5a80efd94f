package emulator

import (
	"fmt"
	"strings"
	"time"
)

// Per-resource assessments (Defender for Cloud recommendations,
// https://learn.microsoft.com/rest/api/defenderforcloud/assessments), one
// per resource and assessment definition of every control, consistent with
// the control's counts: a control's resource is healthy when every
// assessment of the control is healthy on it, unhealthy when one is not,
// not applicable when none applies. Points follow from the counts as the
// recorded service computes them: current = max × healthy ÷ (healthy +
// unhealthy), 2 decimals; the score is the sum of its controls.
//
// Nothing is stored per assessment: a status is a function of the control's
// seeded counts, the definition and the resource (baseStatus), overridden
// by SetAssessmentStatus. Rows are produced while a query reads them, so a
// thousand subscriptions of sixty recommendations cost no memory at rest.

// Assessment is a Microsoft.Security/assessments item on one resource.
type Assessment struct {
	ID                string // <ResourceID>/providers/Microsoft.Security/assessments/<Key>
	Key               string // the assessment (metadata) name, a GUID
	ResourceID        string
	SubscriptionID    string
	DisplayName       string
	Severity          string // High, Medium or Low
	Status            string // Healthy, Unhealthy or NotApplicable
	StatusCause       string // set for NotApplicable, e.g. OffByPolicy
	StatusDescription string
	ControlName       string // the control definition whose assessmentDefinitions hold Key; "" outside every control
	Preview           bool   // the recommendation is in preview: it counts in no score
	// RiskLevel, RiskFactors and AttackPaths are the Defender CSPM risk of
	// an unhealthy assessment; RiskLevel is "" without the plan.
	RiskLevel           string
	RiskFactors         []string
	AttackPaths         []string
	FirstEvaluationDate time.Time
	StatusChangeDate    time.Time
}

// controlCounts are a control's resource counts as seeded.
type controlCounts struct{ healthy, unhealthy, notApplicable int }

// defenderStore is the emulator's state of assessments, management groups,
// subscriptions whose score is not calculated yet, and Resource Graph
// results kept for their later pages.
type defenderStore struct {
	base       map[*ARMControl]controlCounts // counts before any override
	overrides  map[string]string             // lower(resource id + "|" + key) -> status
	pending    map[string][]*ARMControl      // lower(subscription id) -> controls of a subscription without a score yet
	restricted map[string]bool               // lower(management group id) the client cannot read
	results    []resourceGraphResult         // newest last
	exported   map[string]bool               // lower(subscription id) whose scores continuous export writes
}

func (e *Emulator) assessLocked() *defenderStore {
	a := &e.defender
	if a.base == nil {
		a.base = map[*ARMControl]controlCounts{}
		a.overrides = map[string]string{}
		a.pending = map[string][]*ARMControl{}
		a.restricted = map[string]bool{}
		a.exported = map[string]bool{}
	}
	return a
}

// recommendation is an assessment definition's metadata.
type recommendation struct{ name, severity string }

// recommendationsByControl names the assessment definitions of each control
// after Defender for Cloud's own recommendations; a control with more
// definitions than names gets numbered ones.
var recommendationsByControl = map[string][]recommendation{
	"Enable MFA": {
		{"Accounts with owner permissions on Azure resources should be MFA enabled", "High"},
		{"Accounts with write permissions on Azure resources should be MFA enabled", "High"},
		{"Accounts with read permissions on Azure resources should be MFA enabled", "Medium"},
	},
	"Secure management ports": {
		{"Management ports of virtual machines should be protected with just-in-time network access control", "High"},
		{"Management ports should be closed on your virtual machines", "Medium"},
		{"Internet-facing virtual machines should be protected with network security groups", "High"},
	},
	"Remediate vulnerabilities": {
		{"Machines should have vulnerability findings resolved", "High"},
		{"Azure registry container images should have vulnerabilities resolved", "High"},
		{"SQL databases should have vulnerability findings resolved", "High"},
		{"SQL servers on machines should have vulnerability findings resolved", "High"},
		{"Machines should have a vulnerability assessment solution", "Medium"},
		{"Running container images should have vulnerability findings resolved", "High"},
	},
	"Apply system updates": {
		{"System updates should be installed on your machines", "High"},
		{"Machines should be configured to periodically check for missing system updates", "Medium"},
		{"System updates on virtual machine scale sets should be installed", "High"},
		{"Kubernetes Services should be upgraded to a non-vulnerable Kubernetes version", "High"},
	},
	"Manage access and permissions": {
		{"A maximum of 3 owners should be designated for your subscription", "High"},
		{"There should be more than one owner assigned to your subscription", "High"},
		{"Deprecated accounts should be removed from your subscription", "High"},
		{"External accounts with owner permissions should be removed from your subscription", "High"},
		{"Guest accounts with write permissions on Azure resources should be removed", "High"},
		{"Service principals should be used to protect your subscriptions instead of management certificates", "Medium"},
	},
	"Enable encryption at rest": {
		{"Virtual machines and virtual machine scale sets should have encryption at host enabled", "Medium"},
		{"Transparent Data Encryption on SQL databases should be enabled", "Low"},
		{"Storage accounts should use customer-managed key for encryption", "Low"},
	},
	"Encrypt data in transit": {
		{"Secure transfer to storage accounts should be enabled", "High"},
		{"Web Application should only be accessible over HTTPS", "Medium"},
		{"Function App should only be accessible over HTTPS", "Medium"},
		{"Latest TLS version should be used in your Web App", "Low"},
		{"Enforce SSL connection should be enabled for PostgreSQL database servers", "Medium"},
	},
	"Remediate security configurations": {
		{"Vulnerabilities in security configuration on your Windows machines should be remediated", "Low"},
		{"Vulnerabilities in security configuration on your Linux machines should be remediated", "Low"},
		{"Guest Configuration extension should be installed on machines", "Medium"},
		{"Container hosts should be configured securely", "Medium"},
	},
	"Restrict unauthorized network access": {
		{"All network ports should be restricted on network security groups associated to your virtual machine", "High"},
		{"Adaptive network hardening recommendations should be applied on internet facing virtual machines", "High"},
		{"Storage account should restrict network access using virtual network rules", "Low"},
		{"IP Forwarding on your virtual machine should be disabled", "Medium"},
		{"Non-internet-facing virtual machines should be protected with network security groups", "Low"},
	},
	"Apply adaptive application control": {
		{"Adaptive application controls for defining safe applications should be enabled on your machines", "High"},
		{"Allowlist rules in your adaptive application control policy should be updated", "High"},
	},
	"Apply data classification": {
		{"Sensitive data in your SQL databases should be classified", "Medium"},
	},
	"Enable endpoint protection": {
		{"Endpoint protection should be installed on your machines", "High"},
		{"Endpoint protection health issues should be resolved on your machines", "Medium"},
		{"Windows Defender Exploit Guard should be enabled on machines", "Medium"},
		{"Endpoint protection solution should be installed on virtual machine scale sets", "High"},
	},
	"Protect applications against DDoS attacks": {
		{"Azure DDoS Protection Standard should be enabled", "Medium"},
		{"Web Application Firewall (WAF) should be enabled for Application Gateway", "Low"},
	},
	"Enable auditing and logging": {
		{"Diagnostic logs in Key Vault should be enabled", "Low"},
		{"Diagnostic logs in Azure Stream Analytics should be enabled", "Low"},
		{"Auditing on SQL server should be enabled", "Low"},
		{"Diagnostic logs in App Service should be enabled", "Low"},
		{"Diagnostic logs in Event Hub should be enabled", "Low"},
	},
	"Implement security best practices": {
		{"Storage account public access should be disallowed", "Medium"},
		{"Subnets should be associated with a network security group", "Low"},
		{"Key vaults should have soft delete enabled", "High"},
		{"Email notification for high severity alerts should be enabled", "Low"},
		{"Subscriptions should have a contact email address for security issues", "Low"},
		{"Azure Backup should be enabled for virtual machines", "Low"},
	},
	"Enable enhanced security features": {
		{"Microsoft Defender for servers should be enabled", "High"},
		{"Microsoft Defender for SQL servers on machines should be enabled", "High"},
		{"Microsoft Defender for Storage should be enabled", "High"},
		{"Microsoft Defender for Containers should be enabled", "High"},
	},
	"Tag resources with a data owner": {
		{"Resources should carry a DataOwner tag", "Low"},
	},
	outsideControlsName: {
		{"Machines should have secrets findings resolved", "High"},
	},
}

func recommendationOf(c *ARMControl, j int) recommendation {
	if names := recommendationsByControl[c.DisplayName]; j < len(names) {
		return names[j]
	}
	return recommendation{fmt.Sprintf("%s: recommendation %d", c.DisplayName, j+1), severities[j%len(severities)]}
}

var severities = []string{"High", "Medium", "Low"}

// notApplicableCauses are the causes the service gives for NotApplicable.
var notApplicableCauses = []struct{ cause, description string }{
	{"OffByPolicy", "The recommendation is disabled by a policy assignment"},
	{"Exempt", "An exemption waives this recommendation for the resource"},
	{"NotApplicableResourceType", "The recommendation does not apply to this kind of resource"},
}

// assessmentKey is the name of an assessment definition (the last segment
// of its assessmentMetadata id).
func assessmentKey(definitionID string) string {
	return definitionID[strings.LastIndex(definitionID, "/")+1:]
}

// resourceOf is a subscription's i-th resource. The first three are the
// ones governance tests name; the rest cycle through common types.
func resourceOf(subID string, i int) string {
	base := "/subscriptions/" + subID + "/resourceGroups/"
	compact := strings.ReplaceAll(subID, "-", "")
	switch i {
	case 0:
		return base + "rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01"
	case 1:
		return base + "rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-02"
	case 2:
		return base + "rg-data/providers/Microsoft.Storage/storageAccounts/stdata" + compact[:12]
	}
	n := i - 2
	switch i % 6 {
	case 0:
		return fmt.Sprintf("%srg-app/providers/Microsoft.Compute/virtualMachines/vm-app-%02d", base, n)
	case 1:
		return fmt.Sprintf("%srg-data/providers/Microsoft.Storage/storageAccounts/st%02d%s", base, n, compact[:8])
	case 2:
		return fmt.Sprintf("%srg-data/providers/Microsoft.Sql/servers/sql-%02d", base, n)
	case 3:
		return fmt.Sprintf("%srg-security/providers/Microsoft.KeyVault/vaults/kv-%02d", base, n)
	case 4:
		return fmt.Sprintf("%srg-web/providers/Microsoft.Web/sites/app-%02d", base, n)
	default:
		return fmt.Sprintf("%srg-aks/providers/Microsoft.ContainerService/managedClusters/aks-%02d", base, n)
	}
}

// baseStatus is the seeded status of definition j (of k) of a control on
// its r-th resource: resources [0, unhealthy) are unhealthy, the next
// `healthy` are healthy, the rest not applicable. On an unhealthy resource
// the first definition and definition r mod k are unhealthy, the others
// healthy, so every definition's counts stay within the control's.
func baseStatus(c controlCounts, k, j, r int) string {
	switch {
	case r < c.unhealthy:
		if j == 0 || j == r%k {
			return "Unhealthy"
		}
		return "Healthy"
	case r < c.unhealthy+c.healthy:
		return "Healthy"
	default:
		return "NotApplicable"
	}
}

// assessedControls are the controls whose assessments a subscription has:
// ascScore's, then any other initiative's control of a definition ascScore
// lacks (a custom one), or the pending controls of a subscription whose
// score is not calculated yet; then, for some, the recommendations outside
// every control (outsideControls).
func (e *Emulator) assessedControlsLocked(s *Subscription) []*ARMControl {
	if pending := e.assessLocked().pending[strings.ToLower(s.ID)]; pending != nil {
		return pending
	}
	var out []*ARMControl
	seen := map[string]bool{}
	for _, sc := range s.Scores {
		for _, c := range sc.Controls {
			if !seen[c.Name] {
				seen[c.Name] = true
				out = append(out, c)
			}
		}
	}
	if outsideControlsSubscriptions[strings.ToLower(s.ID)] {
		out = append(out, outsideControls)
	}
	return out
}

func (e *Emulator) baseCountsLocked(c *ARMControl) controlCounts {
	a := e.assessLocked()
	if b, ok := a.base[c]; ok {
		return b
	}
	return controlCounts{c.HealthyResourceCount, c.UnhealthyResourceCount, c.NotApplicableResourceCount}
}

// eachAssessmentLocked calls f for every assessment of s, control by
// control, definition by definition, resource by resource, until f
// returns false. a is reused between calls: copy it to keep it.
//
// needID false leaves a.ID empty: building it is most of a row's cost.
func (e *Emulator) eachAssessmentLocked(s *Subscription, needID bool, f func(c *ARMControl, j, r int, a *Assessment) bool) {
	overrides := e.assessLocked().overrides
	var resources []string
	resource := func(r int) string {
		for len(resources) <= r {
			resources = append(resources, resourceOf(s.ID, len(resources)))
		}
		return resources[r]
	}
	var a Assessment
	sub := strings.ToLower(s.ID)
	cspm, changes := cspmSubscriptions[sub], recentChanges[sub]
	for _, c := range e.assessedControlsLocked(s) {
		k := len(c.Definition.AssessmentDefinitions)
		counts := e.baseCountsLocked(c)
		n := counts.healthy + counts.unhealthy + counts.notApplicable
		controlName := c.Name
		if c == outsideControls {
			controlName = ""
		}
		for j, def := range c.Definition.AssessmentDefinitions {
			key := assessmentKey(def)
			rec := recommendationOf(c, j)
			for r := range n {
				res := resource(r)
				a = Assessment{
					Key: key, ResourceID: res, SubscriptionID: s.ID, DisplayName: rec.name, Severity: rec.severity,
					Status: baseStatus(counts, k, j, r), ControlName: controlName, Preview: previewRecommendations[rec.name],
				}
				if needID {
					a.ID = res + "/providers/Microsoft.Security/assessments/" + key
				}
				overridden := false
				if len(overrides) > 0 {
					if o, ok := overrides[strings.ToLower(res+"|"+key)]; ok {
						a.Status, overridden = o, true
					}
				}
				a.FirstEvaluationDate, a.StatusChangeDate = statusDates(e.today, changes[c.DisplayName], overridden, a.Status, r, counts.unhealthy)
				if cspm && a.Status == "Unhealthy" {
					a.RiskLevel, a.RiskFactors, a.AttackPaths = riskOf(s.ID, key, a.Severity, r)
				}
				if a.Status == "NotApplicable" {
					cause := notApplicableCauses[(r+j)%len(notApplicableCauses)]
					a.StatusCause, a.StatusDescription = cause.cause, cause.description
				}
				if !f(c, j, r, &a) {
					return
				}
			}
		}
	}
}

// assessmentsLocked is every assessment of s, the unhealthy ones first
// (then in control, definition and resource order).
func (e *Emulator) assessmentsLocked(s *Subscription) []*Assessment {
	var unhealthy, rest []*Assessment
	e.eachAssessmentLocked(s, true, func(_ *ARMControl, _, _ int, a *Assessment) bool {
		kept := *a
		if a.Status == "Unhealthy" {
			unhealthy = append(unhealthy, &kept)
		} else {
			rest = append(rest, &kept)
		}
		return true
	})
	return append(unhealthy, rest...)
}

// assessmentLocked finds the assessment key on resourceID, or nil.
func (e *Emulator) assessmentLocked(resourceID, key string) *Assessment {
	s := e.subs[strings.ToLower(subscriptionOf(resourceID))]
	if s == nil {
		return nil
	}
	var found *Assessment
	e.eachAssessmentLocked(s, false, func(_ *ARMControl, _, _ int, a *Assessment) bool {
		if strings.EqualFold(a.ResourceID, resourceID) && strings.EqualFold(a.Key, key) {
			kept := *a
			kept.ID = kept.ResourceID + "/providers/Microsoft.Security/assessments/" + kept.Key
			found = &kept
		}
		return found == nil
	})
	return found
}

// Assessments returns a subscription's assessments, the unhealthy ones
// first (nil when the subscription is unknown or has no Defender data).
func (e *Emulator) Assessments(subscriptionID string) []Assessment {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.subs[strings.ToLower(subscriptionID)]
	if s == nil {
		return nil
	}
	var out []Assessment
	for _, a := range e.assessmentsLocked(s) {
		out = append(out, *a)
	}
	return out
}

// SetAssessmentStatus changes an assessment's status, as when its resource is
// fixed (Healthy), and recomputes its control's counts and points and the
// scores holding the control. It reports whether the assessment exists.
func (e *Emulator) SetAssessmentStatus(resourceID, key, status string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.assessmentLocked(resourceID, key)
	if a == nil {
		return false
	}
	s := e.subs[strings.ToLower(a.SubscriptionID)]
	store := e.assessLocked()
	for _, c := range e.assessedControlsLocked(s) {
		if _, ok := store.base[c]; !ok {
			store.base[c] = e.baseCountsLocked(c)
		}
	}
	store.overrides[strings.ToLower(a.ResourceID+"|"+a.Key)] = status
	e.recountLocked(s)
	subscriptionRows.Delete(s) // the cached score and control rows changed
	return true
}

// recountLocked derives every control's counts and points from its
// assessments, and each score from its controls.
func (e *Emulator) recountLocked(s *Subscription) {
	type resourceState struct{ unhealthy, healthy bool }
	states := map[*ARMControl]map[int]*resourceState{}
	e.eachAssessmentLocked(s, false, func(c *ARMControl, _, r int, a *Assessment) bool {
		if states[c] == nil {
			states[c] = map[int]*resourceState{}
		}
		st := states[c][r]
		if st == nil {
			st = &resourceState{}
			states[c][r] = st
		}
		if a.Preview { // counts in no score
			return true
		}
		st.unhealthy = st.unhealthy || a.Status == "Unhealthy"
		st.healthy = st.healthy || a.Status == "Healthy"
		return true
	})
	apply := func(c *ARMControl, from *ARMControl) {
		h, u, n := 0, 0, 0
		for _, st := range states[from] {
			switch {
			case st.unhealthy:
				u++
			case st.healthy:
				h++
			default:
				n++
			}
		}
		updated := newARMControl(c.Definition, h, u, n)
		c.HealthyResourceCount, c.UnhealthyResourceCount, c.NotApplicableResourceCount = h, u, n
		c.Weight, c.Current, c.Percentage = updated.Weight, updated.Current, updated.Percentage
	}
	byName := map[string]*ARMControl{}
	for _, c := range e.assessedControlsLocked(s) {
		byName[c.Name] = c
	}
	for _, sc := range s.Scores {
		var current float64
		for _, c := range sc.Controls {
			if from := byName[c.Name]; from != nil && states[from] != nil {
				apply(c, from)
			}
			current += c.Current
		}
		sc.Current = round2(current)
		sc.Percentage = ratio4(sc.Current, sc.Max)
	}
	for _, c := range e.assessLocked().pending[strings.ToLower(s.ID)] {
		apply(c, c)
	}
}

// alignInitiatives makes every initiative's control of a built-in
// definition that ascScore also holds carry ascScore's counts: both count
// the same assessments.
func alignInitiatives(s *Subscription) {
	if len(s.Scores) < 2 {
		return
	}
	asc := map[string]*ARMControl{}
	for _, c := range s.Scores[0].Controls {
		asc[c.Name] = c
	}
	for _, sc := range s.Scores[1:] {
		var current float64
		for i, c := range sc.Controls {
			if same := asc[c.Name]; same != nil {
				sc.Controls[i] = newARMControl(c.Definition, same.HealthyResourceCount, same.UnhealthyResourceCount, same.NotApplicableResourceCount)
			}
			current += sc.Controls[i].Current
		}
		sc.Current = round2(current)
		sc.Percentage = ratio4(sc.Current, sc.Max)
	}
}

// assessmentStatusObjects are the shared, read-only status members of rows,
// by status and cause, evaluated 30 days before day (statusDates' default;
// statusObject builds the others).
func assessmentStatusObjects(day time.Time) map[string]map[string]any {
	evaluated := day.AddDate(0, 0, -30).Format(time.RFC3339)
	with := func(m map[string]any) map[string]any {
		m["firstEvaluationDate"], m["statusChangeDate"] = evaluated, evaluated
		return m
	}
	m := map[string]map[string]any{
		"Healthy":   with(map[string]any{"code": "Healthy"}),
		"Unhealthy": with(map[string]any{"code": "Unhealthy"}),
	}
	for _, c := range notApplicableCauses {
		m["NotApplicable/"+c.cause] = with(map[string]any{"code": "NotApplicable", "cause": c.cause, "description": c.description})
	}
	return m
}

// statusObject is the status member of a's row: a shared one when a was
// evaluated and last changed 30 days before day, else its own.
func statusObject(shared map[string]map[string]any, day time.Time, a *Assessment) map[string]any {
	key := a.Status
	if a.StatusCause != "" {
		key += "/" + a.StatusCause
	}
	old := day.AddDate(0, 0, -30)
	if a.FirstEvaluationDate.Equal(old) && a.StatusChangeDate.Equal(old) {
		return shared[key]
	}
	m := cloneMap(shared[key])
	m["firstEvaluationDate"], m["statusChangeDate"] = a.FirstEvaluationDate.Format(time.RFC3339), a.StatusChangeDate.Format(time.RFC3339)
	return m
}

// assessmentProperties is the properties member of a's row.
func assessmentProperties(a *Assessment, status, details, metadata, links map[string]any) map[string]any {
	p := map[string]any{"displayName": a.DisplayName, "status": status, "resourceDetails": details, "metadata": metadata, "links": links}
	if risk := riskObject(a); risk != nil {
		p["risk"] = risk
	}
	return p
}

// assessmentRowsLocked yields the securityresources rows of s's
// assessments, in the shape Resource Graph returns
// (https://learn.microsoft.com/azure/governance/resource-graph/samples/samples-by-table#securityresources).
//
// With columns (what a query that projects or summarises names), a row holds
// only those: a thousand subscriptions' million rows then cost a fraction of
// the allocations, and the query cannot tell.
func (e *Emulator) assessmentRowsLocked(s *Subscription, columns map[string]bool, yield func(row) bool) bool {
	metadata := map[string]map[string]any{}
	links := map[string]map[string]any{}
	type resourceInfo struct {
		details map[string]any
		group   string
	}
	var resources []resourceInfo
	statuses := assessmentStatusObjects(e.today)
	ok := true
	e.eachAssessmentLocked(s, columns == nil || columns["id"], func(c *ARMControl, j, r int, a *Assessment) bool {
		md := metadata[a.Key]
		if md == nil {
			kind := "BuiltIn"
			if c.Definition.SourceType == "Custom" {
				kind = "CustomPolicy"
			}
			md = map[string]any{"displayName": a.DisplayName, "severity": a.Severity, "assessmentType": kind}
			if a.Preview {
				md["preview"] = true
			}
			metadata[a.Key] = md
			// The service's portal links carry no scheme.
			links[a.Key] = map[string]any{"azurePortal": "portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/assessmentKey/" + a.Key}
		}
		for len(resources) <= r {
			resources = append(resources, resourceInfo{})
		}
		if resources[r].details == nil {
			resources[r] = resourceInfo{map[string]any{"Source": "Azure", "Id": a.ResourceID}, resourceGroupOf(a.ResourceID)}
		}
		if columns == nil {
			ok = yield(row{
				"id": a.ID, "name": a.Key, "type": "microsoft.security/assessments", "tenantId": s.TenantID, "kind": "", "location": "",
				"resourceGroup": resources[r].group, "subscriptionId": s.ID, "managedBy": "", "sku": nil, "plan": nil,
				"properties": assessmentProperties(a, statusObject(statuses, e.today, a), resources[r].details, md, links[a.Key]),
				"tags":       nil, "identity": nil, "zones": nil, "extendedLocation": nil,
			})
			return ok
		}
		out := make(row, len(columns))
		for c := range columns {
			switch c {
			case "id":
				out[c] = a.ID
			case "name":
				out[c] = a.Key
			case "type":
				out[c] = "microsoft.security/assessments"
			case "tenantId":
				out[c] = s.TenantID
			case "resourceGroup":
				out[c] = resources[r].group
			case "subscriptionId":
				out[c] = s.ID
			case "properties":
				out[c] = assessmentProperties(a, statusObject(statuses, e.today, a), resources[r].details, md, links[a.Key])
			case "kind", "location", "managedBy":
				out[c] = ""
			case "sku", "plan", "tags", "identity", "zones", "extendedLocation":
				out[c] = nil
			}
		}
		ok = yield(out)
		return ok
	})
	return ok
}

func subscriptionOf(resourceID string) string {
	segs := strings.Split(strings.Trim(resourceID, "/"), "/")
	if len(segs) >= 2 && strings.EqualFold(segs[0], "subscriptions") {
		return segs[1]
	}
	return ""
}

func resourceGroupOf(resourceID string) string {
	segs := strings.Split(strings.Trim(resourceID, "/"), "/")
	if len(segs) >= 4 && strings.EqualFold(segs[2], "resourceGroups") {
		return strings.ToLower(segs[3])
	}
	return ""
}

// NotCalculatedSubscriptionID is the seeded Contoso subscription whose
// first secure score Defender for Cloud has not calculated yet: it has
// assessments, but no secure score or control rows, and ARM answers 404
// for its ascScore.
var NotCalculatedSubscriptionID = guidFrom("subscription:contoso:onboarding")

// seedNotCalculated adds Contoso Onboarding: assessed, not scored yet.
func (e *Emulator) seedNotCalculated() {
	t := e.tenants[strings.ToLower(DefaultTenantID)]
	s := newSubscription(t.ID, subscriptionSeed{NotCalculatedSubscriptionID, "Contoso Onboarding", 11, true, false})
	e.assessLocked().pending[strings.ToLower(s.ID)] = s.Scores[0].Controls
	s.Scores = nil
	t.Subscriptions = append(t.Subscriptions, s)
	e.subs[strings.ToLower(s.ID)] = s
}

// NotCalculatedControls returns the controls behind the assessments of a
// subscription whose score is not calculated yet (nil for the others), for
// tests to count its recommendations.
func (e *Emulator) NotCalculatedControls(subscriptionID string) []ARMControl {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []ARMControl
	for _, c := range e.assessLocked().pending[strings.ToLower(subscriptionID)] {
		cc := *c
		cc.Definition = c.Definition.clone()
		out = append(out, cc)
	}
	return out
}

// scaleResources multiplies a generated subscription's resource counts by
// Options.ResourceScale: the points and percentages stay the same (the
// ratio of healthy to assessed resources does not change), the rows of
// per-resource assessments grow.
func (e *Emulator) scaleResources(s *Subscription) {
	m := e.opts.ResourceScale
	if m <= 1 {
		return
	}
	for _, sc := range s.Scores {
		for i, c := range sc.Controls {
			sc.Controls[i] = newARMControl(c.Definition, c.HealthyResourceCount*m, c.UnhealthyResourceCount*m, c.NotApplicableResourceCount*m)
		}
		var current float64
		for _, c := range sc.Controls {
			current += c.Current
		}
		sc.Current = round2(current)
		sc.Percentage = ratio4(sc.Current, sc.Max)
	}
}

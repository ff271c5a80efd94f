package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// Every control's counts are what its assessments say: a resource is
// unhealthy when one of the control's assessments is unhealthy on it,
// healthy when all applicable ones are healthy.
func TestAssessmentsMatchControlCounts(t *testing.T) {
	e := New(Options{})
	for _, s := range e.Tenant(DefaultTenantID).Subscriptions {
		if len(s.Scores) == 0 {
			continue
		}
		perControl := map[string]map[string]string{} // control -> resource -> worst status
		for _, a := range e.Assessments(s.ID) {
			if perControl[a.ControlName] == nil {
				perControl[a.ControlName] = map[string]string{}
			}
			worst := perControl[a.ControlName][a.ResourceID]
			switch {
			case a.Status == "Unhealthy", worst == "":
				perControl[a.ControlName][a.ResourceID] = a.Status
			case a.Status == "Healthy" && worst == "NotApplicable":
				perControl[a.ControlName][a.ResourceID] = a.Status
			}
		}
		for _, c := range s.Scores[0].Controls {
			h, u, n := 0, 0, 0
			for _, st := range perControl[c.Name] {
				switch st {
				case "Healthy":
					h++
				case "Unhealthy":
					u++
				default:
					n++
				}
			}
			if h != c.HealthyResourceCount || u != c.UnhealthyResourceCount || n != c.NotApplicableResourceCount {
				t.Errorf("%s %s: assessments give %d/%d/%d, the control says %d/%d/%d", s.DisplayName, c.DisplayName,
					h, u, n, c.HealthyResourceCount, c.UnhealthyResourceCount, c.NotApplicableResourceCount)
			}
		}
	}
}

// Contoso Production's "Secure management ports" (max 8) has 16 healthy, 11
// unhealthy and 3 not-applicable resources: 8 × 16 / 27 = 4.74 points.
// Fixing the only unhealthy assessment of the last unhealthy resource
// (resource 10: definitions 0 and 10 mod 3 = 1 are unhealthy) makes it 17
// healthy of 27: 8 × 17 / 27 = 5.04; the score moves from 50.95 by 0.30.
func TestSetAssessmentStatusRecountsPoints(t *testing.T) {
	e := New(Options{})
	var ports *ARMControl
	for _, c := range e.Tenant(DefaultTenantID).Subscriptions[0].Scores[0].Controls {
		if c.DisplayName == "Secure management ports" {
			ports = c
		}
	}
	if ports == nil || ports.Current != 4.74 || ports.HealthyResourceCount != 16 || ports.UnhealthyResourceCount != 11 {
		t.Fatalf("seed changed: %+v", ports)
	}
	resource := resourceOf(DefaultSubscriptionID, 10)
	keys := ports.Definition.AssessmentDefinitions
	for _, def := range keys[:2] {
		if !e.SetAssessmentStatus(resource, assessmentKey(def), "Healthy") {
			t.Fatal("assessment not found")
		}
	}
	after := e.Tenant(DefaultTenantID).Subscriptions[0].Scores[0]
	for _, c := range after.Controls {
		if c.Name == ports.Name && (c.Current != 5.04 || c.HealthyResourceCount != 17 || c.UnhealthyResourceCount != 10) {
			t.Errorf("after the fix: %+v", c)
		}
	}
	if after.Current != 51.25 {
		t.Errorf("score after the fix: %v, want 51.25", after.Current)
	}
}

func TestRecommendationsQueryAndScopes(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := armToken(t, e, c, DefaultTenantID)
	query := func(body map[string]any) response {
		return call(t, c, http.MethodPost, e.ARMURL()+rgURL, tok, body)
	}

	// One row per recommendation of the subscription, summarised by the query.
	r := query(map[string]any{"subscriptions": []string{DefaultSubscriptionID}, "query": `securityresources
		| where type == 'microsoft.security/assessments'
		| summarize unhealthy = countif(properties.status.code =~ 'Unhealthy'), healthy = countif(properties.status.code =~ 'Healthy'),
			resources = make_list_if(properties.resourceDetails.Id, properties.status.code =~ 'Unhealthy', 2),
			displayName = take_any(properties.displayName), link = take_any(properties.links.azurePortal) by subscriptionId, name
		| where unhealthy > 0
		| order by unhealthy desc, name asc`})
	data, _ := r.body["data"].([]any)
	if r.status != 200 || len(data) == 0 {
		t.Fatalf("summarised query: %d %s", r.status, r.raw)
	}
	// The custom initiative's control has 12 unhealthy resources, then
	// "Secure management ports" 11; their first definitions are unhealthy
	// on all of them.
	first := data[0]
	if num(path(first, "unhealthy")) != 12 || path(first, "displayName") != "Resources should carry a DataOwner tag" {
		t.Errorf("top row: %v", first)
	}
	if num(path(data[1], "unhealthy")) != 11 || path(data[1], "displayName") != "Management ports of virtual machines should be protected with just-in-time network access control" {
		t.Errorf("second row: %v", data[1])
	}
	if list, _ := path(first, "resources").([]any); len(list) != 2 {
		t.Errorf("make_list_if limit: %v", path(first, "resources"))
	}
	if link, _ := path(first, "link").(string); !strings.HasPrefix(link, "portal.azure.com/#blade/Microsoft_Azure_Security/") {
		t.Errorf("portal link: %v", path(first, "link"))
	}

	// resourcecontainers lists the readable subscriptions, scored or not.
	r = query(map[string]any{"managementGroups": []string{NonProductionManagementGroupID},
		"query": "resourcecontainers | where type == 'microsoft.resources/subscriptions' | project subscriptionId, name | order by name asc"})
	data, _ = r.body["data"].([]any)
	if r.status != 200 || len(data) != 3 || path(data[1], "name") != "Contoso Onboarding" || path(data[1], "subscriptionId") != NotCalculatedSubscriptionID {
		t.Fatalf("subscriptions of the non-production group: %d %s", r.status, r.raw)
	}

	// The restricted group is refused, with the ARM authorization error.
	r = query(map[string]any{"managementGroups": []string{ManagementGroupID, RestrictedManagementGroupID}, "query": scoreQuery})
	if r.status != 403 || r.errorCode() != "AuthorizationFailed" || !strings.Contains(string(r.raw), RestrictedManagementGroupID) {
		t.Fatalf("restricted group: %d %s", r.status, r.raw)
	}

	// The subscription not calculated yet has assessments, no score.
	r = query(map[string]any{"subscriptions": []string{NotCalculatedSubscriptionID}, "query": scoreQuery})
	if data, _ := r.body["data"].([]any); r.status != 200 || len(data) != 0 {
		t.Fatalf("score of the subscription not calculated: %s", r.raw)
	}
	r = query(map[string]any{"subscriptions": []string{NotCalculatedSubscriptionID}, "query": "securityresources | where type == 'microsoft.security/assessments' | summarize n = count()"})
	if data, _ := r.body["data"].([]any); r.status != 200 || len(data) != 1 || num(path(data[0], "n")) == 0 {
		t.Fatalf("assessments of the subscription not calculated: %s", r.raw)
	}
	if r := get(t, c, secURL(e, NotCalculatedSubscriptionID, "secureScores/ascScore"), tok); r.status != 404 ||
		!strings.Contains(string(r.raw), `"Code":"ResourceNotFound"`) || !strings.Contains(string(r.raw), "does not exist in scope") {
		t.Fatalf("ARM score of the subscription not calculated: %d %s", r.status, r.raw)
	}
}

func TestKQLSummarize(t *testing.T) {
	rows := []row{
		{"s": "a", "k": "x", "n": 1.0, "t": "2026-11-01T10:00:00Z"},
		{"s": "a", "k": "x", "n": 3.0, "t": "2026-11-01T23:00:00Z"},
		{"s": "a", "k": "y", "n": 2.0, "t": "2026-11-02T01:00:00Z"},
		{"s": "b", "k": "x", "n": 5.0, "t": "2026-11-02T05:00:00Z"},
	}
	for _, tc := range []struct {
		query string
		check func(out []row) bool
	}{
		{"securityresources | summarize c = count(), big = countif(n >= 3), total = sum(n) by s | order by s asc", func(out []row) bool {
			return len(out) == 2 && out[0]["c"] == 3.0 && out[0]["big"] == 1.0 && out[0]["total"] == 6.0 && out[1]["c"] == 1.0
		}},
		{"securityresources | summarize arg_max(t, n) by s, day = startofday(t) | order by s asc, day asc", func(out []row) bool {
			return len(out) == 3 && out[0]["n"] == 3.0 && out[0]["day"] == "2026-11-01T00:00:00Z" && out[1]["day"] == "2026-11-02T00:00:00Z"
		}},
		{"securityresources | where t >= datetime('2026-11-02T00:00:00Z') | summarize c = count()", func(out []row) bool {
			return len(out) == 1 && out[0]["c"] == 2.0
		}},
		// todatetime() around a column; a summary of a summary.
		{"securityresources | summarize late = countif(todatetime(t) >= datetime('2026-11-02T00:00:00Z')) by s, k | summarize n = sum(late), subs = make_list_if(s, late > 0) by k | order by k asc", func(out []row) bool {
			subs, _ := out[0]["subs"].([]any)
			return len(out) == 2 && out[0]["n"] == 1.0 && len(subs) == 1 && subs[0] == "b" && out[1]["n"] == 1.0
		}},
		{"securityresources | where k == 'nothing' | summarize c = count()", func(out []row) bool {
			return len(out) == 1 && out[0]["c"] == 0.0
		}},
		{"securityresources | extend m = n | summarize ks = make_set(k), first = take_anyif(k, n > 4) by s | order by s desc", func(out []row) bool {
			ks, _ := out[1]["ks"].([]any)
			return len(out) == 2 && out[0]["first"] == "x" && out[1]["first"] == nil && len(ks) == 2
		}},
	} {
		q, err := parseKQL(tc.query)
		if err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		out, err := q.runStream(func(yield func(row) bool) {
			for _, r := range rows {
				if !yield(r) {
					return
				}
			}
		})
		if err != nil || !tc.check(out) {
			t.Errorf("%s: %v %v", tc.query, out, err)
		}
	}
}

// Contoso Production has Defender CSPM: its just-in-time recommendation
// (High) on vm-web-01 is Critical with one attack path; Contoso Shared
// Services has not: no risk. "Container hosts should be configured
// securely" is a preview recommendation in its control. Production's
// vm-web-02 turned unhealthy for it 6 days ago.
func TestAssessmentInsights(t *testing.T) {
	e := New(Options{})
	find := func(sub, name string, r int) *Assessment {
		for _, a := range e.Assessments(sub) {
			if a.DisplayName == name && a.ResourceID == resourceOf(sub, r) {
				return &a
			}
		}
		t.Fatalf("%s on resource %d of %s not found", name, r, sub)
		return nil
	}
	jit := "Management ports of virtual machines should be protected with just-in-time network access control"
	if a := find(DefaultSubscriptionID, jit, 0); a.RiskLevel != "Critical" || len(a.AttackPaths) != 1 || a.Preview {
		t.Errorf("Production vm-web-01: %+v", a)
	}
	if a := find(DefaultSubscriptionID, jit, 1); !a.StatusChangeDate.Equal(e.today.AddDate(0, 0, -6)) || a.RiskLevel != "Low" {
		t.Errorf("Production vm-web-02: %+v", a)
	}
	shared := guidFrom("subscription:contoso:shared")
	if a := find(shared, "Machines should have vulnerability findings resolved", 0); a.RiskLevel != "" || a.Status != "Unhealthy" {
		t.Errorf("Shared Services without Defender CSPM: %+v", a)
	}
	if a := find(shared, "Container hosts should be configured securely", 3); !a.Preview || a.ControlName == "" {
		t.Errorf("preview in a control: %+v", a)
	}
	if a := find(shared, "Machines should have secrets findings resolved", 0); !a.Preview || a.ControlName != "" {
		t.Errorf("preview outside every control: %+v", a)
	}
	// A status set now changed today.
	key := ""
	for _, a := range e.Assessments(DefaultSubscriptionID) {
		if a.DisplayName == jit {
			key = a.Key
		}
	}
	if !e.SetAssessmentStatus(resourceOf(DefaultSubscriptionID, 0), key, "Healthy") {
		t.Fatal("assessment not found")
	}
	if a := find(DefaultSubscriptionID, jit, 0); !a.StatusChangeDate.Equal(e.today) || a.RiskLevel != "" {
		t.Errorf("after the fix: %+v", a)
	}
}

package emulator

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func profilesURL(e *Emulator) string {
	return e.GraphURL() + "/v1.0/security/secureScoreControlProfiles"
}

var vendor = map[string]any{"provider": "SecureScore", "providerVersion": nil, "subProvider": nil, "vendor": "Microsoft"}

func TestGraphLists(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := graphToken(t, e, c, DefaultTenantID)
	tenant := e.Tenant(DefaultTenantID)

	scores, pages := follow(t, c, e.GraphURL()+"/v1.0/security/secureScores", tok, "@odata.nextLink")
	if len(scores) != 90 || pages != 1 { // pages of 200 by default
		t.Fatalf("%d snapshots in %d pages", len(scores), pages)
	}
	today := time.Now().UTC().Format("2006-01-02")
	if path(scores[0], "id") != DefaultTenantID+"_"+today {
		t.Fatalf("newest snapshot %v, want today", path(scores[0], "id"))
	}
	cs, _ := path(scores[0], "controlScores").([]any)
	if len(cs) == 0 || path(cs[0], "scoreInPercentage") == nil || path(scores[0], "x-unknownField") == nil {
		t.Fatalf("extras missing: %v", scores[0])
	}
	if num(path(scores[0], "currentScore")) != tenant.SecureScores[0].CurrentScore {
		t.Fatalf("currentScore %v", path(scores[0], "currentScore"))
	}

	r := get(t, c, e.GraphURL()+"/v1.0/security/secureScores?$top=1", tok)
	if len(r.values()) != 1 || r.body["@odata.nextLink"] == nil {
		t.Fatalf("$top=1: %d values, next %v", len(r.values()), r.body["@odata.nextLink"])
	}
	if r.header.Get("request-id") == "" || r.header.Get("client-request-id") == "" {
		t.Fatal("Graph request ids missing")
	}
	top30, pages30 := follow(t, c, e.GraphURL()+"/v1.0/security/secureScores?$top=30", tok, "@odata.nextLink")
	if len(top30) != 90 || pages30 != 3 {
		t.Fatalf("$top=30 pages: %d in %d pages", len(top30), pages30)
	}

	profiles, pages := follow(t, c, profilesURL(e), tok, "@odata.nextLink")
	if len(profiles) != len(tenant.Profiles) || pages != 1 {
		t.Fatalf("%d profiles in %d pages", len(profiles), pages)
	}
	// $top is the page size, up to 999; the service's own pages are 200.
	e.AddProfiles(DefaultTenantID, 400)
	all := len(e.Tenant(DefaultTenantID).Profiles)
	if got, pages := follow(t, c, profilesURL(e), tok, "@odata.nextLink"); len(got) != all || pages != (all+199)/200 {
		t.Fatalf("default paging: %d of %d in %d pages", len(got), all, pages)
	}
	if got, pages := follow(t, c, profilesURL(e)+"?$top=999", tok, "@odata.nextLink"); len(got) != all || pages != 1 {
		t.Fatalf("$top=999: %d of %d in %d pages", len(got), all, pages)
	}
	if got, pages := follow(t, c, profilesURL(e)+"?$top=100", tok, "@odata.nextLink"); len(got) != all || pages != (all+99)/100 {
		t.Fatalf("$top=100: %d of %d in %d pages", len(got), all, pages)
	}
	r = get(t, c, profilesURL(e)+"/AdminMFAV2", tok)
	if r.status != 200 || r.body["id"] != "AdminMFAV2" || r.body["x-unknownField"] == nil {
		t.Fatalf("get: %d %s", r.status, r.raw)
	}
	if r := get(t, c, profilesURL(e)+"/NoSuchControl", tok); r.status != 404 || r.errorCode() != "ItemNotFound" {
		t.Fatalf("unknown profile: %d %s", r.status, r.raw)
	}
	if r := get(t, c, profilesURL(e), armToken(t, e, c, DefaultTenantID)); r.status != 401 || r.errorCode() != "InvalidAuthenticationToken" {
		t.Fatalf("ARM token on Graph: %d %s", r.status, r.raw)
	}
	if r := get(t, c, profilesURL(e), ""); r.status != 401 || path(r.body, "error", "innerError", "request-id") == nil {
		t.Fatalf("no token: %d %s", r.status, r.raw)
	}

	// Another tenant's token sees that tenant's data.
	second := get(t, c, profilesURL(e)+"?$top=100", graphToken(t, e, c, SecondTenantID))
	if len(second.values()) != 20 || path(second.values()[0], "azureTenantId") != SecondTenantID {
		t.Fatalf("second tenant: %d", len(second.values()))
	}
}

func TestGraphPatch(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := graphToken(t, e, c, DefaultTenantID)
	patch := func(id string, body map[string]any, headers ...string) response {
		return call(t, c, http.MethodPatch, profilesURL(e)+"/"+id, tok, body, headers...)
	}

	for _, tc := range []struct {
		name, id string
		body     map[string]any
	}{
		{"no vendorInformation", "AdminMFAV2", map[string]any{"state": "Reviewed"}},
		{"vendor missing", "AdminMFAV2", map[string]any{"state": "Reviewed", "vendorInformation": map[string]any{"provider": "SecureScore"}}},
		{"bad state", "AdminMFAV2", map[string]any{"state": "Completed", "vendorInformation": vendor}},
		{"device", "mde_onboarded_devices", map[string]any{"state": "Ignored", "vendorInformation": vendor}},
		{"scid", "scid_2002", map[string]any{"state": "Ignored", "vendorInformation": vendor}},
	} {
		if r := patch(tc.id, tc.body); r.status != 400 {
			t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
		}
	}

	before, _ := e.Tenant(DefaultTenantID).Profiles[0].CurrentState() // AdminMFAV2
	r := patch("AdminMFAV2", map[string]any{"comment": "only the comment", "vendorInformation": vendor})
	if r.status != http.StatusNoContent {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	p := e.Tenant(DefaultTenantID).Profiles[0]
	after, _ := p.CurrentState()
	if len(p.ControlStateUpdates) != 2 || after.Comment != "only the comment" || after.State != before.State ||
		after.AssignedTo != before.AssignedTo || after.UpdatedBy != ClientID || !after.UpdatedDateTime.After(before.UpdatedDateTime) {
		t.Fatalf("after patch: %+v (before %+v)", after, before)
	}

	r = patch("AdminMFAV2", map[string]any{"state": "ignored", "assignedTo": "", "vendorInformation": vendor}, "Prefer", "return=representation")
	if r.status != http.StatusOK || r.body["id"] != "AdminMFAV2" {
		t.Fatalf("representation: %d %s", r.status, r.raw)
	}
	updates, _ := r.body["controlStateUpdates"].([]any)
	last := updates[len(updates)-1]
	if path(last, "state") != "Ignored" || path(last, "comment") != "only the comment" || path(last, "assignedTo") != nil {
		t.Fatalf("newest entry: %v", last)
	}
	if _, err := time.Parse(time.RFC3339, path(last, "updatedDateTime").(string)); err != nil || !strings.HasSuffix(path(last, "updatedDateTime").(string), "Z") {
		t.Fatalf("updatedDateTime %v", path(last, "updatedDateTime"))
	}

	// Permissions are checked per request.
	e.SetGraphRoles(ClientID, RoleSecurityEventsRead)
	if r := patch("AdminMFAV2", map[string]any{"state": "Reviewed", "vendorInformation": vendor}); r.status != 403 ||
		r.errorCode() != "Authorization_RequestDenied" || !strings.Contains(string(r.raw), RoleSecurityEventsReadWrite) {
		t.Fatalf("read-only patch: %d %s", r.status, r.raw)
	}
	if r := get(t, c, profilesURL(e)+"/AdminMFAV2", tok); r.status != 200 {
		t.Fatalf("read-only get: %d", r.status)
	}
	e.SetGraphRoles(ClientID)
	if r := get(t, c, profilesURL(e), tok); r.status != 403 || !strings.Contains(string(r.raw), RoleSecurityEventsRead) {
		t.Fatalf("no roles: %d %s", r.status, r.raw)
	}
}

func TestStaleReadsAndPortalChanges(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := graphToken(t, e, c, DefaultTenantID)
	e.SetStaleReads(2)
	u := profilesURL(e) + "/SelfServicePasswordReset"
	if r := call(t, c, http.MethodPatch, u, tok, map[string]any{"state": "Reviewed", "vendorInformation": vendor}); r.status != 204 {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	stateOf := func(r response) any {
		ups, _ := r.body["controlStateUpdates"].([]any)
		newest := ""
		var state any
		for _, u := range ups {
			if d := path(u, "updatedDateTime").(string); d > newest {
				newest, state = d, path(u, "state")
			}
		}
		return state
	}
	for i, want := range []string{"Ignored", "Ignored", "Reviewed"} {
		if got := stateOf(get(t, c, u, tok)); got != want {
			t.Fatalf("read %d: %v, want %s", i+1, got, want)
		}
	}

	e.PatchProfile(DefaultTenantID, "SelfServicePasswordReset", "ThirdParty", "done in the portal", "", "megan.bowen@contoso.onmicrosoft.com")
	if got := stateOf(get(t, c, u, tok)); got != "ThirdParty" {
		t.Fatalf("portal change: %v", got)
	}

	ids := e.AddProfiles(DefaultTenantID, 3)
	tenant := e.Tenant(DefaultTenantID)
	newest := tenant.SecureScores[0]
	var sum float64
	for _, cs := range newest.ControlScores {
		sum += cs.Score
	}
	if len(ids) != 3 || newest.ControlScores[len(newest.ControlScores)-1].ControlName != ids[2] || round2(sum) != newest.CurrentScore {
		t.Fatalf("AddProfiles: %v, current %v vs sum %v", ids, newest.CurrentScore, sum)
	}
}

func TestMaxConcurrent(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := graphToken(t, e, c, DefaultTenantID)
	e.SetFault(RouteGraphProfileGet, Fault{Latency: 150 * time.Millisecond})
	e.ResetCounts()
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() { get(t, c, profilesURL(e)+"/AdminMFAV2", tok) })
	}
	wg.Wait()
	if got := e.MaxConcurrent(DefaultTenantID); got != 5 {
		t.Fatalf("MaxConcurrent = %d, want 5", got)
	}
	if got := e.MaxConcurrent(SecondTenantID); got != 0 {
		t.Fatalf("other tenant: %d", got)
	}
	if e.Count(RouteGraphProfileGet) != 5 {
		t.Fatalf("count %d", e.Count(RouteGraphProfileGet))
	}
}

package emulator

import (
	"math"
	"strings"
	"testing"
)

func TestARMAuthAndValidation(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	arm := armToken(t, e, c, DefaultTenantID)
	graph := graphToken(t, e, c, DefaultTenantID)
	other := armToken(t, e, c, SecondTenantID)
	denied := e.Tenant(DefaultTenantID).Subscriptions[1].ID
	e.DenySubscription(denied)
	base := e.ARMURL() + "/subscriptions/" + DefaultSubscriptionID + "/providers/Microsoft.Security/secureScores"

	cases := []struct {
		name, url, token string
		status           int
		code             string
	}{
		{"no token", base + "?api-version=2020-01-01", "", 401, "AuthenticationFailed"},
		{"graph token", base + "?api-version=2020-01-01", graph, 401, "InvalidAuthenticationTokenAudience"},
		{"other tenant", base + "?api-version=2020-01-01", other, 401, "InvalidAuthenticationTokenTenant"},
		{"bogus token", base + "?api-version=2020-01-01", "abc", 401, "InvalidAuthenticationToken"},
		{"no api-version", base, arm, 400, "MissingApiVersionParameter"},
		{"wrong api-version", base + "?api-version=2019-01-01", arm, 400, "InvalidApiVersionParameter"},
		{"unknown subscription", secURL(e, "00000000-0000-4000-8000-000000000000", "secureScores"), arm, 404, "SubscriptionNotFound"},
		{"malformed subscription", secURL(e, "not-a-guid", "secureScores"), arm, 400, "InvalidSubscriptionId"},
		{"denied", secURL(e, denied, "secureScores"), arm, 403, "AuthorizationFailed"},
		{"unknown score", secURL(e, DefaultSubscriptionID, "secureScores/nope"), arm, 404, "NotFound"},
	}
	for _, tc := range cases {
		r := get(t, c, tc.url, tc.token)
		if r.status != tc.status || r.errorCode() != tc.code {
			t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
		}
		if r.header.Get("x-ms-request-id") == "" {
			t.Errorf("%s: no x-ms-request-id", tc.name)
		}
	}

	e.ExpireTokens()
	if r := get(t, c, base+"?api-version=2020-01-01", arm); r.status != 401 || r.errorCode() != "ExpiredAuthenticationToken" {
		t.Fatalf("expired ARM token: %d %s", r.status, r.raw)
	}
	if r := get(t, c, e.GraphURL()+"/v1.0/security/secureScores", graph); r.status != 401 || r.errorCode() != "InvalidAuthenticationToken" {
		t.Fatalf("expired Graph token: %d %s", r.status, r.raw)
	}
}

func TestARMScoresMatchSeed(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := armToken(t, e, c, DefaultTenantID)
	tenant := e.Tenant(DefaultTenantID)
	if len(tenant.Subscriptions) != 7 || tenant.Subscriptions[0].ID != DefaultSubscriptionID {
		t.Fatalf("subscriptions: %d", len(tenant.Subscriptions))
	}
	zeroWeight, noDefender := 0, 0
	for _, s := range tenant.Subscriptions {
		if len(s.Scores) == 0 {
			noDefender++
			if r := get(t, c, secURL(e, s.ID, "secureScores/ascScore"), tok); r.status != 404 {
				t.Errorf("no-Defender get: %d", r.status)
			}
			for _, list := range []string{"secureScores", "secureScoreControls", "secureScoreControlDefinitions"} {
				if items, _ := follow(t, c, secURL(e, s.ID, list), tok, "nextLink"); len(items) != 0 {
					t.Errorf("no-Defender %s: %d items", list, len(items))
				}
			}
			continue
		}
		asc := s.Scores[0]
		if asc.Weight == 0 {
			zeroWeight++
		}
		r := get(t, c, secURL(e, s.ID, "secureScores/ascScore"), tok)
		props := r.body["properties"]
		if r.status != 200 || path(props, "displayName") != "ASC score" ||
			num(path(props, "score", "max")) != float64(asc.Max) || num(path(props, "score", "current")) != asc.Current ||
			num(path(props, "weight")) != float64(asc.Weight) {
			t.Errorf("ascScore of %s: %s", s.ID, r.raw)
		}
		if want := math.Round(asc.Current/float64(asc.Max)*10000) / 10000; num(path(props, "score", "percentage")) != want {
			t.Errorf("percentage %v, want %v", path(props, "score", "percentage"), want)
		}
		if r.body["id"] != "/subscriptions/"+s.ID+"/providers/Microsoft.Security/secureScores/ascScore" || r.body["type"] != "Microsoft.Security/secureScores" {
			t.Errorf("id/type: %s", r.raw)
		}
		if n := len(asc.Controls); n < 13 || n > 15 {
			t.Errorf("%d controls", n)
		}
	}
	if zeroWeight != 1 || noDefender != 2 { // Legacy (no Defender) and Onboarding (not calculated yet)
		t.Fatalf("zero weight %d, no Defender %d", zeroWeight, noDefender)
	}
	if mg := tenant.ManagementGroups[ManagementGroupID]; len(mg) != 3 || mg[0] != DefaultSubscriptionID {
		t.Fatalf("management group: %v", mg)
	}

	// The default subscription has a custom initiative with a Custom control.
	scores, _ := follow(t, c, secURL(e, DefaultSubscriptionID, "secureScores"), tok, "nextLink")
	if len(scores) != 2 {
		t.Fatalf("%d scores", len(scores))
	}
	custom := tenant.Subscriptions[0].Scores[1]
	ctls, _ := follow(t, c, secURL(e, DefaultSubscriptionID, "secureScores/"+custom.Name+"/secureScoreControls?$expand=definition"), tok, "nextLink")
	sources := map[any]int{}
	for _, it := range ctls {
		sources[path(it, "properties", "definition", "properties", "source", "sourceType")]++
	}
	if sources["Custom"] != 1 || sources["BuiltIn"] != 2 {
		t.Fatalf("custom initiative sources: %v", sources)
	}
}

func TestARMPagingAndDefinitions(t *testing.T) {
	e := start(t, Options{ARMPageSize: 4})
	c := clientFor(t, e)
	tok := armToken(t, e, c, DefaultTenantID)
	want := e.Tenant(DefaultTenantID).Subscriptions[0].Scores[0].Controls

	items, pages := follow(t, c, secURL(e, DefaultSubscriptionID, "secureScoreControls?$expand=definition"), tok, "nextLink")
	if len(items) != len(want) || pages != (len(want)+3)/4 {
		t.Fatalf("%d items in %d pages, want %d", len(items), pages, len(want))
	}
	for i, it := range items {
		if path(it, "name") != want[i].Name || num(path(it, "properties", "healthyResourceCount")) != float64(want[i].HealthyResourceCount) {
			t.Errorf("item %d: %v", i, it)
		}
		def := path(it, "properties", "definition", "properties")
		if def == nil || path(def, "description") != nil || path(def, "assessmentDefinitions") == nil {
			t.Errorf("expanded definition %d: %v", i, def)
		}
	}
	// Without $expand there is no definition.
	r := get(t, c, secURL(e, DefaultSubscriptionID, "secureScoreControls"), tok)
	if path(r.values()[0], "properties", "definition") != nil || !strings.HasPrefix(r.body["nextLink"].(string), e.ARMURL()) {
		t.Fatalf("plain control list: %s", r.raw)
	}

	e.SetPageSizes(100, 0, 0)
	tenantDefs, _ := follow(t, c, e.ARMURL()+"/providers/Microsoft.Security/secureScoreControlDefinitions?api-version=2020-01-01", tok, "nextLink")
	subDefs, _ := follow(t, c, secURL(e, DefaultSubscriptionID, "secureScoreControlDefinitions"), tok, "nextLink")
	if len(tenantDefs) != len(e.ControlDefinitions("")) || len(subDefs) != len(tenantDefs)+1 {
		t.Fatalf("definitions: tenant %d, subscription %d", len(tenantDefs), len(subDefs))
	}
	types := map[any]bool{}
	for _, d := range subDefs {
		types[path(d, "type")] = true
		if path(d, "properties", "description") == "" || path(d, "properties", "description") == nil {
			t.Errorf("definition without description: %v", d)
		}
	}
	if !types["Microsoft.Security/secureScoreControlDefinitions"] || !types["Microsoft.Security/SecureScoreControlDefinitions"] {
		t.Fatalf("type spellings: %v", types)
	}
}

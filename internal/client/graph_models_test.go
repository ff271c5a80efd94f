package client

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// A page shaped like the recorded ones: placeholders, nulls, mixed-case
// vocabulary, numbers as strings and OData special values, 200 profiles and
// a $skiptoken link. Every mapped field of the hand-written entries is
// checked against the literal in the file.
func TestDecodeProfilePageOfRecordedShape(t *testing.T) {
	raw, err := os.ReadFile("testdata/profiles-page-recorded-shape.json")
	if err != nil {
		t.Fatal(err)
	}
	// Pad the page to the live service's 200 with profiles of the same shape.
	var page map[string]json.RawMessage
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	var values []json.RawMessage
	_ = json.Unmarshal(page["value"], &values)
	for i := len(values); i < 200; i++ {
		values = append(values, json.RawMessage(fmt.Sprintf(`{"id":"MDA_generated_%d","controlCategory":"Apps","service":"MDA_SF","maxScore":"5","rank":%d,`+
			`"userImpact":null,"implementationCost":"Unknown","tier":"Defense In Depth","threats":["Data Exfiltration"],"deprecated":false,`+
			`"controlStateUpdates":[{"assignedTo":null,"comment":null,"state":"Default","updatedBy":null,"updatedDateTime":null}],"complianceInformation":[]}`, i, i)))
	}
	page["value"], _ = json.Marshal(values)
	body, _ := json.Marshal(page)

	var decoded graphPage[ControlProfile]
	if err := json.Unmarshal(body, &decoded); err != nil {
		t.Fatal(err)
	}
	if len(decoded.Value) != 200 || !strings.Contains(decoded.NextLink, "$skiptoken=U2tpcFRva2VuPTIwMA") {
		t.Fatalf("%d profiles, next %q", len(decoded.Value), decoded.NextLink)
	}
	if err := decoded.shapeError(); err != nil {
		t.Fatal(err)
	}

	admin, dormant, device := decoded.Value[0], decoded.Value[1], decoded.Value[2]
	checkStrings(t, "AdminMFAV2", map[string][2]string{
		"id": {admin.ID, "AdminMFAV2"}, "azureTenantId": {admin.AzureTenantID, "00000000-0000-4000-8000-000000000001"},
		"actionType": {admin.ActionType, "Config"}, "actionUrl": {admin.ActionURL, "https://aad.portal.azure.com/#blade/Microsoft_AAD_IAM/ConditionalAccessBlade/Policies"},
		"controlCategory": {admin.ControlCategory, "Identity"}, "implementationCost": {admin.ImplementationCost, "Low"},
		"remediation": {admin.Remediation, "<p>Use Conditional Access.</p>"}, "remediationImpact": {admin.RemediationImpact, "Admins are prompted for MFA."},
		"service": {admin.Service, "AzureAD"}, "tier": {admin.Tier, "Core"}, "userImpact": {admin.UserImpact, "low"},
		"vendor": {admin.VendorInformation.Vendor, "Microsoft"}, "provider": {admin.VendorInformation.Provider, "SecureScore"},
	})
	if admin.MaxScore != Number(10) || admin.Rank != 1 || admin.Deprecated || admin.LastModifiedDateTime != nil ||
		len(admin.ComplianceInformation) != 0 || strings.Join(admin.Threats, "|") != "Account breach|Elevation of privilege" {
		t.Errorf("AdminMFAV2: %+v", admin)
	}
	// The placeholder is no update at all.
	if len(admin.ControlStateUpdates) != 1 || !admin.ControlStateUpdates[0].IsPlaceholder() || admin.LatestStateUpdate() != nil || len(admin.StateUpdates()) != 0 {
		t.Errorf("placeholder: %+v", admin.ControlStateUpdates)
	}

	checkStrings(t, "ATP_DormantAccounts", map[string][2]string{
		"actionUrl": {dormant.ActionURL, ""}, "remediation": {dormant.Remediation, ""}, "userImpact": {dormant.UserImpact, ""},
		"implementationCost": {dormant.ImplementationCost, "Medium"}, "service": {dormant.Service, "Azure ATP"}, "tier": {dormant.Tier, "Defense In Depth"},
	})
	modified := time.Date(2024, 5, 10, 16, 0, 0, 123456700, time.UTC)
	if dormant.MaxScore != Number(3) || dormant.Rank != 42 || dormant.ComplianceInformation != nil || dormant.LastModifiedDateTime == nil || !dormant.LastModifiedDateTime.Equal(modified) {
		t.Errorf("ATP_DormantAccounts: %+v", dormant)
	}
	latest := dormant.LatestStateUpdate()
	if latest == nil || latest.State != "thirdParty" || latest.Comment != "Handled by the PAM tool" || latest.AssignedTo != "lee.gu@contoso.com" ||
		latest.UpdatedBy != "lee.gu@contoso.com" || !latest.UpdatedDateTime.Equal(modified) || len(dormant.StateUpdates()) != 2 {
		t.Errorf("newest update: %+v", latest)
	}

	// "NaN" is no value, named in a warning; the list does not fail.
	if device.MaxScore.Set || device.MaxScore.Special != "NaN" || device.Threats != nil {
		t.Errorf("scid_2000: %+v", device)
	}
	warnings := decoded.specialValueWarnings()
	if len(warnings) != 1 || !strings.Contains(warnings[0], "scid_2000") || !strings.Contains(warnings[0], `maxScore ("NaN")`) {
		t.Errorf("warnings: %q", warnings)
	}
	if last := decoded.Value[199]; last.ID != "MDA_generated_199" || last.MaxScore != Number(5) || last.UserImpact != "" || last.LatestStateUpdate() != nil {
		t.Errorf("last profile: %+v", last)
	}
}

func TestDecodeSecureScoreOfRecordedShape(t *testing.T) {
	raw, err := os.ReadFile("testdata/securescore-recorded-shape.json")
	if err != nil {
		t.Fatal(err)
	}
	var s SecureScore
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.CurrentScore != Number(121.5) || s.MaxScore != Number(274) || s.ActiveUserCount != 112 || s.LicensedUserCount != 130 ||
		!s.CreatedDateTime.Equal(time.Date(2024, 5, 11, 0, 0, 0, 0, time.UTC)) || strings.Join(s.EnabledServices, ",") != "HasAzureAD,HasExchange,HasMDO" {
		t.Errorf("score: %+v", s)
	}
	synced := time.Date(2024, 5, 10, 21, 7, 52, 636349200, time.UTC)
	admin, dormant, device := s.ControlScores[0], s.ControlScores[1], s.ControlScores[2]
	if admin.Score != Number(10) || admin.ScoreInPercentage != Number(100) || admin.ImplementationStatus != "You have 3 of 3 admins registered." ||
		admin.LastSynced.Time == nil || !admin.LastSynced.Time.Equal(synced) || admin.ControlCategory != "Identity" || admin.Description != "MFA for admins" {
		t.Errorf("AdminMFAV2 entry: %+v", admin)
	}
	if dormant.Score != Number(0) || dormant.ImplementationStatus != "The setting is not compliant." || dormant.LastSynced.Time != nil {
		t.Errorf("dormant entry: %+v", dormant)
	}
	if device.Score.Set || device.Score.Special != "INF" || device.LastSynced.Time != nil {
		t.Errorf("device entry: %+v", device)
	}
	// The one rule for matching control names: case-insensitive.
	if e := s.ControlScore("adminmfav2"); e == nil || e.ControlName != "AdminMFAV2" {
		t.Errorf("ControlScore is case-sensitive: %+v", e)
	}
	if w := s.specialValueWarnings(); len(w) != 1 || !strings.Contains(w[0], `controlScores[scid_2000].score ("INF")`) {
		t.Errorf("warnings: %q", w)
	}

	all, seats, industry := s.AverageComparativeScores[0], s.AverageComparativeScores[1], s.AverageComparativeScores[2]
	want := func(p *float64, v float64) bool { return p != nil && *p == v }
	if all.Basis != "AllTenants" || !want(all.AverageScore, 41.53) || !want(all.CategoryAverageScores["Data"], 3.9) || !want(all.CategoryMaxScores["Data"], 12) ||
		!want(all.CategoryAverageScores["Infrastructure"], 0) || !want(all.CategoryMaxScores["Identity"], 41) || len(all.Details) != 0 {
		t.Errorf("AllTenants: %+v", all)
	}
	// PascalCase keys are matched case-insensitively and exposed in camelCase.
	if !want(seats.AverageScore, 37.2) || seats.Details["seatSizeRangeLowerValue"] == nil || *seats.Details["seatSizeRangeLowerValue"] != "100" ||
		*seats.Details["seatSizeRangeUpperValue"] != "500" || !want(seats.CategoryAverageScores["Identity"], 17.5) {
		t.Errorf("TotalSeats: %+v", seats)
	}
	// -1 is no data, never an average.
	if industry.AverageScore != nil || industry.CategoryAverageScores["Identity"] != nil || industry.CategoryMaxScores["Identity"] != nil ||
		industry.Details["categoryValue"] != nil {
		t.Errorf("IndustryTypes: %+v", industry)
	}
	if _, ok := industry.CategoryAverageScores["Identity"]; !ok {
		t.Error("a -1 category disappeared instead of being null")
	}
}

// A value that is not a number fails with an error that prints, never with
// json.UnmarshalTypeError{Type: nil}, whose Error method panics.
func TestFlexFloat64RefusesTextThatPrints(t *testing.T) {
	for _, body := range []string{`"abc"`, `true`, `{}`, `"1.2.3"`} {
		var f FlexFloat64
		err := json.Unmarshal([]byte(body), &f)
		if err == nil {
			t.Errorf("%s decoded to %+v", body, f)
			continue
		}
		if msg := fmt.Sprint(err); strings.Contains(msg, "PANIC") {
			t.Errorf("%s: %s", body, msg)
		}
	}
	for body, want := range map[string]FlexFloat64{`25`: Number(25), `"25"`: Number(25), `"0.0"`: Number(0), `null`: {}, `""`: {},
		`"NaN"`: {Special: "NaN"}, `"INF"`: {Special: "INF"}, `"-INF"`: {Special: "-INF"}} {
		var f FlexFloat64
		if err := json.Unmarshal([]byte(body), &f); err != nil || f != want {
			t.Errorf("%s: %+v, %v; want %+v", body, f, err, want)
		}
	}
}

func checkStrings(t *testing.T, what string, fields map[string][2]string) {
	t.Helper()
	for name, gotWant := range fields {
		if gotWant[0] != gotWant[1] {
			t.Errorf("%s.%s = %q, want %q", what, name, gotWant[0], gotWant[1])
		}
	}
}

package client

import (
	"encoding/json"
	"strings"
	"time"
)

// The Microsoft Graph v1.0 secure score resources
// (https://learn.microsoft.com/graph/api/resources/securescore,
// …/securescorecontrolprofile, …/securescorecontrolstateupdate), decoded as
// live tenants send them: numbers as strings or OData special values, nulls
// for absent text, placeholder state updates, extra members. Unknown fields
// are ignored, never an error.

// SecureScore is one daily tenant snapshot of /security/secureScores.
type SecureScore struct {
	ID                       string                    `json:"id"`
	AzureTenantID            string                    `json:"azureTenantId"`
	ActiveUserCount          int64                     `json:"activeUserCount"`
	CreatedDateTime          time.Time                 `json:"createdDateTime"`
	CurrentScore             FlexFloat64               `json:"currentScore"`
	MaxScore                 FlexFloat64               `json:"maxScore"`
	LicensedUserCount        int64                     `json:"licensedUserCount"`
	EnabledServices          []string                  `json:"enabledServices"`
	AverageComparativeScores []AverageComparativeScore `json:"averageComparativeScores"`
	ControlScores            []ControlScore            `json:"controlScores"`
}

// ControlScore is one improvement action's points in a snapshot. Live
// tenants add implementationStatus, lastSynced, scoreInPercentage, on,
// count and total (some as strings) to the documented members.
type ControlScore struct {
	ControlCategory      string      `json:"controlCategory"`
	ControlName          string      `json:"controlName"`
	Description          string      `json:"description"`
	Score                FlexFloat64 `json:"score"`
	ScoreInPercentage    FlexFloat64 `json:"scoreInPercentage"`
	ImplementationStatus string      `json:"implementationStatus"`
	LastSynced           FlexTime    `json:"lastSynced"`
}

// ControlScore is the entry of controlName in the snapshot, matched
// case-insensitively (the one rule for every object), or nil.
func (s *SecureScore) ControlScore(controlName string) *ControlScore {
	if s == nil {
		return nil
	}
	for i := range s.ControlScores {
		if strings.EqualFold(s.ControlScores[i].ControlName, controlName) {
			return &s.ControlScores[i]
		}
	}
	return nil
}

// specialValueWarnings names the fields of the snapshot that held NaN/INF.
func (s *SecureScore) specialValueWarnings() []string {
	var sv specialValues
	sv.check("currentScore", s.CurrentScore)
	sv.check("maxScore", s.MaxScore)
	for _, c := range s.ControlScores {
		sv.check("controlScores["+c.ControlName+"].score", c.Score)
	}
	for _, a := range s.AverageComparativeScores {
		for _, field := range a.special {
			sv.fields = append(sv.fields, "averageComparativeScores["+a.Basis+"]."+field)
		}
	}
	return sv.warning("the secure score " + s.ID)
}

// FlexTime is a DateTimeOffset that may be null, "" or unparseable in live
// answers (lastSynced): those decode as no time instead of failing the list.
type FlexTime struct{ Time *time.Time }

func (t *FlexTime) UnmarshalJSON(data []byte) error {
	t.Time = nil
	var s string
	if err := json.Unmarshal(data, &s); err != nil || s == "" {
		return nil //nolint:nilerr // not a string: no time, as for null
	}
	if parsed, err := time.Parse(time.RFC3339Nano, s); err == nil {
		t.Time = &parsed
	}
	return nil
}

// ControlProfile is an improvement action (/security/secureScoreControlProfiles).
// Text members are "" when Graph sends null.
type ControlProfile struct {
	ID                    string                  `json:"id"`
	AzureTenantID         string                  `json:"azureTenantId"`
	ActionType            string                  `json:"actionType"`
	ActionURL             string                  `json:"actionUrl"`
	ControlCategory       string                  `json:"controlCategory"`
	Title                 string                  `json:"title"`
	Deprecated            bool                    `json:"deprecated"`
	ImplementationCost    string                  `json:"implementationCost"`
	LastModifiedDateTime  *time.Time              `json:"lastModifiedDateTime"`
	MaxScore              FlexFloat64             `json:"maxScore"`
	Rank                  int64                   `json:"rank"`
	Remediation           string                  `json:"remediation"`
	RemediationImpact     string                  `json:"remediationImpact"`
	Service               string                  `json:"service"`
	Threats               []string                `json:"threats"`
	Tier                  string                  `json:"tier"`
	UserImpact            string                  `json:"userImpact"`
	ComplianceInformation []ComplianceInformation `json:"complianceInformation"`
	ControlStateUpdates   []ControlStateUpdate    `json:"controlStateUpdates"`
	VendorInformation     *VendorInformation      `json:"vendorInformation"`
}

func (p *ControlProfile) specialValueWarnings() []string {
	var sv specialValues
	sv.check("maxScore", p.MaxScore)
	return sv.warning("the improvement action " + p.ID)
}

// ComplianceInformation links an action to certification controls. Microsoft's
// metadata says "Not implemented. Currently returns null"; live tenants send
// [] or null.
type ComplianceInformation struct {
	CertificationName     string                 `json:"certificationName"`
	CertificationControls []CertificationControl `json:"certificationControls"`
}

// CertificationControl is one control of a certification.
type CertificationControl struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// ControlStateUpdate is one entry of an action's state history.
type ControlStateUpdate struct {
	AssignedTo      string     `json:"assignedTo"`
	Comment         string     `json:"comment"`
	State           string     `json:"state"`
	UpdatedBy       string     `json:"updatedBy"`
	UpdatedDateTime *time.Time `json:"updatedDateTime"`
}

// IsPlaceholder reports the entry live tenants send for an action nobody
// ever touched: every member null but state "Default". It records no
// decision, so it is not an update.
func (u ControlStateUpdate) IsPlaceholder() bool {
	return u.UpdatedDateTime == nil && u.UpdatedBy == "" && u.Comment == "" && u.AssignedTo == "" &&
		(u.State == "" || strings.EqualFold(u.State, "Default"))
}

// StateUpdates are the real updates, placeholders left out, in the
// service's order.
func (p ControlProfile) StateUpdates() []ControlStateUpdate {
	out := make([]ControlStateUpdate, 0, len(p.ControlStateUpdates))
	for _, u := range p.ControlStateUpdates {
		if !u.IsPlaceholder() {
			out = append(out, u)
		}
	}
	return out
}

// LatestStateUpdate is the newest real entry by updatedDateTime (the API
// keeps no top-level state, and the array is not guaranteed to be in
// order); nil when there is none. Entries without a date lose to dated ones;
// among equals the later array entry wins.
func (p ControlProfile) LatestStateUpdate() *ControlStateUpdate {
	var latest *ControlStateUpdate
	for i := range p.ControlStateUpdates {
		u := &p.ControlStateUpdates[i]
		if u.IsPlaceholder() {
			continue
		}
		if latest == nil || !u.updated().Before(latest.updated()) {
			latest = u
		}
	}
	return latest
}

func (u ControlStateUpdate) updated() time.Time {
	if u.UpdatedDateTime == nil {
		return time.Time{}
	}
	return *u.UpdatedDateTime
}

// VendorInformation names the security provider; PATCH requires it.
type VendorInformation struct {
	Provider        string  `json:"provider"`
	ProviderVersion *string `json:"providerVersion"`
	SubProvider     *string `json:"subProvider"`
	Vendor          string  `json:"vendor"`
}

// ControlProfileUpdate is the body of PATCH /security/secureScoreControlProfiles/{id}.
type ControlProfileUpdate struct {
	AssignedTo        string            `json:"assignedTo"`
	Comment           string            `json:"comment"`
	State             string            `json:"state"`
	VendorInformation VendorInformation `json:"vendorInformation"`
}

// SecureScoreVendor is the vendorInformation the service requires on updates.
var SecureScoreVendor = VendorInformation{Provider: "SecureScore", Vendor: "Microsoft"}

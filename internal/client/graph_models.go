package client

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The Microsoft Graph v1.0 secure score resources, decoded from the documented
// shapes (REFERENCE.md). Unknown fields are ignored, never an error.

// SecureScore is one daily tenant snapshot of /security/secureScores.
type SecureScore struct {
	ID                       string                    `json:"id"`
	AzureTenantID            string                    `json:"azureTenantId"`
	ActiveUserCount          int64                     `json:"activeUserCount"`
	CreatedDateTime          time.Time                 `json:"createdDateTime"`
	CurrentScore             float64                   `json:"currentScore"`
	MaxScore                 float64                   `json:"maxScore"`
	LicensedUserCount        int64                     `json:"licensedUserCount"`
	EnabledServices          []string                  `json:"enabledServices"`
	AverageComparativeScores []AverageComparativeScore `json:"averageComparativeScores"`
	ControlScores            []ControlScore            `json:"controlScores"`
}

// ControlScore is one improvement action's points in a snapshot.
type ControlScore struct {
	ControlCategory string      `json:"controlCategory"`
	ControlName     string      `json:"controlName"`
	Description     string      `json:"description"`
	Score           FlexFloat64 `json:"score"`
}

// AverageComparativeScore compares the tenant with others. Besides basis and
// averageScore the service adds open-typed fields: per-category averages
// such as identityScore (sent as strings in Microsoft's examples, numbers
// elsewhere) and details such as seatSizeRangeLowerValue.
type AverageComparativeScore struct {
	Basis                 string
	AverageScore          float64
	CategoryAverageScores map[string]float64 // keyed by category, e.g. Identity for identityScore
	Details               map[string]string
}

// UnmarshalJSON splits the open-typed fields into categories and details.
func (s *AverageComparativeScore) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	s.CategoryAverageScores = map[string]float64{}
	s.Details = map[string]string{}
	for key, value := range raw {
		switch {
		case key == "basis":
			_ = json.Unmarshal(value, &s.Basis)
		case key == "averageScore":
			var f FlexFloat64
			if err := json.Unmarshal(value, &f); err != nil {
				return err
			}
			s.AverageScore = float64(f)
		case strings.HasSuffix(key, "Score") && len(key) > len("Score"):
			var f FlexFloat64
			if json.Unmarshal(value, &f) == nil {
				category := strings.TrimSuffix(key, "Score")
				first, size := utf8.DecodeRuneInString(category)
				s.CategoryAverageScores[strings.ToUpper(string(first))+category[size:]] = float64(f)
				continue
			}
			s.Details[key] = rawToString(value)
		default:
			if string(value) == "null" {
				continue
			}
			s.Details[key] = rawToString(value)
		}
	}
	return nil
}

func rawToString(value json.RawMessage) string {
	var s string
	if json.Unmarshal(value, &s) == nil {
		return s
	}
	return string(value)
}

// FlexFloat64 accepts a JSON number or a string holding one ("25").
type FlexFloat64 float64

func (f *FlexFloat64) UnmarshalJSON(data []byte) error {
	text := strings.Trim(string(data), `"`)
	if text == "" || text == "null" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return &json.UnmarshalTypeError{Value: string(data), Type: nil}
	}
	*f = FlexFloat64(v)
	return nil
}

// ControlProfile is an improvement action (/security/secureScoreControlProfiles).
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

// ComplianceInformation links an action to certification controls.
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

// LatestStateUpdate is the newest entry by updatedDateTime (the API keeps no
// top-level state, and the array is not guaranteed to be in order). Entries
// without a date lose to dated ones; among equals the later array entry wins.
func (p ControlProfile) LatestStateUpdate() *ControlStateUpdate {
	var latest *ControlStateUpdate
	for i := range p.ControlStateUpdates {
		u := &p.ControlStateUpdates[i]
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

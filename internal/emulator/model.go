package emulator

import (
	"bytes"
	"encoding/json"
	"time"
)

// The exported types below are the emulator's raw data, so tests can compute
// expected values independently of the provider. Emulator.Tenant returns deep
// copies; mutating them does not change what the emulator serves.

// Tenant is one Entra ID tenant with its Azure subscriptions and its
// Microsoft 365 Secure Score data.
type Tenant struct {
	ID          string
	DisplayName string
	// Subscriptions in seeding order; the first one of DefaultTenantID is
	// DefaultSubscriptionID.
	Subscriptions []*Subscription
	// ManagementGroups maps a management group id to its subscription ids.
	ManagementGroups map[string][]string
	// Profiles are the Graph secureScoreControlProfiles, in list order.
	Profiles []*ControlProfile
	// SecureScores are the Graph daily snapshots, newest first.
	SecureScores []*SecureScore
}

// Subscription is an Azure subscription and its Defender for Cloud scores.
type Subscription struct {
	ID          string
	TenantID    string
	DisplayName string
	// Scores is empty when Defender for Cloud has no data for the subscription.
	// The first score is always ascScore.
	Scores []*ARMScore
}

// ARMScore is a Microsoft.Security/secureScores item.
type ARMScore struct {
	Name        string // "ascScore" or a custom initiative's name
	DisplayName string
	Max         int
	Current     float64 // 2 decimals, the sum of the controls' Current
	Percentage  float64 // round(Current/Max, 4)
	Weight      int
	Controls    []*ARMControl
}

// ARMControl is a Microsoft.Security/secureScores/secureScoreControls item.
type ARMControl struct {
	Name                       string // the control definition's name (a GUID)
	DisplayName                string
	Max                        int
	Current                    float64
	Percentage                 float64
	HealthyResourceCount       int
	UnhealthyResourceCount     int
	NotApplicableResourceCount int
	Weight                     int
	Definition                 *ControlDefinition
}

// ControlDefinition is a Microsoft.Security/secureScoreControlDefinitions item.
type ControlDefinition struct {
	Name string
	// Type is "Microsoft.Security/secureScoreControlDefinitions" or, for some
	// items, "Microsoft.Security/SecureScoreControlDefinitions", as the real
	// service mixes both spellings.
	Type                  string
	DisplayName           string
	Description           string
	MaxScore              int
	SourceType            string   // BuiltIn or Custom
	AssessmentDefinitions []string // resource ids of assessment metadata
}

// VendorInformation is Graph's securityVendorInformation.
type VendorInformation struct {
	Provider        string  `json:"provider"`
	ProviderVersion *string `json:"providerVersion"`
	SubProvider     *string `json:"subProvider"`
	Vendor          string  `json:"vendor"`
}

// CertificationControl is one control of a compliance certification.
type CertificationControl struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// ComplianceInformation is Graph's complianceInformation.
type ComplianceInformation struct {
	CertificationName     string                 `json:"certificationName"`
	CertificationControls []CertificationControl `json:"certificationControls"`
}

// ControlStateUpdate is Graph's secureScoreControlStateUpdate. Extra holds
// fields outside the documented schema, served alongside the known ones.
type ControlStateUpdate struct {
	AssignedTo      string         `json:"assignedTo"`
	Comment         string         `json:"comment"`
	State           string         `json:"state"`
	UpdatedBy       string         `json:"updatedBy"`
	UpdatedDateTime time.Time      `json:"updatedDateTime"`
	Extra           map[string]any `json:"-"`
}

// ControlProfile is Graph's secureScoreControlProfile.
type ControlProfile struct {
	ID                   string    `json:"id"`
	AzureTenantID        string    `json:"azureTenantId"`
	ActionType           string    `json:"actionType"`
	ActionURL            string    `json:"actionUrl"`
	ControlCategory      string    `json:"controlCategory"`
	Title                string    `json:"title"`
	Deprecated           bool      `json:"deprecated"`
	ImplementationCost   string    `json:"implementationCost"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime"`
	MaxScore             float64   `json:"maxScore"`
	// MaxScoreText, when set, is sent instead of MaxScore: live tenants
	// send Edm.Double members as strings or as "NaN", "INF", "-INF".
	MaxScoreText          string                  `json:"-"`
	Rank                  int                     `json:"rank"`
	Remediation           string                  `json:"remediation"`
	RemediationImpact     string                  `json:"remediationImpact"`
	Service               string                  `json:"service"`
	Threats               []string                `json:"threats"`
	Tier                  string                  `json:"tier"`
	UserImpact            string                  `json:"userImpact"`
	ComplianceInformation []ComplianceInformation `json:"complianceInformation"`
	// ControlStateUpdates is in storage order, which is not always
	// chronological: the current state is the entry with the newest
	// UpdatedDateTime (see CurrentState).
	ControlStateUpdates []ControlStateUpdate `json:"controlStateUpdates"`
	VendorInformation   VendorInformation    `json:"vendorInformation"`
	Extra               map[string]any       `json:"-"`
}

// CurrentState returns the newest controlStateUpdates entry by
// updatedDateTime, or false when there is none.
func (p *ControlProfile) CurrentState() (ControlStateUpdate, bool) {
	var newest ControlStateUpdate
	found := false
	for _, u := range p.ControlStateUpdates {
		if !found || u.UpdatedDateTime.After(newest.UpdatedDateTime) {
			newest, found = u, true
		}
	}
	return newest, found
}

// ControlScore is one entry of a secureScore's controlScores.
type ControlScore struct {
	ControlCategory string  `json:"controlCategory"`
	ControlName     string  `json:"controlName"`
	Description     string  `json:"description"`
	Score           float64 `json:"score"`
	// ScoreText, when set, is sent instead of Score ("4", "0.0", "NaN").
	ScoreText string         `json:"-"`
	Extra     map[string]any `json:"-"`
}

// AverageComparativeScore is Graph's averageComparativeScore. The per-category
// scores and seat/industry fields live in Extra, typed as the service sends
// them (strings in some entries, numbers in others).
type AverageComparativeScore struct {
	Basis        string         `json:"basis"`
	AverageScore float64        `json:"averageScore"`
	Extra        map[string]any `json:"-"`
}

// SecureScore is one daily Graph secureScore snapshot.
type SecureScore struct {
	ID                       string                    `json:"id"`
	AzureTenantID            string                    `json:"azureTenantId"`
	ActiveUserCount          int                       `json:"activeUserCount"`
	CreatedDateTime          time.Time                 `json:"createdDateTime"`
	CurrentScore             float64                   `json:"currentScore"`
	MaxScore                 float64                   `json:"maxScore"`
	LicensedUserCount        int                       `json:"licensedUserCount"`
	EnabledServices          []string                  `json:"enabledServices"`
	AverageComparativeScores []AverageComparativeScore `json:"averageComparativeScores"`
	ControlScores            []ControlScore            `json:"controlScores"`
	VendorInformation        VendorInformation         `json:"vendorInformation"`
	Extra                    map[string]any            `json:"-"`
}

// withExtra marshals v (a type without this MarshalJSON method) and splices
// the extra members into the object.
func withExtra(v any, extra map[string]any) ([]byte, error) {
	b, err := marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	x, err := marshal(extra)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1])
	if len(b) > 2 {
		buf.WriteByte(',')
	}
	buf.Write(x[1:])
	return buf.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping: remediation HTML goes on
// the wire as "<p>", as the service sends it, not "\u003cp\u003e".
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// nullable is how the live service sends absent text: null, not "".
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullableTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// MarshalJSON serves the known fields and Extra; empty text and a zero
// time go out as null, so an untouched profile's placeholder update is
// {"assignedTo":null,"comment":null,"state":"Default","updatedBy":null,"updatedDateTime":null}
// as live tenants send it.
func (u ControlStateUpdate) MarshalJSON() ([]byte, error) {
	wire := struct {
		AssignedTo      *string    `json:"assignedTo"`
		Comment         *string    `json:"comment"`
		State           string     `json:"state"`
		UpdatedBy       *string    `json:"updatedBy"`
		UpdatedDateTime *time.Time `json:"updatedDateTime"`
	}{nullable(u.AssignedTo), nullable(u.Comment), u.State, nullable(u.UpdatedBy), nullableTime(u.UpdatedDateTime)}
	return withExtra(wire, u.Extra)
}

// MarshalJSON serves the known fields and Extra; empty text, a zero
// lastModifiedDateTime and a nil complianceInformation go out as null, as
// live tenants send them.
func (p ControlProfile) MarshalJSON() ([]byte, error) {
	wire := struct {
		ID                    string                  `json:"id"`
		AzureTenantID         string                  `json:"azureTenantId"`
		ActionType            *string                 `json:"actionType"`
		ActionURL             *string                 `json:"actionUrl"`
		ControlCategory       *string                 `json:"controlCategory"`
		Title                 *string                 `json:"title"`
		Deprecated            bool                    `json:"deprecated"`
		ImplementationCost    *string                 `json:"implementationCost"`
		LastModifiedDateTime  *time.Time              `json:"lastModifiedDateTime"`
		MaxScore              any                     `json:"maxScore"`
		Rank                  int                     `json:"rank"`
		Remediation           *string                 `json:"remediation"`
		RemediationImpact     *string                 `json:"remediationImpact"`
		Service               *string                 `json:"service"`
		Threats               []string                `json:"threats"`
		Tier                  *string                 `json:"tier"`
		UserImpact            *string                 `json:"userImpact"`
		ComplianceInformation []ComplianceInformation `json:"complianceInformation"`
		ControlStateUpdates   []ControlStateUpdate    `json:"controlStateUpdates"`
		VendorInformation     VendorInformation       `json:"vendorInformation"`
	}{
		p.ID, p.AzureTenantID, nullable(p.ActionType), nullable(p.ActionURL), nullable(p.ControlCategory), nullable(p.Title), p.Deprecated,
		nullable(p.ImplementationCost), nullableTime(p.LastModifiedDateTime), p.MaxScore, p.Rank, nullable(p.Remediation),
		nullable(p.RemediationImpact), nullable(p.Service), p.Threats, nullable(p.Tier), nullable(p.UserImpact),
		p.ComplianceInformation, p.ControlStateUpdates, p.VendorInformation,
	}
	if p.MaxScoreText != "" {
		wire.MaxScore = p.MaxScoreText
	}
	return withExtra(wire, p.Extra)
}

// MarshalJSON serves the known fields and Extra.
func (c ControlScore) MarshalJSON() ([]byte, error) {
	wire := struct {
		ControlCategory string `json:"controlCategory"`
		ControlName     string `json:"controlName"`
		Description     string `json:"description"`
		Score           any    `json:"score"`
	}{c.ControlCategory, c.ControlName, c.Description, c.Score}
	if c.ScoreText != "" {
		wire.Score = c.ScoreText
	}
	return withExtra(wire, c.Extra)
}

// MarshalJSON serves the known fields and Extra.
func (a AverageComparativeScore) MarshalJSON() ([]byte, error) {
	type plain AverageComparativeScore
	return withExtra(plain(a), a.Extra)
}

// MarshalJSON serves the known fields and Extra.
func (s SecureScore) MarshalJSON() ([]byte, error) {
	type plain SecureScore
	return withExtra(plain(s), s.Extra)
}

// Deep copies. Extra values are scalars or small trees of maps built by the
// seeder, so a JSON-free recursive copy is enough.

func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return cloneMap(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = cloneValue(x)
		}
		return out
	default:
		return v
	}
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func (t *Tenant) clone() *Tenant {
	c := *t
	c.Subscriptions = make([]*Subscription, len(t.Subscriptions))
	for i, s := range t.Subscriptions {
		c.Subscriptions[i] = s.clone()
	}
	c.ManagementGroups = make(map[string][]string, len(t.ManagementGroups))
	for k, v := range t.ManagementGroups {
		c.ManagementGroups[k] = append([]string(nil), v...)
	}
	c.Profiles = make([]*ControlProfile, len(t.Profiles))
	for i, p := range t.Profiles {
		c.Profiles[i] = p.clone()
	}
	c.SecureScores = make([]*SecureScore, len(t.SecureScores))
	for i, s := range t.SecureScores {
		c.SecureScores[i] = s.clone()
	}
	return &c
}

func (s *Subscription) clone() *Subscription {
	c := *s
	c.Scores = make([]*ARMScore, len(s.Scores))
	for i, sc := range s.Scores {
		cs := *sc
		cs.Controls = make([]*ARMControl, len(sc.Controls))
		for j, ctl := range sc.Controls {
			cc := *ctl
			cc.Definition = ctl.Definition.clone()
			cs.Controls[j] = &cc
		}
		c.Scores[i] = &cs
	}
	return &c
}

func (d *ControlDefinition) clone() *ControlDefinition {
	c := *d
	c.AssessmentDefinitions = append([]string(nil), d.AssessmentDefinitions...)
	return &c
}

func (u ControlStateUpdate) clone() ControlStateUpdate {
	u.Extra = cloneMap(u.Extra)
	return u
}

func cloneUpdates(us []ControlStateUpdate) []ControlStateUpdate {
	out := make([]ControlStateUpdate, len(us))
	for i, u := range us {
		out[i] = u.clone()
	}
	return out
}

func (p *ControlProfile) clone() *ControlProfile {
	c := *p
	c.Threats = append([]string(nil), p.Threats...)
	c.ComplianceInformation = make([]ComplianceInformation, len(p.ComplianceInformation))
	for i, ci := range p.ComplianceInformation {
		ci.CertificationControls = append([]CertificationControl(nil), ci.CertificationControls...)
		c.ComplianceInformation[i] = ci
	}
	c.ControlStateUpdates = cloneUpdates(p.ControlStateUpdates)
	c.Extra = cloneMap(p.Extra)
	return &c
}

func (s *SecureScore) clone() *SecureScore {
	c := *s
	c.EnabledServices = append([]string(nil), s.EnabledServices...)
	c.AverageComparativeScores = make([]AverageComparativeScore, len(s.AverageComparativeScores))
	for i, a := range s.AverageComparativeScores {
		a.Extra = cloneMap(a.Extra)
		c.AverageComparativeScores[i] = a
	}
	c.ControlScores = make([]ControlScore, len(s.ControlScores))
	for i, cs := range s.ControlScores {
		cs.Extra = cloneMap(cs.Extra)
		c.ControlScores[i] = cs
	}
	c.Extra = cloneMap(s.Extra)
	return &c
}

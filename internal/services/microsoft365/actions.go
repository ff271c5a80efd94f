package microsoft365

import (
	"context"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/sync/errgroup"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
)

// dataSourceReadTimeout bounds a data source read, retries included, unless
// `timeouts` says otherwise.
const dataSourceReadTimeout = 5 * time.Minute

// Action is an improvement action as this provider shows it: a control
// profile joined with its points in the newest secure score. It is plain Go
// (no framework types) so the data sources and the resource share it.
type Action struct {
	ID                 string
	Title              string
	Category           string
	Service            string
	ActionType         string
	Tier               string
	MaxScore           float64
	Score              float64
	PointsRemaining    float64
	Rank               int64
	UserImpact         string
	ImplementationCost string
	Threats            []string
	Remediation        string // HTML, as the service returns it
	RemediationImpact  string
	ActionURL          string
	Deprecated         bool
	// Status is the portal's word (see ProfileStatus).
	Status string
	// State is Graph's raw state of the newest update ("" when none).
	State string
	// Notes, AssignedTo and UpdatedBy come from the newest state update
	// ("" when there is none); UpdatedDateTime is nil without one.
	Notes           string
	AssignedTo      string
	UpdatedBy       string
	UpdatedDateTime *time.Time
	Compliance      []Compliance
	QuickWin        bool
	// History is every state update, oldest first.
	History []StateChange
}

// Compliance is one certification an action contributes to.
type Compliance struct {
	CertificationName string
	ControlNames      []string
}

// StateChange is one entry of an action's controlStateUpdates.
type StateChange struct {
	State           string
	Status          string
	Comment         string
	AssignedTo      string
	UpdatedBy       string
	UpdatedDateTime *time.Time
}

// NewAction maps a control profile and its points in the newest secure score
// (0 when the score lists no entry for it) to an Action.
func NewAction(profile client.ControlProfile, score float64) Action {
	maxScore := float64(profile.MaxScore)
	a := Action{
		ID:                 profile.ID,
		Title:              profile.Title,
		Category:           profile.ControlCategory,
		Service:            profile.Service,
		ActionType:         profile.ActionType,
		Tier:               profile.Tier,
		MaxScore:           maxScore,
		Score:              score,
		PointsRemaining:    pointsRemaining(maxScore, score),
		Rank:               profile.Rank,
		UserImpact:         profile.UserImpact,
		ImplementationCost: profile.ImplementationCost,
		Threats:            append([]string{}, profile.Threats...),
		Remediation:        profile.Remediation,
		RemediationImpact:  profile.RemediationImpact,
		ActionURL:          profile.ActionURL,
		Deprecated:         profile.Deprecated,
		Status:             ProfileStatus(profile, score),
		Compliance:         []Compliance{},
		History:            []StateChange{},
	}
	if latest := profile.LatestStateUpdate(); latest != nil {
		a.State = latest.State
		a.Notes = latest.Comment
		a.AssignedTo = latest.AssignedTo
		a.UpdatedBy = latest.UpdatedBy
		a.UpdatedDateTime = latest.UpdatedDateTime
	}
	for _, ci := range profile.ComplianceInformation {
		c := Compliance{CertificationName: ci.CertificationName, ControlNames: []string{}}
		for _, control := range ci.CertificationControls {
			c.ControlNames = append(c.ControlNames, control.Name)
		}
		a.Compliance = append(a.Compliance, c)
	}
	for _, u := range stateUpdatesOldestFirst(profile.ControlStateUpdates) {
		a.History = append(a.History, StateChange{
			State: u.State, Status: StatusForState(u.State), Comment: u.Comment,
			AssignedTo: u.AssignedTo, UpdatedBy: u.UpdatedBy, UpdatedDateTime: u.UpdatedDateTime,
		})
	}
	a.QuickWin = a.PointsRemaining > 0 && strings.EqualFold(a.ImplementationCost, "Low") && strings.EqualFold(a.UserImpact, "Low")
	return a
}

// stateUpdatesOldestFirst orders updates by updatedDateTime (undated first);
// equal dates keep the service's order, so the last one is the one
// LatestStateUpdate picks.
func stateUpdatesOldestFirst(updates []client.ControlStateUpdate) []client.ControlStateUpdate {
	out := append([]client.ControlStateUpdate{}, updates...)
	sort.SliceStable(out, func(i, j int) bool { return updatedAt(out[i]).Before(updatedAt(out[j])) })
	return out
}

func updatedAt(u client.ControlStateUpdate) time.Time {
	if u.UpdatedDateTime == nil {
		return time.Time{}
	}
	return *u.UpdatedDateTime
}

func pointsRemaining(maxScore, score float64) float64 {
	return roundPoints(math.Max(0, maxScore-score))
}

// ControlScores indexes a secure score's controlScores by control name
// (case-insensitively); nil gives an empty index.
func ControlScores(snapshot *client.SecureScore) map[string]float64 {
	scores := map[string]float64{}
	if snapshot == nil {
		return scores
	}
	for _, cs := range snapshot.ControlScores {
		scores[strings.ToLower(cs.ControlName)] = float64(cs.Score)
	}
	return scores
}

// NewActions maps every profile with its points in snapshot (the newest
// secure score; nil when the tenant has none yet).
func NewActions(profiles []client.ControlProfile, snapshot *client.SecureScore) []Action {
	scores := ControlScores(snapshot)
	actions := make([]Action, 0, len(profiles))
	for _, p := range profiles {
		actions = append(actions, NewAction(p, scores[strings.ToLower(p.ID)]))
	}
	return actions
}

// levelOrder ranks Low < Moderate < High; anything else sorts after High.
func levelOrder(level string) int {
	switch strings.ToLower(level) {
	case "low":
		return 0
	case "moderate", "medium":
		return 1
	case "high":
		return 2
	default:
		return 3
	}
}

// SortActions orders actions the way the portal ranks them: points remaining
// (most first), implementation cost (Low, Moderate, High), user impact (Low,
// Moderate, High), then the API's rank, then id.
func SortActions(actions []Action) {
	sort.SliceStable(actions, func(i, j int) bool {
		a, b := actions[i], actions[j]
		if a.PointsRemaining != b.PointsRemaining {
			return a.PointsRemaining > b.PointsRemaining
		}
		if ca, cb := levelOrder(a.ImplementationCost), levelOrder(b.ImplementationCost); ca != cb {
			return ca < cb
		}
		if ua, ub := levelOrder(a.UserImpact), levelOrder(b.UserImpact); ua != ub {
			return ua < ub
		}
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		return a.ID < b.ID
	})
}

// ActionFilter selects actions; empty sets select everything. Categories
// and services match case-insensitively, statuses exactly.
type ActionFilter struct {
	Categories        []string
	Services          []string
	Statuses          []string
	IncludeDeprecated bool
	OnlyQuickWins     bool
}

// Match reports whether a passes the filter.
func (f ActionFilter) Match(a Action) bool {
	if a.Deprecated && !f.IncludeDeprecated {
		return false
	}
	if f.OnlyQuickWins && !a.QuickWin {
		return false
	}
	return matchesAny(f.Categories, a.Category, strings.EqualFold) &&
		matchesAny(f.Services, a.Service, strings.EqualFold) &&
		matchesAny(f.Statuses, a.Status, func(x, y string) bool { return x == y })
}

func matchesAny(wanted []string, value string, equal func(string, string) bool) bool {
	if len(wanted) == 0 {
		return true
	}
	for _, w := range wanted {
		if equal(w, value) {
			return true
		}
	}
	return false
}

// FilterActions keeps the actions that pass f, in order.
func FilterActions(actions []Action, f ActionFilter) []Action {
	out := make([]Action, 0, len(actions))
	for _, a := range actions {
		if f.Match(a) {
			out = append(out, a)
		}
	}
	return out
}

// tenantData is what one read fetched from a tenant.
type tenantData struct {
	Snapshots []client.SecureScore // newest first
	Profiles  []client.ControlProfile
	Warnings  []string
}

// Newest is the newest snapshot, nil when the tenant has none yet.
func (d tenantData) Newest() *client.SecureScore {
	if len(d.Snapshots) == 0 {
		return nil
	}
	return &d.Snapshots[0]
}

// fetchTenant reads the newest `top` secure scores and every control profile
// in parallel. Both lists are the provider's shared caches when top is 1
// (LatestSecureScore, ControlProfiles), so data sources and resources of one
// run make each request once.
func fetchTenant(ctx context.Context, g *client.GraphClient, top int) (tenantData, error) {
	var data tenantData
	var scoreWarnings, profileWarnings []string
	// Not errgroup.WithContext: cancelling on the first error would also
	// cancel the shared requests other reads of this provider wait on.
	var group errgroup.Group
	group.Go(func() error {
		if top == 1 {
			latest, warnings, err := g.LatestSecureScore(ctx)
			scoreWarnings = warnings
			if latest != nil {
				data.Snapshots = []client.SecureScore{*latest}
			}
			return err
		}
		snapshots, warnings, err := g.SecureScores(ctx, top)
		scoreWarnings = warnings
		data.Snapshots = newestFirst(snapshots)
		return err
	})
	group.Go(func() error {
		profiles, warnings, err := g.ControlProfiles(ctx)
		profileWarnings = warnings
		data.Profiles = profiles
		return err
	})
	err := group.Wait()
	data.Warnings = append(append(data.Warnings, scoreWarnings...), profileWarnings...)
	return data, err
}

// newestFirst sorts snapshots by createdDateTime, newest first (the service
// already does; this makes it a guarantee).
func newestFirst(snapshots []client.SecureScore) []client.SecureScore {
	out := append([]client.SecureScore{}, snapshots...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedDateTime.After(out[j].CreatedDateTime) })
	return out
}

// graphClient resolves the data source's tenant_id ("" or null = the home
// tenant) to its Graph client.
func graphClient(c *client.Client, tenantID types.String, diags *diag.Diagnostics) *client.GraphClient {
	g, err := c.Graph(tenantID.ValueString())
	if err != nil {
		diags.Append(diagnostics.FromError("Choosing the Microsoft 365 tenant", err, diagnostics.Hint{}))
		return nil
	}
	return g
}

// tenantValue is the computed tenant_id: the configured value unchanged
// (Terraform expects arguments back as written), else the tenant the read
// used, when the provider knows its id.
func tenantValue(g *client.GraphClient, configured types.String) types.String {
	if !configured.IsNull() && !configured.IsUnknown() {
		return configured
	}
	if g.TenantID != "" {
		return types.StringValue(g.TenantID)
	}
	return types.StringNull()
}

// readError is the diagnostic of a failed read; a 403 names SecurityEvents.Read.All.
func readError(action string, err error) diag.Diagnostic {
	return diagnostics.FromError(action, err, diagnostics.Hint{Permission: diagnostics.GraphReadPermission})
}

// roundPoints removes floating-point noise from sums of points.
func roundPoints(v float64) float64 { return math.Round(v*10000) / 10000 }

// ratio is a percentage as the API reports them: between 0 and 1, 4 decimals.
func ratio(current, maxScore float64) float64 {
	if maxScore <= 0 {
		return 0
	}
	return math.Round(current/maxScore*10000) / 10000
}

// rfc3339 formats a service time in UTC; nil gives null.
func rfc3339(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func stringValues(values []string) []types.String {
	out := make([]types.String, 0, len(values))
	for _, v := range values {
		out = append(out, types.StringValue(v))
	}
	return out
}

// actionModel is an improvement action's attributes, shared by the list
// (`actions`), the singular data source and, later, the resource.
type actionModel struct {
	ID                 types.String      `tfsdk:"id"`
	Title              types.String      `tfsdk:"title"`
	Category           types.String      `tfsdk:"category"`
	Service            types.String      `tfsdk:"service"`
	ActionType         types.String      `tfsdk:"action_type"`
	Tier               types.String      `tfsdk:"tier"`
	MaxScore           types.Float64     `tfsdk:"max_score"`
	Score              types.Float64     `tfsdk:"score"`
	PointsRemaining    types.Float64     `tfsdk:"points_remaining"`
	Rank               types.Int64       `tfsdk:"rank"`
	UserImpact         types.String      `tfsdk:"user_impact"`
	ImplementationCost types.String      `tfsdk:"implementation_cost"`
	Threats            []types.String    `tfsdk:"threats"`
	Remediation        types.String      `tfsdk:"remediation"`
	RemediationImpact  types.String      `tfsdk:"remediation_impact"`
	ActionURL          types.String      `tfsdk:"action_url"`
	Deprecated         types.Bool        `tfsdk:"deprecated"`
	Status             types.String      `tfsdk:"status"`
	Notes              types.String      `tfsdk:"notes"`
	AssignedTo         types.String      `tfsdk:"assigned_to"`
	UpdatedBy          types.String      `tfsdk:"updated_by"`
	UpdatedDateTime    types.String      `tfsdk:"updated_date_time"`
	Compliance         []complianceModel `tfsdk:"compliance"`
	QuickWin           types.Bool        `tfsdk:"quick_win"`
}

type complianceModel struct {
	CertificationName types.String   `tfsdk:"certification_name"`
	ControlNames      []types.String `tfsdk:"control_names"`
}

type stateChangeModel struct {
	State           types.String `tfsdk:"state"`
	Status          types.String `tfsdk:"status"`
	Comment         types.String `tfsdk:"comment"`
	AssignedTo      types.String `tfsdk:"assigned_to"`
	UpdatedBy       types.String `tfsdk:"updated_by"`
	UpdatedDateTime types.String `tfsdk:"updated_date_time"`
}

// newActionModel fills the shared attributes from a.
func newActionModel(a Action) actionModel {
	m := actionModel{
		ID:                 types.StringValue(a.ID),
		Title:              types.StringValue(a.Title),
		Category:           types.StringValue(a.Category),
		Service:            types.StringValue(a.Service),
		ActionType:         types.StringValue(a.ActionType),
		Tier:               types.StringValue(a.Tier),
		MaxScore:           types.Float64Value(a.MaxScore),
		Score:              types.Float64Value(a.Score),
		PointsRemaining:    types.Float64Value(a.PointsRemaining),
		Rank:               types.Int64Value(a.Rank),
		UserImpact:         types.StringValue(a.UserImpact),
		ImplementationCost: types.StringValue(a.ImplementationCost),
		Threats:            stringValues(a.Threats),
		Remediation:        types.StringValue(a.Remediation),
		RemediationImpact:  types.StringValue(a.RemediationImpact),
		ActionURL:          types.StringValue(a.ActionURL),
		Deprecated:         types.BoolValue(a.Deprecated),
		Status:             types.StringValue(a.Status),
		Notes:              nullIfEmpty(a.Notes),
		AssignedTo:         nullIfEmpty(a.AssignedTo),
		UpdatedBy:          nullIfEmpty(a.UpdatedBy),
		UpdatedDateTime:    rfc3339(a.UpdatedDateTime),
		Compliance:         make([]complianceModel, 0, len(a.Compliance)),
		QuickWin:           types.BoolValue(a.QuickWin),
	}
	for _, c := range a.Compliance {
		m.Compliance = append(m.Compliance, complianceModel{
			CertificationName: types.StringValue(c.CertificationName),
			ControlNames:      stringValues(c.ControlNames),
		})
	}
	return m
}

func newStateChangeModels(history []StateChange) []stateChangeModel {
	out := make([]stateChangeModel, 0, len(history))
	for _, h := range history {
		out = append(out, stateChangeModel{
			State:           types.StringValue(h.State),
			Status:          types.StringValue(h.Status),
			Comment:         nullIfEmpty(h.Comment),
			AssignedTo:      nullIfEmpty(h.AssignedTo),
			UpdatedBy:       nullIfEmpty(h.UpdatedBy),
			UpdatedDateTime: rfc3339(h.UpdatedDateTime),
		})
	}
	return out
}

// statusDescription is the status vocabulary, for MarkdownDescription.
const statusDescription = "The portal's status: `completed` when the action already earns its full points (whatever its state), otherwise from the newest state update: " +
	"`to_address` (Graph `Default`, or no update), `planned` (`Reviewed`), `risk_accepted` (`Ignored`), `resolved_through_third_party` (`ThirdParty`), " +
	"`resolved_through_alternate_mitigation` (`resolvedThroughAlternateMitigation`). Any other state is shown lower_snake_cased."

// actionAttributes are the schema of actionModel; id is the caller's (an
// argument in the singular data source, computed in the list).
func actionAttributes(id schema.Attribute) map[string]schema.Attribute {
	computedString := func(description string) schema.Attribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	return map[string]schema.Attribute{
		"id":          id,
		"title":       computedString("The action's title."),
		"category":    computedString("The control category: `Identity`, `Data`, `Device`, `Apps` or `Infrastructure`."),
		"service":     computedString("The service the action configures, e.g. `AzureAD`, `EXO`, `SPO`, `MDO`, `Intune`."),
		"action_type": computedString("`Config`, `Review` or `Behavior`."),
		"tier":        computedString("`Core`, `DefenseInDepth` or `Advanced`."),
		"max_score":   schema.Float64Attribute{Computed: true, MarkdownDescription: "The points the action is worth."},
		"score": schema.Float64Attribute{Computed: true,
			MarkdownDescription: "The points the action earns in the newest secure score (`controlScores`); 0 when the score does not list it."},
		"points_remaining":    schema.Float64Attribute{Computed: true, MarkdownDescription: "`max_score - score`, at least 0: the points still to gain."},
		"rank":                schema.Int64Attribute{Computed: true, MarkdownDescription: "Microsoft's rank of the action (1 = most important)."},
		"user_impact":         computedString("The impact on users: `Low`, `Moderate` or `High`."),
		"implementation_cost": computedString("The implementation cost: `Low`, `Moderate` or `High`."),
		"threats": schema.ListAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: "The threats the action mitigates, e.g. `AccountBreach`."},
		"remediation":        computedString("How to implement the action. **HTML**, exactly as the service returns it: strip or render it before showing it as text."),
		"remediation_impact": computedString("What implementing the action changes for users."),
		"action_url":         computedString("The admin portal page where the action is implemented."),
		"deprecated":         schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether Microsoft retired the action; deprecated actions count for no points."},
		"status":             computedString(statusDescription),
		"notes":              computedString("The comment of the newest state update; null when there is none."),
		"assigned_to":        computedString("Who the newest state update assigned the action to; null when nobody."),
		"updated_by":         computedString("Who made the newest state update; null when there is none."),
		"updated_date_time":  computedString("When the newest state update was made (RFC 3339, UTC); null when the action never had one."),
		"compliance": schema.ListNestedAttribute{Computed: true,
			MarkdownDescription: "The certifications the action contributes to.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"certification_name": computedString("The certification, e.g. `NIST 800-53 Rev 5`."),
				"control_names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
					MarkdownDescription: "The certification's controls the action covers, e.g. `IA-2(1)`."},
			}},
		},
		"quick_win": schema.BoolAttribute{Computed: true,
			MarkdownDescription: "Whether the action is a quick win: points remaining, `Low` implementation cost and `Low` user impact."},
	}
}

// stateChangeAttributes are the schema of stateChangeModel.
func stateChangeAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"state":             schema.StringAttribute{Computed: true, MarkdownDescription: "Graph's state, e.g. `Default`, `Reviewed`, `Ignored`, `ThirdParty`."},
		"status":            schema.StringAttribute{Computed: true, MarkdownDescription: "The state in the portal's words (never `completed`, which depends on points, not on updates)."},
		"comment":           schema.StringAttribute{Computed: true, MarkdownDescription: "The update's comment (the action's notes); null when it has none."},
		"assigned_to":       schema.StringAttribute{Computed: true, MarkdownDescription: "Who the update assigned the action to; null when nobody."},
		"updated_by":        schema.StringAttribute{Computed: true, MarkdownDescription: "Who made the update; null when the service does not say."},
		"updated_date_time": schema.StringAttribute{Computed: true, MarkdownDescription: "When the update was made (RFC 3339, UTC)."},
	}
}

// filterStatuses are the statuses the `statuses` filter accepts.
var filterStatuses = []string{
	StatusCompleted, StatusToAddress, StatusPlanned, StatusRiskAccepted,
	StatusResolvedThroughThirdParty, StatusResolvedThroughAlternateMitigation,
}

package microsoft365

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/computed"
)

// actionModel is an improvement action's attributes, shared by the list
// (`actions`) and the singular data source.
type actionModel struct {
	ControlID            types.String      `tfsdk:"control_id"`
	Title                types.String      `tfsdk:"title"`
	Category             types.String      `tfsdk:"category"`
	Service              types.String      `tfsdk:"service"`
	ActionType           types.String      `tfsdk:"action_type"`
	Tier                 types.String      `tfsdk:"tier"`
	InScore              types.Bool        `tfsdk:"in_score"`
	MaxScore             types.Float64     `tfsdk:"max_score"`
	CurrentScore         types.Float64     `tfsdk:"current_score"`
	PointsRemaining      types.Float64     `tfsdk:"points_remaining"`
	Rank                 types.Int64       `tfsdk:"rank"`
	UserImpact           types.String      `tfsdk:"user_impact"`
	ImplementationCost   types.String      `tfsdk:"implementation_cost"`
	Threats              []types.String    `tfsdk:"threats"`
	Remediation          types.String      `tfsdk:"remediation"`
	RemediationImpact    types.String      `tfsdk:"remediation_impact"`
	ActionURL            types.String      `tfsdk:"action_url"`
	Deprecated           types.Bool        `tfsdk:"deprecated"`
	ImplementationStatus types.String      `tfsdk:"implementation_status"`
	LastSyncedDateTime   types.String      `tfsdk:"last_synced_date_time"`
	Status               types.String      `tfsdk:"status"`
	Notes                types.String      `tfsdk:"notes"`
	AssignedTo           types.String      `tfsdk:"assigned_to"`
	UpdatedBy            types.String      `tfsdk:"updated_by"`
	UpdatedDateTime      types.String      `tfsdk:"updated_date_time"`
	Compliance           []complianceModel `tfsdk:"compliance"`
	QuickWin             types.Bool        `tfsdk:"quick_win"`
}

type complianceModel struct {
	CertificationName types.String   `tfsdk:"certification_name"`
	ControlNames      []types.String `tfsdk:"control_names"`
}

type stateChangeModel struct {
	State           types.String `tfsdk:"state"`
	Status          types.String `tfsdk:"status"`
	Notes           types.String `tfsdk:"notes"`
	AssignedTo      types.String `tfsdk:"assigned_to"`
	UpdatedBy       types.String `tfsdk:"updated_by"`
	UpdatedDateTime types.String `tfsdk:"updated_date_time"`
}

// newActionModel fills the shared attributes from a.
func newActionModel(a Action) actionModel {
	m := actionModel{
		ControlID:            types.StringValue(a.ID),
		Title:                nullIfEmpty(a.Title),
		Category:             nullIfEmpty(a.Category),
		Service:              nullIfEmpty(a.Service),
		ActionType:           nullIfEmpty(a.ActionType),
		Tier:                 nullIfEmpty(a.Tier),
		InScore:              types.BoolValue(a.InScore),
		MaxScore:             types.Float64Null(),
		CurrentScore:         types.Float64Null(),
		PointsRemaining:      types.Float64Null(),
		Rank:                 types.Int64Value(a.Rank),
		UserImpact:           nullIfEmpty(a.UserImpact),
		ImplementationCost:   nullIfEmpty(a.ImplementationCost),
		Threats:              stringValues(a.Threats),
		Remediation:          nullIfEmpty(a.Remediation),
		RemediationImpact:    nullIfEmpty(a.RemediationImpact),
		ActionURL:            nullIfEmpty(a.ActionURL),
		Deprecated:           types.BoolValue(a.Deprecated),
		ImplementationStatus: nullIfEmpty(a.ImplementationStatus),
		LastSyncedDateTime:   rfc3339(a.LastSynced),
		Status:               types.StringValue(a.Status),
		Notes:                nullIfEmpty(a.Notes),
		AssignedTo:           nullIfEmpty(a.AssignedTo),
		UpdatedBy:            nullIfEmpty(a.UpdatedBy),
		UpdatedDateTime:      rfc3339(a.UpdatedDateTime),
		Compliance:           make([]complianceModel, 0, len(a.Compliance)),
		QuickWin:             types.BoolValue(a.QuickWin),
	}
	if a.MaxScoreKnown {
		m.MaxScore = types.Float64Value(a.MaxScore)
	}
	if a.InScore {
		m.CurrentScore = types.Float64Value(a.Score)
		m.PointsRemaining = types.Float64Value(a.PointsRemaining)
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
			Notes:           nullIfEmpty(h.Comment),
			AssignedTo:      nullIfEmpty(h.AssignedTo),
			UpdatedBy:       nullIfEmpty(h.UpdatedBy),
			UpdatedDateTime: rfc3339(h.UpdatedDateTime),
		})
	}
	return out
}

// statusDescription is the status vocabulary, for MarkdownDescription.
const statusDescription = "The portal's status, by this rule: `resolved_through_third_party` (Graph state `ThirdParty`) and " +
	"`resolved_through_alternate_mitigation` (`resolvedThroughAlternateMitigation`) when the newest state update says so, since they earn the action's points; " +
	"otherwise `completed` when the action earns its full points; otherwise the newest state update: `planned` (`Reviewed`), `risk_accepted` (`Ignored`), " +
	"or, with no decision recorded (`Default` or no update), `in_progress` when the action earns part of its points and `to_address` when it earns none. " +
	"Any other state is shown lower_snake_cased. Microsoft documents no mapping between portal statuses and Graph states: this one is inferred (see the resource's page)."

// actionAttributes are the schema of actionModel; control_id is the
// caller's (an argument in the singular data source, computed in the list).
func actionAttributes(controlID schema.Attribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"control_id":  controlID,
		"title":       computed.String("The action's title."),
		"category":    computed.String("The control category as Graph sends it: `Identity`, `Data`, `Apps` (Intune's actions come as `Apps`), `Device`, `Infrastructure`."),
		"service":     computed.String("The service the action configures, as Graph sends it, e.g. `AzureAD`, `Azure ATP`, `EXO`, `SPO`, `MDO`, `MS Teams`, `MIP`, `Intune`, `MDATP` (Device actions), `MDA_SF`."),
		"action_type": computed.String("`Config`, `Review` or `Behavior`."),
		"tier":        computed.String("As Graph sends it: `Core`, `Defense In Depth` or `Advanced`."),
		"in_score": computed.Bool("Whether the action counts in the tenant's secure score: the newest score lists it in `controlScores` and it is not deprecated. " +
			"A tenant lists far more actions than its score covers (products it is not licensed for); the others count in no total."),
		"max_score":           computed.Float64("The points the action is worth (the profile's `maxScore`); null when Graph sends none."),
		"current_score":       computed.Float64("The points the action earns in the newest secure score (`controlScores`); null when the action is not `in_score`."),
		"points_remaining":    computed.Float64("`max_score - current_score`, at least 0: the points still to gain; null when the action is not `in_score`."),
		"rank":                computed.Int64("Microsoft's rank of the action (1 = most important)."),
		"user_impact":         computed.String("The impact on users, normalised: `Low`, `Moderate` (Graph sends `Moderate`, `moderate`, `Medium` or `medium`), `High`, `Unknown` (most actions on live tenants); null when Graph sends none."),
		"implementation_cost": computed.String("The implementation cost, normalised like `user_impact`: `Low`, `Moderate`, `High`, `Unknown`, or null."),
		"threats":             computed.StringList("The threats the action mitigates, as Graph sends them, e.g. `Account breach`, `Data Exfiltration`."),
		"remediation":         computed.String("How to implement the action. **HTML**, exactly as the service returns it: strip or render it before showing it as text."),
		"remediation_impact":  computed.String("What implementing the action changes for users."),
		"action_url":          computed.String("The admin portal page where the action is implemented."),
		"deprecated":          computed.Bool("Whether Microsoft retired the action; deprecated actions count for no points."),
		"implementation_status": computed.String("What the newest score says of the action's implementation (`controlScores[].implementationStatus`), " +
			"e.g. `The setting is not compliant.`; null when the score does not say."),
		"last_synced_date_time": computed.String("When the newest score last checked the action (`controlScores[].lastSynced`, RFC 3339, UTC); null when it does not say."),
		"status":                computed.String(statusDescription),
		"notes":                 computed.String("The comment of the newest state update; null when there is none."),
		"assigned_to":           computed.String("Who the newest state update assigned the action to; null when nobody."),
		"updated_by":            computed.String("Who made the newest state update; null when there is none."),
		"updated_date_time":     computed.String("When the newest state update was made (RFC 3339, UTC); null when the action never had one."),
		"compliance": computed.ObjectList("The certifications the action contributes to (`complianceInformation`). Microsoft's metadata says it is not implemented: live tenants send `[]` or null, so expect an empty list.", map[string]schema.Attribute{
			"certification_name": computed.String("The certification, e.g. `NIST 800-53 Rev 5`."),
			"control_names":      computed.StringList("The certification's controls the action covers, e.g. `IA-2(1)`."),
		}),
		"quick_win": computed.Bool("Whether the action is a quick win: `in_score`, points remaining, a status a team can still act on (`to_address`, `in_progress`, `planned`), and `Low` implementation cost and `Low` user impact."),
	}
}

// stateChangeAttributes are the schema of stateChangeModel.
func stateChangeAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"state":             computed.String("Graph's state, e.g. `Default`, `Reviewed`, `Ignored`, `ThirdParty`."),
		"status":            computed.String("The state in the portal's words (never `completed` or `in_progress`, which depend on points, not on updates)."),
		"notes":             computed.String("The update's notes (Graph's `comment`); null when it has none."),
		"assigned_to":       computed.String("Who the update assigned the action to; null when nobody."),
		"updated_by":        computed.String("Who made the update; null when the service does not say."),
		"updated_date_time": computed.String("When the update was made (RFC 3339, UTC)."),
	}
}

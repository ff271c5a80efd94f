package defender

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/securescore/terraform-provider-securescore/internal/computed"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
	"github.com/securescore/terraform-provider-securescore/internal/providerdata"
	"github.com/securescore/terraform-provider-securescore/internal/validators"
)

// ControlDefinitionsDataSource reads the security control definitions of the
// tenant or of one subscription.
type ControlDefinitionsDataSource struct {
	providerdata.DataSource[controlDefinitionsModel]
}

// NewControlDefinitionsDataSource is the factory the provider registers.
func NewControlDefinitionsDataSource() datasource.DataSource {
	d := &ControlDefinitionsDataSource{}
	d.DataSource = providerdata.NewDataSource("defender_control_definitions", defaultReadTimeout, d.read)
	return d
}

type controlDefinitionsModel struct {
	providerdata.ReadTimeout
	SubscriptionID types.String             `tfsdk:"subscription_id"`
	Definitions    []controlDefinitionModel `tfsdk:"definitions"`
}

type controlDefinitionModel struct {
	ID                      types.String `tfsdk:"id"`
	Name                    types.String `tfsdk:"name"`
	DisplayName             types.String `tfsdk:"display_name"`
	Description             types.String `tfsdk:"description"`
	MaxScore                types.Int64  `tfsdk:"max_score"`
	SourceType              types.String `tfsdk:"source_type"`
	AssessmentDefinitionIDs []string     `tfsdk:"assessment_definition_ids"`
}

func (d *ControlDefinitionsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = providerdata.Schema(ctx, "Reads Microsoft Defender for Cloud's security control definitions: the built-in catalogue of the tenant "+
		"(`GET /providers/Microsoft.Security/secureScoreControlDefinitions`, api-version 2020-01-01) or, with `subscription_id`, "+
		"the definitions available to one subscription, custom ones included (`GET /subscriptions/{id}/providers/Microsoft.Security/secureScoreControlDefinitions`). "+
		"A subscription without Defender for Cloud data gives an empty list. "+
		"State size: one entry per control definition of the catalogue, whatever the number of subscriptions the tenant has.",
		map[string]schema.Attribute{
			"subscription_id": schema.StringAttribute{Optional: true, Validators: []validator.String{validators.SubscriptionID()},
				MarkdownDescription: "The subscription whose definitions are read. When omitted, the tenant-wide list is read; " +
					"the provider's `subscription_id` (`ARM_SUBSCRIPTION_ID`) is not used here. Reading one subscription needs the Security Reader role on it."},
			"definitions": computed.ObjectList("The control definitions, ordered by `display_name`, then `name`.", map[string]schema.Attribute{
				"id":                        computed.String("The definition's Azure Resource Manager id."),
				"name":                      computed.String("The definition's name (a GUID); a control's `name` in `securescore_defender_controls`."),
				"display_name":              computed.String("The control's display name, e.g. `Enable MFA`."),
				"description":               computed.String("What the control asks for. The definition lists carry it (the copies expanded under controls do not); null if the service omits it."),
				"max_score":                 computed.Int64("The most points the control can contribute to a score."),
				"source_type":               computed.String("Where the definition comes from: `BuiltIn` or `Custom`."),
				"assessment_definition_ids": computed.StringList("The resource ids of the assessments (recommendations) the control is made of."),
			}),
		})
}

// read fills data from the service (see providerdata.DataSource).
func (d *ControlDefinitionsDataSource) read(ctx context.Context, data *controlDefinitionsModel, diags *diag.Diagnostics) {
	if diags.HasError() {
		return
	}

	subscriptionID := data.SubscriptionID.ValueString() // "" = the tenant-wide list
	definitions, err := d.Client.DefenderControlDefinitions(ctx, subscriptionID)
	if err != nil {
		hint := diagnostics.Hint{}
		if subscriptionID != "" {
			hint.NotFound = "subscription " + subscriptionID + " (check the id, and that it belongs to the provider's tenant)"
		}
		diags.Append(diagnostics.FromError("Reading the Defender for Cloud control definitions", err, hint))
		return
	}

	kept := definitions[:0]
	for _, def := range definitions {
		if isControlDefinition(def) {
			kept = append(kept, def)
		} else {
			tflog.Warn(ctx, "Skipping an item of another resource type in the control definitions list",
				map[string]any{"id": def.ID, "type": def.Type})
		}
	}
	sortDefinitions(kept)
	items := make([]controlDefinitionModel, 0, len(kept))
	for _, def := range kept {
		item := controlDefinitionModel{
			ID:                      types.StringValue(def.ID),
			Name:                    types.StringValue(def.Name),
			DisplayName:             types.StringValue(def.DisplayName),
			Description:             types.StringNull(),
			MaxScore:                types.Int64Value(def.MaxScore),
			SourceType:              types.StringValue(def.SourceType),
			AssessmentDefinitionIDs: stringsOrEmpty(def.AssessmentDefinitionIDs),
		}
		if def.Description != "" {
			item.Description = types.StringValue(def.Description)
		}
		items = append(items, item)
	}

	data.Definitions = items
}

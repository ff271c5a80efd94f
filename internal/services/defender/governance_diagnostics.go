package defender

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/diagnostics"
)

// Roles named in governance diagnostics.
const (
	governanceWriteRole = "the Security Admin role on the subscription or management group"
	governanceReadRole  = "the Security Reader role (or Security Admin) on the subscription or management group"
)

// cspmHint names the plan governance needs
// (https://learn.microsoft.com/azure/defender-for-cloud/governance-rules).
const cspmHint = "Governance rules and assignments need the Defender CSPM plan on the subscription (for a management-group rule, on its subscriptions): " +
	"Defender for Cloud > Environment settings > the subscription > Defender plans > Defender CSPM: On, " +
	"or Microsoft.Security/pricings/CloudPosture with pricingTier Standard."

// managementGroup500Hint says what is known of the 500 at management-group scope.
const managementGroup500Hint = "What is known: Azure Resource Manager has answered 500 with no body to governance rule writes at management-group scope " +
	"(reported in Azure/terraform-provider-azapi#934, where the rule id was not a GUID; this provider always sends a GUID rule id). " +
	"What to try: check that management_group_id is the group's id, not its display name; that the identity has Security Admin on the management group; " +
	"that the group's subscriptions have the Defender CSPM plan; then retry. If it persists, create the rule per subscription (subscription_id) " +
	"and open a support case quoting the request id above."

// governanceWriteError is the diagnostic for a refused governance write:
// the common one, plus what governance itself needs.
func governanceWriteError(action string, err error, managementGroup bool, notFound string) diag.Diagnostic {
	d := diagnostics.FromError(action, err, diagnostics.Hint{Permission: governanceWriteRole, NotFound: notFound})
	detail := d.Detail()
	var extra string
	switch status := apiStatus(err); {
	case status >= 500 && managementGroup:
		extra = managementGroup500Hint
	case status == http.StatusBadRequest || status == http.StatusForbidden || status == http.StatusConflict:
		if strings.Contains(strings.ToLower(err.Error()), "cspm") {
			extra = "The subscription does not have the Defender CSPM plan. " + cspmHint
		} else if status != http.StatusBadRequest {
			extra = "If the identity has the role, the subscription may lack Defender CSPM: " + cspmHint
		}
	}
	if extra != "" {
		detail += "\n\n" + extra
	}
	return diag.NewErrorDiagnostic(d.Summary(), detail)
}

// governanceReadError is the diagnostic for a failed read of a governance
// object; notFound, when set, says what a 404 means at that step.
func governanceReadError(what string, err error, notFound string) diag.Diagnostic {
	return diagnostics.FromError("Reading the governance "+what, err, diagnostics.Hint{Permission: governanceReadRole, NotFound: notFound})
}

func apiStatus(err error) int {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// newObjectKey gives a governance create its key: a new GUID when the plan
// leaves it unknown or null, else the planned one once nothing is found
// under it, since a create never silently overwrites. get reads what the
// key names; existing describes it for the error (its id and a detail such
// as its display name). It reports whether the create may go on.
func newObjectKey[T any](key *types.String, attribute, what string, get func(string) (*T, error), existing func(*T) (id, detail string), diags *diag.Diagnostics) bool {
	if key.IsUnknown() || key.IsNull() {
		*key = types.StringValue(uuid.NewString())
		return true
	}
	found, err := get(key.ValueString())
	switch {
	case err == nil:
		id, detail := existing(found)
		diags.AddAttributeError(path.Root(attribute), "Governance "+what+" already exists",
			fmt.Sprintf("%s already exists (%s). Import it instead: terraform import <address> %s", id, detail, id))
		return false
	case !client.IsNotFound(err):
		diags.Append(governanceReadError(what, err, ""))
		return false
	}
	return true
}

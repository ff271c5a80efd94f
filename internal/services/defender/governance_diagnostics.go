package defender

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

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
func governanceWriteError(action string, err error, managementGroupID, notFound string) diag.Diagnostic {
	d := diagnostics.FromError(action, err, diagnostics.Hint{Permission: governanceWriteRole, NotFound: notFound})
	detail := d.Detail()
	var extra string
	switch status := apiStatus(err); {
	case status >= 500 && managementGroupID != "":
		extra = managementGroup500Hint
	case status == http.StatusForbidden && managementGroupID != "":
		extra = managementGroupHint(managementGroupID)
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

// governanceScopeReadError is governanceReadError at a rule's scope: a 403
// at management-group scope also says that the group may not exist.
func governanceScopeReadError(what string, err error, managementGroupID string) diag.Diagnostic {
	d := governanceReadError(what, err, "")
	if apiStatus(err) != http.StatusForbidden || managementGroupID == "" {
		return d
	}
	return diag.NewErrorDiagnostic(d.Summary(), d.Detail()+"\n\n"+managementGroupHint(managementGroupID))
}

// managementGroupHint is what a 403 at management-group scope may mean:
// Azure Resource Manager answers AuthorizationFailed "... over scope ... or
// the scope is invalid" both for a group the identity may not use and for
// a group that does not exist, as its own message says
// (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting).
func managementGroupHint(id string) string {
	return fmt.Sprintf("Azure answers 403 AuthorizationFailed both when the identity has no role on a management group and when no management group has that id. "+
		"Check that management_group_id %q is the group's id, not its display name (az account management-group list shows both; ids are case-insensitive), "+
		"then that the identity has %s.", id, governanceWriteRole)
}

func apiStatus(err error) int {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

package defender

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

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

// exampleDueDate is the due date the schema's examples and a suggestion
// without a date of the user's to go on show: a date still ahead.
const exampleDueDate = "2027-06-30T00:00:00Z"

// dueDateLayouts are the ways of writing a date or time that are not RFC
// 3339 but say which instant is meant: a bare date, a time without a zone,
// a space instead of the T.
var dueDateLayouts = []string{
	"2006-01-02",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006/01/02",
}

// dueDateSuggestion is how to write value as RFC 3339: the user's own date
// and time in UTC when value reads as one (a bare date is that day's
// midnight), or the example when it does not.
func dueDateSuggestion(value string) string {
	trimmed := strings.TrimSpace(value)
	for _, layout := range dueDateLayouts {
		if t, err := time.Parse(layout, trimmed); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return exampleDueDate
}

// dueDateProblem is the detail of a due date that is not an RFC 3339
// timestamp, with the fix written out.
func dueDateProblem(value string) string {
	suggestion := dueDateSuggestion(value)
	withOffset := strings.TrimSuffix(suggestion, "Z") + "+02:00"
	return fmt.Sprintf("%q is not an RFC 3339 timestamp: write it as %s (or with an offset, %s).", value, suggestion, withOffset)
}

package microsoft365

import (
	"fmt"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// Refusal is why the resource cannot manage an action, in a diagnostic's words.
type Refusal struct {
	Summary string
	Detail  string
}

// deviceService is Microsoft Defender for Endpoint's service name: the
// portal's Device actions are its scid_* profiles (Defender Vulnerability
// Management recommendations), and the secure score API refuses their
// updates. Intune's profiles come as category Apps and are updatable.
const deviceService = "MDATP"

// IsDeviceAction reports the actions the portal manages as Defender
// Vulnerability Management exceptions: an scid_ id, the MDATP service, or
// category Device when a tenant sends it.
func IsDeviceAction(p client.ControlProfile) bool {
	return strings.HasPrefix(strings.ToLower(p.ID), "scid_") ||
		strings.EqualFold(strings.TrimSpace(p.Service), deviceService) ||
		strings.EqualFold(strings.TrimSpace(p.ControlCategory), "Device")
}

// Unmanageable says why the resource refuses p, or nil when it can manage it.
func Unmanageable(p client.ControlProfile) *Refusal {
	switch {
	case IsDeviceAction(p):
		return &Refusal{
			Summary: "Device improvement action: managed in Microsoft Defender",
			Detail: fmt.Sprintf("%q (%s, service %s) is a Device action, a Microsoft Defender Vulnerability Management recommendation. "+
				"The secure score API refuses status updates for it: manage its status as an exception in the Microsoft Defender portal "+
				"(Vulnerability management > Recommendations > Exception options), not with this resource.", p.ID, p.Title, orUnknown(p.Service)),
		}
	case p.Deprecated:
		return &Refusal{
			Summary: "Deprecated improvement action",
			Detail:  fmt.Sprintf("%q (%s) is deprecated: it no longer counts towards the secure score and cannot be updated. Remove it from the configuration.", p.ID, p.Title),
		}
	}
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

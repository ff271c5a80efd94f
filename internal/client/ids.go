package client

import (
	"regexp"
	"strings"
)

// GUIDPattern is the shape of subscription and directory (tenant) ids: a
// GUID in its 8-4-4-4-12 hexadecimal form, nothing around it.
var GUIDPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$`)

// SubscriptionFromID extracts the subscription id of an ARM resource id
// ("" when the id has no /subscriptions/{id} segment).
func SubscriptionFromID(id string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "subscriptions") {
			return parts[i+1]
		}
	}
	return ""
}

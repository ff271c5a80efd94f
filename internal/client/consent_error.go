package client

import (
	"fmt"
	"strings"
)

// ConsentError is a token request refused because no administrator of the
// tenant consented to the application (AADSTS65001). Every object reports
// it with the same words and the admin-consent link, whether it fails a
// read or becomes one tenant's `error`.
type ConsentError struct {
	TenantID   string
	ConsentURL string
	Err        error
}

func (e *ConsentError) Error() string {
	return fmt.Sprintf("consent missing (AADSTS65001): no administrator of tenant %s has consented to the application. "+
		"Send an administrator of that tenant %s (the application also needs the Microsoft Graph application permission it uses, with admin consent)",
		e.TenantID, e.ConsentURL)
}

func (e *ConsentError) Unwrap() error { return e.Err }

// consentError wraps err as a ConsentError when the identity platform
// refused it for missing consent; otherwise it returns err.
func (c *Client) consentError(tenantID string, err error) error {
	if err == nil || !strings.Contains(err.Error(), "AADSTS65001") {
		return err
	}
	return &ConsentError{
		TenantID:   tenantID,
		ConsentURL: fmt.Sprintf("%s/%s/adminconsent?client_id=%s", strings.TrimSuffix(c.Endpoints.AuthorityHost, "/"), tenantID, c.ClientID),
		Err:        err,
	}
}

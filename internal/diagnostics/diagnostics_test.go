package diagnostics

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

func TestFromErrorSaysWhatToDo(t *testing.T) {
	cases := []struct {
		err         error
		hint        Hint
		wantSummary string
		wantDetail  []string
	}{
		{&client.APIError{Service: client.ServiceARM, StatusCode: 403, Code: "AuthorizationFailed", RequestID: "r-1"}, Hint{},
			"Reading x failed (HTTP 403)", []string{"AuthorizationFailed", "r-1", "Security Reader"}},
		{&client.APIError{Service: client.ServiceGraph, StatusCode: 403}, Hint{},
			"Reading x failed (HTTP 403)", []string{"SecurityEvents.Read.All"}},
		{&client.APIError{Service: client.ServiceGraph, StatusCode: 403}, Hint{Permission: GraphWritePermission},
			"Reading x failed (HTTP 403)", []string{"SecurityEvents.ReadWrite.All"}},
		{&client.APIError{Service: client.ServiceARM, StatusCode: 401}, Hint{},
			"Reading x failed (HTTP 401)", []string{"Check the credentials"}},
		{fmt.Errorf("page 2: %w", &client.APIError{Service: client.ServiceARM, StatusCode: 404}), Hint{NotFound: "secure score \"nope\""},
			"Reading x failed (HTTP 404)", []string{`Not found: secure score "nope"`}},
		{&client.APIError{Service: client.ServiceGraph, StatusCode: 503, RequestID: "r-5"}, Hint{},
			"Reading x failed (HTTP 503)", []string{"Retry later", "r-5"}},
		{&client.DecodeError{Service: client.ServiceGraph, URL: "https://g/v1.0/x", Err: errors.New("bad")}, Hint{},
			"Reading x failed: unexpected response", []string{"not the documented shape"}},
		{&client.ConfigError{Setting: "tenant_id", EnvVar: "ARM_TENANT_ID", Message: "missing"}, Hint{},
			"Invalid provider configuration", []string{"tenant_id (ARM_TENANT_ID): missing"}},
	}
	for _, tc := range cases {
		d := FromError("Reading x", tc.err, tc.hint)
		if d.Summary() != tc.wantSummary {
			t.Errorf("%v: summary %q, want %q", tc.err, d.Summary(), tc.wantSummary)
		}
		for _, want := range tc.wantDetail {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("%v: detail %q lacks %q", tc.err, d.Detail(), want)
			}
		}
	}
}

func TestClosest(t *testing.T) {
	got := Closest("AdminMFA", []string{"BlockLegacyAuthentication", "AdminMFAV2", "MFARegistrationV2", "aadAdminMFA"}, 2)
	if strings.Join(got, ",") != "AdminMFAV2,aadAdminMFA" {
		t.Errorf("got %v", got)
	}
	if len(Closest("x", nil, 3)) != 0 {
		t.Error("no candidates, no suggestions")
	}
}

func TestWarningsAreDeduplicated(t *testing.T) {
	if n := len(Warnings([]string{"a", "b", "a"})); n != 2 {
		t.Errorf("got %d warnings", n)
	}
}

// A failure on a later page says which page failed, so nobody mistakes the
// error for a short list.
func TestFromErrorKeepsThePageContext(t *testing.T) {
	apiErr := &client.APIError{Service: client.ServiceARM, Method: "GET", URL: "https://management.azure.com/x", StatusCode: 500, Code: "InternalServerError", Message: "boom"}
	d := FromError("Reading", fmt.Errorf("listing: %w", &client.PageError{Page: 3, Err: apiErr}), Hint{})
	if d.Summary() != "Reading failed (HTTP 500)" || !strings.Contains(d.Detail(), "page 3 failed, so the list is incomplete") || !strings.Contains(d.Detail(), "InternalServerError: boom") {
		t.Errorf("diagnostic = %q / %q", d.Summary(), d.Detail())
	}
}

package emulator

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The cloud's endpoints, without a token, in the shape of api-version
// 2022-09-01 (one object) that azurerm's metadata_host reads.
func TestMetadataEndpoints(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	r := get(t, c, e.ARMURL()+"/metadata/endpoints?api-version=2022-09-01", "")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	var m struct {
		Name           string `json:"name"`
		Authentication struct {
			LoginEndpoint string   `json:"loginEndpoint"`
			Audiences     []string `json:"audiences"`
		} `json:"authentication"`
		ResourceManager          string `json:"resourceManager"`
		MicrosoftGraphResourceID string `json:"microsoftGraphResourceId"`
	}
	if err := json.Unmarshal(r.raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Name == "" || m.Authentication.LoginEndpoint != e.AuthorityURL() || m.ResourceManager != e.ARMURL()+"/" ||
		m.MicrosoftGraphResourceID != e.GraphURL()+"/" || len(m.Authentication.Audiences) == 0 || m.Authentication.Audiences[0] != "https://management.core.windows.net/" {
		t.Errorf("got %s", r.raw)
	}
	if n := e.Count(RouteARMMetadata); n != 1 {
		t.Errorf("count %d", n)
	}

	// 2019-05-01 answers a list of clouds.
	list := get(t, c, e.ARMURL()+"/metadata/endpoints?api-version=2019-05-01", "")
	var clouds []map[string]any
	if err := json.Unmarshal(list.raw, &clouds); err != nil || len(clouds) != 1 {
		t.Errorf("2019-05-01: %v %s", err, list.raw)
	}
	if bad := get(t, c, e.ARMURL()+"/metadata/endpoints?api-version=2099-01-01", ""); bad.status != http.StatusBadRequest || bad.errorCode() != "InvalidApiVersionParameter" {
		t.Errorf("unknown api-version: %d %s", bad.status, bad.raw)
	}
}

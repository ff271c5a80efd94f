package emulator

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T, opts Options) *Emulator {
	t.Helper()
	e := New(opts)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

func clientFor(t *testing.T, e *Emulator) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(e.CACertPEM()) {
		t.Fatal("CA PEM not usable")
	}
	return &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		Timeout:   10 * time.Second,
	}
}

// tokenFor gets a token with a client secret straight from the token endpoint.
func tokenFor(t *testing.T, e *Emulator, c *http.Client, tenant, scope string) string {
	t.Helper()
	status, body := postForm(t, c, e.AuthorityURL()+"/"+tenant+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {ClientID},
		"client_secret": {ClientSecret}, "scope": {scope},
	})
	if status != http.StatusOK {
		t.Fatalf("token: %d %v", status, body)
	}
	return body["access_token"].(string)
}

func armToken(t *testing.T, e *Emulator, c *http.Client, tenant string) string {
	return tokenFor(t, e, c, tenant, "https://management.core.windows.net//.default")
}

func graphToken(t *testing.T, e *Emulator, c *http.Client, tenant string) string {
	return tokenFor(t, e, c, tenant, e.GraphURL()+"/.default")
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body) //nolint:errcheck // checked by callers
	return resp.StatusCode, body
}

type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r response) errorCode() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

func (r response) values() []any {
	v, _ := r.body["value"].([]any)
	return v
}

func call(t *testing.T, c *http.Client, method, u, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	json.Unmarshal(raw, &r.body) //nolint:errcheck // some tests expect bad JSON
	return r
}

func get(t *testing.T, c *http.Client, u, token string) response {
	t.Helper()
	return call(t, c, http.MethodGet, u, token, nil)
}

// follow collects every item of an ARM or Graph list, counting the pages.
func follow(t *testing.T, c *http.Client, u, token, nextKey string) ([]any, int) {
	t.Helper()
	var items []any
	pages := 0
	for u != "" {
		r := get(t, c, u, token)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, r.status, r.raw)
		}
		pages++
		items = append(items, r.values()...)
		u, _ = r.body[nextKey].(string)
	}
	return items, pages
}

func secURL(e *Emulator, sub, suffix string) string {
	u := e.ARMURL() + "/subscriptions/" + sub + "/providers/Microsoft.Security/" + suffix
	if strings.Contains(u, "?") {
		return u + "&api-version=2020-01-01"
	}
	return u + "?api-version=2020-01-01"
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

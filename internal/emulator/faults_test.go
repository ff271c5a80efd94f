package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	e := start(t, Options{GraphPageSize: 10})
	c := clientFor(t, e)
	gtok := graphToken(t, e, c, DefaultTenantID)
	atok := armToken(t, e, c, DefaultTenantID)
	scores := e.GraphURL() + "/v1.0/security/secureScores"
	ascURL := secURL(e, DefaultSubscriptionID, "secureScores/ascScore")

	t.Run("Times", func(t *testing.T) {
		e.SetFault(RouteGraphSecureScores, Fault{Status: 429, RetryAfter: "2.128", Times: 2})
		defer e.ClearFaults()
		for i, want := range []int{429, 429, 200} {
			r := get(t, c, scores, gtok)
			if r.status != want {
				t.Fatalf("request %d: %d", i+1, r.status)
			}
			if want == 429 && (r.header.Get("Retry-After") != "2.128" || r.errorCode() != "TooManyRequests" ||
				path(r.body, "error", "innerError", "request-id") != r.header.Get("request-id")) {
				t.Fatalf("429 shape: %v %s", r.header, r.raw)
			}
		}
	})

	t.Run("Page", func(t *testing.T) {
		e.SetFault(RouteGraphSecureScores, Fault{Status: 503, Page: 2})
		defer e.ClearFaults()
		first := get(t, c, scores, gtok)
		next, _ := first.body["@odata.nextLink"].(string)
		if first.status != 200 || next == "" {
			t.Fatalf("page 1: %d", first.status)
		}
		if r := get(t, c, next, gtok); r.status != 503 || r.errorCode() != "ServiceUnavailable" {
			t.Fatalf("page 2: %d %s", r.status, r.raw)
		}
		third := get(t, c, scores+"?$skiptoken="+encodeSkip(3, 20), gtok)
		if third.status != 200 {
			t.Fatalf("page 3: %d", third.status)
		}
	})

	t.Run("EveryNth", func(t *testing.T) {
		e.SetFault(RouteARMSecureScoreGet, Fault{Status: 500, EveryNth: 3})
		defer e.ClearFaults()
		var got []int
		for range 6 {
			r := get(t, c, ascURL, atok)
			got = append(got, r.status)
			if r.status == 500 && (r.errorCode() != "InternalServerError" || r.header.Get("x-ms-request-id") == "") {
				t.Fatalf("ARM 500 shape: %s", r.raw)
			}
		}
		want := []int{200, 200, 500, 200, 200, 500}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("statuses %v, want %v", got, want)
			}
		}
	})

	t.Run("Bodies", func(t *testing.T) {
		defer e.ClearFaults()
		e.SetFault(RouteARMSecureScoreGet, Fault{Malformed: true, Times: 1})
		r := get(t, c, ascURL, atok)
		if r.status != 200 || json.Valid(r.raw) || len(r.raw) == 0 {
			t.Fatalf("malformed: %d %q", r.status, r.raw)
		}
		e.SetFault(RouteARMSecureScoreGet, Fault{WrongShape: true, Times: 1})
		if r := get(t, c, ascURL, atok); r.status != 200 || r.body["value"] != "oops" {
			t.Fatalf("wrong shape: %s", r.raw)
		}
		e.SetFault(RouteGraphSecureScores, Fault{Warning: `199 - "Microsoft/SecureScore/504/10000"`, Times: 1})
		if r := get(t, c, scores+"?$top=1", gtok); r.status != 206 || r.header.Get("Warning") == "" || len(r.values()) != 1 {
			t.Fatalf("warning: %d %v", r.status, r.header)
		}
		e.SetFault(RouteToken, Fault{Status: 503, Times: 1})
		status, body := postForm(t, c, e.AuthorityURL()+"/"+DefaultTenantID+"/oauth2/v2.0/token", nil)
		if status != 503 || body["error"] != "temporarily_unavailable" {
			t.Fatalf("token fault: %d %v", status, body)
		}
	})

	t.Run("ResetAndHang", func(t *testing.T) {
		defer e.ClearFaults()
		// Every request: net/http retries an idempotent request once when a
		// reused connection closes before answering.
		e.SetFault(RouteGraphProfileList, Fault{Reset: true})
		if _, err := c.Get(profilesURL(e)); err == nil {
			t.Fatal("reset: no error")
		}
		e.SetFault(RouteGraphProfileList, Fault{Hang: true})
		quick := *c
		quick.Timeout = 200 * time.Millisecond
		started := time.Now()
		if _, err := quick.Get(profilesURL(e)); err == nil || time.Since(started) > 3*time.Second {
			t.Fatalf("hang: %v after %v", err, time.Since(started))
		}
	})

	if e.Count(RouteGraphSecureScores) == 0 || e.Counts()[RouteARMSecureScoreGet] != 8 {
		t.Fatalf("counts %v", e.Counts())
	}
	e.ResetCounts()
	if len(e.Counts()) != 0 {
		t.Fatal("ResetCounts")
	}
}

func TestFaultReleasedByClose(t *testing.T) {
	e := New(Options{})
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	c := clientFor(t, e)
	e.SetFault(RouteOpenIDConfig, Fault{Hang: true})
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(e.AuthorityURL() + "/" + DefaultTenantID + "/v2.0/.well-known/openid-configuration")
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	e.Close()
	select {
	case err := <-done:
		_ = err // the hanging request ends in an error; that it ends is the point
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not release a hanging request")
	}
}

// A write faulted after it was stored fails for the client but stays in the
// model, as a write whose answer a gateway lost.
func TestFaultAfterStore(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := graphToken(t, e, c, DefaultTenantID)
	u := profilesURL(e) + "/AdminMFAV2"
	for _, f := range []Fault{{Status: 503, AfterStore: true, Times: 1}, {Reset: true, AfterStore: true, Times: 1}} {
		before := len(e.Tenant(DefaultTenantID).Profiles[0].ControlStateUpdates)
		e.SetFault(RouteGraphProfilePatch, f)
		comment := "stored despite the fault"
		if f.Reset {
			comment = "stored despite the reset"
		}
		req, err := http.NewRequest(http.MethodPatch, u, strings.NewReader(`{"comment":"`+comment+`","vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		switch {
		case f.Reset && err == nil:
			resp.Body.Close()
			t.Fatalf("reset: got %d, want a connection error", resp.StatusCode)
		case !f.Reset && (err != nil || resp.StatusCode != http.StatusServiceUnavailable):
			t.Fatalf("503 after store: %v %v", resp, err)
		}
		if resp != nil {
			resp.Body.Close()
		}
		p := e.Tenant(DefaultTenantID).Profiles[0]
		after, _ := p.CurrentState()
		if len(p.ControlStateUpdates) != before+1 || after.Comment != comment {
			t.Fatalf("%+v: the write was not stored: %d updates, newest %+v", f, len(p.ControlStateUpdates), after)
		}
		e.ClearFaults()
	}
}

// A transient fault never hits the same request twice in a row: its retry
// gets through, whatever the other requests on the route.
func TestFaultTransient(t *testing.T) {
	e := start(t, Options{})
	c := clientFor(t, e)
	tok := armToken(t, e, c, DefaultTenantID)
	asc := secURL(e, DefaultSubscriptionID, "secureScores/ascScore")
	e.SetFault(RouteARMSecureScoreGet, Fault{Status: http.StatusServiceUnavailable, Transient: true})
	defer e.ClearFaults()
	// Every request is due a fault; the same URL alternates fault and pass.
	var got []int
	for range 4 {
		got = append(got, get(t, c, asc, tok).status)
	}
	if want := []int{503, 200, 503, 200}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
}

package client

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// countingCredential answers every token request with err (or a token when
// err is nil) and counts the requests.
type countingCredential struct {
	calls atomic.Int32
	err   error
}

func (c *countingCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls.Add(1)
	if err := ctx.Err(); err != nil {
		return azcore.AccessToken{}, err
	}
	if c.err != nil {
		return azcore.AccessToken{}, c.err
	}
	return azcore.AccessToken{Token: "token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestRefreshingCredentialRemembersAFailedTokenRequest(t *testing.T) {
	unreachable := errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	inner := &countingCredential{err: unreachable}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	cred := newRefreshingCredential(inner, func() (azcore.TokenCredential, error) { return inner, nil })
	cred.now = func() time.Time { return now }
	graph := policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}, TenantID: "home"}
	ctx := context.Background()

	for i := range 3 {
		if _, err := cred.GetToken(ctx, graph); !errors.Is(err, unreachable) {
			t.Fatalf("request %d: got %v, want the first failure", i+1, err)
		}
	}
	if got := inner.calls.Load(); got != 1 {
		t.Fatalf("3 token requests within %s reached the identity platform %d times, want 1", failedTokenMemory, got)
	}

	// Another tenant or audience is asked for itself.
	if _, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: graph.Scopes, TenantID: "customer"}); !errors.Is(err, unreachable) {
		t.Fatalf("other tenant: %v", err)
	}
	if got := inner.calls.Load(); got != 2 {
		t.Fatalf("a request for another tenant was answered from memory (%d calls)", got)
	}

	// Once the memory has passed, the platform is asked again, and a
	// success clears the failure.
	now = now.Add(failedTokenMemory)
	inner.err = nil
	if _, err := cred.GetToken(ctx, graph); err != nil {
		t.Fatalf("after %s: %v", failedTokenMemory, err)
	}
	if got := inner.calls.Load(); got != 3 {
		t.Fatalf("after the memory passed: %d calls, want 3", got)
	}
}

func TestRefreshingCredentialForgetsAFailureOnRenewal(t *testing.T) {
	failing := &countingCredential{err: errors.New("AADSTS7000215: Invalid client secret provided")}
	fresh := &countingCredential{}
	cred := newRefreshingCredential(failing, func() (azcore.TokenCredential, error) { return fresh, nil })
	opts := policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com/.default"}}
	if _, err := cred.GetToken(context.Background(), opts); err == nil {
		t.Fatal("the failing credential gave a token")
	}
	// A renewal (a token refused by the service) builds a new credential,
	// whose requests do not inherit the old one's failure.
	cred.mu.Lock()
	cred.inner, cred.gen = fresh, cred.gen+1
	cred.mu.Unlock()
	if _, err := cred.GetToken(context.Background(), opts); err != nil {
		t.Fatalf("the renewed credential answered from the old failure: %v", err)
	}
}

func TestRefreshingCredentialDoesNotRememberItsCallersDeadline(t *testing.T) {
	inner := &countingCredential{}
	cred := newRefreshingCredential(inner, func() (azcore.TokenCredential, error) { return inner, nil })
	opts := policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := cred.GetToken(cancelled, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: %v", err)
	}
	if _, err := cred.GetToken(context.Background(), opts); err != nil {
		t.Fatalf("a cancelled caller's failure was remembered: %v", err)
	}
	if got := inner.calls.Load(); got != 2 {
		t.Fatalf("%d calls, want 2", got)
	}
}

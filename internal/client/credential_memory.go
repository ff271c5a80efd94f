package client

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The credential's memory: tokens it handed out (so that one the service
// refuses before its expiry renews the credential once) and token requests
// that failed moments ago (so that they answer the same request again
// instead of every resource waiting through the retries in turn).

// refreshingCredential wraps the configured credential so that a token the
// service refuses before its expiry (revoked, or a clock that disagrees) can
// be replaced: azidentity would hand the same token back from its cache, so
// renew builds a new credential, with an empty cache, from the same settings.
//
// It also remembers a failed token request for failedTokenMemory: azidentity
// caches tokens, not failures, so with the identity platform unreachable each
// of hundreds of resources would wait through the whole retry schedule in
// turn; now the first failure answers the rest.
type refreshingCredential struct {
	build func() (azcore.TokenCredential, error)
	now   func() time.Time

	mu     sync.Mutex
	inner  azcore.TokenCredential
	gen    int
	issued map[[32]byte]int // hash of each token handed out -> generation
	failed map[string]failedToken
}

// failedTokenMemory is how long a failed token request answers the same
// request again: longer than a plan's burst of reads, short enough that a
// long apply tries again after a transient outage.
const failedTokenMemory = 30 * time.Second

type failedToken struct {
	err error
	at  time.Time
	gen int
}

// tokenRequestKey tells token requests apart by what the identity platform
// is asked for.
func tokenRequestKey(opts policy.TokenRequestOptions) string {
	return opts.TenantID + "\x00" + strings.Join(opts.Scopes, " ") + "\x00" + opts.Claims
}

// maxRememberedTokens bounds the hashes kept; a provider run gets a few tokens.
const maxRememberedTokens = 1024

func newRefreshingCredential(inner azcore.TokenCredential, build func() (azcore.TokenCredential, error)) *refreshingCredential {
	return &refreshingCredential{build: build, now: time.Now, inner: inner, issued: map[[32]byte]int{}, failed: map[string]failedToken{}}
}

func (r *refreshingCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	key := tokenRequestKey(opts)
	r.mu.Lock()
	inner, gen := r.inner, r.gen
	if f, ok := r.failed[key]; ok && f.gen == gen && r.now().Sub(f.at) < failedTokenMemory {
		r.mu.Unlock()
		tflog.Debug(ctx, "Token request not repeated: the same request failed moments ago", map[string]any{"failed_ago_ms": r.now().Sub(f.at).Milliseconds()})
		return azcore.AccessToken{}, f.err
	}
	r.mu.Unlock()
	tok, err := inner.GetToken(ctx, opts)
	if err != nil {
		// A request cut short by its own deadline or cancellation says
		// nothing about the identity platform.
		if ctx.Err() == nil {
			r.mu.Lock()
			r.failed[key] = failedToken{err: err, at: r.now(), gen: gen}
			r.mu.Unlock()
		}
		return tok, err
	}
	r.mu.Lock()
	delete(r.failed, key)
	if len(r.issued) >= maxRememberedTokens {
		r.issued = map[[32]byte]int{}
	}
	r.issued[sha256.Sum256([]byte(tok.Token))] = gen
	r.mu.Unlock()
	return tok, nil
}

// renew replaces the credential when token came from the current one, so
// that many requests refused at once renew it once. It reports whether a
// fresh token can now be had.
func (r *refreshingCredential) renew(token string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	gen, known := r.issued[sha256.Sum256([]byte(token))]
	if !known {
		return false
	}
	if gen != r.gen {
		return true // renewed since this token was handed out
	}
	inner, err := r.build()
	if err != nil {
		return false
	}
	r.inner, r.gen = inner, r.gen+1
	return true
}

// reauthPolicy sits outside the retry loop. When the service refuses the
// bearer token as expired or invalid (not for a wrong audience or a missing
// permission), it renews the credential and sends the request once more;
// the bearer token policy has dropped its cached token on the 401. It also
// turns a failed token request into an *APIError of Microsoft Entra ID.
type reauthPolicy struct{ cred *refreshingCredential }

func (p reauthPolicy) Do(req *policy.Request) (*http.Response, error) {
	req, call := withLastAnswer(req, tokenCallKey{})
	resp, err := req.Next()
	if err != nil {
		return resp, entraError(err, call)
	}
	if resp.StatusCode != http.StatusUnauthorized || !tokenRefused(resp) {
		return resp, nil
	}
	// The retry policy sent a clone: the token is on the request that went out.
	sent := req.Raw()
	if resp.Request != nil {
		sent = resp.Request
	}
	token := strings.TrimPrefix(sent.Header.Get("Authorization"), "Bearer ")
	// A body that cannot be sent again leaves the 401 as it is.
	resendable := token != "" && req.RewindBody() == nil
	if !resendable || !p.cred.renew(token) {
		return resp, nil
	}
	drain(resp)
	resp, err = req.Next()
	return resp, entraError(err, call)
}

// tokenRefused reports whether a 401 says the token itself is no good
// (ARM: ExpiredAuthenticationToken, InvalidAuthenticationToken; Graph:
// InvalidAuthenticationToken).
func tokenRefused(resp *http.Response) bool {
	body, err := runtime.Payload(resp)
	if err != nil {
		return false
	}
	var parsed errorBody
	if json.Unmarshal(body, &parsed) != nil {
		return false
	}
	switch parsed.Error.Code {
	case "ExpiredAuthenticationToken", "InvalidAuthenticationToken":
		return true
	}
	return false
}

func drain(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}

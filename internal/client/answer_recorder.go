package client

import (
	"context"
	"net/http"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// lastAnswer is the last answer a recorderPolicy saw for one request: its
// status, request id and URL (without the query). A policy outside a retry
// loop puts it in the request's context (withLastAnswer) and reads it into
// its error; the recorder inside the loop fills it, which may be on
// another goroutine.
type lastAnswer struct {
	mu        sync.Mutex
	status    int
	requestID string
	url       string
}

// withLastAnswer gives req a context that carries a new lastAnswer under key.
func withLastAnswer(req *policy.Request, key any) (*policy.Request, *lastAnswer) {
	a := &lastAnswer{}
	return req.WithContext(context.WithValue(req.Raw().Context(), key, a)), a
}

// get is what was recorded; status is 0 when nothing was.
func (a *lastAnswer) get() (status int, requestID, url string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.status, a.requestID, a.url
}

// recorderPolicy records, into the lastAnswer the request's context carries
// under key, every answer keep accepts (every answer when keep is nil).
type recorderPolicy struct {
	key  any
	keep func(*http.Response) bool
}

func (p recorderPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if a, ok := req.Raw().Context().Value(p.key).(*lastAnswer); ok && resp != nil && (p.keep == nil || p.keep(resp)) {
		a.mu.Lock()
		a.status, a.requestID, a.url = resp.StatusCode, requestID(resp.Header), stripQuery(req.Raw().URL.String())
		a.mu.Unlock()
	}
	return resp, err
}

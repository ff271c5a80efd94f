package emulator

import (
	"net/http"
	"time"
)

// Fault is a misbehaviour injected on a route. Fields combine: Latency is
// added first, then the first of Hang, Reset, Status, Malformed, WrongShape,
// Warning that is set decides the answer.
type Fault struct {
	Status     int    // error status answered with the family's error body
	RetryAfter string // Retry-After header value verbatim: "1", "2.128" or an HTTP-date
	Times      int    // how many requests get it; 0 = every request
	Page       int    // only requests for page N (1-based, by nextLink/skipToken/$skiptoken); 0 = any
	EveryNth   int    // only every Nth request on the route (counted among those matching Page)
	Latency    time.Duration
	Malformed  bool   // 200 with truncated JSON
	WrongShape bool   // 200 with valid JSON of another shape: {"value":"oops"}
	Reset      bool   // hijack and close the connection
	Hang       bool   // never answer until the client gives up or Close
	Warning    string // 206 Partial Content with this Warning header and the normal body
	// AfterStore runs the route's handler first, so a write takes effect,
	// and then answers with the fault (Status or Reset) in place of the
	// handler's answer: the client sees a failure for a write the service
	// stored. Real services do this whenever a gateway times out or a
	// connection drops after the backend committed; Azure's guidance for
	// such writes is to read the resource back before retrying
	// (https://learn.microsoft.com/azure/architecture/best-practices/retry-service-specific#general-rest-and-retry-guidelines).
	AfterStore bool
	// Transient never faults two requests in a row for the same method and
	// URL: a retry of a faulted request gets through, as Azure describes
	// transient faults, "typically self-correcting"
	// (https://learn.microsoft.com/azure/architecture/best-practices/transient-faults).
	// Without it, parallel requests sharing an EveryNth count can leave one
	// request faulted on every attempt, which is a persistent fault.
	Transient bool
}

type faultState struct {
	Fault
	seen    int // requests that matched Page
	applied int
	faulted map[string]bool // with Transient: method and URL whose last request was faulted
}

// SetFault replaces the fault on route.
func (e *Emulator) SetFault(route Route, f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults[route] = &faultState{Fault: f}
}

// ClearFaults removes every fault.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = map[Route]*faultState{}
}

func (e *Emulator) takeFaultLocked(route Route, page int, request string) (Fault, bool) {
	fs := e.faults[route]
	if fs == nil || (fs.Page != 0 && fs.Page != page) {
		return Fault{}, false
	}
	fs.seen++
	if fs.Transient && fs.faulted[request] {
		delete(fs.faulted, request)
		return Fault{}, false
	}
	if fs.EveryNth > 1 && fs.seen%fs.EveryNth != 0 {
		return Fault{}, false
	}
	if fs.Times > 0 && fs.applied >= fs.Times {
		return Fault{}, false
	}
	fs.applied++
	if fs.Transient {
		if fs.faulted == nil {
			fs.faulted = map[string]bool{}
		}
		fs.faulted[request] = true
	}
	return fs.Fault, true
}

// applyFault answers the request per f and reports whether it did; false
// means the normal handler still runs (a latency-only fault).
func (rc *reqCtx) applyFault(f Fault, handle func(*reqCtx)) bool {
	if !rc.e.sleep(rc.r.Context(), f.Latency) {
		return true
	}
	if f.AfterStore {
		// The handler's answer is discarded: only its effect on the model stays.
		rc.record(handle)
	}
	if f.RetryAfter != "" {
		rc.w.Header().Set("Retry-After", f.RetryAfter)
	}
	switch {
	case f.Hang:
		select {
		case <-rc.r.Context().Done():
		case <-rc.e.closing:
		}
		return true
	case f.Reset:
		if hj, ok := rc.w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case f.Status >= 300:
		rc.failStatus(f.Status)
		return true
	case f.Malformed:
		rec := rc.record(handle)
		body := rec.body.Bytes()
		if len(body) < 4 {
			body = []byte(`{"value":[{"id":"`)
		}
		rc.replay(rec, http.StatusOK, body[:len(body)/2])
		return true
	case f.WrongShape:
		rc.writeJSON(http.StatusOK, map[string]any{"value": "oops"})
		return true
	case f.Warning != "":
		rec := rc.record(handle)
		status := rec.status
		if status == http.StatusOK {
			status = http.StatusPartialContent
			rec.header.Set("Warning", f.Warning)
		}
		rc.replay(rec, status, rec.body.Bytes())
		return true
	}
	return false
}

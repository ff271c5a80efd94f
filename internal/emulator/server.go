package emulator

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// family is one listener: each has its own routes, headers and error shape.
type family int

const (
	familyAuthority family = iota
	familyARM
	familyGraph
	familyLogAnalytics
)

// initCrypto creates the per-instance TLS CA and server certificate and
// parses the fixed client certificate.
func (e *Emulator) initCrypto() error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "securescore emulator CA", Organization: []string{"securescore emulator"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	e.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	e.serverCert = tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey}

	block, _ := pem.Decode([]byte(CertificatePEM))
	if block == nil {
		return fmt.Errorf("CertificatePEM is not PEM")
	}
	e.clientCert, err = x509.ParseCertificate(block.Bytes)
	return err
}

// newServer serves HTTP/1.1 only: the Reset fault hijacks connections, which
// HTTP/2 does not allow.
func newServer(h http.Handler, cert tls.Certificate) *http.Server {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	return &http.Server{
		Handler:           h,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12},
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // handshake noise from clients that give up
	}
}

// reqCtx is one request on its way through the pipeline.
type reqCtx struct {
	e         *Emulator
	fam       family
	w         http.ResponseWriter
	r         *http.Request
	route     Route
	params    map[string]string
	body      []byte // Resource Graph body, read early to find the page
	requestID string
	token     *issuedToken // nil when absent or unknown
	tokenErr  tokenProblem
}

// routeDef maps a method and a path pattern ("{name}" segments are
// parameters, literals compare case-insensitively as ARM and Graph do).
type routeDef struct {
	method  string
	pattern []string
	route   Route
	handle  func(*reqCtx)
	scopeAt int // index of a "{scope...}" segment, or -1
}

func def(method, pattern string, route Route, handle func(*reqCtx)) routeDef {
	segs := strings.Split(strings.Trim(pattern, "/"), "/")
	return routeDef{method, segs, route, handle, slices.Index(segs, "{scope...}")}
}

// matchScope matches a pattern whose "{scope...}" segment stands for a
// resource id of any length (ARM's /{scope}/providers/... routes).
func (d routeDef) matchScope(segs []string) (map[string]string, bool) {
	n := len(segs) - len(d.pattern) + 1
	if n < 2 {
		return nil, false
	}
	rest := append(append([]string{}, segs[:d.scopeAt]...), "scope")
	rest = append(rest, segs[d.scopeAt+n:]...)
	plain := d
	plain.scopeAt = -1
	plain.pattern = slices.Clone(d.pattern)
	plain.pattern[d.scopeAt] = "scope"
	params, ok := plain.match(rest)
	if ok {
		params["scope"] = strings.Join(segs[d.scopeAt:d.scopeAt+n], "/")
	}
	return params, ok
}

func (d routeDef) match(segs []string) (map[string]string, bool) {
	if d.scopeAt >= 0 {
		return d.matchScope(segs)
	}
	if len(segs) != len(d.pattern) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range d.pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = segs[i]
		} else if !strings.EqualFold(p, segs[i]) {
			return nil, false
		}
	}
	return params, true
}

func (e *Emulator) routes(f family) []routeDef {
	switch f {
	case familyAuthority:
		return e.authorityRoutes()
	case familyARM:
		return e.armRoutes()
	case familyLogAnalytics:
		return e.logAnalyticsRoutes()
	default:
		return e.graphRoutes()
	}
}

// handler is the pipeline shared by the listeners: request ids, latency,
// routing, accounting, faults, then the route's handler (which does auth).
func (e *Emulator) handler(f family) http.Handler {
	routes := e.routes(f)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := &reqCtx{e: e, fam: f, w: w, r: r, requestID: newUUID()}
		rc.setIDHeaders()
		if !e.sleep(r.Context(), e.opts.Latency) {
			return
		}
		found, params, methodMismatch := findRoute(routes, r.Method, r.URL.Path)
		rc.params = params
		if found == nil {
			if methodMismatch {
				rc.fail(http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("The requested method %s is not allowed on %s.", r.Method, r.URL.Path))
				return
			}
			rc.notFoundRoute()
			return
		}
		rc.route = found.route
		if r.Method == http.MethodPost && (f == familyARM || f == familyLogAnalytics) {
			rc.body, _ = io.ReadAll(io.LimitReader(r.Body, 8<<20))
		}
		rc.token, rc.tokenErr = e.lookupToken(r)

		e.mu.Lock()
		e.counts[rc.route]++
		var tenantKey string
		if f == familyGraph && rc.token != nil {
			tenantKey = strings.ToLower(rc.token.tenantID)
			e.inflight[tenantKey]++
			e.maxInflight[tenantKey] = max(e.maxInflight[tenantKey], e.inflight[tenantKey])
		}
		fault, faulted := e.takeFaultLocked(rc.route, rc.page(), r.Method+" "+r.URL.String())
		e.mu.Unlock()
		if tenantKey != "" {
			defer func() {
				e.mu.Lock()
				e.inflight[tenantKey]--
				e.mu.Unlock()
			}()
		}

		if faulted && rc.applyFault(fault, found.handle) {
			return
		}
		found.handle(rc)
	})
}

// findRoute finds the route of method and path; methodMismatch reports a
// path that matched with another method.
func findRoute(routes []routeDef, method, path string) (found *routeDef, params map[string]string, methodMismatch bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range routes {
		if params, ok := routes[i].match(segs); ok {
			if routes[i].method != method {
				methodMismatch = true
				continue
			}
			return &routes[i], params, false
		}
	}
	return nil, nil, methodMismatch
}

// sleep waits d unless the client gives up or the emulator closes.
func (e *Emulator) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-e.closing:
	}
	return false
}

func (rc *reqCtx) setIDHeaders() {
	h := rc.w.Header()
	switch rc.fam {
	case familyGraph:
		h.Set("request-id", rc.requestID)
		if cid := rc.r.Header.Get("client-request-id"); cid != "" {
			h.Set("client-request-id", cid)
		} else {
			h.Set("client-request-id", rc.requestID)
		}
	default:
		h.Set("x-ms-request-id", rc.requestID)
		if cid := rc.r.Header.Get("x-ms-client-request-id"); cid != "" {
			h.Set("x-ms-client-request-id", cid)
		}
		if rc.fam == familyARM {
			h.Set("x-ms-correlation-request-id", rc.requestID)
			h.Set("x-ms-ratelimit-remaining-subscription-reads", "11999")
		}
	}
}

// page is the 1-based page a list request asks for, from its skip token.
func (rc *reqCtx) page() int {
	var tok string
	switch {
	case rc.route == RouteResourceGraph:
		var b struct {
			Options struct {
				SkipToken string `json:"$skipToken"`
			} `json:"options"`
		}
		if json.Unmarshal(rc.body, &b) == nil {
			tok = b.Options.SkipToken
		}
	case rc.fam == familyGraph:
		tok = queryParam(rc.r.URL.Query(), "$skiptoken")
	default:
		tok = queryParam(rc.r.URL.Query(), "$skipToken")
	}
	if tok == "" {
		return 1
	}
	if p, _, ok := decodeSkip(tok); ok {
		return p
	}
	return 1
}

// queryParam reads a query parameter case-insensitively ($skipToken vs
// $skiptoken, $Top vs $top).
func queryParam(q url.Values, name string) string {
	if v, ok := q[name]; ok && len(v) > 0 {
		return v[0]
	}
	for k, v := range q {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// Skip tokens are opaque to clients; inside they carry the page number (for
// Fault.Page) and the offset (so page-size changes mid-listing are safe).
func encodeSkip(page, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("emu:p=%d;o=%d", page, offset)))
}

func decodeSkip(s string) (page, offset int, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, false
	}
	if _, err := fmt.Sscanf(string(b), "emu:p=%d;o=%d", &page, &offset); err != nil || page < 1 || offset < 0 {
		return 0, 0, false
	}
	return page, offset, true
}

// nextURL is the request's absolute URL with query parameter key set to value.
func (rc *reqCtx) nextURL(key, value string) string {
	q := rc.r.URL.Query()
	for k := range q {
		if strings.EqualFold(k, key) {
			delete(q, k)
		}
	}
	q.Set(key, value)
	return "https://" + rc.r.Host + rc.r.URL.Path + "?" + q.Encode()
}

// writePut answers a PUT as ARM does: 201 with the object when it created
// it, 200 when it replaced one that existed.
func (rc *reqCtx) writePut(existed bool, item any) {
	status := http.StatusCreated
	if existed {
		status = http.StatusOK
	}
	rc.writeJSON(status, item)
}

func (rc *reqCtx) writeJSON(status int, v any) {
	b, err := marshal(v)
	if err != nil {
		rc.w.WriteHeader(http.StatusInternalServerError)
		return
	}
	if rc.fam == familyGraph {
		rc.w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	} else {
		rc.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	rc.w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	rc.w.WriteHeader(status)
	rc.w.Write(b) //nolint:errcheck // the client may be gone
}

// fail writes the family's error body.
func (rc *reqCtx) fail(status int, code, message string) {
	switch rc.fam {
	case familyLogAnalytics:
		rc.laFail(status, code, message, nil)
	case familyARM:
		rc.writeJSON(status, map[string]any{"error": map[string]any{"code": code, "message": message}})
	case familyGraph:
		rc.writeJSON(status, map[string]any{"error": map[string]any{
			"code": code, "message": message,
			"innerError": map[string]any{
				"date":              time.Now().UTC().Format("2006-01-02T15:04:05"),
				"request-id":        rc.requestID,
				"client-request-id": rc.w.Header().Get("client-request-id"),
			},
		}})
	default:
		if rc.route == RouteOIDCRequest {
			rc.writeJSON(status, map[string]any{"message": message})
			return
		}
		rc.identityError(status, code, aadstsFor(status), message)
	}
}

// failStatus answers an injected error status with a plausible code.
func (rc *reqCtx) failStatus(status int) {
	if rc.fam == familyAuthority && rc.route != RouteOIDCRequest {
		code := "invalid_request"
		switch {
		case status == http.StatusUnauthorized:
			code = "invalid_client"
		case status == http.StatusTooManyRequests, status == http.StatusServiceUnavailable:
			code = "temporarily_unavailable"
		case status >= 500:
			code = "server_error"
		}
		rc.identityError(status, code, aadstsFor(status), "Injected fault: "+http.StatusText(status)+".")
		return
	}
	code := strings.ReplaceAll(http.StatusText(status), " ", "")
	msg := "Injected fault: " + http.StatusText(status) + "."
	if status == http.StatusTooManyRequests {
		code = "TooManyRequests"
		msg = "Too many requests. Please retry after the time given in the Retry-After header."
	}
	if code == "" {
		code = "Status" + strconv.Itoa(status)
	}
	rc.fail(status, code, msg)
}

func aadstsFor(status int) int {
	switch {
	case status == http.StatusTooManyRequests:
		return 50196
	case status >= 500:
		return 90033
	default:
		return 90014
	}
}

func (rc *reqCtx) notFoundRoute() {
	switch rc.fam {
	case familyLogAnalytics:
		rc.fail(http.StatusNotFound, "PathNotFoundError", fmt.Sprintf("The requested path does not exist: %s", rc.r.URL.Path))
	case familyARM:
		rc.fail(http.StatusNotFound, "InvalidResourceType", fmt.Sprintf("The resource type could not be found for path '%s' (the emulator serves only Microsoft.Security secure score routes and Resource Graph).", rc.r.URL.Path))
	case familyGraph:
		rc.fail(http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("Resource not found for the segment '%s'.", rc.r.URL.Path))
	default:
		rc.fail(http.StatusNotFound, "invalid_request", fmt.Sprintf("The emulator authority does not serve %s.", rc.r.URL.Path))
	}
}

// recorder buffers a handler's response so faults can rewrite it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

// record runs handle against a recorder that starts with the real headers.
func (rc *reqCtx) record(handle func(*reqCtx)) *recorder {
	rec := &recorder{header: rc.w.Header().Clone()}
	inner := *rc
	inner.w = rec
	handle(&inner)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec
}

func (rc *reqCtx) replay(rec *recorder, status int, body []byte) {
	h := rc.w.Header()
	for k, v := range rec.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	rc.w.WriteHeader(status)
	rc.w.Write(body) //nolint:errcheck // the client may be gone
}

func newUUID() string {
	var b [16]byte
	rand.Read(b[:]) //nolint:errcheck // never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options tunes an Emulator. Zero values take the defaults.
type Options struct {
	ARMPageSize           int           // items per page for ARM lists (nextLink); default 50
	GraphPageSize         int           // items per Graph list page without $top (@odata.nextLink); default 200, as live tenants page
	GraphMaxPageSize      int           // the longest Graph page whatever $top asks; default 999 (live tenants honour $top up to 999)
	ResourceGraphPageSize int           // rows per Resource Graph page ($skipToken); default 1000, also capped by options.$top and 1000
	Latency               time.Duration // added to every request (benchmarks)
	TokenLifetime         time.Duration // expires_in of issued tokens; default 1h
	ResourceScale         int           // multiplies the assessed resources of generated subscriptions (same points, more assessment rows); default 1
	HistoryDays           int           // days of continuous-export history in the Log Analytics workspace; default 90, at most 730
}

// Route names a family of requests for accounting and fault injection.
type Route string

// Routes. Requests to unknown paths belong to no route.
const (
	RouteToken              Route = "token"
	RouteOIDCRequest        Route = "oidc_request"
	RouteOpenIDConfig       Route = "openid_configuration"
	RouteARMSecureScoreGet  Route = "arm_securescore_get"
	RouteARMSecureScoreList Route = "arm_securescore_list"
	RouteARMControlList     Route = "arm_control_list"    // subscription-wide and per-score lists
	RouteARMDefinitionList  Route = "arm_definition_list" // tenant-wide and per-subscription lists
	RouteResourceGraph      Route = "resource_graph"
	RouteGraphSecureScores  Route = "graph_securescores"
	RouteGraphProfileList   Route = "graph_profile_list"
	RouteGraphProfileGet    Route = "graph_profile_get"
	RouteGraphProfilePatch  Route = "graph_profile_patch"
	RouteGraphBatch         Route = "graph_batch" // POST /$batch; the requests inside count in BatchedCounts
)

// Emulator serves the four APIs on four TLS listeners sharing one CA.
type Emulator struct {
	opts  Options
	today time.Time // UTC midnight of the seeding day; Graph snapshots end here

	mu          sync.Mutex
	tenants     map[string]*Tenant       // by lower-case id
	subs        map[string]*Subscription // by lower-case id, every tenant
	stale       map[string]*staleView    // by tenant/profile id, lower-case
	staleReads  int
	dropWrites  int // PATCHes still to answer 204 without applying
	tokens      map[string]*issuedToken
	tokenGen    int
	roles       map[string][]string // by lower-case client id; absent = both roles
	denied      map[string]bool     // lower-case subscription ids
	faults      map[Route]*faultState
	counts      map[Route]int
	batched     map[Route]int  // requests served inside a $batch, by their own route
	inflight    map[string]int // Graph requests in flight, by lower-case tenant id
	maxInflight map[string]int
	generated   int // sequence for AddSubscriptions/AddProfiles
	gov         governanceStore
	defender    defenderStore
	rgQuota     resourceGraphQuota // resourcegraph_limits.go
	laStrings   bool               // Log Analytics cells as strings (loganalytics_tables.go)

	caPEM      []byte
	serverCert tls.Certificate
	clientCert *x509.Certificate

	servers      []*http.Server
	authorityURL string
	armURL       string
	graphURL     string
	// logAnalyticsURL is the Log Analytics query API (loganalytics.go).
	logAnalyticsURL string
	closing         chan struct{}
	closeOnce       sync.Once
}

// New builds an emulator with the seeded world; Start serves it.
func New(opts Options) *Emulator {
	if opts.ARMPageSize <= 0 {
		opts.ARMPageSize = 50
	}
	if opts.GraphPageSize <= 0 {
		opts.GraphPageSize = 200
	}
	if opts.GraphMaxPageSize <= 0 {
		opts.GraphMaxPageSize = graphMaxTop
	}
	if opts.ResourceGraphPageSize <= 0 || opts.ResourceGraphPageSize > 1000 {
		opts.ResourceGraphPageSize = 1000
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	}
	e := &Emulator{
		opts:        opts,
		today:       time.Now().UTC().Truncate(24 * time.Hour),
		tenants:     map[string]*Tenant{},
		subs:        map[string]*Subscription{},
		stale:       map[string]*staleView{},
		tokens:      map[string]*issuedToken{},
		roles:       map[string][]string{},
		denied:      map[string]bool{},
		faults:      map[Route]*faultState{},
		counts:      map[Route]int{},
		batched:     map[Route]int{},
		inflight:    map[string]int{},
		maxInflight: map[string]int{},
		closing:     make(chan struct{}),
	}
	if err := e.initCrypto(); err != nil {
		// Only a broken crypto/rand can get here.
		panic("emulator: " + err.Error())
	}
	e.seed()
	return e
}

// Start listens on four loopback ports: authority, ARM, Graph and Log Analytics.
func (e *Emulator) Start() error {
	if e.servers != nil {
		return errors.New("emulator: already started")
	}
	handlers := []http.Handler{e.handler(familyAuthority), e.handler(familyARM), e.handler(familyGraph), e.handler(familyLogAnalytics)}
	urls := make([]string, len(handlers))
	for i, h := range handlers {
		ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
		if err != nil {
			e.Close()
			return fmt.Errorf("emulator: listen: %w", err)
		}
		srv := newServer(h, e.serverCert)
		e.servers = append(e.servers, srv)
		urls[i] = "https://" + ln.Addr().String()
		go srv.Serve(tls.NewListener(ln, srv.TLSConfig)) //nolint:errcheck // returns on Close
	}
	e.authorityURL, e.armURL, e.graphURL, e.logAnalyticsURL = urls[0], urls[1], urls[2], urls[3]
	return nil
}

// Close stops the listeners and releases hanging requests.
func (e *Emulator) Close() {
	e.closeOnce.Do(func() {
		close(e.closing)
		for _, s := range e.servers {
			s.Close()
		}
	})
}

// AuthorityURL is the login authority, e.g. https://127.0.0.1:41234 (no trailing slash).
func (e *Emulator) AuthorityURL() string { return e.authorityURL }

// ARMURL is the Azure Resource Manager endpoint.
func (e *Emulator) ARMURL() string { return e.armURL }

// GraphURL is the Microsoft Graph endpoint; its tokens' audience (scope GraphURL()+"/.default").
func (e *Emulator) GraphURL() string { return e.graphURL }

// OIDCRequestURL is a GitHub-Actions-shaped ID token request URL: GET it with
// "&audience=api://AzureADTokenExchange" and "Authorization: Bearer
// "+OIDCRequestToken to receive {"value": FederatedToken}.
func (e *Emulator) OIDCRequestURL() string {
	return e.authorityURL + "/oidc/request?api-version=2.0"
}

// CACertPEM is the CA that signed the listeners' certificate.
func (e *Emulator) CACertPEM() []byte { return slices.Clone(e.caPEM) }

// WriteCACert writes CACertPEM to path (for SSL_CERT_FILE).
func (e *Emulator) WriteCACert(path string) error {
	return os.WriteFile(path, e.caPEM, 0o644)
}

// Count is the number of requests on route since ResetCounts, faulted ones included.
func (e *Emulator) Count(route Route) int { return e.Counts()[route] }

// Counts returns a copy of every route's count.
func (e *Emulator) Counts() map[Route]int { return e.copyCounts(&e.counts) }

// BatchedCount is the number of requests on route served inside a Graph
// $batch since ResetCounts (Count counts each batch once, as RouteGraphBatch).
func (e *Emulator) BatchedCount(route Route) int { return e.BatchedCounts()[route] }

// BatchedCounts returns a copy of every route's BatchedCount.
func (e *Emulator) BatchedCounts() map[Route]int { return e.copyCounts(&e.batched) }

// copyCounts copies one of the count maps under the lock (ResetCounts
// replaces them, hence the pointer).
func (e *Emulator) copyCounts(counts *map[Route]int) map[Route]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(*counts)
}

// ResetCounts zeroes the counts and the MaxConcurrent high-water marks.
func (e *Emulator) ResetCounts() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts = map[Route]int{}
	e.batched = map[Route]int{}
	e.maxInflight = map[string]int{}
}

// MaxConcurrent is the highest number of Graph requests in flight at once for
// tenantID since ResetCounts (requests are attributed by their token).
func (e *Emulator) MaxConcurrent(tenantID string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.maxInflight[strings.ToLower(tenantID)]
}

// SetPageSizes changes page sizes at runtime; 0 leaves one unchanged. A
// Graph page size is both the default and the cap, so the service then
// pages that small whatever $top asks (tests of paging set it themselves).
func (e *Emulator) SetPageSizes(arm, graph, resourceGraph int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if arm > 0 {
		e.opts.ARMPageSize = arm
	}
	if graph > 0 {
		e.opts.GraphPageSize = graph
		e.opts.GraphMaxPageSize = graph
	}
	if resourceGraph > 0 {
		e.opts.ResourceGraphPageSize = min(resourceGraph, 1000)
	}
}

// SetStaleReads makes the next n reads (get or list page) of a profile after
// each PATCH still show its pre-PATCH controlStateUpdates, as the real
// service lags. Portal changes (PatchProfile) are not delayed.
func (e *Emulator) SetStaleReads(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.staleReads = max(n, 0)
	if n == 0 {
		// Turning stale reads off also drops the views still pending, so a
		// test that used them leaves nothing behind for the next one.
		e.stale = map[string]*staleView{}
	}
}

// ResetGraphPaging restores the live service's paging: 200 a page, $top
// honoured up to 999.
func (e *Emulator) ResetGraphPaging() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.opts.GraphPageSize, e.opts.GraphMaxPageSize = 200, graphMaxTop
}

// DropWrites makes the next n PATCHes of control profiles answer 204 and
// change nothing: a write that does not stick. 0 clears it.
func (e *Emulator) DropWrites(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dropWrites = max(n, 0)
}

// SetControlScore changes an action's points in the tenant's newest secure
// score, as Microsoft's daily recalculation does, and keeps currentScore
// the sum of the entries. An action without an entry gets one.
func (e *Emulator) SetControlScore(tenantID, controlName string, score float64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.tenants[strings.ToLower(tenantID)]
	if t == nil || len(t.SecureScores) == 0 {
		return
	}
	newest := t.SecureScores[0]
	found := false
	for i := range newest.ControlScores {
		if strings.EqualFold(newest.ControlScores[i].ControlName, controlName) {
			newest.ControlScores[i].Score, newest.ControlScores[i].ScoreText = score, ""
			found = true
		}
	}
	if !found {
		newest.ControlScores = append(newest.ControlScores, ControlScore{ControlName: controlName, Score: score})
	}
	var sum float64
	for _, c := range newest.ControlScores {
		sum += c.Score
	}
	newest.CurrentScore = round2(sum)
}

// DenySubscription makes ARM answer 403 AuthorizationFailed for the
// subscription; Resource Graph silently leaves its rows out.
func (e *Emulator) DenySubscription(subscriptionID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.denied[strings.ToLower(subscriptionID)] = true
}

// SetGraphRoles sets the Graph application permissions granted to clientID
// (default: SecurityEvents.Read.All and SecurityEvents.ReadWrite.All). They
// are checked on every request, so the change applies to tokens already issued.
func (e *Emulator) SetGraphRoles(clientID string, roles ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.roles[strings.ToLower(clientID)] = slices.Clone(roles)
}

func (e *Emulator) graphRolesLocked(clientID string) []string {
	if r, ok := e.roles[strings.ToLower(clientID)]; ok {
		return r
	}
	return []string{RoleSecurityEventsRead, RoleSecurityEventsReadWrite}
}

// ExpireTokens makes every token issued so far fail with 401 (Graph
// InvalidAuthenticationToken, ARM ExpiredAuthenticationToken).
func (e *Emulator) ExpireTokens() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokenGen++
}

// Tenant returns a deep copy of a tenant's data, or nil if it is unknown.
func (e *Emulator) Tenant(tenantID string) *Tenant {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.tenants[strings.ToLower(tenantID)]
	if t == nil {
		return nil
	}
	return t.clone()
}

// ControlDefinitions returns what the ARM definition lists serve: the
// built-in catalogue for subscriptionID "" (tenant-wide list), else the
// catalogue plus the subscription's custom definitions (nil when the
// subscription is unknown or has no Defender data).
func (e *Emulator) ControlDefinitions(subscriptionID string) []ControlDefinition {
	e.mu.Lock()
	defer e.mu.Unlock()
	var defs []*ControlDefinition
	if subscriptionID == "" {
		defs = builtinDefinitions()
	} else if s := e.subs[strings.ToLower(subscriptionID)]; s != nil {
		defs = subscriptionDefinitions(s)
	}
	out := make([]ControlDefinition, len(defs))
	for i, d := range defs {
		out[i] = *d.clone()
	}
	return out
}

// PatchProfile is a change "made in the portal": it appends a
// controlStateUpdates entry dated now without the API's validation. An empty
// state keeps the current one (Default when there is none).
func (e *Emulator) PatchProfile(tenantID, id, state, comment, assignedTo, updatedBy string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.profileLocked(tenantID, id)
	if p == nil {
		return
	}
	if state == "" {
		state = "Default"
		if cur, ok := p.CurrentState(); ok {
			state = cur.State
		}
	}
	e.appendStateLocked(p, ControlStateUpdate{
		AssignedTo: assignedTo, Comment: comment, State: state, UpdatedBy: updatedBy,
	})
}

func (e *Emulator) profileLocked(tenantID, id string) *ControlProfile {
	t := e.tenants[strings.ToLower(tenantID)]
	if t == nil {
		return nil
	}
	for _, p := range t.Profiles {
		if strings.EqualFold(p.ID, id) {
			return p
		}
	}
	return nil
}

// appendStateLocked dates u now, strictly after every existing entry so the
// newest one is never ambiguous at second precision.
func (e *Emulator) appendStateLocked(p *ControlProfile, u ControlStateUpdate) {
	now := time.Now().UTC().Truncate(time.Second)
	for _, prev := range p.ControlStateUpdates {
		if !now.After(prev.UpdatedDateTime) {
			now = prev.UpdatedDateTime.Add(time.Second)
		}
	}
	u.UpdatedDateTime = now
	if u.Extra == nil {
		u.Extra = map[string]any{"x-unknownField": "emulator"}
	}
	p.ControlStateUpdates = append(withoutPlaceholder(p.ControlStateUpdates), u)
	p.LastModifiedDateTime = now
}

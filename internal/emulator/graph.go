package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// staleView is what reads of a profile show for a while after a PATCH.
type staleView struct {
	updates   []ControlStateUpdate
	remaining int
}

var patchStates = []string{"Default", "Ignored", "ThirdParty", "Reviewed"}

func (e *Emulator) graphRoutes() []routeDef {
	return []routeDef{
		def(http.MethodGet, "/v1.0/security/secureScores", RouteGraphSecureScores, e.handleSecureScores),
		def(http.MethodGet, "/v1.0/security/secureScoreControlProfiles", RouteGraphProfileList, e.handleProfileList),
		def(http.MethodGet, "/v1.0/security/secureScoreControlProfiles/{id}", RouteGraphProfileGet, e.handleProfileGet),
		def(http.MethodPatch, "/v1.0/security/secureScoreControlProfiles/{id}", RouteGraphProfilePatch, e.handleProfilePatch),
		def(http.MethodPost, "/v1.0/$batch", RouteGraphBatch, e.handleBatch),
	}
}

// graphTokenRefusals are Graph's answers to a token it cannot use, for the
// batch and for each request alike.
var graphTokenRefusals = map[tokenProblem]tokenRefusal{
	tokenMissing: {"InvalidAuthenticationToken", "Access token is empty."},
	tokenUnknown: {"InvalidAuthenticationToken", "IDX14100: JWT is not well formed or not issued by this emulator."},
	tokenExpired: {"InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."},
}

// graphAuth checks the token and permission; it returns the token's tenant
// (its data is what Graph serves), or nil after writing an error.
func (rc *reqCtx) graphAuth(write bool) *Tenant {
	if rc.refuseToken(graphTokenRefusals) {
		return nil
	}
	aud := strings.TrimSuffix(rc.token.audience, "/")
	if !strings.EqualFold(aud, strings.TrimSuffix(rc.e.graphURL, "/")) && !strings.EqualFold(aud, "https://"+rc.r.Host) {
		rc.fail(http.StatusUnauthorized, "InvalidAuthenticationToken", fmt.Sprintf("Access token validation failure. Invalid audience '%s': request a token for the scope '%s/.default'.", rc.token.audience, rc.e.graphURL))
		return nil
	}
	e := rc.e
	e.mu.Lock()
	roles := e.graphRolesLocked(rc.token.clientID)
	t := e.tenants[strings.ToLower(rc.token.tenantID)]
	e.mu.Unlock()
	need := RoleSecurityEventsReadWrite
	allowed := slices.Contains(roles, RoleSecurityEventsReadWrite)
	if !write {
		need = RoleSecurityEventsRead
		allowed = allowed || slices.Contains(roles, RoleSecurityEventsRead)
	}
	if !allowed {
		rc.fail(http.StatusForbidden, "Authorization_RequestDenied", fmt.Sprintf("Insufficient privileges to complete the operation. The application needs the %s application permission with admin consent.", need))
		return nil
	}
	return t
}

// graphMaxTop is the largest page the service serves: live tenants page
// 200 profiles by default and honour $top up to 999 (what production tools
// ask). Microsoft documents neither; a larger $top is served as 999.
const graphMaxTop = 999

// graphPage computes the window of a Graph list: pages are $top long (at
// most 999), else the service's default page size, and never longer than
// GraphMaxPageSize (tests make the service ignore $top with it);
// $skiptoken carries the position.
func (rc *reqCtx) graphPage(total int) (start, end, page, limit int, ok bool) {
	q := rc.r.URL.Query()
	rc.e.mu.Lock()
	size, maxSize := rc.e.opts.GraphPageSize, rc.e.opts.GraphMaxPageSize
	rc.e.mu.Unlock()
	if v := queryParam(q, "$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid value '%s' for $top: it must be a positive integer.", v))
			return 0, 0, 0, 0, false
		}
		size = min(n, graphMaxTop)
	}
	size = min(size, maxSize)
	page = 1
	if tok := queryParam(q, "$skiptoken"); tok != "" {
		var good bool
		if page, start, good = decodeSkip(tok); !good {
			rc.fail(http.StatusBadRequest, "BadRequest", "Invalid $skiptoken; use @odata.nextLink verbatim.")
			return 0, 0, 0, 0, false
		}
	}
	limit = total
	start = min(start, limit)
	end = min(start+size, limit)
	return start, end, page, limit, true
}

func (rc *reqCtx) graphList(context string, items any, end, page, limit int) {
	resp := map[string]any{"@odata.context": rc.e.graphContext(rc, context), "value": items}
	if end < limit {
		resp["@odata.nextLink"] = rc.nextURL("$skiptoken", encodeSkip(page+1, end))
	}
	rc.writeJSON(http.StatusOK, resp)
}

func (e *Emulator) graphContext(rc *reqCtx, suffix string) string {
	return "https://" + rc.r.Host + "/v1.0/$metadata#" + suffix
}

func (e *Emulator) handleSecureScores(rc *reqCtx) {
	t := rc.graphAuth(false)
	if t == nil {
		return
	}
	e.mu.Lock()
	all := t.SecureScores
	e.mu.Unlock()
	start, end, page, limit, ok := rc.graphPage(len(all))
	if !ok {
		return
	}
	e.mu.Lock()
	items := make([]*SecureScore, 0, end-start)
	for _, s := range all[start:end] {
		items = append(items, s.clone())
	}
	e.mu.Unlock()
	rc.graphList("security/secureScores", items, end, page, limit)
}

// readProfileLocked returns what a read shows of p, consuming a stale read.
func (e *Emulator) readProfileLocked(tenantID string, p *ControlProfile) *ControlProfile {
	c := p.clone()
	key := strings.ToLower(tenantID + "/" + p.ID)
	if sv := e.stale[key]; sv != nil {
		c.ControlStateUpdates = cloneUpdates(sv.updates)
		if sv.remaining--; sv.remaining <= 0 {
			delete(e.stale, key)
		}
	}
	return c
}

func (e *Emulator) handleProfileList(rc *reqCtx) {
	t := rc.graphAuth(false)
	if t == nil {
		return
	}
	e.mu.Lock()
	n := len(t.Profiles)
	e.mu.Unlock()
	start, end, page, limit, ok := rc.graphPage(n)
	if !ok {
		return
	}
	e.mu.Lock()
	items := make([]*ControlProfile, 0, end-start)
	for _, p := range t.Profiles[start:end] {
		items = append(items, e.readProfileLocked(t.ID, p))
	}
	e.mu.Unlock()
	rc.graphList("security/secureScoreControlProfiles", items, end, page, limit)
}

func (rc *reqCtx) profileNotFound(id string) {
	rc.fail(http.StatusNotFound, "ItemNotFound", fmt.Sprintf("The secureScoreControlProfile '%s' was not found in this tenant.", id))
}

func (rc *reqCtx) writeProfile(p *ControlProfile) {
	p.Extra = cloneMap(p.Extra)
	if p.Extra == nil {
		p.Extra = map[string]any{}
	}
	p.Extra["@odata.context"] = rc.e.graphContext(rc, "security/secureScoreControlProfiles/$entity")
	rc.writeJSON(http.StatusOK, p)
}

func (e *Emulator) handleProfileGet(rc *reqCtx) {
	t := rc.graphAuth(false)
	if t == nil {
		return
	}
	e.mu.Lock()
	p := e.profileLocked(t.ID, rc.params["id"])
	var view *ControlProfile
	if p != nil {
		view = e.readProfileLocked(t.ID, p)
	}
	e.mu.Unlock()
	if view == nil {
		rc.profileNotFound(rc.params["id"])
		return
	}
	rc.writeProfile(view)
}

// patchBody distinguishes absent (nil) from empty fields: only sent ones change.
type patchBody struct {
	AssignedTo        *string `json:"assignedTo"`
	Comment           *string `json:"comment"`
	State             *string `json:"state"`
	VendorInformation *struct {
		Provider *string `json:"provider"`
		Vendor   *string `json:"vendor"`
	} `json:"vendorInformation"`
}

func (e *Emulator) handleProfilePatch(rc *reqCtx) {
	t := rc.graphAuth(true)
	if t == nil {
		return
	}
	id := rc.params["id"]
	e.mu.Lock()
	p := e.profileLocked(t.ID, id)
	var category, service string
	if p != nil {
		id, category, service = p.ID, p.ControlCategory, p.Service
	}
	e.mu.Unlock()
	if p == nil {
		rc.profileNotFound(id)
		return
	}
	if strings.HasPrefix(strings.ToLower(id), "scid_") || strings.EqualFold(service, "MDATP") || strings.EqualFold(category, "Device") {
		// What the live service answers (a documentation issue quotes it):
		// no code, no reason.
		rc.fail(http.StatusBadRequest, "", "Http request failed with statusCode=BadRequest")
		return
	}

	raw, err := io.ReadAll(io.LimitReader(rc.r.Body, 1<<20))
	var body patchBody
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		rc.fail(http.StatusBadRequest, "BadRequest", "The request body is not a valid JSON object: "+err.Error())
		return
	}
	vi := body.VendorInformation
	if vi == nil || vi.Provider == nil || *vi.Provider == "" || vi.Vendor == nil || *vi.Vendor == "" {
		rc.fail(http.StatusBadRequest, "BadRequest", `vendorInformation with provider and vendor is required, e.g. {"vendorInformation":{"provider":"SecureScore","vendor":"Microsoft"}}.`)
		return
	}
	var state string
	if body.State != nil {
		i := slices.IndexFunc(patchStates, func(s string) bool { return strings.EqualFold(s, *body.State) })
		if i < 0 {
			rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid state '%s': it must be one of %s.", *body.State, strings.Join(patchStates, ", ")))
			return
		}
		state = patchStates[i]
	}

	e.mu.Lock()
	if e.dropWrites > 0 {
		// A write that does not stick: answered 204, never applied, as users
		// of Graph report.
		e.dropWrites--
		e.mu.Unlock()
		rc.w.WriteHeader(http.StatusNoContent)
		return
	}
	prev, had := p.CurrentState()
	if !had {
		prev.State = "Default"
	}
	next := ControlStateUpdate{State: prev.State, Comment: prev.Comment, AssignedTo: prev.AssignedTo, UpdatedBy: rc.token.clientID}
	if body.State != nil {
		next.State = state
	}
	if body.Comment != nil {
		next.Comment = *body.Comment
	}
	if body.AssignedTo != nil {
		next.AssignedTo = *body.AssignedTo
	}
	if e.staleReads > 0 {
		e.stale[strings.ToLower(t.ID+"/"+p.ID)] = &staleView{updates: cloneUpdates(p.ControlStateUpdates), remaining: e.staleReads}
	}
	e.appendStateLocked(p, next)
	view := p.clone()
	e.mu.Unlock()

	if strings.Contains(strings.ToLower(rc.r.Header.Get("Prefer")), "return=representation") {
		rc.w.Header().Set("Preference-Applied", "return=representation")
		rc.writeProfile(view)
		return
	}
	rc.w.WriteHeader(http.StatusNoContent)
}

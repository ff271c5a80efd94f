package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

const securityAPIVersion = "2020-01-01"

var subscriptionIDPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$`)

func (e *Emulator) armRoutes() []routeDef {
	const sub = "/subscriptions/{subscriptionId}/providers/Microsoft.Security"
	return append([]routeDef{
		def(http.MethodGet, sub+"/secureScores", RouteARMSecureScoreList, e.handleScoreList),
		def(http.MethodGet, sub+"/secureScores/{name}", RouteARMSecureScoreGet, e.handleScoreGet),
		def(http.MethodGet, sub+"/secureScoreControls", RouteARMControlList, e.handleControlList),
		def(http.MethodGet, sub+"/secureScores/{name}/secureScoreControls", RouteARMControlList, e.handleControlList),
		def(http.MethodGet, "/providers/Microsoft.Security/secureScoreControlDefinitions", RouteARMDefinitionList, e.handleDefinitionList),
		def(http.MethodGet, sub+"/secureScoreControlDefinitions", RouteARMDefinitionList, e.handleDefinitionList),
		def(http.MethodPost, "/providers/Microsoft.ResourceGraph/resources", RouteResourceGraph, e.handleResourceGraph),
	}, append(e.governanceRoutes(), e.metadataRoutes()...)...)
}

// armTokenRefusals are ARM's answers to a token it cannot use.
var armTokenRefusals = map[tokenProblem]tokenRefusal{
	tokenMissing: {"AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."},
	tokenUnknown: {"InvalidAuthenticationToken", "The access token is invalid."},
	tokenExpired: {"ExpiredAuthenticationToken", "The access token has expired or was revoked. Get a new token and retry."},
}

// armAuth checks the bearer token the way ARM does; false means an error
// was written.
func (rc *reqCtx) armAuth() bool {
	if rc.tokenErr == tokenMissing {
		rc.w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization_uri="https://%s/", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`, rc.e.authorityHost()))
	}
	if rc.refuseToken(armTokenRefusals) {
		return false
	}
	if strings.TrimSuffix(rc.token.audience, "/") != strings.TrimSuffix(ARMAudience, "/") {
		rc.fail(http.StatusUnauthorized, "InvalidAuthenticationTokenAudience", fmt.Sprintf("The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences '%s','%s'.", rc.token.audience, ARMAudience, strings.TrimSuffix(ARMAudience, "/")))
		return false
	}
	return true
}

func (e *Emulator) authorityHost() string {
	return strings.TrimPrefix(e.authorityURL, "https://")
}

func (rc *reqCtx) apiVersion(allowed ...string) bool {
	v := rc.r.URL.Query().Get("api-version")
	if v == "" {
		rc.fail(http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return false
	}
	if !slices.Contains(allowed, v) {
		rc.fail(http.StatusBadRequest, "InvalidApiVersionParameter", fmt.Sprintf("The api-version '%s' is invalid. The supported versions are '%s'.", v, strings.Join(allowed, ",")))
		return false
	}
	return true
}

// subscription resolves the path's subscription for the token; nil means an
// error was written. The caller must hold no lock.
func (rc *reqCtx) subscription() *Subscription {
	id := rc.params["subscriptionId"]
	if !subscriptionIDPattern.MatchString(id) {
		rc.fail(http.StatusBadRequest, "InvalidSubscriptionId", fmt.Sprintf("The provided subscription identifier '%s' is malformed or invalid.", id))
		return nil
	}
	e := rc.e
	e.mu.Lock()
	s := e.subs[strings.ToLower(id)]
	denied := e.denied[strings.ToLower(id)]
	e.mu.Unlock()
	switch {
	case s == nil:
		rc.fail(http.StatusNotFound, "SubscriptionNotFound", fmt.Sprintf("The subscription '%s' could not be found.", id))
	case !strings.EqualFold(s.TenantID, rc.token.tenantID):
		rc.fail(http.StatusUnauthorized, "InvalidAuthenticationTokenTenant", fmt.Sprintf("The access token is from the wrong issuer 'https://sts.windows.net/%s/'. It must match the tenant 'https://sts.windows.net/%s/' associated with this subscription. Please use the authority (URL) '%s/%s' to get the token. Note, if the subscription is transferred to another tenant there is no impact to the services, but information about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see this error message, please try back later.", rc.token.tenantID, s.TenantID, e.authorityURL, s.TenantID))
	case denied:
		rc.fail(http.StatusForbidden, "AuthorizationFailed", fmt.Sprintf("The client '%s' with object id '%s' does not have authorization to perform action 'Microsoft.Security/secureScores/read' over scope '/subscriptions/%s' or the scope is invalid. If access was recently granted, please refresh your credentials.", rc.token.clientID, rc.token.clientID, id))
	default:
		return s
	}
	return nil
}

// armPrologue runs the checks every Microsoft.Security route shares.
func (rc *reqCtx) armPrologue(needSubscription bool) (*Subscription, bool) {
	if !rc.armAuth() || !rc.apiVersion(securityAPIVersion) {
		return nil, false
	}
	if !needSubscription {
		return nil, true
	}
	s := rc.subscription()
	return s, s != nil
}

func scoreID(subID, name string) string {
	return "/subscriptions/" + subID + "/providers/Microsoft.Security/secureScores/" + name
}

func scoreValue(maxScore int, current, percentage float64) map[string]any {
	return map[string]any{"max": maxScore, "current": current, "percentage": percentage}
}

func scoreProperties(s *ARMScore) map[string]any {
	return map[string]any{
		"displayName": s.DisplayName,
		"score":       scoreValue(s.Max, s.Current, s.Percentage),
		"weight":      s.Weight,
	}
}

func scoreItem(subID string, s *ARMScore) map[string]any {
	return map[string]any{
		"id": scoreID(subID, s.Name), "name": s.Name, "type": "Microsoft.Security/secureScores",
		"properties": scoreProperties(s),
	}
}

func controlProperties(c *ARMControl, expand bool) map[string]any {
	p := map[string]any{
		"displayName":                c.DisplayName,
		"score":                      scoreValue(c.Max, c.Current, c.Percentage),
		"healthyResourceCount":       c.HealthyResourceCount,
		"unhealthyResourceCount":     c.UnhealthyResourceCount,
		"notApplicableResourceCount": c.NotApplicableResourceCount,
		"weight":                     c.Weight,
	}
	if expand {
		p["definition"] = definitionItem(c.Definition, false)
	}
	return p
}

func controlID(subID, scoreName, name string) string {
	return scoreID(subID, scoreName) + "/secureScoreControls/" + name
}

func controlItem(subID, scoreName string, c *ARMControl, expand bool) map[string]any {
	return map[string]any{
		"id": controlID(subID, scoreName, c.Name), "name": c.Name,
		"type":       "Microsoft.Security/secureScores/secureScoreControls",
		"properties": controlProperties(c, expand),
	}
}

// definitionItem includes the description only in the definition lists; the
// copies expanded under controls omit it, as the service does.
func definitionItem(d *ControlDefinition, withDescription bool) map[string]any {
	assessments := make([]any, len(d.AssessmentDefinitions))
	for i, id := range d.AssessmentDefinitions {
		assessments[i] = map[string]any{"id": id}
	}
	props := map[string]any{
		"displayName":           d.DisplayName,
		"maxScore":              d.MaxScore,
		"source":                map[string]any{"sourceType": d.SourceType},
		"assessmentDefinitions": assessments,
	}
	if withDescription {
		props["description"] = d.Description
	}
	return map[string]any{
		"id": "/providers/Microsoft.Security/secureScoreControlDefinitions/" + d.Name, "name": d.Name,
		"type": d.Type, "properties": props,
	}
}

// armList writes one page of items with an absolute nextLink when more follow.
func (rc *reqCtx) armList(items []any) {
	rc.e.mu.Lock()
	size := rc.e.opts.ARMPageSize
	rc.e.mu.Unlock()
	page, offset := 1, 0
	if tok := queryParam(rc.r.URL.Query(), "$skipToken"); tok != "" {
		var ok bool
		if page, offset, ok = decodeSkip(tok); !ok {
			rc.fail(http.StatusBadRequest, "InvalidSkipToken", "The $skipToken is invalid; use the nextLink of the previous page verbatim.")
			return
		}
	}
	offset = min(offset, len(items))
	end := min(offset+size, len(items))
	resp := map[string]any{"value": items[offset:end]}
	if end < len(items) {
		resp["nextLink"] = rc.nextURL("$skipToken", encodeSkip(page+1, end))
	}
	rc.writeJSON(http.StatusOK, resp)
}

func (e *Emulator) handleScoreList(rc *reqCtx) {
	s, ok := rc.armPrologue(true)
	if !ok {
		return
	}
	items := make([]any, 0, len(s.Scores))
	for _, sc := range s.Scores {
		items = append(items, scoreItem(s.ID, sc))
	}
	rc.armList(items)
}

func findScore(s *Subscription, name string) *ARMScore {
	for _, sc := range s.Scores {
		if strings.EqualFold(sc.Name, name) {
			return sc
		}
	}
	return nil
}

func (e *Emulator) handleScoreGet(rc *reqCtx) {
	s, ok := rc.armPrologue(true)
	if !ok {
		return
	}
	sc := findScore(s, rc.params["name"])
	if sc == nil && len(s.Scores) == 0 {
		// A subscription whose first score was never calculated: the
		// recorded answer, PascalCase members included
		// (Azure/Microsoft-Defender-for-Cloud#720).
		rc.writeJSON(http.StatusNotFound, map[string]any{"Error": map[string]any{"Code": "ResourceNotFound",
			"Message": fmt.Sprintf("Secure score '%s' does not exist in scope '%s'", rc.params["name"], s.ID)}})
		return
	}
	if sc == nil {
		rc.fail(http.StatusNotFound, "NotFound", fmt.Sprintf("The requested resource of type 'Microsoft.Security/secureScores' with name '%s' was not found.", rc.params["name"]))
		return
	}
	rc.writeJSON(http.StatusOK, scoreItem(s.ID, sc))
}

// handleControlList serves both the subscription-wide list (ascScore's
// controls) and a named score's list (empty for an unknown name).
func (e *Emulator) handleControlList(rc *reqCtx) {
	s, ok := rc.armPrologue(true)
	if !ok {
		return
	}
	expand := strings.EqualFold(queryParam(rc.r.URL.Query(), "$expand"), "definition")
	var sc *ARMScore
	if name, named := rc.params["name"]; named {
		sc = findScore(s, name)
	} else if len(s.Scores) > 0 {
		sc = s.Scores[0]
	}
	items := []any{}
	if sc != nil {
		for _, c := range sc.Controls {
			items = append(items, controlItem(s.ID, sc.Name, c, expand))
		}
	}
	rc.armList(items)
}

func (e *Emulator) handleDefinitionList(rc *reqCtx) {
	_, perSubscription := rc.params["subscriptionId"]
	s, ok := rc.armPrologue(perSubscription)
	if !ok {
		return
	}
	defs := builtinDefinitions()
	if perSubscription {
		defs = subscriptionDefinitions(s)
	}
	items := make([]any, 0, len(defs))
	for _, d := range defs {
		items = append(items, definitionItem(d, true))
	}
	rc.armList(items)
}

package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Defender for Cloud governance (Microsoft.Security, api-version
// 2022-01-01-preview): governance rules at subscription and management-group
// scope, and governance assignments of one assessment on one resource, with
// the service's validation. Shapes follow the REST API specification's
// examples (governanceRules.json, governanceAssignments.json), including
// rule ids served without their leading slash.

const governanceAPIVersion = "2022-01-01-preview"

// Governance routes.
const (
	RouteARMGovernanceRuleList         Route = "arm_governance_rule_list"
	RouteARMGovernanceRuleGet          Route = "arm_governance_rule_get"
	RouteARMGovernanceRulePut          Route = "arm_governance_rule_put"
	RouteARMGovernanceRuleDelete       Route = "arm_governance_rule_delete"
	RouteARMGovernanceOperation        Route = "arm_governance_operation"
	RouteARMGovernanceAssignmentList   Route = "arm_governance_assignment_list"
	RouteARMGovernanceAssignmentGet    Route = "arm_governance_assignment_get"
	RouteARMGovernanceAssignmentPut    Route = "arm_governance_assignment_put"
	RouteARMGovernanceAssignmentDelete Route = "arm_governance_assignment_delete"
)

// The time frames the portal offers: 7, 14, 30 or 90 days
// (https://learn.microsoft.com/azure/defender-for-cloud/governance-rules).
var (
	remediationTimeframePattern = regexp.MustCompile(`^[0-9]+\.[0-9]{2}:[0-9]{2}:[0-9]{2}$`)
	remediationTimeframes       = []string{"7.00:00:00", "14.00:00:00", "30.00:00:00", "90.00:00:00"}
)

type governanceStore struct {
	rules       map[string]*storedRule       // lower(scope + "/" + rule id)
	assignments map[string]*storedAssignment // lower(assignment id)
	cspm        map[string]bool              // lower(subscription id) -> plan on, where set explicitly
	assessments map[string][]*Assessment     // lower(subscription id)
}

type storedRule struct {
	scope, name string // scope: /subscriptions/x or /providers/Microsoft.Management/managementGroups/y
	props       map[string]any
	createdBy   string
	createdOn   time.Time
	updatedBy   string
	updatedOn   time.Time
}

type storedAssignment struct {
	id         string
	resourceID string
	assessment string
	key        string
	subID      string
	props      map[string]any
}

func (e *Emulator) govLocked() *governanceStore {
	g := &e.gov
	if g.rules == nil {
		g.rules = map[string]*storedRule{}
		g.assignments = map[string]*storedAssignment{}
		g.cspm = map[string]bool{}
		g.assessments = map[string][]*Assessment{}
	}
	return g
}

// noCSPMSubscription is the seeded subscription without the Defender CSPM
// plan: Contoso Development.
var noCSPMSubscription = guidFrom("subscription:contoso:development")

// cspmLocked reports whether a subscription has the Defender CSPM plan: the
// seeded ones with Defender data do, except Contoso Development.
func (e *Emulator) cspmLocked(s *Subscription) bool {
	if on, ok := e.govLocked().cspm[strings.ToLower(s.ID)]; ok {
		return on
	}
	return len(s.Scores) > 0 && !strings.EqualFold(s.ID, noCSPMSubscription)
}

// DefenderCSPM reports whether the subscription has the Defender CSPM plan.
func (e *Emulator) DefenderCSPM(subscriptionID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.subs[strings.ToLower(subscriptionID)]
	return s != nil && e.cspmLocked(s)
}

// SetDefenderCSPM turns the Defender CSPM plan on or off for a subscription.
func (e *Emulator) SetDefenderCSPM(subscriptionID string, on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.govLocked().cspm[strings.ToLower(subscriptionID)] = on
}

func (e *Emulator) governanceRoutes() []routeDef {
	const sub = "/subscriptions/{subscriptionId}/providers/Microsoft.Security/governanceRules"
	const mg = "/providers/Microsoft.Management/managementGroups/{managementGroupId}/providers/Microsoft.Security/governanceRules"
	const assignments = "/{scope...}/providers/Microsoft.Security/assessments/{assessmentName}/governanceAssignments"
	var routes []routeDef
	for _, base := range []string{sub, mg} {
		routes = append(routes,
			def(http.MethodGet, base, RouteARMGovernanceRuleList, e.handleRuleList),
			def(http.MethodGet, base+"/{ruleId}", RouteARMGovernanceRuleGet, e.handleRuleGet),
			def(http.MethodPut, base+"/{ruleId}", RouteARMGovernanceRulePut, e.handleRulePut),
			def(http.MethodDelete, base+"/{ruleId}", RouteARMGovernanceRuleDelete, e.handleRuleDelete),
			def(http.MethodGet, base+"/{ruleId}/operationResults/{operationId}", RouteARMGovernanceOperation, e.handleRuleOperation),
		)
	}
	return append(routes,
		def(http.MethodGet, assignments, RouteARMGovernanceAssignmentList, e.handleAssignmentList),
		def(http.MethodGet, assignments+"/{assignmentKey}", RouteARMGovernanceAssignmentGet, e.handleAssignmentGet),
		def(http.MethodPut, assignments+"/{assignmentKey}", RouteARMGovernanceAssignmentPut, e.handleAssignmentPut),
		def(http.MethodDelete, assignments+"/{assignmentKey}", RouteARMGovernanceAssignmentDelete, e.handleAssignmentDelete),
	)
}

// ruleScope resolves the route's scope for the token. sub is nil at
// management-group scope; ok false means an error was written. The scope
// is in the emulator's own casing (lower-case subscription and management
// group ids), whatever the request's: Azure Resource Manager ids are
// case-insensitive and services answer them in their own case
// (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules),
// so a client must not expect its own spelling back.
func (rc *reqCtx) ruleScope() (scope string, sub *Subscription, ok bool) {
	if !rc.armAuth() || !rc.apiVersion(governanceAPIVersion) {
		return "", nil, false
	}
	if _, isSub := rc.params["subscriptionId"]; isSub {
		s := rc.subscription()
		if s == nil {
			return "", nil, false
		}
		return "/subscriptions/" + s.ID, s, true
	}
	mg := rc.params["managementGroupId"]
	e := rc.e
	e.mu.Lock()
	t := e.tenants[strings.ToLower(rc.token.tenantID)]
	var name string
	if t != nil {
		for id := range t.ManagementGroups {
			if strings.EqualFold(id, mg) {
				name = id
			}
		}
	}
	e.mu.Unlock()
	if name == "" {
		rc.fail(http.StatusForbidden, "AuthorizationFailed", fmt.Sprintf("The client '%s' with object id '%s' does not have authorization to perform action 'Microsoft.Security/governanceRules/read' over scope '/providers/Microsoft.Management/managementGroups/%s' or the scope is invalid. If access was recently granted, please refresh your credentials.", rc.token.clientID, rc.token.clientID, mg))
		return "", nil, false
	}
	return "/providers/Microsoft.Management/managementGroups/" + name, nil, true
}

func ruleKey(scope, name string) string { return strings.ToLower(scope + "/" + name) }

func (e *Emulator) ruleItemLocked(r *storedRule, tenantID string) map[string]any {
	props := map[string]any{}
	for k, v := range r.props {
		props[k] = v
	}
	props["tenantId"] = tenantID
	if _, ok := props["excludedScopes"]; !ok {
		props["excludedScopes"] = []any{}
	}
	if _, ok := props["includeMemberScopes"]; !ok {
		props["includeMemberScopes"] = false
	}
	props["metadata"] = map[string]any{
		"createdBy": r.createdBy, "createdOn": r.createdOn.Format(time.RFC3339Nano),
		"updatedBy": r.updatedBy, "updatedOn": r.updatedOn.Format(time.RFC3339Nano),
	}
	return map[string]any{
		// The service's examples answer the id without its leading slash.
		"id":         strings.TrimPrefix(r.scope, "/") + "/providers/Microsoft.Security/governanceRules/" + r.name,
		"name":       r.name,
		"type":       "Microsoft.Security/governanceRules",
		"properties": props,
	}
}

func (e *Emulator) rulesInScopeLocked(scope string) []*storedRule {
	var out []*storedRule
	for _, r := range e.govLocked().rules {
		if strings.EqualFold(r.scope, scope) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		pi, pj := intProp(out[i].props, "rulePriority"), intProp(out[j].props, "rulePriority")
		if pi != pj {
			return pi < pj
		}
		return out[i].name < out[j].name
	})
	return out
}

func intProp(props map[string]any, key string) int {
	f, _ := props[key].(float64)
	return int(f)
}

func (e *Emulator) handleRuleList(rc *reqCtx) {
	scope, _, ok := rc.ruleScope()
	if !ok {
		return
	}
	e.mu.Lock()
	items := []any{}
	for _, r := range e.rulesInScopeLocked(scope) {
		items = append(items, e.ruleItemLocked(r, rc.token.tenantID))
	}
	e.mu.Unlock()
	rc.armList(items)
}

func (e *Emulator) handleRuleGet(rc *reqCtx) {
	scope, _, ok := rc.ruleScope()
	if !ok {
		return
	}
	e.mu.Lock()
	r := e.govLocked().rules[ruleKey(scope, rc.params["ruleId"])]
	var item map[string]any
	if r != nil {
		item = e.ruleItemLocked(r, rc.token.tenantID)
	}
	e.mu.Unlock()
	if item == nil {
		rc.fail(http.StatusNotFound, "NotFound", fmt.Sprintf("Governance rule '%s' was not found in scope '%s'.", rc.params["ruleId"], scope))
		return
	}
	rc.writeJSON(http.StatusOK, item)
}

// cspmRequired is the refusal of a governance write on a subscription
// without the Defender CSPM plan.
func (rc *reqCtx) cspmRequired(subID string) {
	rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Governance is not available for subscription '%s': it requires the Defender CSPM plan (Microsoft.Security/pricings/CloudPosture, pricing tier Standard). Enable Defender CSPM on the subscription and retry.", subID))
}

// readBody decodes a PUT body's properties; false means an error was written.
func (rc *reqCtx) readProperties() (map[string]any, bool) {
	b, err := io.ReadAll(io.LimitReader(rc.r.Body, 1<<20))
	if err != nil {
		rc.fail(http.StatusBadRequest, "InvalidRequestContent", "The request content could not be read.")
		return nil, false
	}
	var body struct {
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		rc.fail(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "+err.Error())
		return nil, false
	}
	if body.Properties == nil {
		rc.fail(http.StatusBadRequest, "BadRequest", "The request body has no 'properties'.")
		return nil, false
	}
	return body.Properties, true
}

// validProperties reads the properties and refuses them (400 BadRequest,
// with validate's message) when validate finds something wrong.
func (rc *reqCtx) validProperties(validate func(map[string]any) string) (map[string]any, bool) {
	props, ok := rc.readProperties()
	if !ok {
		return nil, false
	}
	if msg := validate(props); msg != "" {
		rc.fail(http.StatusBadRequest, "BadRequest", msg)
		return nil, false
	}
	return props, true
}

// validateRule is the service's validation of a rule's properties; it
// returns the message of the first problem.
func validateRule(p map[string]any) string {
	for _, k := range []string{"displayName", "rulePriority", "ruleType", "sourceResourceType", "conditionSets", "ownerSource"} {
		if _, ok := p[k]; !ok {
			return fmt.Sprintf("The property '%s' is required.", k)
		}
	}
	if s, _ := p["displayName"].(string); strings.TrimSpace(s) == "" {
		return "The property 'displayName' must not be empty."
	}
	prio, isNum := p["rulePriority"].(float64)
	if !isNum || prio != float64(int(prio)) || prio < 0 || prio > 1000 {
		return fmt.Sprintf("The property 'rulePriority' must be an integer between 0 and 1000, not %v.", p["rulePriority"])
	}
	if tf, present := p["remediationTimeframe"]; present {
		s, _ := tf.(string)
		if !remediationTimeframePattern.MatchString(s) {
			return fmt.Sprintf("The property 'remediationTimeframe' '%v' does not match the pattern '^[0-9]+\\.[0-9]{2}:[0-9]{2}:[0-9]{2}$'.", tf)
		}
		if !contains(remediationTimeframes, s) {
			return fmt.Sprintf("The remediation timeframe '%s' is not supported; use one of %s.", s, strings.Join(remediationTimeframes, ", "))
		}
	}
	if t, _ := p["ruleType"].(string); t != "Integrated" && t != "ServiceNow" {
		return fmt.Sprintf("The property 'ruleType' '%v' is invalid; use Integrated or ServiceNow.", p["ruleType"])
	}
	if t, _ := p["sourceResourceType"].(string); t != "Assessments" {
		return fmt.Sprintf("The property 'sourceResourceType' '%v' is invalid; use Assessments.", p["sourceResourceType"])
	}
	owner, _ := p["ownerSource"].(map[string]any)
	ownerType, _ := owner["type"].(string)
	ownerValue, _ := owner["value"].(string)
	switch ownerType {
	case "Manually":
		if !isEmail(ownerValue) {
			return fmt.Sprintf("The owner '%s' is not a valid email address.", ownerValue)
		}
	case "ByTag":
		if strings.TrimSpace(ownerValue) == "" {
			return "The owner source of type ByTag needs the tag name in 'value'."
		}
	default:
		return fmt.Sprintf("The owner source type '%v' is invalid; use ByTag or Manually.", owner["type"])
	}
	sets, _ := p["conditionSets"].([]any)
	if len(sets) == 0 {
		return "The property 'conditionSets' must hold at least one condition set."
	}
	for _, s := range sets {
		set, _ := s.(map[string]any)
		conditions, _ := set["conditions"].([]any)
		if len(conditions) == 0 {
			return "Every condition set must hold at least one condition."
		}
		for _, c := range conditions {
			cond, _ := c.(map[string]any)
			if op, _ := cond["operator"].(string); op != "Equals" && op != "In" {
				return fmt.Sprintf("The condition operator '%v' is invalid; use Equals or In.", cond["operator"])
			}
			if prop, _ := cond["property"].(string); prop == "" {
				return "Every condition needs a 'property'."
			}
		}
	}
	if scopes, present := p["excludedScopes"]; present {
		list, isList := scopes.([]any)
		if !isList {
			return "The property 'excludedScopes' must be an array of scope ids."
		}
		for _, s := range list {
			if str, _ := s.(string); !slices.ContainsFunc(scopePrefixes, func(p string) bool { return len(str) > len(p) && strings.EqualFold(str[:len(p)], p) }) {
				return fmt.Sprintf("The excluded scope '%v' is not a subscription or management group id.", s)
			}
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.Index(s, "@")+1:], ".")
}

func (e *Emulator) handleRulePut(rc *reqCtx) {
	scope, sub, ok := rc.ruleScope()
	if !ok {
		return
	}
	name := rc.params["ruleId"]
	if !subscriptionIDPattern.MatchString(name) {
		if sub == nil {
			// Observed at management-group scope with a rule id that is not a
			// GUID: 500 and no body (Azure/terraform-provider-azapi#934).
			rc.w.Header().Set("Content-Length", "0")
			rc.w.WriteHeader(http.StatusInternalServerError)
			return
		}
		rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The governance rule key '%s' is invalid: it must be a GUID.", name))
		return
	}
	props, ok := rc.validProperties(validateRule)
	if !ok {
		return
	}
	e.mu.Lock()
	if sub != nil && !e.cspmLocked(sub) {
		e.mu.Unlock()
		rc.cspmRequired(sub.ID)
		return
	}
	prio := intProp(props, "rulePriority")
	for _, other := range e.rulesInScopeLocked(scope) {
		if !strings.EqualFold(other.name, name) && intProp(other.props, "rulePriority") == prio {
			e.mu.Unlock()
			rc.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Rule priority %d is already used by governance rule '%s' (%v) in scope '%s'. Rules with the same priority on the same scope are not allowed.", prio, other.name, other.props["displayName"], scope))
			return
		}
	}
	delete(props, "tenantId")
	delete(props, "metadata")
	if scopes, present := props["excludedScopes"].([]any); present {
		props["excludedScopes"] = servedScopes(scopes)
	}
	g := e.govLocked()
	k := ruleKey(scope, name)
	now := time.Now().UTC()
	r, existed := g.rules[k]
	if !existed {
		r = &storedRule{scope: scope, name: name, createdBy: rc.token.clientID, createdOn: now}
		g.rules[k] = r
	}
	r.props, r.updatedBy, r.updatedOn = props, rc.token.clientID, now
	item := e.ruleItemLocked(r, rc.token.tenantID)
	e.mu.Unlock()
	rc.writePut(existed, item)
}

// handleRuleDelete answers 200 at subscription scope and, as the
// specification documents for management groups, 202 with a Location to poll.
// scopePrefixes are the scopes an excluded scope may name.
var scopePrefixes = []string{"/subscriptions/", "/providers/Microsoft.Management/managementGroups/"}

// servedScopes are excluded scopes as the emulator stores and answers them:
// the subscription or management group id in lower case, whatever the
// request's case (ids are case-insensitive,
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules;
// that the service stores them so is not documented, and is a choice
// that keeps clients from relying on their own spelling).
func servedScopes(scopes []any) []any {
	out := make([]any, len(scopes))
	for i, s := range scopes {
		str, _ := s.(string)
		for _, prefix := range scopePrefixes {
			if len(str) > len(prefix) && strings.EqualFold(str[:len(prefix)], prefix) {
				str = prefix + strings.ToLower(str[len(prefix):])
			}
		}
		out[i] = str
	}
	return out
}

func (e *Emulator) handleRuleDelete(rc *reqCtx) {
	scope, sub, ok := rc.ruleScope()
	if !ok {
		return
	}
	e.mu.Lock()
	g := e.govLocked()
	k := ruleKey(scope, rc.params["ruleId"])
	_, existed := g.rules[k]
	delete(g.rules, k)
	e.mu.Unlock()
	switch {
	case !existed:
		rc.w.WriteHeader(http.StatusNoContent)
	case sub == nil:
		rc.w.Header().Set("Location", "https://"+rc.r.Host+scope+"/providers/Microsoft.Security/governanceRules/"+rc.params["ruleId"]+
			"/operationResults/"+newUUID()+"?api-version="+governanceAPIVersion)
		rc.w.Header().Set("Content-Length", "0")
		rc.w.WriteHeader(http.StatusAccepted)
	default:
		rc.w.Header().Set("Content-Length", "0")
		rc.w.WriteHeader(http.StatusOK)
	}
}

func (e *Emulator) handleRuleOperation(rc *reqCtx) {
	if _, _, ok := rc.ruleScope(); !ok {
		return
	}
	rc.writeJSON(http.StatusOK, map[string]any{"status": "Succeeded"})
}

// withTopLevel is props with patch's top-level members set over them, as a
// new map: what the Patch methods below store.
func withTopLevel(props, patch map[string]any) map[string]any {
	merged := make(map[string]any, len(props)+len(patch))
	maps.Copy(merged, props)
	maps.Copy(merged, jsonTree(patch))
	return merged
}

// PatchGovernanceRule is a change made in the portal: it replaces the given
// top-level properties of a rule without validation. It reports whether the
// rule exists.
func (e *Emulator) PatchGovernanceRule(scope, ruleID string, props map[string]any) bool {
	return e.UpdateGovernanceRule(scope, ruleID, "", props)
}

// UpdateGovernanceRule is a change made by a second writer (a teammate in
// the portal, another pipeline): it replaces the given top-level
// properties of a rule without validation and, when updatedBy is set,
// records it as the rule's last writer. It reports whether the rule exists.
func (e *Emulator) UpdateGovernanceRule(scope, ruleID, updatedBy string, props map[string]any) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.govLocked().rules[ruleKey(scope, ruleID)]
	if r == nil {
		return false
	}
	r.props, r.updatedOn = withTopLevel(r.props, props), time.Now().UTC()
	if updatedBy != "" {
		r.updatedBy = updatedBy
	}
	return true
}

// GovernanceRuleCount is the number of governance rules stored, every scope.
func (e *Emulator) GovernanceRuleCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.govLocked().rules)
}

// assignmentTarget resolves the assignment route's resource and assessment;
// ok false means an error was written.
func (rc *reqCtx) assignmentTarget() (resourceID string, a *Assessment, sub *Subscription, ok bool) {
	if !rc.armAuth() || !rc.apiVersion(governanceAPIVersion) {
		return "", nil, nil, false
	}
	resourceID = "/" + rc.params["scope"]
	subID := subscriptionOf(resourceID)
	if subID == "" {
		rc.fail(http.StatusBadRequest, "InvalidResourceId", fmt.Sprintf("The scope '%s' is not a resource id under a subscription.", resourceID))
		return "", nil, nil, false
	}
	rc.params["subscriptionId"] = subID
	if sub = rc.subscription(); sub == nil {
		return "", nil, nil, false
	}
	e := rc.e
	e.mu.Lock()
	a = e.assessmentLocked(resourceID, rc.params["assessmentName"])
	if a != nil && a.Status != "Unhealthy" {
		a = nil // governance follows unhealthy assessments only
	}
	var found Assessment
	if a != nil {
		found = *a
	}
	e.mu.Unlock()
	if a == nil {
		rc.fail(http.StatusNotFound, "NotFound", fmt.Sprintf("The assessment '%s' was not found on resource '%s' (the resource may be healthy, deleted or not assessed).", rc.params["assessmentName"], resourceID))
		return "", nil, nil, false
	}
	return found.ResourceID, &found, sub, true
}

func assignmentID(resourceID, assessment, key string) string {
	return resourceID + "/providers/Microsoft.Security/assessments/" + assessment + "/governanceAssignments/" + key
}

// servedResourceGroups matches the resource group segment of an id.
var servedResourceGroups = regexp.MustCompile(`(?i)/resourcegroups/`)

// servedID is an id as this service answers it: Azure Resource Manager ids
// are case-insensitive
// (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules)
// and several services answer `resourcegroups` in lower case; which case
// Defender for Cloud answers for governance assignments is not documented,
// so lower case here is a choice that keeps clients from relying on their
// own spelling.
func servedID(id string) string { return servedResourceGroups.ReplaceAllString(id, "/resourcegroups/") }

func assignmentItem(a *storedAssignment) map[string]any {
	props := map[string]any{}
	for k, v := range a.props {
		props[k] = v
	}
	return map[string]any{
		"id": servedID(a.id), "name": a.key, "type": "Microsoft.Security/assessments/governanceAssignments",
		"properties": props,
	}
}

// liveAssignmentLocked is the assignment with id, or nil when it or its
// assessment (no longer unhealthy) is gone.
func (e *Emulator) liveAssignmentLocked(id string) *storedAssignment {
	a := e.govLocked().assignments[strings.ToLower(id)]
	if a == nil {
		return nil
	}
	if as := e.assessmentLocked(a.resourceID, a.assessment); as == nil || as.Status != "Unhealthy" {
		return nil
	}
	return a
}

func (e *Emulator) handleAssignmentList(rc *reqCtx) {
	resourceID, a, _, ok := rc.assignmentTarget()
	if !ok {
		return
	}
	prefix := strings.ToLower(assignmentID(resourceID, a.Key, ""))
	e.mu.Lock()
	var ids []string
	for k := range e.govLocked().assignments {
		if strings.HasPrefix(k, prefix) {
			ids = append(ids, k)
		}
	}
	sort.Strings(ids)
	items := []any{}
	for _, id := range ids {
		items = append(items, assignmentItem(e.govLocked().assignments[id]))
	}
	e.mu.Unlock()
	rc.armList(items)
}

func (e *Emulator) assignmentNotFound(rc *reqCtx, id string) {
	rc.fail(http.StatusNotFound, "NotFound", fmt.Sprintf("Governance assignment '%s' was not found.", id))
}

func (e *Emulator) handleAssignmentGet(rc *reqCtx) {
	resourceID, a, _, ok := rc.assignmentTarget()
	if !ok {
		return
	}
	id := assignmentID(resourceID, a.Key, rc.params["assignmentKey"])
	e.mu.Lock()
	stored := e.liveAssignmentLocked(id)
	var item map[string]any
	if stored != nil {
		item = assignmentItem(stored)
	}
	e.mu.Unlock()
	if item == nil {
		e.assignmentNotFound(rc, id)
		return
	}
	rc.writeJSON(http.StatusOK, item)
}

// validateAssignment is the service's validation of an assignment's properties.
func validateAssignment(p map[string]any) string {
	due, present := p["remediationDueDate"].(string)
	if !present {
		return "The property 'remediationDueDate' is required."
	}
	if _, err := time.Parse(time.RFC3339, due); err != nil {
		return fmt.Sprintf("The property 'remediationDueDate' '%s' is not a valid date-time.", due)
	}
	if owner, present := p["owner"]; present {
		if s, _ := owner.(string); !isEmail(s) {
			return fmt.Sprintf("The owner '%v' is not a valid email address.", owner)
		}
	}
	if eta, present := p["remediationEta"].(map[string]any); present {
		if s, _ := eta["eta"].(string); s == "" {
			return "The property 'remediationEta.eta' is required."
		}
		if s, _ := eta["justification"].(string); s == "" {
			return "The property 'remediationEta.justification' is required."
		}
	}
	if extra, present := p["additionalData"].(map[string]any); present {
		if link, has := extra["ticketLink"]; has {
			if s, _ := link.(string); !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
				return fmt.Sprintf("The ticket link '%v' is not an absolute URL.", link)
			}
		}
	}
	return ""
}

func (e *Emulator) handleAssignmentPut(rc *reqCtx) {
	resourceID, a, sub, ok := rc.assignmentTarget()
	if !ok {
		return
	}
	key := rc.params["assignmentKey"]
	props, ok := rc.validProperties(validateAssignment)
	if !ok {
		return
	}
	id := assignmentID(resourceID, a.Key, key)
	e.mu.Lock()
	if !e.cspmLocked(sub) {
		e.mu.Unlock()
		rc.cspmRequired(sub.ID)
		return
	}
	g := e.govLocked()
	_, existed := g.assignments[strings.ToLower(id)]
	stored := &storedAssignment{id: id, resourceID: resourceID, assessment: a.Key, key: key, subID: sub.ID, props: props}
	g.assignments[strings.ToLower(id)] = stored
	item := assignmentItem(stored)
	e.mu.Unlock()
	rc.writePut(existed, item)
}

func (e *Emulator) handleAssignmentDelete(rc *reqCtx) {
	resourceID, a, _, ok := rc.assignmentTarget()
	if !ok {
		return
	}
	id := strings.ToLower(assignmentID(resourceID, a.Key, rc.params["assignmentKey"]))
	e.mu.Lock()
	g := e.govLocked()
	_, existed := g.assignments[id]
	delete(g.assignments, id)
	e.mu.Unlock()
	if !existed {
		rc.w.WriteHeader(http.StatusNoContent)
		return
	}
	rc.w.Header().Set("Content-Length", "0")
	rc.w.WriteHeader(http.StatusOK)
}

// AddGovernanceAssignment stores an assignment as a governance rule would
// make it, without validation; it returns the assignment's id, or "" when
// the assessment does not exist.
func (e *Emulator) AddGovernanceAssignment(resourceID, assessmentKey, owner string, due time.Time, gracePeriod bool) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.assessmentLocked(resourceID, assessmentKey)
	if a == nil {
		return ""
	}
	key := guidFrom("governance-assignment:" + a.ID + ":" + owner + due.String())
	id := assignmentID(a.ResourceID, a.Key, key)
	props := map[string]any{
		"remediationDueDate": due.UTC().Format(time.RFC3339),
		"isGracePeriod":      gracePeriod,
		"governanceEmailNotification": map[string]any{
			"disableManagerEmailNotification": false, "disableOwnerEmailNotification": false,
		},
	}
	if owner != "" {
		props["owner"] = owner
	}
	e.govLocked().assignments[strings.ToLower(id)] = &storedAssignment{
		id: id, resourceID: a.ResourceID, assessment: a.Key, key: key, subID: a.SubscriptionID, props: props,
	}
	return id
}

// PatchGovernanceAssignment is a change made in the portal: it replaces the
// given top-level properties. It reports whether the assignment exists.
func (e *Emulator) PatchGovernanceAssignment(id string, props map[string]any) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.govLocked().assignments[strings.ToLower(id)]
	if a == nil {
		return false
	}
	merged := withTopLevel(a.props, props)
	a.props = merged
	return true
}

// RemoveGovernanceAssignments deletes every assignment of the subscriptions
// (all of them for none), so a test starts from a known state.
func (e *Emulator) RemoveGovernanceAssignments(subscriptionIDs ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.govLocked()
	for k, a := range g.assignments {
		if len(subscriptionIDs) == 0 || containsFold(subscriptionIDs, a.subID) {
			delete(g.assignments, k)
		}
	}
}

// GovernanceAssignmentCount is the number of assignments stored, every subscription.
func (e *Emulator) GovernanceAssignmentCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.govLocked().assignments)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// governanceRows are the securityresources rows of the subscriptions'
// live governance assignments (their assessments' rows come from
// assessmentRowsLocked).
func (e *Emulator) governanceRows(subs []*Subscription) []row {
	e.mu.Lock()
	defer e.mu.Unlock()
	var rows []row
	want := map[string]*Subscription{}
	for _, s := range subs {
		want[strings.ToLower(s.ID)] = s
	}
	ids := make([]string, 0, len(e.govLocked().assignments))
	for k := range e.govLocked().assignments {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	for _, k := range ids {
		a := e.liveAssignmentLocked(k)
		if a == nil {
			continue
		}
		s := want[strings.ToLower(a.subID)]
		if s == nil {
			continue
		}
		rows = append(rows, row{
			"id": a.id, "name": a.key, "type": "microsoft.security/assessments/governanceassignments", "tenantId": s.TenantID,
			"kind": "", "location": "", "resourceGroup": resourceGroupOf(a.resourceID), "subscriptionId": s.ID,
			"managedBy": "", "sku": nil, "plan": nil, "properties": jsonTree(a.props),
			"tags": nil, "identity": nil, "zones": nil, "extendedLocation": nil,
		})
	}
	return rows
}

// GovernanceRuleProperties returns a copy of a stored rule's properties as
// the last write left them, or nil when there is no such rule.
func (e *Emulator) GovernanceRuleProperties(scope, ruleID string) map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.govLocked().rules[ruleKey(scope, ruleID)]
	if r == nil {
		return nil
	}
	return jsonTree(r.props)
}

// GovernanceAssignmentProperties returns a copy of a stored assignment's
// properties, or nil when there is no such assignment.
func (e *Emulator) GovernanceAssignmentProperties(id string) map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.govLocked().assignments[strings.ToLower(id)]
	if a == nil {
		return nil
	}
	return jsonTree(a.props)
}

// GovernanceRuleIDs lists the rule ids of a scope, by priority.
func (e *Emulator) GovernanceRuleIDs(scope string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []string
	for _, r := range e.rulesInScopeLocked(scope) {
		ids = append(ids, r.name)
	}
	return ids
}

// DeleteGovernanceRule is a deletion made in the portal. It reports whether
// the rule existed.
func (e *Emulator) DeleteGovernanceRule(scope, ruleID string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.govLocked()
	k := ruleKey(scope, ruleID)
	_, ok := g.rules[k]
	delete(g.rules, k)
	return ok
}

// GovernanceAssignmentIDs lists the ids of the assignments of one
// assessment on one resource, sorted.
func (e *Emulator) GovernanceAssignmentIDs(resourceID, assessmentKey string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	prefix := strings.ToLower(assignmentID(resourceID, assessmentKey, ""))
	var ids []string
	for k, a := range e.govLocked().assignments {
		if strings.HasPrefix(k, prefix) {
			ids = append(ids, a.id)
		}
	}
	sort.Strings(ids)
	return ids
}

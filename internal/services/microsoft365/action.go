package microsoft365

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/client"
	"github.com/securescore/terraform-provider-securescore/internal/scoremath"
)

// Action is an improvement action as this provider shows it: a control
// profile joined with its entry in the newest secure score. It is plain Go
// (no framework types) so the data sources and the resource share it, and
// its rules are tested with hand-written cases.
type Action struct {
	ID         string
	Title      string
	Category   string
	Service    string
	ActionType string
	Tier       string
	// MaxScore is the profile's maxScore; MaxScoreKnown is false when Graph
	// sent none (null or an OData special value).
	MaxScore      float64
	MaxScoreKnown bool
	// InScore: the action counts in the tenant's secure score, i.e. the
	// newest score lists it in controlScores and it is not deprecated. A
	// tenant lists far more profiles than its score covers (licences,
	// products it does not use); the others count in no total.
	InScore bool
	// Score is the points the newest score gives the action (0 when it is
	// not in the score); PointsRemaining is max − score, at least 0.
	Score           float64
	PointsRemaining float64
	Rank            int64
	// UserImpact and ImplementationCost are normalised (NormalizeLevel).
	UserImpact         string
	ImplementationCost string
	Threats            []string
	Remediation        string // HTML, as the service returns it
	RemediationImpact  string
	ActionURL          string
	Deprecated         bool
	// ImplementationStatus and LastSynced come from the controlScores entry.
	ImplementationStatus string
	LastSynced           *time.Time
	// Status is the portal's word (ActionStatus).
	Status string
	// State is Graph's raw state of the newest update ("" when none).
	State string
	// Notes, AssignedTo and UpdatedBy come from the newest state update
	// ("" when there is none); UpdatedDateTime is nil without one.
	Notes           string
	AssignedTo      string
	UpdatedBy       string
	UpdatedDateTime *time.Time
	Compliance      []Compliance
	QuickWin        bool
	// History is every real state update (placeholders left out), oldest first.
	History []StateChange
}

// Compliance is one certification an action contributes to.
type Compliance struct {
	CertificationName string
	ControlNames      []string
}

// StateChange is one entry of an action's controlStateUpdates.
type StateChange struct {
	State           string
	Status          string
	Comment         string
	AssignedTo      string
	UpdatedBy       string
	UpdatedDateTime *time.Time
}

// NewAction maps a control profile and its entry in the newest secure score
// (nil when the score does not list it) to an Action.
func NewAction(profile client.ControlProfile, entry *client.ControlScore) Action {
	a := Action{
		ID:                 profile.ID,
		Title:              profile.Title,
		Category:           profile.ControlCategory,
		Service:            profile.Service,
		ActionType:         profile.ActionType,
		Tier:               profile.Tier,
		MaxScore:           profile.MaxScore.Float64(),
		MaxScoreKnown:      profile.MaxScore.Set,
		InScore:            entry != nil && !profile.Deprecated,
		Rank:               profile.Rank,
		UserImpact:         NormalizeLevel(profile.UserImpact),
		ImplementationCost: NormalizeLevel(profile.ImplementationCost),
		Threats:            append([]string{}, profile.Threats...),
		Remediation:        profile.Remediation,
		RemediationImpact:  profile.RemediationImpact,
		ActionURL:          profile.ActionURL,
		Deprecated:         profile.Deprecated,
		Compliance:         []Compliance{},
		History:            []StateChange{},
	}
	if entry != nil {
		a.ImplementationStatus = entry.ImplementationStatus
		a.LastSynced = entry.LastSynced.Time
	}
	if a.InScore {
		a.Score = entry.Score.Float64()
		a.PointsRemaining = scoremath.RoundPoints(math.Max(0, a.MaxScore-a.Score))
	}
	if latest := profile.LatestStateUpdate(); latest != nil {
		a.State = latest.State
		a.Notes = latest.Comment
		a.AssignedTo = latest.AssignedTo
		a.UpdatedBy = latest.UpdatedBy
		a.UpdatedDateTime = latest.UpdatedDateTime
	}
	a.Status = ActionStatus(a.State, a.Score, a.MaxScore)
	for _, ci := range profile.ComplianceInformation {
		c := Compliance{CertificationName: ci.CertificationName, ControlNames: []string{}}
		for _, control := range ci.CertificationControls {
			c.ControlNames = append(c.ControlNames, control.Name)
		}
		a.Compliance = append(a.Compliance, c)
	}
	for _, u := range stateUpdatesOldestFirst(profile.StateUpdates()) {
		a.History = append(a.History, StateChange{
			State: u.State, Status: StatusForState(u.State), Comment: u.Comment,
			AssignedTo: u.AssignedTo, UpdatedBy: u.UpdatedBy, UpdatedDateTime: u.UpdatedDateTime,
		})
	}
	a.QuickWin = a.InScore && a.PointsRemaining > 0 && openStatus(a.Status) &&
		a.ImplementationCost == LevelLow && a.UserImpact == LevelLow
	return a
}

// NewActions maps every profile with its entry in snapshot (the newest
// secure score; nil when the tenant has none yet).
func NewActions(profiles []client.ControlProfile, snapshot *client.SecureScore) []Action {
	entries := make(map[string]*client.ControlScore, len(profiles))
	if snapshot != nil {
		for i := range snapshot.ControlScores {
			key := strings.ToLower(snapshot.ControlScores[i].ControlName)
			if _, dup := entries[key]; !dup {
				entries[key] = &snapshot.ControlScores[i]
			}
		}
	}
	actions := make([]Action, 0, len(profiles))
	for _, p := range profiles {
		actions = append(actions, NewAction(p, entries[strings.ToLower(p.ID)]))
	}
	return actions
}

// stateUpdatesOldestFirst orders updates by updatedDateTime (undated first);
// equal dates keep the service's order, so the last one is the one
// LatestStateUpdate picks.
func stateUpdatesOldestFirst(updates []client.ControlStateUpdate) []client.ControlStateUpdate {
	out := append([]client.ControlStateUpdate{}, updates...)
	sort.SliceStable(out, func(i, j int) bool { return updatedAt(out[i]).Before(updatedAt(out[j])) })
	return out
}

func updatedAt(u client.ControlStateUpdate) time.Time {
	if u.UpdatedDateTime == nil {
		return time.Time{}
	}
	return *u.UpdatedDateTime
}

package defender

import (
	"context"
	"sort"
	"strings"

	"github.com/securescore/terraform-provider-securescore/internal/client"
)

// How securescore_defender_scores reads its scope, without framework types:
// the scores, the subscriptions without one (not calculated yet, or not
// readable), and with management_group_ids one result per management group.

// scoresResult is what one read found.
type scoresResult struct {
	scores []client.DefenderScore // one per subscription, sorted by id
	// notCalculated are readable subscriptions without a score of the
	// default initiative, sorted; nil when not determined (another initiative).
	notCalculated []string
	unreadable    []string // requested subscriptions Resource Graph does not show
	withoutScore  []string // requested, readable, without the (non-default) initiative
	groups        []groupResult
	stats         client.QueryStats
}

// groupResult is one management group's part of the read.
type groupResult struct {
	id            string
	restricted    bool // the identity may not read the group (HTTP 403)
	scores        []client.DefenderScore
	notCalculated []string
}

// readScores reads q's scope. A management group is read on its own, so a
// restricted one (403) is reported as such and hides none of the others.
func readScores(ctx context.Context, c *client.Client, q client.ScoreQuery) (scoresResult, error) {
	var r scoresResult
	isDefault := strings.EqualFold(q.Name, client.DefaultSecureScoreName)
	add := func(s client.QueryStats) {
		r.stats.Batches += s.Batches
		r.stats.Requests += s.Requests
		r.stats.Rows += s.Rows
	}
	if len(q.ManagementGroupIDs) > 0 {
		return readGroups(ctx, c, q, isDefault, add)
	}
	scores, stats, err := c.QueryDefenderScores(ctx, q)
	add(stats)
	if err != nil {
		return r, err
	}
	r.scores = scores
	switch {
	case len(q.SubscriptionIDs) > 0:
		missing := missingSubscriptions(q.SubscriptionIDs, scores)
		if len(missing) == 0 {
			if isDefault {
				r.notCalculated = []string{}
			}
			return r, nil
		}
		visible, stats, err := c.QueryVisibleSubscriptions(ctx, client.ResourceGraphScope{SubscriptionIDs: missing})
		add(stats)
		if err != nil {
			return r, err
		}
		readable, unreadable := splitMissing(missing, visible)
		r.unreadable = unreadable
		if isDefault {
			r.notCalculated = lowerAll(readable)
		} else {
			r.withoutScore = readable
		}
	case isDefault:
		visible, stats, err := c.QueryVisibleSubscriptions(ctx, client.ResourceGraphScope{})
		add(stats)
		if err != nil {
			return r, err
		}
		r.notCalculated = unscored(visible, scores)
	}
	return r, nil
}

func readGroups(ctx context.Context, c *client.Client, q client.ScoreQuery, isDefault bool, add func(client.QueryStats)) (scoresResult, error) {
	var r scoresResult
	bySubscription := map[string]client.DefenderScore{}
	notCalculated := map[string]bool{}
	for _, id := range uniqueFold(q.ManagementGroupIDs) {
		g := groupResult{id: id}
		scope := client.ResourceGraphScope{ManagementGroupIDs: []string{id}}
		scores, stats, err := c.QueryDefenderScores(ctx, client.ScoreQuery{ManagementGroupIDs: scope.ManagementGroupIDs, Name: q.Name})
		add(stats)
		if client.IsForbidden(err) {
			g.restricted = true
			r.groups = append(r.groups, g)
			continue
		}
		if err != nil {
			return r, err
		}
		g.scores = scores
		if isDefault {
			visible, stats, err := c.QueryVisibleSubscriptions(ctx, scope)
			add(stats)
			if err != nil {
				return r, err
			}
			g.notCalculated = unscored(visible, scores)
			for _, id := range g.notCalculated {
				notCalculated[id] = true
			}
		}
		for _, s := range scores {
			bySubscription[strings.ToLower(s.SubscriptionID)] = s
		}
		r.groups = append(r.groups, g)
	}
	for _, s := range bySubscription {
		r.scores = append(r.scores, s)
	}
	sortByID(r.scores)
	if isDefault {
		r.notCalculated = sortedKeys(notCalculated)
	}
	return r, nil
}

// readableGroups are the management groups that were not restricted.
func (r scoresResult) readableGroups() []string {
	var out []string
	for _, g := range r.groups {
		if !g.restricted {
			out = append(out, g.id)
		}
	}
	return out
}

func (r scoresResult) restrictedGroups() []string {
	var out []string
	for _, g := range r.groups {
		if g.restricted {
			out = append(out, g.id)
		}
	}
	return out
}

func uniqueFold(values []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		if k := strings.ToLower(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func lowerAll(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strings.ToLower(v)
	}
	return out
}

func sortByID(scores []client.DefenderScore) {
	sort.Slice(scores, func(i, j int) bool {
		return strings.ToLower(scores[i].SubscriptionID) < strings.ToLower(scores[j].SubscriptionID)
	})
}

func sortedKeys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

package client

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// sharedFetchTimeout bounds a list fetched once for every concurrent reader
// of a provider process: the longest default timeout of any object.
const sharedFetchTimeout = 10 * time.Minute

// profileSnapshot is one listing of the tenant's control profiles. It is
// never changed in place: a re-read action replaces the snapshot.
type profileSnapshot struct {
	ordered  []ControlProfile
	index    map[string]int // lower-cased id → position in ordered
	warnings []string
}

func newProfileSnapshot(profiles []ControlProfile, warnings []string) *profileSnapshot {
	s := &profileSnapshot{ordered: profiles, index: make(map[string]int, len(profiles)), warnings: warnings}
	for i, p := range profiles {
		key := strings.ToLower(p.ID)
		if _, dup := s.index[key]; !dup {
			s.index[key] = i
		}
	}
	return s
}

// lookup finds id as Graph's GET does: case-insensitively.
func (s *profileSnapshot) lookup(id string) (ControlProfile, bool) {
	i, ok := s.index[strings.ToLower(id)]
	if !ok {
		return ControlProfile{}, false
	}
	return s.ordered[i], true
}

// with returns a copy of s holding fresh in place of its older copy.
func (s *profileSnapshot) with(fresh ControlProfile) *profileSnapshot {
	i, ok := s.index[strings.ToLower(fresh.ID)]
	if !ok {
		return s
	}
	ordered := append([]ControlProfile(nil), s.ordered...)
	ordered[i] = fresh
	return &profileSnapshot{ordered: ordered, index: s.index, warnings: s.warnings}
}

// shared runs fetch once for every concurrent caller of key. The fetch runs
// detached from any one caller's cancellation (bounded by
// sharedFetchTimeout), so a resource with a short timeout does not fail the
// readers waiting with it; each caller still stops waiting at its own
// deadline.
func (g *GraphClient) shared(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	results := g.flight.DoChan(key, func() (any, error) {
		fetchCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sharedFetchTimeout)
		defer cancel()
		return fetch(fetchCtx)
	})
	select {
	case r := <-results:
		return r.Val, r.Err
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: the operation's time ran out while waiting for the shared %s of tenant %s: raise the `timeouts` of this block or retry later: %w",
			ServiceGraph, key, g.TenantID, ctx.Err())
	}
}

// ControlProfiles returns every improvement action from one paged list shared
// by all concurrent callers of this provider process (Terraform refreshes
// resources in parallel: one list, not one GET per resource). Actions patched
// since are re-read once each.
func (g *GraphClient) ControlProfiles(ctx context.Context) ([]ControlProfile, []string, error) {
	snapshot, err := g.snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	warnings := snapshot.warnings
	for _, p := range snapshot.ordered {
		fresh, ok, w, err := g.freshIfStale(ctx, p.ID)
		warnings = append(warnings, w...)
		if err != nil && !IsNotFound(err) {
			return nil, warnings, err
		}
		if ok {
			snapshot = snapshot.with(fresh)
		}
	}
	g.mu.Lock()
	current := g.profiles
	g.mu.Unlock()
	if current != nil {
		snapshot = current // holds every fresh copy, also other callers'
	}
	return snapshot.ordered, warnings, nil
}

// singleReadLimit is how many actions one process reads alone before it
// lists the tenant instead. Terraform reads every resource of a plan in
// parallel, so a second action asked for means many may follow: one list
// (a page of up to 999) serves them all, while a plan of one action sends
// one GET, batched with the newest score it needs next.
const singleReadLimit = 1

// singleRead is an action read alone, with the warnings of its read.
type singleRead struct {
	profile  ControlProfile
	warnings []string
}

// ControlProfile returns one action (nil when it does not exist): the copy
// this process already read unless it was patched since, else a read of its
// own while it is the only action asked for (singleReadLimit), else the
// shared list. ids match case-insensitively, as Graph's GET does.
func (g *GraphClient) ControlProfile(ctx context.Context, id string) (*ControlProfile, []string, error) {
	if fresh, ok, warnings, err := g.freshIfStale(ctx, id); err != nil || ok {
		if IsNotFound(err) {
			return nil, warnings, nil
		}
		if ok {
			return &fresh, warnings, nil
		}
		return nil, warnings, err
	}
	key := strings.ToLower(id)
	g.mu.Lock()
	snapshot := g.profiles
	single, haveSingle := g.singles[key]
	alone := false
	if snapshot == nil && !haveSingle {
		if g.singleIDs[key] || (!g.listing && len(g.singleIDs) < singleReadLimit) {
			g.singleIDs[key], alone = true, true
		} else {
			g.listing = true
		}
	}
	g.mu.Unlock()
	switch {
	case snapshot != nil:
		if p, ok := snapshot.lookup(id); ok {
			return &p, snapshot.warnings, nil
		}
		return nil, snapshot.warnings, nil
	case haveSingle:
		return &single.profile, single.warnings, nil
	case alone:
		return g.readAlone(ctx, id)
	}
	snapshot, err := g.snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	if p, ok := snapshot.lookup(id); ok {
		return &p, snapshot.warnings, nil
	}
	return nil, snapshot.warnings, nil
}

// readAlone reads one action for every concurrent reader of it (detached
// like the list), with the newest score in the same request while this
// process has none.
func (g *GraphClient) readAlone(ctx context.Context, id string) (*ControlProfile, []string, error) {
	v, err := g.shared(ctx, "improvement action "+strings.ToLower(id), func(ctx context.Context) (any, error) {
		g.mu.Lock()
		haveScore := g.latestScore != nil
		g.mu.Unlock()
		read := g.getIfExists
		if !haveScore {
			read = g.readWithLatestScore
		}
		p, warnings, err := read(ctx, id)
		if err != nil || p == nil {
			return (*singleRead)(nil), err
		}
		r := &singleRead{profile: *p, warnings: warnings}
		g.mu.Lock()
		if g.profiles == nil {
			g.singles[strings.ToLower(p.ID)] = *r
		}
		g.mu.Unlock()
		return r, nil
	})
	if err != nil {
		return nil, nil, err
	}
	r := v.(*singleRead)
	if r == nil {
		return nil, nil, nil
	}
	p := r.profile
	return &p, r.warnings, nil
}

// ReadControlProfile reads one action with a GET, whatever the snapshot
// holds (a read-back after a write), and stores it in the snapshot.
func (g *GraphClient) ReadControlProfile(ctx context.Context, id string) (*ControlProfile, []string, error) {
	p, warnings, err := g.getIfExists(ctx, id)
	if err == nil && p != nil {
		g.store(*p, -1)
	}
	return p, warnings, err
}

func (g *GraphClient) getIfExists(ctx context.Context, id string) (*ControlProfile, []string, error) {
	p, warnings, err := g.GetControlProfile(ctx, id)
	if IsNotFound(err) {
		return nil, warnings, nil
	}
	return p, warnings, err
}

func (g *GraphClient) markStale(id string) {
	g.mu.Lock()
	g.stale[strings.ToLower(id)]++
	g.mu.Unlock()
}

// freshIfStale re-reads an action patched since the snapshot, once: the
// fresh copy replaces the snapshot's, and the stale mark is cleared unless
// another PATCH came in meanwhile.
func (g *GraphClient) freshIfStale(ctx context.Context, id string) (ControlProfile, bool, []string, error) {
	g.mu.Lock()
	seen := g.stale[strings.ToLower(id)]
	g.mu.Unlock()
	if seen == 0 {
		return ControlProfile{}, false, nil, nil
	}
	p, warnings, err := g.GetControlProfile(ctx, id)
	if err != nil {
		return ControlProfile{}, false, warnings, err
	}
	g.store(*p, seen)
	return *p, true, warnings, nil
}

// store puts a freshly read action into the snapshot and clears its stale
// mark when no PATCH came after the read began (seen = the count then;
// -1 = a read-back, which clears nothing it did not see).
func (g *GraphClient) store(p ControlProfile, seen int) {
	key := strings.ToLower(p.ID)
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.profiles != nil {
		g.profiles = g.profiles.with(p)
	} else {
		g.singles[key] = singleRead{profile: p}
	}
	if seen >= 0 && g.stale[key] == seen {
		delete(g.stale, key)
	}
}

// StaleCount is how many actions wait for a re-read (tests).
func (g *GraphClient) StaleCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.stale)
}

func (g *GraphClient) snapshot(ctx context.Context) (*profileSnapshot, error) {
	g.mu.Lock()
	if s := g.profiles; s != nil {
		g.mu.Unlock()
		return s, nil
	}
	g.mu.Unlock()
	v, err := g.shared(ctx, "list of improvement actions", func(ctx context.Context) (any, error) {
		profiles, warnings, err := g.ListControlProfiles(ctx)
		if err != nil {
			return nil, err
		}
		s := newProfileSnapshot(profiles, warnings)
		g.mu.Lock()
		g.profiles = s
		g.mu.Unlock()
		return s, nil
	})
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.profiles != nil {
		return g.profiles, nil
	}
	return v.(*profileSnapshot), nil
}

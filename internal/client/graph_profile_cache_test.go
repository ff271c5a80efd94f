package client

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// One reader with a 1 ms deadline gives up alone: the shared read it
// started keeps going for the readers waiting with it, and is sent once;
// the same holds for the first action read alone and for the list a second
// action starts.
func TestSharedReadsOutliveTheShortestDeadline(t *testing.T) {
	e := startEmulator(t, emulator.Options{Latency: 200 * time.Millisecond})
	c := emulatorClient(t, e, emulator.ClientSecret)
	g, _ := c.Graph("")
	ctx := testContext(t)
	// Warm the token so only the reads are slow.
	if _, _, err := g.GetControlProfile(ctx, "AdminMFAV2"); err != nil {
		t.Fatal(err)
	}
	readTogether := func(ids ...string) []error {
		// The short reader starts the shared read and gives up; the others
		// join it while it is still in flight.
		short, cancel := context.WithTimeout(ctx, time.Millisecond)
		defer cancel()
		errs := make([]error, len(ids))
		_, _, errs[0] = g.ControlProfile(short, ids[0])
		var wg sync.WaitGroup
		for i := 1; i < len(ids); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, errs[i] = g.ControlProfile(ctx, ids[i])
			}()
		}
		wg.Wait()
		return errs
	}
	check := func(what string, errs []error) {
		t.Helper()
		if !errors.Is(errs[0], context.DeadlineExceeded) {
			t.Errorf("%s: the 1 ms reader: %v, want its own deadline", what, errs[0])
		}
		for i, err := range errs[1:] {
			if err != nil {
				t.Errorf("%s: reader %d failed with the short one: %v", what, i+1, err)
			}
		}
	}

	e.ResetCounts()
	check("the first action", readTogether("AdminMFAV2", "AdminMFAV2", "AdminMFAV2", "AdminMFAV2"))
	if n, gets := e.Count(emulator.RouteGraphBatch), e.BatchedCount(emulator.RouteGraphProfileGet); n != 1 || gets != 1 || e.Count(emulator.RouteGraphProfileList) != 0 {
		t.Errorf("the first action alone: %d batches holding %d GETs (counts %v), want 1 shared GET and no list", n, gets, e.Counts())
	}
	e.ResetCounts()
	check("a second action", readTogether("OneAdmin", "OneAdmin", "SelfServicePasswordReset", "AdminMFAV2"))
	if n := e.Count(emulator.RouteGraphProfileList); n != 1 || e.Count(emulator.RouteGraphProfileGet)+e.Count(emulator.RouteGraphBatch) != 0 {
		t.Errorf("a second action: %v, want 1 shared list and no GET", e.Counts())
	}
}

// A patched action is re-read once; after that the snapshot holds the fresh
// copy and no reader fetches it again.
func TestPatchedActionIsReadAgainOnce(t *testing.T) {
	e, g, ctx := emulatorGraph(t)
	if _, _, err := g.ControlProfiles(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.UpdateControlProfile(ctx, "OneAdmin", ControlProfileUpdate{State: "Reviewed", Comment: "next sprint", VendorInformation: SecureScoreVendor}); err != nil {
		t.Fatal(err)
	}
	e.ResetCounts()
	for range 3 {
		p, _, err := g.ControlProfile(ctx, "OneAdmin")
		if err != nil || p == nil || p.LatestStateUpdate() == nil || p.LatestStateUpdate().Comment != "next sprint" {
			t.Fatalf("read after the PATCH: %+v, %v", p, err)
		}
	}
	profiles, _, err := g.ControlProfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range profiles {
		if p.ID == "OneAdmin" && (p.LatestStateUpdate() == nil || p.LatestStateUpdate().Comment != "next sprint") {
			t.Errorf("the list holds the old copy: %+v", p.LatestStateUpdate())
		}
	}
	if n := e.Count(emulator.RouteGraphProfileGet); n != 1 {
		t.Errorf("%d GETs of the patched action, want 1", n)
	}
	if n := g.StaleCount(); n != 0 {
		t.Errorf("%d actions still marked stale", n)
	}
}

// The snapshot finds ids as Graph's GET does: case-insensitively, before
// and after a PATCH.
func TestSnapshotLookupIgnoresCase(t *testing.T) {
	_, g, ctx := emulatorGraph(t)
	p, _, err := g.ControlProfile(ctx, "adminmfav2")
	if err != nil || p == nil || p.ID != "AdminMFAV2" {
		t.Fatalf("lower-case lookup: %+v, %v", p, err)
	}
	if err := g.UpdateControlProfile(ctx, "ADMINMFAV2", ControlProfileUpdate{State: "Ignored", VendorInformation: SecureScoreVendor}); err != nil {
		t.Fatal(err)
	}
	p, _, err = g.ControlProfile(ctx, "AdminMFAV2")
	if err != nil || p == nil || p.LatestStateUpdate() == nil || p.LatestStateUpdate().State != "Ignored" {
		t.Fatalf("a PATCH under another case was not seen: %+v, %v", p, err)
	}
}

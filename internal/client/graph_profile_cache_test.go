package client

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// One reader with a 1 ms deadline gives up alone: the shared list it
// started keeps going for the readers waiting with it, and is fetched once.
func TestSharedListOutlivesTheShortestDeadline(t *testing.T) {
	e := startEmulator(t, emulator.Options{Latency: 200 * time.Millisecond})
	c := emulatorClient(t, e, emulator.ClientSecret)
	g, _ := c.Graph("")
	ctx := testContext(t)
	// Warm the token so only the list is slow.
	if _, _, err := g.GetControlProfile(ctx, "AdminMFAV2"); err != nil {
		t.Fatal(err)
	}
	e.ResetCounts()

	// The short reader starts the shared list and gives up; the others
	// join the list while it is still in flight.
	short, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	errs := make([]error, 4)
	_, _, errs[0] = g.ControlProfile(short, "AdminMFAV2")
	var wg sync.WaitGroup
	wg.Add(len(errs) - 1)
	for i := 1; i < len(errs); i++ {
		go func() {
			defer wg.Done()
			_, _, errs[i] = g.ControlProfile(ctx, "AdminMFAV2")
		}()
	}
	wg.Wait()
	if !errors.Is(errs[0], context.DeadlineExceeded) {
		t.Errorf("the 1 ms reader: %v, want its own deadline", errs[0])
	}
	for i, err := range errs[1:] {
		if err != nil {
			t.Errorf("reader %d failed with the short one: %v", i+1, err)
		}
	}
	if n := e.Count(emulator.RouteGraphProfileList); n != 1 {
		t.Errorf("%d list requests, want 1 shared", n)
	}
}

// A patched action is re-read once; after that the snapshot holds the fresh
// copy and no reader fetches it again.
func TestPatchedActionIsReadAgainOnce(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	g, _ := c.Graph("")
	ctx := testContext(t)
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
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	g, _ := c.Graph("")
	ctx := testContext(t)
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

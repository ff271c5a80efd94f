package client

import (
	"net/http"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// One action read alone comes with the newest score in the same request;
// the score is then served without another one.
func TestSingleReadBatchesTheLatestScore(t *testing.T) {
	e, g, ctx := emulatorGraph(t)
	p, _, err := g.ControlProfile(ctx, "AdminMFAV2")
	if err != nil || p == nil || p.ID != "AdminMFAV2" {
		t.Fatalf("read: %+v, %v", p, err)
	}
	score, _, err := g.LatestSecureScore(ctx)
	if err != nil || score == nil {
		t.Fatalf("latest score: %+v, %v", score, err)
	}
	// Contoso's newest snapshot is today's.
	if want := emulator.DefaultTenantID + "_" + time.Now().UTC().Format("2006-01-02"); score.ID != want {
		t.Errorf("latest score %q, want %q", score.ID, want)
	}
	if counts := e.Counts(); counts[emulator.RouteGraphBatch] != 1 || counts[emulator.RouteGraphProfileGet] != 0 || counts[emulator.RouteGraphSecureScores] != 0 {
		t.Errorf("requests %v, want one batch", counts)
	}
	if b := e.BatchedCounts(); b[emulator.RouteGraphProfileGet] != 1 || b[emulator.RouteGraphSecureScores] != 1 {
		t.Errorf("batched %v, want the GET and the score", b)
	}
	// The same action again is the copy already read.
	if _, _, err := g.ControlProfile(ctx, "adminmfav2"); err != nil || e.Count(emulator.RouteGraphBatch) != 1 {
		t.Errorf("second read: %v, %v", err, e.Counts())
	}
	// An unknown action alone is nil, not an error.
	g2, _ := emulatorClient(t, e, emulator.ClientSecret).Graph("")
	if p, _, err := g2.ControlProfile(ctx, "NoSuchAction"); err != nil || p != nil {
		t.Errorf("unknown action: %+v, %v", p, err)
	}
}

// What a batch does not answer plainly is sent again on its own: a
// throttled GET inside, or a batch the service refuses.
func TestSingleReadFallsBackFromTheBatch(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	ctx := testContext(t)

	e.SetFault(emulator.RouteGraphProfileGet, emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 1})
	g, _ := c.Graph("")
	p, _, err := g.ControlProfile(ctx, "AdminMFAV2")
	if err != nil || p == nil || p.ID != "AdminMFAV2" {
		t.Fatalf("throttled inside the batch: %+v, %v", p, err)
	}
	if e.Count(emulator.RouteGraphProfileGet) != 1 {
		t.Errorf("requests %v, want the GET sent again alone", e.Counts())
	}
	if _, _, err := g.LatestSecureScore(ctx); err != nil || e.Count(emulator.RouteGraphSecureScores) != 0 {
		t.Errorf("the batch's score was not kept: %v, %v", err, e.Counts())
	}

	e.ClearFaults()
	e.ResetCounts()
	e.SetFault(emulator.RouteGraphBatch, emulator.Fault{Status: http.StatusBadRequest, Times: 1})
	g2, _ := emulatorClient(t, e, emulator.ClientSecret).Graph("")
	if p, _, err := g2.ControlProfile(ctx, "AdminMFAV2"); err != nil || p == nil {
		t.Fatalf("batch refused: %+v, %v", p, err)
	}
	if _, _, err := g2.LatestSecureScore(ctx); err != nil {
		t.Fatal(err)
	}
	if counts := e.Counts(); counts[emulator.RouteGraphProfileGet] != 1 || counts[emulator.RouteGraphSecureScores] != 1 {
		t.Errorf("requests %v, want the GET and the score alone", counts)
	}
}

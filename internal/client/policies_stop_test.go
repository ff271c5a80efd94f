package client

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// A request cut short by its operation's timeout says to raise `timeouts`;
// one cut short by Terraform's stop signal (the context cancelled, as
// terraform-plugin-go cancels it on StopProvider) says it was stopped and
// does not blame the timeouts.
func TestStopIsNotATimeout(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	c := emulatorClient(t, e, emulator.ClientSecret)
	g, _ := c.Graph("")
	ctx := testContext(t)
	if _, _, err := g.GetControlProfile(ctx, "AdminMFAV2"); err != nil { // warms the token
		t.Fatal(err)
	}
	e.SetFault(emulator.RouteGraphProfileGet, emulator.Fault{Hang: true})

	timed, cancelTimed := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelTimed()
	_, _, err := g.GetControlProfile(timed, "AdminMFAV2")
	if err == nil || !strings.Contains(err.Error(), "raise the `timeouts`") {
		t.Errorf("timed out: %v, want the timeouts hint", err)
	}

	stopped, stop := context.WithCancel(ctx)
	time.AfterFunc(200*time.Millisecond, stop)
	_, _, err = g.GetControlProfile(stopped, "AdminMFAV2")
	if err == nil || !strings.Contains(err.Error(), "stopped before the service answered") || strings.Contains(err.Error(), "timeouts") {
		t.Errorf("stopped: %v, want a stop that does not mention timeouts", err)
	}
}

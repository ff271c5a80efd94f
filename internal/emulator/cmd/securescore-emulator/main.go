// Command securescore-emulator runs the offline Azure / Microsoft Graph
// emulator for demos and manual testing of terraform-provider-securescore.
//
//	securescore-emulator -ca /tmp/emu-ca.pem -env /tmp/emu.env
//	. /tmp/emu.env && terraform plan
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	caPath := flag.String("ca", "securescore-emulator-ca.pem", "where to write the emulator's CA certificate (PEM)")
	envPath := flag.String("env", "", "where to write a shell file exporting the provider's environment (optional)")
	latency := flag.Duration("latency", 0, "latency added to every request")
	armPage := flag.Int("arm-page-size", 0, "items per ARM list page (default 50)")
	graphPage := flag.Int("graph-page-size", 0, "items per Graph list page (default 25)")
	rgPage := flag.Int("resource-graph-page-size", 0, "rows per Resource Graph page (default 1000)")
	lifetime := flag.Duration("token-lifetime", 0, "lifetime of issued tokens (default 1h)")
	staleReads := flag.Int("stale-reads", 0, "reads that still show the old state after a PATCH")
	extraSubscriptions := flag.Int("subscriptions", 0, "generated subscriptions with a secure score to add to the default tenant (to try securescore_defender_scores at scale)")
	extraProfiles := flag.Int("profiles", 0, "generated improvement actions to add to the default tenant")
	flag.Parse()

	e := emulator.New(emulator.Options{
		ARMPageSize: *armPage, GraphPageSize: *graphPage, ResourceGraphPageSize: *rgPage,
		Latency: *latency, TokenLifetime: *lifetime,
	})
	e.SetStaleReads(*staleReads)
	e.AddSubscriptions(emulator.DefaultTenantID, *extraSubscriptions)
	e.AddProfiles(emulator.DefaultTenantID, *extraProfiles)
	if err := e.Start(); err != nil {
		return err
	}
	defer e.Close()

	ca, err := filepath.Abs(*caPath)
	if err != nil {
		return err
	}
	if err := e.WriteCACert(ca); err != nil {
		return err
	}
	env := [][2]string{
		{"ARM_TENANT_ID", emulator.DefaultTenantID},
		{"ARM_CLIENT_ID", emulator.ClientID},
		{"ARM_CLIENT_SECRET", emulator.ClientSecret},
		{"ARM_SUBSCRIPTION_ID", emulator.DefaultSubscriptionID},
		{"SECURESCORE_EMULATOR_AUTHORITY", e.AuthorityURL()},
		{"SECURESCORE_EMULATOR_ARM", e.ARMURL()},
		{"SECURESCORE_EMULATOR_GRAPH", e.GraphURL()},
		{"SSL_CERT_FILE", ca},
	}
	if *envPath != "" {
		var b strings.Builder
		for _, kv := range env {
			fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellQuote(kv[1]))
		}
		// Write then rename: scripts poll for the file and must never read half of it.
		if err := os.WriteFile(*envPath+".tmp", []byte(b.String()), 0o600); err != nil {
			return err
		}
		if err := os.Rename(*envPath+".tmp", *envPath); err != nil {
			return err
		}
	}

	fmt.Printf("securescore emulator running\n  authority %s\n  ARM       %s\n  Graph     %s\n  CA        %s\n", e.AuthorityURL(), e.ARMURL(), e.GraphURL(), ca)
	if *envPath != "" {
		fmt.Printf("  env file  %s (source it: . %s)\n", *envPath, *envPath)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	fmt.Println("stopping")
	return nil
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./~-]*$`)

// shellQuote leaves plain values bare (so simple KEY=value parsers work) and
// single-quotes anything else.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) && !strings.HasPrefix(s, "~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

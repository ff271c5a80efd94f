// Command securescore-emulator runs the offline Azure / Microsoft Graph
// emulator for demos and for trying a configuration of one's own:
//
//	securescore-emulator -ca /tmp/emu-ca.pem -env /tmp/emu.env
//	. /tmp/emu.env && terraform plan    # with an empty provider "securescore" {}
//
// The env file exports the emulator's credentials, ARM_METADATA_HOSTNAME
// (the provider reads every endpoint from the emulator's
// /metadata/endpoints) and SSL_CERT_FILE, a bundle of the system's CAs and
// the emulator's. It is removed when the emulator stops (SIGINT, SIGTERM,
// SIGHUP).
package main

import (
	"flag"
	"fmt"
	"io"
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
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if err := run(os.Args[1:], stop, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run serves until stop receives, then removes what it wrote but the CA.
func run(args []string, stop <-chan os.Signal, stdout io.Writer) error {
	flags := flag.NewFlagSet("securescore-emulator", flag.ContinueOnError)
	caPath := flags.String("ca", "securescore-emulator-ca.pem", "where to write the emulator's CA certificate (PEM)")
	envPath := flags.String("env", "", "where to write a shell file exporting the provider's environment (optional); removed on exit")
	latency := flags.Duration("latency", 0, "latency added to every request")
	armPage := flags.Int("arm-page-size", 0, "items per ARM list page (default 50)")
	graphPage := flags.Int("graph-page-size", 0, "items per Graph list page (default 25)")
	rgPage := flags.Int("resource-graph-page-size", 0, "rows per Resource Graph page (default 1000)")
	lifetime := flags.Duration("token-lifetime", 0, "lifetime of issued tokens (default 1h)")
	staleReads := flags.Int("stale-reads", 0, "reads that still show the old state after a PATCH")
	extraSubscriptions := flags.Int("subscriptions", 0, "generated subscriptions with a secure score to add to the default tenant (to try securescore_defender_scores at scale)")
	extraProfiles := flags.Int("profiles", 0, "generated improvement actions to add to the default tenant")
	resourceScale := flags.Int("resource-scale", 0, "multiplies the resources each generated subscription's recommendations assess (same points, more assessment rows)")
	historyDays := flags.Int("history-days", 0, "days of secure score history in the Log Analytics workspace (default 90)")
	exported := flags.Int("exported-subscriptions", 0, "how many of the generated subscriptions continuous export writes to the Log Analytics workspace (the seeded ones always are)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	say := func(format string, args ...any) { _, _ = fmt.Fprintf(stdout, format, args...) }

	e := emulator.New(emulator.Options{
		ARMPageSize: *armPage, GraphPageSize: *graphPage, ResourceGraphPageSize: *rgPage,
		Latency: *latency, TokenLifetime: *lifetime, ResourceScale: *resourceScale, HistoryDays: *historyDays,
	})
	e.SetStaleReads(*staleReads)
	generated := e.AddSubscriptions(emulator.DefaultTenantID, *extraSubscriptions)
	e.ExportHistory(generated[:min(*exported, len(generated))]...)
	e.AddProfiles(emulator.DefaultTenantID, *extraProfiles)
	// The governance rules and assignments the docs import.
	e.SeedGovernanceExamples()
	if err := e.Start(); err != nil {
		return err
	}
	defer e.Close()

	ca, err := filepath.Abs(*caPath)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(ca), 0o755); err != nil {
		return err
	}
	if err := e.WriteCACert(ca); err != nil {
		return err
	}
	say("securescore emulator running\n  authority %s\n  ARM       %s (metadata: %s/metadata/endpoints)\n  Graph     %s\n  Log Analytics %s (workspace %s)\n  CA        %s\n",
		e.AuthorityURL(), e.ARMURL(), e.ARMURL(), e.GraphURL(), e.LogAnalyticsURL(), emulator.LogAnalyticsWorkspaceID, ca)

	if *envPath != "" {
		env, err := filepath.Abs(*envPath)
		if err != nil {
			return err
		}
		bundle := strings.TrimSuffix(ca, ".pem") + "-bundle.pem"
		systemCAs, err := writeBundle(bundle, e.CACertPEM())
		if err != nil {
			return err
		}
		defer os.Remove(bundle) //nolint:errcheck // best effort on exit
		defer os.Remove(env)    //nolint:errcheck // best effort on exit
		if err := writeEnvFile(env, environment(e, bundle)); err != nil {
			return err
		}
		say("  env file  %s (source it: . %s; removed when the emulator stops)\n", env, env)
		if systemCAs != "" {
			say("  SSL_CERT_FILE %s: the system's CAs (%s) and the emulator's\n", bundle, systemCAs)
		} else {
			say("  SSL_CERT_FILE %s: the emulator's CA only (no system CA bundle found): other TLS clients in that shell will not trust public sites\n", bundle)
		}
	}
	<-stop
	say("stopping\n")
	return nil
}

// environment is what the env file exports: the emulator's service
// principal, its metadata host (every endpoint, for the provider), and its
// URLs for scripts that name them.
func environment(e *emulator.Emulator, bundle string) [][2]string {
	return [][2]string{
		{"ARM_TENANT_ID", emulator.DefaultTenantID},
		{"ARM_CLIENT_ID", emulator.ClientID},
		{"ARM_CLIENT_SECRET", emulator.ClientSecret},
		{"ARM_SUBSCRIPTION_ID", emulator.DefaultSubscriptionID},
		{"ARM_METADATA_HOSTNAME", strings.TrimPrefix(e.ARMURL(), "https://")},
		{"SSL_CERT_FILE", bundle},
		{"SECURESCORE_EMULATOR_AUTHORITY", e.AuthorityURL()},
		{"SECURESCORE_EMULATOR_ARM", e.ARMURL()},
		{"SECURESCORE_EMULATOR_GRAPH", e.GraphURL()},
	}
}

func writeEnvFile(path string, env [][2]string) error {
	var b strings.Builder
	b.WriteString("# Written by securescore-emulator; removed when it stops. Source it: . " + shellQuote(path) + "\n")
	for _, kv := range env {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	// Write then rename: scripts poll for the file and must never read half of it.
	if err := os.WriteFile(path+".tmp", []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

// systemCAFiles are where Go's crypto/x509 finds the system's CAs on Linux
// and the BSDs (root_linux.go, root_bsd.go); macOS also has /etc/ssl/cert.pem.
var systemCAFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo, Arch
	"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
	"/etc/ssl/ca-bundle.pem",                            // openSUSE
	"/etc/pki/tls/cacert.pem",                           // OpenELEC
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7
	"/etc/ssl/cert.pem",                                 // Alpine, macOS
	"/usr/local/etc/ssl/cert.pem",                       // FreeBSD
}

// writeBundle writes the system's CAs followed by the emulator's CA, so that
// SSL_CERT_FILE set to it (Go reads only that file then) breaks no other TLS
// client of the shell. The system's CAs are those of SSL_CERT_FILE when it is
// set (and is not a bundle of this emulator), else the first system file
// found. It returns where they came from, "" when nowhere.
func writeBundle(path string, emulatorCA []byte) (string, error) {
	candidates := systemCAFiles
	if current := os.Getenv("SSL_CERT_FILE"); current != "" && current != path && !strings.HasSuffix(current, "-bundle.pem") {
		candidates = append([]string{current}, candidates...)
	}
	var source string
	var system []byte
	for _, f := range candidates {
		if data, err := os.ReadFile(f); err == nil && len(data) > 0 {
			source, system = f, data
			break
		}
	}
	var b []byte
	if len(system) > 0 {
		b = append(b, system...)
		if b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	b = append(b, "# securescore emulator CA\n"...)
	b = append(b, emulatorCA...)
	return source, os.WriteFile(path, b, 0o644)
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

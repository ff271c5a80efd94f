// Package acctest runs acceptance tests: the real Terraform CLI, through
// terraform-plugin-testing, against the in-process provider and the emulator.
package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/securescore/terraform-provider-securescore/internal/emulator"
	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

// Emu is the emulator every test of the package talks to; Main starts it.
var Emu *emulator.Emulator

// ProviderFactories serves the provider in-process to the Terraform CLI.
var ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"securescore": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Main starts the emulator, points TLS trust and the ARM_* variables at it,
// and runs the package's tests. Use it from TestMain.
func Main(m *testing.M, opts emulator.Options) {
	os.Exit(run(m, opts))
}

func run(m *testing.M, opts emulator.Options) int {
	dir, err := os.MkdirTemp("", "securescore-acc-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir) //nolint:errcheck // a temp dir left behind is harmless
	Emu = emulator.New(opts)
	if err := Emu.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the emulator:", err)
		return 1
	}
	defer Emu.Close()
	caPath := filepath.Join(dir, "emulator-ca.pem")
	if err := Emu.WriteCACert(caPath); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// Go reads SSL_CERT_FILE once, on the first TLS handshake: set it before any.
	env := map[string]string{
		"SSL_CERT_FILE":       caPath,
		"ARM_TENANT_ID":       emulator.DefaultTenantID,
		"ARM_CLIENT_ID":       emulator.ClientID,
		"ARM_CLIENT_SECRET":   emulator.ClientSecret,
		"ARM_SUBSCRIPTION_ID": emulator.DefaultSubscriptionID,
		"ARM_USE_CLI":         "false",
	}
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

// PreCheck skips nothing: the emulator is always there. It fails fast when
// the package forgot to call Main.
func PreCheck(t *testing.T) {
	t.Helper()
	if Emu == nil {
		t.Fatal("acctest.Main was not called from TestMain")
	}
}

// Test runs tc with the in-process provider against the emulator: it sets
// the PreCheck and ProtoV6ProviderFactories every acceptance test uses.
func Test(t *testing.T, tc resource.TestCase) {
	t.Helper()
	tc.PreCheck = func() { PreCheck(t) }
	tc.ProtoV6ProviderFactories = ProviderFactories
	resource.Test(t, tc)
}

// ApplyConfig applies config (provider block included), which must pass
// checks.
func ApplyConfig(t *testing.T, config string, checks ...statecheck.StateCheck) {
	t.Helper()
	Test(t, resource.TestCase{Steps: []resource.TestStep{{Config: config, ConfigStateChecks: checks}}})
}

// ExpectConfigError plans config (provider block included), which must fail
// with an error matching expect.
func ExpectConfigError(t *testing.T, config string, expect *regexp.Regexp) {
	t.Helper()
	Test(t, resource.TestCase{Steps: []resource.TestStep{{Config: config, ExpectError: expect}}})
}

// Wrapped compiles an error pattern whose spaces also match Terraform's
// line breaks (it wraps long diagnostics).
func Wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

// Expect checks a top-level attribute of address in the state after apply.
func Expect(address, attribute string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(address, tfjsonpath.New(attribute), check)
}

// ExpectOf is Expect for one address, for a list of checks of its
// attributes.
func ExpectOf(address string) func(attribute string, check knownvalue.Check) statecheck.StateCheck {
	return func(attribute string, check knownvalue.Check) statecheck.StateCheck {
		return Expect(address, attribute, check)
	}
}

// ProviderConfig is the provider block that points every endpoint at the
// emulator; credentials come from the ARM_* variables Main set.
func ProviderConfig() string {
	return ProviderConfigWith("")
}

// ProviderConfigWith adds extra provider attributes (HCL lines).
func ProviderConfigWith(extra string) string {
	return ProviderConfigWithEndpoint("", extra)
}

// ProviderConfigWithEndpoint also adds attributes inside the endpoint block.
func ProviderConfigWithEndpoint(endpointExtra, extra string) string {
	return fmt.Sprintf(`
provider "securescore" {
%s%s
}
`, Emu.ProviderEndpoint(endpointExtra+"\n"), extra)
}

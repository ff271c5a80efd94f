// Package examples_test plans every example under examples/ against the
// emulator, as a newcomer would run one: the real Terraform CLI in a copy of
// the folder, the built provider through dev_overrides, and nothing but the
// environment that `make emulator` writes (ARM_METADATA_HOSTNAME, the ARM_*
// credentials, SSL_CERT_FILE) with the folder's own provider block.
//
// Examples are found by walking the folder: every directory holding a .tf
// file is a root module, except one that another example calls as a module
// (`source = "./..."`), which is planned through its caller. The one place
// where an example gets what it cannot have from the environment:
//   - a folder without `required_providers` (the registry pages' snippets
//     under data-sources/ and resources/) gets a versions.tf naming
//     securescore/securescore;
//   - a folder with required variables holds emulator.tfvars, passed with
//     -var-file (run `terraform plan -var-file=emulator.tfvars` there too).
//
// The ids in the examples are the emulator's (constants.go and its seeded
// world): no substitution is made.
package examples_test

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// emulatorVarFile is the optional file of variable values for the emulator.
const emulatorVarFile = "emulator.tfvars"

// TestAccExamples plans every example folder against the emulator.
func TestAccExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no terraform on PATH and TF_ACC_TERRAFORM_PATH unset")
		}
	}
	examples, err := findExamples(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(examples) < 10 {
		t.Fatalf("found only %d examples: %v", len(examples), examples)
	}

	work := t.TempDir()
	bin := filepath.Join(work, "bin")
	goBuild(t, filepath.Join(bin, "terraform-provider-securescore"), "..")
	goBuild(t, filepath.Join(work, "securescore-emulator"), "../internal/emulator/cmd/securescore-emulator")
	env := startEmulator(t, filepath.Join(work, "securescore-emulator"), filepath.Join(work, "emulator"))

	cliConfig := filepath.Join(work, "terraformrc")
	overrides := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/securescore/securescore" = %q
    "registry.opentofu.org/securescore/securescore" = %q
  }
  direct {}
}
`, bin, bin)
	if err := os.WriteFile(cliConfig, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")

	for _, dir := range examples {
		t.Run(dir, func(t *testing.T) {
			module := filepath.Join(work, "examples", dir)
			if err := copyModule(dir, module); err != nil {
				t.Fatal(err)
			}
			args := []string{"plan", "-input=false", "-no-color", "-lock=false"}
			if _, err := os.Stat(filepath.Join(dir, emulatorVarFile)); err == nil {
				args = append(args, "-var-file="+emulatorVarFile)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, terraform, args...)
			cmd.Dir, cmd.Env = module, env
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("terraform %s in a copy of examples/%s failed: %v\n%s", strings.Join(args, " "), dir, err, out)
			}
			if warnings := unexpectedWarnings(string(out)); len(warnings) > 0 {
				t.Errorf("examples/%s plans with warnings: %s\n%s", dir, strings.Join(warnings, "; "), out)
			}
		})
	}
}

// findExamples lists the example root modules under root, sorted.
func findExamples(root string) ([]string, error) {
	withTF := map[string]bool{}
	calledAsModule := map[string]bool{}
	moduleSource := regexp.MustCompile(`(?m)^\s*source\s*=\s*"(\.\.?/[^"]*)"`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || filepath.Ext(path) != ".tf" {
			return nil
		}
		dir := filepath.Dir(path)
		withTF[dir] = true
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range moduleSource.FindAllStringSubmatch(string(data), -1) {
			calledAsModule[filepath.Clean(filepath.Join(dir, m[1]))] = true
		}
		return nil
	})
	var out []string
	for dir := range withTF {
		if !calledAsModule[dir] {
			out = append(out, dir)
		}
	}
	sort.Strings(out)
	return out, err
}

// copyModule copies the .tf and .tfvars files of src (not its subfolders,
// which are examples of their own or modules it calls by relative path, nor
// state) into dst, and adds versions.tf when no file names the provider.
func copyModule(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	hasRequiredProviders := false
	for _, e := range entries {
		name := e.Name()
		terraformFile := strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tfvars") || strings.HasSuffix(name, ".tfvars.json")
		if e.IsDir() || !terraformFile {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return err
		}
		hasRequiredProviders = hasRequiredProviders || strings.Contains(string(data), "required_providers")
		if err := os.WriteFile(filepath.Join(dst, name), data, 0o600); err != nil {
			return err
		}
	}
	// Modules called by relative path: copy the tree they live in, once.
	if err := copyCalledModules(src, dst); err != nil {
		return err
	}
	if hasRequiredProviders {
		return nil
	}
	return os.WriteFile(filepath.Join(dst, "versions.tf"), []byte(`terraform {
  required_providers {
    securescore = {
      source = "securescore/securescore"
    }
  }
}
`), 0o600)
}

// copyCalledModules copies the folders that src's module blocks name by a
// relative path, keeping the relative layout.
func copyCalledModules(src, dst string) error {
	moduleSource := regexp.MustCompile(`(?m)^\s*source\s*=\s*"(\.\.?/[^"]*)"`)
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil {
		return err
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		for _, m := range moduleSource.FindAllStringSubmatch(string(data), -1) {
			if err := copyModule(filepath.Join(src, m[1]), filepath.Join(dst, m[1])); err != nil {
				return err
			}
		}
	}
	return nil
}

// expectedWarnings are the warnings a plan of an example may print: the one
// dev_overrides always prints, and check blocks, which examples use to show
// how a weak score warns without failing (the emulator's scores are weak on
// purpose), and the subscription whose first secure score is not calculated
// yet, which the emulator seeds on purpose (Contoso Onboarding) and every
// Defender object names. Any other warning (a deprecated attribute, a
// subscription that does not exist) fails the test.
var expectedWarnings = []string{"Provider development overrides are in effect", "Check block assertion failed", "Secure score not calculated yet"}

// unexpectedWarnings lists the other warnings of a plan.
func unexpectedWarnings(out string) []string {
	var warnings []string
	scanner := bufio.NewScanner(strings.NewReader(out))
	for scanner.Scan() {
		line := strings.TrimLeft(scanner.Text(), "│╷ ")
		summary, ok := strings.CutPrefix(line, "Warning: ")
		if !ok {
			continue
		}
		expected := false
		for _, w := range expectedWarnings {
			expected = expected || strings.HasPrefix(summary, w)
		}
		if !expected {
			warnings = append(warnings, summary)
		}
	}
	return warnings
}

func goBuild(t *testing.T, out, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}

// startEmulator runs the emulator command as `make emulator` does and
// returns the test's environment: without the caller's ARM_* and TLS
// settings, plus what the emulator's env file exports.
func startEmulator(t *testing.T, binary, dir string) []string {
	t.Helper()
	envFile := filepath.Join(dir, "emulator.env")
	cmd := exec.Command(binary, "-ca", filepath.Join(dir, "emulator-ca.pem"), "-env", envFile)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(time.Minute) // a hang guard, not a timing check
	for {
		if _, err := os.Stat(envFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the emulator wrote no env file:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	data, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "ARM_") || strings.HasPrefix(name, "TF_") || name == "SSL_CERT_FILE" || name == "SSL_CERT_DIR" {
			continue
		}
		env = append(env, kv)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if kv, ok := strings.CutPrefix(line, "export "); ok {
			name, value, _ := strings.Cut(kv, "=")
			env = append(env, name+"="+strings.Trim(value, "'"))
		}
	}
	return env
}

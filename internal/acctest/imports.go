package acctest

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

// Import is one `terraform import ADDRESS ID` line of a resource's page.
type Import struct{ Address, ID string }

var importLine = regexp.MustCompile(`(?m)^terraform import (\S+) (\S+)$`)

// DocumentedImports reads the `terraform import` lines of the registry page
// of resource type (examples/resources/TYPE/import.sh), so a test can run
// every documented import against the emulator.
func DocumentedImports(t *testing.T, resourceType string) []Import {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the repository")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	raw, err := os.ReadFile(filepath.Join(root, "examples", "resources", resourceType, "import.sh"))
	if err != nil {
		t.Fatal(err)
	}
	var out []Import
	for _, m := range importLine.FindAllStringSubmatch(string(raw), -1) {
		out = append(out, Import{Address: m[1], ID: m[2]})
	}
	return out
}

package examples_test

import (
	"os"
	"strings"
	"testing"
)

// The README shows examples/getting-started/main.tf, which TestAccExamples
// plans against the emulator: the README's copy must be the file, so that
// the example a reader copies is the one the tests run.
func TestReadmeShowsGettingStarted(t *testing.T) {
	example, err := os.ReadFile("getting-started/main.tf")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```hcl\n"+string(example)+"```") {
		t.Error("README.md does not show examples/getting-started/main.tf as it is: copy the file into the README's ```hcl block")
	}
}

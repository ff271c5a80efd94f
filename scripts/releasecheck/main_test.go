package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testName    = "terraform-provider-securescore"
	testVersion = "1.2.3"
	manifest    = `{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`
	configYAML  = `
release:
  extra_files:
    - glob: terraform-registry-manifest.json
      name_template: '{{ .ProjectName }}_{{ .Version }}_manifest.json'
checksum:
  extra_files:
    - glob: terraform-registry-manifest.json
      name_template: '{{ .ProjectName }}_{{ .Version }}_manifest.json'
`
)

// fakeDist writes a dist folder with one linux_amd64 zip holding the given
// entries, and a SHA256SUMS built by sums (nil: the correct one).
func fakeDist(t *testing.T, entries map[string][]byte, sums func(zipSum, manifestSum string) string) (dist, manifestPath string) {
	t.Helper()
	dir := t.TempDir()
	dist = filepath.Join(dir, "dist")
	if err := os.Mkdir(dist, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path string, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	manifestPath = filepath.Join(dir, "terraform-registry-manifest.json")
	write(manifestPath, []byte(manifest))
	write(filepath.Join(dist, "metadata.json"), fmt.Appendf(nil, `{"project_name": %q, "version": %q}`, testName, testVersion))
	write(filepath.Join(dist, "config.yaml"), []byte(configYAML))

	zipName := fmt.Sprintf("%s_%s_linux_amd64.zip", testName, testVersion)
	f, err := os.Create(filepath.Join(dist, zipName))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	zipData, err := os.ReadFile(filepath.Join(dist, zipName))
	if err != nil {
		t.Fatal(err)
	}
	zipSum, manifestSum := sha256.Sum256(zipData), sha256.Sum256([]byte(manifest))
	text := fmt.Sprintf("%s  %s\n%s  %s_%s_manifest.json\n", hex.EncodeToString(zipSum[:]), zipName,
		hex.EncodeToString(manifestSum[:]), testName, testVersion)
	if sums != nil {
		text = sums(hex.EncodeToString(zipSum[:]), hex.EncodeToString(manifestSum[:]))
	}
	write(filepath.Join(dist, fmt.Sprintf("%s_%s_SHA256SUMS", testName, testVersion)), []byte(text))
	return dist, manifestPath
}

func run(dist, manifestPath string, targets ...string) *checker {
	c := &checker{dist: dist, name: testName, targets: targets}
	c.run(manifestPath)
	return c
}

func wantFailure(t *testing.T, c *checker, substring string) {
	t.Helper()
	for _, f := range c.failures {
		if strings.Contains(f, substring) {
			return
		}
	}
	t.Errorf("no failure mentions %q; failures: %q", substring, c.failures)
}

func TestLayoutAndSums(t *testing.T) {
	binary := testName + "_v" + testVersion
	dist, manifestPath := fakeDist(t, map[string][]byte{binary: []byte("not a Go binary"), "README.md": []byte("#")}, nil)
	c := run(dist, manifestPath, "linux_amd64")
	// Names, manifest and sums pass; only the fake binary fails.
	if len(c.failures) != 1 || !strings.Contains(c.failures[0], "has no Go build info") {
		t.Errorf("want only the build-info failure, got %q", c.failures)
	}
	if c.passed != 4 {
		t.Errorf("want 4 passed checks (manifest, its publication, archive names, sums), got %d", c.passed)
	}
}

func TestMissingTarget(t *testing.T) {
	dist, manifestPath := fakeDist(t, map[string][]byte{testName + "_v" + testVersion: nil}, nil)
	wantFailure(t, run(dist, manifestPath, "linux_amd64", "windows_386"), "found [linux_amd64]")
}

func TestArchiveContents(t *testing.T) {
	dist, manifestPath := fakeDist(t, map[string][]byte{"bin/" + testName: nil}, nil)
	wantFailure(t, run(dist, manifestPath, "linux_amd64"), "holds bin/"+testName)
}

func TestSumsMismatchAndExtraLines(t *testing.T) {
	dist, manifestPath := fakeDist(t, map[string][]byte{testName + "_v" + testVersion: nil}, func(zipSum, manifestSum string) string {
		return fmt.Sprintf("%s  %s_%s_linux_amd64.zip\n%s  %s_%s_manifest.json\n%s  stray.txt\n",
			manifestSum, testName, testVersion, zipSum, testName, testVersion, zipSum)
	})
	c := run(dist, manifestPath, "linux_amd64")
	wantFailure(t, c, "linux_amd64.zip: sum mismatch")
	wantFailure(t, c, "manifest.json: the sum is not the one of the repository's manifest")
	wantFailure(t, c, "stray.txt is listed")
}

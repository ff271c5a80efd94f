// Command releasecheck checks a GoReleaser dist folder against what the
// Terraform Registry expects of a provider release:
//
//   - terraform-provider-NAME_VERSION_OS_ARCH.zip for exactly the expected
//     targets, each holding terraform-provider-NAME_vVERSION (.exe on
//     Windows) at its root, beside documentation only (GoReleaser adds
//     README, CHANGELOG and LICENSE files), built for that target with CGO
//     off, -trimpath and the version in main.version;
//   - terraform-provider-NAME_VERSION_manifest.json: terraform-registry-manifest.json
//     (declaring protocol 6.0) published under that name by release.extra_files
//     of the effective configuration (dist/config.yaml), with the same name
//     template as checksum.extra_files (GoReleaser uploads it with the release,
//     so a snapshot's dist folder has no copy of it);
//   - terraform-provider-NAME_VERSION_SHA256SUMS listing every zip and the
//     manifest, and nothing else, with matching sums (and its .sig with -signed).
//
// Usage:
//
//	go run ./scripts/releasecheck -dist dist -targets linux_amd64,darwin_arm64
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// docFile is what GoReleaser puts beside the binary by default.
var docFile = regexp.MustCompile(`^(?i)(README|CHANGELOG|LICEN[CS]E)[^/]*$`)

func main() {
	dist := flag.String("dist", "dist", "the GoReleaser dist folder")
	name := flag.String("name", "terraform-provider-securescore", "the project name")
	manifest := flag.String("manifest", "terraform-registry-manifest.json", "the registry manifest of the repository")
	targets := flag.String("targets", "", "the expected os_arch targets, comma-separated")
	signed := flag.Bool("signed", false, "expect the SHA256SUMS signature")
	flag.Parse()

	c := checker{dist: *dist, name: *name, signed: *signed}
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t != "" {
			c.targets = append(c.targets, t)
		}
	}
	if len(c.targets) == 0 {
		fmt.Fprintln(os.Stderr, "releasecheck: -targets is required")
		os.Exit(2)
	}
	c.run(*manifest)
	fmt.Printf("releasecheck: %d passed, %d failed\n", c.passed, len(c.failures))
	if len(c.failures) > 0 {
		for _, f := range c.failures {
			fmt.Println("  FAIL:", f)
		}
		os.Exit(1)
	}
}

type checker struct {
	dist, name, version string
	signed              bool
	targets             []string
	passed              int
	failures            []string
}

func (c *checker) ok(format string, args ...any) {
	c.passed++
	fmt.Printf("  ok: "+format+"\n", args...)
}

func (c *checker) fail(format string, args ...any) {
	c.failures = append(c.failures, fmt.Sprintf(format, args...))
}

func (c *checker) run(sourceManifest string) {
	var meta struct {
		ProjectName string `json:"project_name"`
		Version     string `json:"version"`
	}
	data, err := os.ReadFile(filepath.Join(c.dist, "metadata.json"))
	if err == nil {
		err = json.Unmarshal(data, &meta)
	}
	if err != nil || meta.Version == "" {
		c.fail("reading the version from %s/metadata.json: %v", c.dist, err)
		return
	}
	if meta.ProjectName != c.name {
		c.fail("project_name is %q, want %q", meta.ProjectName, c.name)
	}
	c.version = meta.Version
	fmt.Printf("release %s, version %s, in %s\n", c.name, c.version, c.dist)
	manifestName := c.name + "_" + c.version + "_manifest.json"
	manifestSum := c.checkManifest(sourceManifest)
	zips := c.checkArchives()
	c.checkSums(zips, manifestName, manifestSum)
}

// checkManifest checks the repository's manifest and that the release
// publishes it under the name SHA256SUMS lists; it returns its sum.
func (c *checker) checkManifest(sourcePath string) string {
	data, err := os.ReadFile(sourcePath)
	if err != nil {
		c.fail("%v", err)
		return ""
	}
	sum := sha256.Sum256(data)
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		c.fail("%s: %v", sourcePath, err)
	} else if m.Version != 1 || !slices.Equal(m.Metadata.ProtocolVersions, []string{"6.0"}) {
		c.fail("%s: want version 1 and protocol_versions [\"6.0\"], got %d and %q", sourcePath, m.Version, m.Metadata.ProtocolVersions)
	} else {
		c.ok("%s: version 1, protocol 6.0", sourcePath)
	}

	type extraFile struct {
		Glob         string `yaml:"glob"`
		NameTemplate string `yaml:"name_template"`
	}
	var cfg struct {
		Release struct {
			ExtraFiles []extraFile `yaml:"extra_files"`
		} `yaml:"release"`
		Checksum struct {
			ExtraFiles []extraFile `yaml:"extra_files"`
		} `yaml:"checksum"`
	}
	raw, err := os.ReadFile(filepath.Join(c.dist, "config.yaml"))
	if err == nil {
		err = yaml.Unmarshal(raw, &cfg)
	}
	if err != nil {
		c.fail("reading the effective configuration %s/config.yaml: %v", c.dist, err)
		return hex.EncodeToString(sum[:])
	}
	template := func(files []extraFile) string {
		for _, f := range files {
			if filepath.Base(f.Glob) == filepath.Base(sourcePath) {
				return f.NameTemplate
			}
		}
		return ""
	}
	released, summed := template(cfg.Release.ExtraFiles), template(cfg.Checksum.ExtraFiles)
	switch {
	case released == "":
		c.fail("release.extra_files does not publish %s", sourcePath)
	case released != summed:
		c.fail("release.extra_files publishes %s as %q but checksum.extra_files lists it as %q", sourcePath, released, summed)
	default:
		c.ok("the release publishes %s as %s, the name SHA256SUMS lists", sourcePath, released)
	}
	return hex.EncodeToString(sum[:])
}

// checkArchives returns the names of the zips found.
func (c *checker) checkArchives() []string {
	prefix := c.name + "_" + c.version + "_"
	found, _ := filepath.Glob(filepath.Join(c.dist, prefix+"*.zip"))
	var names, gotTargets []string
	for _, f := range found {
		names = append(names, filepath.Base(f))
		gotTargets = append(gotTargets, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), prefix), ".zip"))
	}
	want := slices.Clone(c.targets)
	sort.Strings(want)
	sort.Strings(gotTargets)
	if !slices.Equal(want, gotTargets) {
		c.fail("archives: want %s<os>_<arch>.zip for %v, found %v", prefix, want, gotTargets)
	} else {
		c.ok("%d archives named %s<os>_<arch>.zip: %s", len(found), prefix, strings.Join(gotTargets, ", "))
	}
	for _, f := range found {
		c.checkArchive(f, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), prefix), ".zip"))
	}
	return names
}

func (c *checker) checkArchive(path, target string) {
	goos, goarch, _ := strings.Cut(target, "_")
	binary := c.name + "_v" + c.version
	if goos == "windows" {
		binary += ".exe"
	}
	r, err := zip.OpenReader(path)
	if err != nil {
		c.fail("%s: %v", filepath.Base(path), err)
		return
	}
	defer r.Close() //nolint:errcheck // read-only
	var entry *zip.File
	var entries []string
	for _, f := range r.File {
		entries = append(entries, f.Name)
		switch {
		case f.Name == binary:
			entry = f
		case !docFile.MatchString(f.Name):
			c.fail("%s: holds %s; want %s and documentation (README, CHANGELOG, LICENSE) only", filepath.Base(path), f.Name, binary)
			return
		}
	}
	if entry == nil {
		c.fail("%s: want %s at the root, holds %v", filepath.Base(path), binary, entries)
		return
	}
	rc, err := entry.Open()
	if err != nil {
		c.fail("%s: %v", filepath.Base(path), err)
		return
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		c.fail("%s: %v", filepath.Base(path), err)
		return
	}
	info, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		c.fail("%s: %s has no Go build info: %v", filepath.Base(path), binary, err)
		return
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	var problems []string
	expect := func(key, want string) {
		if settings[key] != want {
			problems = append(problems, fmt.Sprintf("%s=%q, want %q", key, settings[key], want))
		}
	}
	expect("GOOS", goos)
	expect("GOARCH", goarch)
	expect("CGO_ENABLED", "0")
	expect("-trimpath", "true")
	// Go does not record -ldflags under -trimpath: look for the version the
	// linker set (-X main.version) in the binary itself.
	if !bytes.Contains(data, []byte(c.version)) {
		problems = append(problems, fmt.Sprintf("the version %s is not in the binary (-X main.version)", c.version))
	}
	if len(problems) > 0 {
		c.fail("%s: %s", filepath.Base(path), strings.Join(problems, "; "))
		return
	}
	c.ok("%s: %s for %s/%s, CGO off, -trimpath, main.version=%s", filepath.Base(path), binary, goos, goarch, c.version)
}

func (c *checker) checkSums(zips []string, manifestName, manifestSum string) {
	sumsName := c.name + "_" + c.version + "_SHA256SUMS"
	f, err := os.Open(filepath.Join(c.dist, sumsName))
	if err != nil {
		c.fail("%v", err)
		return
	}
	defer f.Close() //nolint:errcheck // read-only
	listed := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		sum, file, found := strings.Cut(scanner.Text(), "  ")
		if !found {
			c.fail("%s: malformed line %q", sumsName, scanner.Text())
			return
		}
		listed[file] = sum
	}
	if err := scanner.Err(); err != nil {
		c.fail("%s: %v", sumsName, err)
		return
	}
	var problems []error
	if sum, ok := listed[manifestName]; !ok {
		problems = append(problems, fmt.Errorf("%s is not listed", manifestName))
	} else if sum != manifestSum {
		problems = append(problems, fmt.Errorf("%s: the sum is not the one of the repository's manifest", manifestName))
	}
	delete(listed, manifestName)
	for _, file := range zips {
		sum, ok := listed[file]
		if !ok {
			problems = append(problems, fmt.Errorf("%s is not listed", file))
			continue
		}
		delete(listed, file)
		data, err := os.ReadFile(filepath.Join(c.dist, file))
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if actual := sha256.Sum256(data); hex.EncodeToString(actual[:]) != sum {
			problems = append(problems, fmt.Errorf("%s: sum mismatch", file))
		}
	}
	for file := range listed {
		problems = append(problems, fmt.Errorf("%s is listed but is not a release archive or the manifest", file))
	}
	if err := errors.Join(problems...); err != nil {
		c.fail("%s: %v", sumsName, err)
	} else {
		c.ok("%s: the %d archives and %s, sums match", sumsName, len(zips), manifestName)
	}
	if c.signed {
		if _, err := os.Stat(filepath.Join(c.dist, sumsName+".sig")); err != nil {
			c.fail("%s.sig: %v", sumsName, err)
		} else {
			c.ok("%s.sig exists", sumsName)
		}
	}
}

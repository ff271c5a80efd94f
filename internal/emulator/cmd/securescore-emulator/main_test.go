package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is stdout shared with the emulator's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// readEnvFile parses the `export KEY=value` lines (values are bare here).
func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
			env[k] = v
		}
	}
	return env
}

// The env file: the emulator's credentials, its metadata host, and a CA
// bundle that still trusts the system's CAs; gone once the emulator stops.
// Real signals through `make emulator` are tested by scripts/test-emulator.sh.
func TestEnvFileWrittenAndRemoved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fresh", ".tools") // does not exist yet, as on a fresh clone
	envPath := filepath.Join(dir, "emulator.env")
	system := filepath.Join(t.TempDir(), "system-ca.pem")
	systemPEM := "-----BEGIN CERTIFICATE-----\nc3lzdGVtIENB\n-----END CERTIFICATE-----"
	if err := os.WriteFile(system, []byte(systemPEM), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSL_CERT_FILE", system)

	stop := make(chan os.Signal, 1)
	done := make(chan error, 1)
	out := &syncBuffer{}
	go func() {
		done <- run([]string{"-ca", filepath.Join(dir, "emulator-ca.pem"), "-env", envPath}, stop, out)
	}()
	deadline := time.Now().Add(30 * time.Second) // a hang guard, not a timing check
	for {
		if _, err := os.Stat(envPath); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the emulator exited: %v\n%s", err, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no env file\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
	}

	env := readEnvFile(t, envPath)
	for _, k := range []string{"ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_SUBSCRIPTION_ID", "ARM_METADATA_HOSTNAME", "SSL_CERT_FILE"} {
		if env[k] == "" {
			t.Errorf("%s is not exported: %v", k, env)
		}
	}
	bundle, err := os.ReadFile(env["SSL_CERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(filepath.Join(dir, "emulator-ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(bundle, []byte(systemPEM+"\n")) || !bytes.HasSuffix(bundle, ca) {
		t.Errorf("the bundle is not the system's CAs then the emulator's:\n%s", bundle)
	}
	if !strings.Contains(out.String(), "the system's CAs ("+system+") and the emulator's") {
		t.Errorf("the output does not say what the bundle holds:\n%s", out)
	}

	// The metadata host answers over TLS trusted by the emulator's CA.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}, Timeout: 10 * time.Second}
	resp, err := c.Get("https://" + env["ARM_METADATA_HOSTNAME"] + "/metadata/endpoints?api-version=2022-09-01")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		ResourceManager string `json:"resourceManager"`
	}
	err = json.NewDecoder(resp.Body).Decode(&m)
	_ = resp.Body.Close()
	if err != nil || m.ResourceManager != "https://"+env["ARM_METADATA_HOSTNAME"]+"/" {
		t.Errorf("metadata: %v %+v", err, m)
	}

	stop <- os.Interrupt
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{envPath, env["SSL_CERT_FILE"]} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("%s is still there after the emulator stopped (%v)", f, err)
		}
	}
	if _, err := c.Get("https://" + env["ARM_METADATA_HOSTNAME"] + "/metadata/endpoints"); err == nil {
		t.Error("the emulator still answers after it stopped")
	}
}

package main

import (
	"os"
	"testing"
)

func TestQuietUnlessAsked(t *testing.T) {
	quiet := []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_SECURESCORE"}
	unset := func() {
		for _, name := range append(append([]string{}, logLevelVariables...), quiet...) {
			t.Setenv(name, "")
		}
	}
	unset()
	quietUnlessAsked()
	for _, name := range quiet {
		if got := os.Getenv(name); got != "WARN" {
			t.Errorf("nobody asked for logs: %s = %q, want WARN", name, got)
		}
	}
	for _, asked := range logLevelVariables {
		unset()
		t.Setenv(asked, "TRACE")
		quietUnlessAsked()
		for _, name := range quiet {
			if name != asked && os.Getenv(name) != "" {
				t.Errorf("%s=TRACE was set, yet %s = %q", asked, name, os.Getenv(name))
			}
		}
	}
}

// Package faults_test is the fault matrix: every route the provider calls,
// under every misbehaviour the emulator can inject, through the real
// Terraform CLI. It has its own emulator (small pages, so that page 2 exists
// on every list) and shares it with no other package.
package faults_test

import (
	"testing"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

func TestMain(m *testing.M) {
	acctest.Main(m, emulator.Options{ARMPageSize: 5, GraphPageSize: 10, GraphMaxPageSize: 10, ResourceGraphPageSize: 2})
}

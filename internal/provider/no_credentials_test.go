package provider_test

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/securescore/terraform-provider-securescore/internal/acctest"
	"github.com/securescore/terraform-provider-securescore/internal/emulator"
)

// manyReaders are three data sources and a resource, each of which needs a
// token during plan.
const manyReaders = `
data "securescore_defender_score" "one" {}

data "securescore_defender_controls" "two" {}

data "securescore_microsoft365_score" "three" {}

resource "securescore_microsoft365_improvement_action" "four" {
  control_id = "PWAgePolicyNew"
  status     = "planned"
}
`

// With no credential at all and no Azure CLI on PATH, the plan fails with
// one error, from the provider's configuration, not one per data source
// and resource: Terraform prints each diagnostic under its own "Error: ".
func TestAccProviderNoCredentialsIsOneError(t *testing.T) {
	tf, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", tf) // PATH is emptied below
	for _, name := range []string{"ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_USE_CLI", "ARM_USE_MSI", "ARM_USE_OIDC"} {
		t.Setenv(name, "")
	}
	t.Setenv("PATH", t.TempDir())
	reset()
	checked := false
	acctest.Test(t, resource.TestCase{
		ErrorCheck: func(err error) error {
			checked = true
			out := err.Error()
			if n := strings.Count(out, "Error: "); n != 1 {
				return fmt.Errorf("want exactly one error, got %d:\n%s", n, out)
			}
			if !strings.Contains(out, "No credentials for Microsoft Entra ID") || !strings.Contains(out, "az login") {
				return errors.New("the one error is not the missing credentials: " + out)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: acctest.ProviderConfig() + manyReaders}},
	})
	if !checked {
		t.Error("the plan did not fail")
	}
	if n := acctest.Emu.Count(emulator.RouteToken); n != 0 {
		t.Errorf("%d tokens were requested without credentials", n)
	}
}

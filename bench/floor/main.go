// Command floor is the benchmark's floor: what Terraform itself costs with
// a provider of this provider's schema that does no work. It serves the
// real schema and answers the resource RPCs of a plan from what Terraform
// sent: validation passes, the stored state is the upgraded state, a read
// returns the state it was given and a plan the proposed new state. It
// sends no request and runs none of the framework's plan logic, so that a
// plan's time above Terraform's terraform_data reference splits into
// Terraform's work for the schema (this program's) and the provider's (the
// release's minus this one). A data source's state is the one the real
// provider read for the same configuration in an earlier process (the
// untimed warm-up plan), kept in $SECURESCORE_BENCH_FLOOR_DIR, so that the
// timed plans measure what Terraform does with that state. Only for
// `terraform plan` of resources already in state and of data sources.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/securescore/terraform-provider-securescore/bench/internal/serve"
	"github.com/securescore/terraform-provider-securescore/internal/provider"
)

func main() {
	framework := providerserver.NewProtocol6WithError(provider.New("bench-floor")())
	serve.Serve(func() (tfprotov6.ProviderServer, error) {
		s, err := framework()
		return &floorServer{ProviderServer: s}, err
	})
}

type floorServer struct {
	tfprotov6.ProviderServer
	once  sync.Once
	types map[string]tftypes.Type // resource type name → its state's type
	err   error

	configure  *tfprotov6.ConfigureProviderRequest // kept for a data source the cache does not hold
	configured sync.Once
}

func (s *floorServer) ConfigureProvider(_ context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	s.configure = req
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (s *floorServer) ValidateDataResourceConfig(context.Context, *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return &tfprotov6.ValidateDataResourceConfigResponse{}, nil
}

// ReadDataSource answers with the state cached for the configuration, and
// reads it with the real provider (configured then) the first time.
func (s *floorServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	key := sha256.Sum256(append([]byte(req.TypeName+"\x00"), req.Config.MsgPack...))
	file := filepath.Join(os.Getenv("SECURESCORE_BENCH_FLOOR_DIR"), hex.EncodeToString(key[:]))
	if state, err := os.ReadFile(file); err == nil {
		return &tfprotov6.ReadDataSourceResponse{State: &tfprotov6.DynamicValue{MsgPack: state}}, nil
	}
	var err error
	s.configured.Do(func() { _, err = s.ProviderServer.ConfigureProvider(ctx, s.configure) })
	if err != nil {
		return nil, err
	}
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if err == nil && !hasError(resp.Diagnostics) && resp.State != nil && len(resp.State.MsgPack) > 0 {
		err = os.WriteFile(file, resp.State.MsgPack, 0o600)
	}
	return resp, err
}

func (s *floorServer) ValidateResourceConfig(context.Context, *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// UpgradeResourceState decodes the stored JSON and answers in msgpack, as
// the framework does, so that Terraform decodes what it decodes in a
// release plan.
func (s *floorServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	s.once.Do(func() { s.types, s.err = resourceTypes(ctx, s.ProviderServer) })
	typ, ok := s.types[req.TypeName]
	if s.err != nil {
		return nil, fmt.Errorf("floor build: reading the schemas: %w", s.err)
	}
	if !ok {
		return nil, fmt.Errorf("floor build: no schema for %s", req.TypeName)
	}
	value, err := req.RawState.Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	state, err := tfprotov6.NewDynamicValue(typ, value)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &state}, nil
}

func (s *floorServer) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

func (s *floorServer) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}, nil
}

func resourceTypes(ctx context.Context, s tfprotov6.ProviderServer) (map[string]tftypes.Type, error) {
	resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]tftypes.Type, len(resp.ResourceSchemas))
	for name, schema := range resp.ResourceSchemas {
		out[name] = schema.ValueType()
	}
	return out, nil
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

package emulator

import (
	"fmt"
	"strings"
)

// AddTenant creates a consented tenant holding exactly n generated control
// profiles (Identity, Data or Apps, so every one accepts PATCH) and the 90
// daily secure score snapshots over them, and no subscription. Benchmarks
// use it to size a tenant's list exactly. It returns the profile ids; an
// existing tenant is left alone (nil).
func (e *Emulator) AddTenant(tenantID, name string, n int) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tenants[strings.ToLower(tenantID)] != nil {
		return nil
	}
	categories := []string{"Identity", "Data", "Apps"}
	services := map[string]string{"Identity": "AzureAD", "Data": "SPO", "Apps": "MDO"}
	specs := make([]profileSpec, 0, n)
	for i := range n {
		category := categories[i%len(categories)]
		specs = append(specs, profileSpec{
			id: fmt.Sprintf("%s_control_%d", strings.ToLower(strings.ReplaceAll(name, " ", "_")), i+1), category: category, service: services[category],
			title: fmt.Sprintf("%s control %d", name, i+1), max: 5,
			actionType: "Config", tier: "DefenseInDepth", cost: "Low", impact: "Low",
		})
	}
	domain := strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".onmicrosoft.com"
	e.seedTenant(tenantSeed{id: tenantID, name: name, domain: domain, profiles: specs, users: 100,
		services: []string{"HasAzureAD", "HasExchange"}, industry: "Technology"})
	t := e.tenants[strings.ToLower(tenantID)]
	ids := make([]string, 0, len(t.Profiles))
	for _, p := range t.Profiles {
		ids = append(ids, p.ID)
	}
	return ids
}

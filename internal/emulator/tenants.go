package emulator

import "fmt"

// AddTenants seeds n more consented tenants, each with its own 20 improvement
// actions and 90 days of scores, and returns their ids (portfolio scale tests).
func (e *Emulator) AddTenants(n int) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, 0, n)
	for range n {
		e.generated++
		id := guidFrom(fmt.Sprintf("tenant:generated:%d", e.generated))
		e.seedTenant(tenantSeed{
			id: id, name: fmt.Sprintf("Customer %d", e.generated), domain: fmt.Sprintf("customer%d.onmicrosoft.com", e.generated),
			profiles: subset(e.generated % 3),
			users:    20 + e.generated*7%500,
			services: []string{"HasAzureAD", "HasExchange", "HasSharePoint"},
			industry: "Professional services",
		})
		ids = append(ids, id)
	}
	return ids
}

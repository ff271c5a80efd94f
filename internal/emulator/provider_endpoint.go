package emulator

import "fmt"

// ProviderEndpoint is the securescore provider's `endpoint` attribute that
// points every service at this emulator, as HCL lines of a provider block;
// extra lines go inside it. The acceptance tests and the benchmark write
// their provider blocks with it.
func (e *Emulator) ProviderEndpoint(extra string) string {
	return fmt.Sprintf(`  endpoint = {
    active_directory_authority_host = %q
    resource_manager_endpoint       = %q
    microsoft_graph_endpoint        = %q
    log_analytics_endpoint          = %q
%s  }
`, e.AuthorityURL(), e.ARMURL(), e.GraphURL(), e.LogAnalyticsURL(), extra)
}

//go:build securescore_bench_framework_reads

package provider

// `make bench` builds this variant (go build -tags
// securescore_bench_framework_reads) to measure the provider's own data
// source reads (data_source_read.go) against the framework's, in the same
// run: every ReadDataSource goes to the framework's server, as before the
// provider answered them itself. A build tag, so that the released provider
// ships no switch that only a benchmark needs.
func init() { frameworkDataSourceReads = true }

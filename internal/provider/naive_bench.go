//go:build securescore_bench_naive

package provider

// `make bench` builds this variant (go build -tags securescore_bench_naive)
// as its naive baseline, measured in the same run as the release build: a
// build tag instead of a setting, so that the released provider ships no
// switch that only a benchmark needs (issue 11, "no hidden switches").
func init() { naiveProfileReads = true }

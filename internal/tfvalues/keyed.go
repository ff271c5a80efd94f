package tfvalues

// Keyed is the lookup map that goes with an ordered list of nested objects
// (the schema's `<list>_by_<key>` attributes, e.g. scores_by_subscription_id):
// the same objects, keyed by key.
func Keyed[M any](list []M, key func(M) string) map[string]M {
	out := make(map[string]M, len(list))
	for _, m := range list {
		out[key(m)] = m
	}
	return out
}

package client

import "strings"

// KQL literals for the Resource Graph queries
// (https://learn.microsoft.com/kusto/query/scalar-data-types/string).

// kqlQuote writes s as a single-quoted KQL string literal.
func kqlQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// kqlList writes values as a parenthesised list of string literals, for
// `in~` and `!in~`.
func kqlList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = kqlQuote(v)
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}

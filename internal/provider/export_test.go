package provider

import "github.com/hashicorp/terraform-plugin-go/tfprotov6"

// DirectTypeNames are the data sources whose reads s answers itself.
func DirectTypeNames(s tfprotov6.ProviderServer) []string {
	var out []string
	for name := range s.(*server).direct {
		out = append(out, name)
	}
	return out
}

// DirectReadable is directReadable, for the unit test of its rule.
var DirectReadable = directReadable

package client

import (
	"context"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

type cliCountingCredential struct {
	calls   int
	expires time.Time
}

func (c *cliCountingCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls++
	return azcore.AccessToken{Token: "cli-token", ExpiresOn: c.expires}, nil
}

// The Azure CLI is run once per scope while its token has more than five
// minutes left: the token the provider's configuration asks for serves the
// first request, and one close to its expiry is asked for again.
func TestAzureCLIFallbackKeepsItsTokens(t *testing.T) {
	arm := policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}}
	graph := policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}}
	inner := &cliCountingCredential{expires: time.Now().Add(time.Hour)}
	cli := newAzureCLIFallback(inner, nil)
	for range 3 {
		if _, err := cli.GetToken(context.Background(), arm); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cli.GetToken(context.Background(), graph); err != nil {
		t.Fatal(err)
	}
	if inner.calls != 2 { // one per scope
		t.Errorf("the Azure CLI ran %d times, want 2", inner.calls)
	}

	short := &cliCountingCredential{expires: time.Now().Add(4 * time.Minute)}
	cli = newAzureCLIFallback(short, nil)
	for range 2 {
		if _, err := cli.GetToken(context.Background(), arm); err != nil {
			t.Fatal(err)
		}
	}
	if short.calls != 2 {
		t.Errorf("a token with 4 minutes left was handed out again: the Azure CLI ran %d times, want 2", short.calls)
	}
}

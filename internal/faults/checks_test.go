package faults_test

import (
	"context"
	"fmt"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// everyName checks that the list attribute's elements carry exactly the
// given values of key, in any order: no element missing (a partial list) and
// none added.
func everyName(address, list, key string, want []string) statecheck.StateCheck {
	return checkFunc(func(state *tfjson.State) error {
		values, err := findResource(state, address)
		if err != nil {
			return err
		}
		items, ok := values[list].([]any)
		if !ok {
			return fmt.Errorf("%s.%s is not a list", address, list)
		}
		got := make([]string, 0, len(items))
		for _, item := range items {
			obj, _ := item.(map[string]any)
			s, _ := obj[key].(string)
			got = append(got, strings.ToLower(s))
		}
		expected := make([]string, 0, len(want))
		for _, w := range want {
			expected = append(expected, strings.ToLower(w))
		}
		sort.Strings(got)
		sort.Strings(expected)
		if strings.Join(got, ",") != strings.Join(expected, ",") {
			return fmt.Errorf("%s.%s[*].%s: got %d values, want %d (the service's)", address, list, key, len(got), len(expected))
		}
		return nil
	})
}

// serviceHolds checks the emulator's current state|comment|assignee of an
// improvement action.
func serviceHolds(id, want string) statecheck.StateCheck {
	return checkFunc(func(*tfjson.State) error {
		if got := serviceStateOf(id); got != want {
			return fmt.Errorf("the service holds %q for %s, want %q", got, id, want)
		}
		return nil
	})
}

type checkFunc func(*tfjson.State) error

func (f checkFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	resp.Error = f(req.State)
}

func findResource(state *tfjson.State, address string) (map[string]any, error) {
	if state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("empty state")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s is not in the state", address)
}

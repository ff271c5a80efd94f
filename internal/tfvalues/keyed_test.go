package tfvalues

import (
	"reflect"
	"testing"
)

func TestKeyed(t *testing.T) {
	type entry struct{ id, name string }
	list := []entry{{"b", "second"}, {"a", "first"}}
	got := Keyed(list, func(e entry) string { return e.id })
	want := map[string]entry{"a": {"a", "first"}, "b": {"b", "second"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Keyed = %v, want %v", got, want)
	}
	if got := Keyed([]entry{}, func(e entry) string { return e.id }); got == nil || len(got) != 0 {
		t.Errorf("Keyed of an empty list = %#v, want an empty map (an empty map attribute, not null)", got)
	}
}

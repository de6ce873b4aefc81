//go:build !kinds

package registry

import (
	"slices"
	"testing"
)

// TestDefaultBuildHasEveryKind: without the tag "kinds" every kind is
// linked, and All (what a lean build names in its errors) lists them all.
func TestDefaultBuildHasEveryKind(t *testing.T) {
	t.Parallel()
	if got := Types(); !slices.Equal(got, All) {
		t.Errorf("Types() = %v; want All = %v", got, All)
	}
	if !slices.IsSorted(All) {
		t.Errorf("All = %v; want it sorted", All)
	}
	for _, typ := range All {
		spec, ok := New(typ)
		if !ok || spec.Type() != typ {
			t.Errorf("New(%q) = %v, %v; want a spec of that type", typ, spec, ok)
		}
	}
	if Known("kafka") {
		t.Errorf("Known(%q) = true; want false", "kafka")
	}
}

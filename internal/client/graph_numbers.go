package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FlexFloat64 is an Edm.Double as Microsoft Graph sends it: a JSON number, a
// string holding one ("25", "0.0"), null, or one of OData's special values
// "NaN", "INF" and "-INF" (recorded from live tenants). Terraform cannot hold
// NaN or infinity, so a special value decodes as no value (Set false) and
// remembers what was sent, for the warning that names the field.
type FlexFloat64 struct {
	Value   float64 // 0 when !Set
	Set     bool    // false for null, absent and special values
	Special string  // "NaN", "INF" or "-INF" when Graph sent one
}

// Float64 is the value, 0 when there is none (for sums).
func (f FlexFloat64) Float64() float64 { return f.Value }

// Number builds a set FlexFloat64 (tests and defaults).
func Number(v float64) FlexFloat64 { return FlexFloat64{Value: v, Set: true} }

// UnmarshalJSON accepts a number, a numeric string, null, "" and the OData
// special values; anything else is an error that names the text (never
// json.UnmarshalTypeError with a nil Type, whose Error method panics).
func (f *FlexFloat64) UnmarshalJSON(data []byte) error {
	*f = FlexFloat64{}
	text := string(bytes.TrimSpace(data))
	if text == "null" {
		return nil
	}
	if strings.HasPrefix(text, `"`) {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		text = strings.TrimSpace(s)
		if text == "" {
			return nil
		}
	}
	switch strings.ToUpper(text) {
	case "NAN", "INF", "-INF", "INFINITY", "-INFINITY", "+INF":
		f.Special = text
		return nil
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s is not a number", truncate(string(data), 40))
	}
	f.Value, f.Set = v, true
	return nil
}

// MarshalJSON writes the number, or null without one.
func (f FlexFloat64) MarshalJSON() ([]byte, error) {
	if !f.Set {
		return []byte("null"), nil
	}
	return json.Marshal(f.Value)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// specialValueWarnings lists the fields that held a special value, for one
// warning per answer.
type specialValues struct{ fields []string }

func (s *specialValues) check(field string, f FlexFloat64) {
	if f.Special != "" {
		s.fields = append(s.fields, fmt.Sprintf("%s (%q)", field, f.Special))
	}
}

func (s *specialValues) warning(what string) []string {
	if len(s.fields) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("Microsoft Graph sent OData special values instead of numbers in %s: %s. They hold no usable number, so those values are treated as absent (null).",
		what, strings.Join(s.fields, ", "))}
}

package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// Shape checks for Microsoft Graph answers that decode without error but
// are not what the API documents: getJSON calls shapeError on what it
// decoded, so such an answer is a DecodeError, never an empty value.

// shapeError refuses a collection page without a `value` array: an empty
// page would end the list silently.
func (p *graphPage[T]) shapeError() error {
	if p.Value == nil {
		return errors.New("the collection page has no `value` array")
	}
	return nil
}

// shapeError refuses a control profile without an id.
func (p *ControlProfile) shapeError() error {
	if p.ID == "" {
		return errors.New("the control profile has no `id`")
	}
	return nil
}

// checkPatchAnswer accepts what PATCH documents: 204 with no body, or (with
// `Prefer: return=representation`) the updated control profile. Anything
// else says the update may not have been applied.
func checkPatchAnswer(payload []byte, url, requestID string) error {
	trimmed := bytes.TrimSpace(payload)
	if len(trimmed) == 0 {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil {
		return &DecodeError{Service: ServiceGraph, URL: url, RequestID: requestID, Err: errors.New("the answer to the update is not a control profile; the update may not have been applied")}
	}
	for key := range fields {
		if !strings.HasPrefix(key, "@odata.") {
			var profile ControlProfile
			if json.Unmarshal(trimmed, &profile) != nil || profile.shapeError() != nil {
				return &DecodeError{Service: ServiceGraph, URL: url, RequestID: requestID, Err: errors.New("the answer to the update is not a control profile; the update may not have been applied")}
			}
			return nil
		}
	}
	return nil
}

// specialValueWarnings collects the items' warnings about NaN/INF values.
func (p *graphPage[T]) specialValueWarnings() []string {
	var out []string
	for i := range p.Value {
		if w, ok := any(&p.Value[i]).(interface{ specialValueWarnings() []string }); ok {
			out = append(out, w.specialValueWarnings()...)
		}
	}
	return out
}

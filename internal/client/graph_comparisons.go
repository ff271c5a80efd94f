package client

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AverageComparativeScore compares the tenant with others. Besides basis and
// averageScore the service sends open-typed members, as recorded from live
// tenants: per-category averages (identityScore, dataScore, deviceScore,
// appsScore, infrastructureScore) and their maxima (identityScoreMax, …),
// as numbers or strings; details such as seatSizeRangeLowerValue, which some
// tenants spell SeatSizeRangeLowerValue; and -1 in every value for periods
// without data. Keys match case-insensitively; -1 is no data (nil), never an
// average.
type AverageComparativeScore struct {
	Basis        string
	AverageScore *float64
	// CategoryAverageScores and CategoryMaxScores are keyed by category,
	// e.g. Identity for identityScore / identityScoreMax.
	CategoryAverageScores map[string]*float64
	CategoryMaxScores     map[string]*float64
	// Details are every other member as text, keyed in camelCase
	// (seatSizeRangeLowerValue whatever the spelling sent); nil for -1.
	Details map[string]*string
	special []string // members that held NaN/INF
}

// noData is the value live tenants send when a comparison has no data.
const noData = -1

// UnmarshalJSON splits the open-typed members into categories and details.
func (s *AverageComparativeScore) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*s = AverageComparativeScore{
		CategoryAverageScores: map[string]*float64{},
		CategoryMaxScores:     map[string]*float64{},
		Details:               map[string]*string{},
	}
	for key, value := range raw {
		switch {
		case strings.EqualFold(key, "basis"):
			_ = json.Unmarshal(value, &s.Basis)
		case strings.EqualFold(key, "averageScore"):
			var f FlexFloat64
			if err := json.Unmarshal(value, &f); err != nil {
				return err
			}
			s.AverageScore = s.points(key, f)
		case hasSuffixFold(key, "ScoreMax"):
			s.category(s.CategoryMaxScores, key, key[:len(key)-len("ScoreMax")], value)
		case hasSuffixFold(key, "Score"):
			s.category(s.CategoryAverageScores, key, key[:len(key)-len("Score")], value)
		default:
			if string(value) == "null" {
				continue
			}
			text := rawToString(value)
			var p *string
			if text != "-1" {
				p = &text
			}
			s.Details[lowerFirst(key)] = p
		}
	}
	return nil
}

// category stores a per-category number; a member that is not a number is
// kept as a detail, never lost.
func (s *AverageComparativeScore) category(into map[string]*float64, key, category string, value json.RawMessage) {
	var f FlexFloat64
	if json.Unmarshal(value, &f) != nil {
		text := rawToString(value)
		s.Details[lowerFirst(key)] = &text
		return
	}
	into[upperFirst(category)] = s.points(key, f)
}

func (s *AverageComparativeScore) points(key string, f FlexFloat64) *float64 {
	if f.Special != "" {
		s.special = append(s.special, key)
	}
	if !f.Set || f.Value == noData {
		return nil
	}
	v := f.Value
	return &v
}

// hasSuffixFold: key ends in suffix (any case) after at least one byte.
func hasSuffixFold(key, suffix string) bool {
	return len(key) > len(suffix) && strings.EqualFold(key[len(key)-len(suffix):], suffix)
}

func rawToString(value json.RawMessage) string {
	var s string
	if json.Unmarshal(value, &s) == nil {
		return s
	}
	return string(value)
}

func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

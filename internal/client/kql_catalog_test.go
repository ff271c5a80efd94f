package client

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Every KQL text the client can send, for Microsoft's Kusto parser
// (scripts/kql-check.js, run by `make test-kql`): each query builder with
// every filter combination that changes its text.

// kqlText is one query as the client sends it.
type kqlText struct {
	Service string `json:"service"` // resourcegraph or loganalytics
	Builder string `json:"builder"` // the function or constant that builds it
	Case    string `json:"case"`    // the filters that gave this text
	Text    string `json:"text"`
}

// kqlFragments build part of a query only; the queries that use them are
// in the catalog.
var kqlFragments = map[string]bool{"historyKQL": true, "statusFilterKQL": true, "assessmentsKQL": true}

// subsets is every subset of values, the empty one first.
func subsets(values []string) [][]string {
	out := [][]string{nil}
	for _, v := range values {
		for _, s := range out {
			out = append(out, append(append([]string(nil), s...), v))
		}
	}
	return out
}

func kqlCatalog() []kqlText {
	var out []kqlText
	add := func(service, builder, c, text string) {
		out = append(out, kqlText{service, builder, c, text})
	}
	rg, la := "resourcegraph", "loganalytics"
	for _, name := range []string{DefaultSecureScoreName, "it's a 'custom' initiative"} {
		add(rg, "secureScoresKQL", "name "+name, secureScoresKQL(name))
		add(rg, "controlsKQL", "score "+name, controlsKQL(name))
	}
	for _, seen := range [][]string{nil, {"ascScore"}, {"ascScore", "it's"}} {
		add(rg, "secureScoreNameKQL", strings.Join(seen, ","), secureScoreNameKQL(seen))
	}
	add(rg, "visibleSubscriptionsKQL", "", visibleSubscriptionsKQL)
	add(rg, "governanceAssignmentsKQL", "", governanceAssignmentsKQL)
	add(rg, "unhealthyAssessmentsKQL", "", unhealthyAssessmentsKQL)
	add(rg, "unhealthyCountKQL", "", unhealthyCountKQL)
	for _, ids := range [][]string{{"/subscriptions/7444d220-dc62-4eed-8552-76d7697c3f78/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01/providers/Microsoft.Security/assessments/ac21c637-d558-482c-9d11-d6d9033e834e"},
		{"/subscriptions/da33051b-d48d-4764-a425-4063eca91a0d/providers/Microsoft.Security/assessments/4fb67663-9ab9-475d-b026-8c544cced439", "/subscriptions/x/resourceGroups/it's/providers/Microsoft.Security/assessments/y"}} {
		add(rg, "unhealthyAssessmentsOfKQL", strconv.Itoa(len(ids)), unhealthyAssessmentsOfKQL(ids))
	}
	for _, statuses := range subsets([]string{StatusUnhealthy, StatusHealthy, StatusNotApplicable}) {
		for _, severities := range [][]string{nil, {"High", "Low"}} {
			for _, keys := range [][]string{nil, {"4fb67663-9ab9-475d-b026-8c544cced439"}} {
				for _, limit := range []int{0, 5} {
					for _, since := range []time.Time{{}, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)} {
						q := RecommendationQuery{Statuses: statuses, Severities: severities, AssessmentKeys: keys, ResourceIDLimit: limit, ChangedSince: since}
						c := strings.Join([]string{strings.Join(statuses, "+"), strings.Join(severities, "+"), strings.Join(keys, "+"), strconv.Itoa(limit), strconv.FormatBool(!since.IsZero())}, "/")
						add(rg, "recommendationsKQL", c, recommendationsKQL(q))
						add(rg, "recommendationSummaryKQL", c, recommendationSummaryKQL(q))
					}
				}
				q := RecommendationQuery{Severities: severities, AssessmentKeys: keys}
				add(rg, "recommendationKeysKQL", strings.Join(severities, "+")+"/"+strings.Join(keys, "+"), recommendationKeysKQL(q))
			}
		}
	}
	for _, subs := range [][]string{nil, {"7444d220-dc62-4eed-8552-76d7697c3f78", "da33051b-d48d-4764-a425-4063eca91a0d"}} {
		for _, name := range []string{"", "it's"} {
			q := ScoreHistoryQuery{SubscriptionIDs: subs, ScoreName: name}
			c := strings.Join(subs, ",") + "/" + name
			add(la, "scoreHistoryKQL", c, scoreHistoryKQL(q))
			add(la, "controlHistoryKQL", c, controlHistoryKQL(q))
		}
	}
	return out
}

// TestKQLCatalogIsComplete fails when a query builder of this package (a
// function or constant whose name ends in KQL) is neither in kqlCatalog
// nor a fragment: a query Microsoft's parser would never see. With
// KQL_CATALOG set, it writes the catalog there as JSON for
// scripts/kql-check.js.
func TestKQLCatalogIsComplete(t *testing.T) {
	catalog := kqlCatalog()
	inCatalog := map[string]bool{}
	for _, q := range catalog {
		inCatalog[q.Builder] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var missing []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		check := func(name string) {
			if strings.HasSuffix(name, "KQL") && !inCatalog[name] && !kqlFragments[name] {
				missing = append(missing, f+": "+name)
			}
		}
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					check(d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if v, ok := spec.(*ast.ValueSpec); ok {
						for _, n := range v.Names {
							check(n.Name)
						}
					}
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("query builders missing from kqlCatalog (add their filter combinations, or list a builder of part of a query in kqlFragments):\n%s", strings.Join(missing, "\n"))
	}
	if path := os.Getenv("KQL_CATALOG"); path != "" {
		b, err := json.MarshalIndent(catalog, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d queries written to %s", len(catalog), path)
	}
}

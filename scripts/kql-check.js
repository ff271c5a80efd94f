#!/usr/bin/env node
// Parses every KQL text the provider sends (the JSON catalog written by the
// client's TestKQLCatalogIsComplete) with Microsoft's Kusto language service
// (@kusto/language-service-next: its parser and semantic analyser), against
// the tables' schemas as Microsoft documents them. Exits 1 on any
// diagnostic, on a Resource Graph query using a tabular operator Resource
// Graph does not support, or reading a property its type does not document.
//
// usage: node scripts/kql-check.js <path to @kusto/language-service-next> <catalog.json>
"use strict";
const fs = require("fs");
const path = require("path");

const [pkg, catalogPath] = process.argv.slice(2);
if (!pkg || !catalogPath) {
  console.error("usage: kql-check.js <path to @kusto/language-service-next> <catalog.json>");
  process.exit(2);
}
require(path.join(pkg, "bridge.min.js"));
require(path.join(pkg, "Kusto.Language.Bridge.min.js"));
/* global Kusto, Bridge */
const K = Kusto.Language;
const S = K.Symbols;

// table builds a table from [name, type] columns; each name is quoted, so a
// column named like a keyword (kind) is a column, and a schema the parser
// did not take in full fails here rather than in every query.
function table(name, columns) {
  const schema = "(" + columns.map(([c, type]) => `['${c}']:${type}`).join(", ") + ")";
  const t = new S.TableSymbol.$ctor7(name, schema, null);
  const got = Bridge.toArray(t.Columns).map((c) => c.Name);
  if (got.length !== columns.length) {
    throw new Error(`table ${name}: the parser took ${got.join(", ")} of ${schema}`);
  }
  return t;
}

// Resource Graph's tables share the columns of a resource
// (https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language,
// https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources):
// properties and the other objects are dynamic. Resource Graph reads table
// names case-insensitively; the provider writes them in lower case.
const resourceColumns = [
  ["id", "string"], ["name", "string"], ["type", "string"], ["tenantId", "string"], ["kind", "string"],
  ["location", "string"], ["resourceGroup", "string"], ["subscriptionId", "string"], ["managedBy", "string"],
  ["sku", "dynamic"], ["plan", "dynamic"], ["properties", "dynamic"], ["tags", "dynamic"], ["identity", "dynamic"],
  ["zones", "dynamic"], ["extendedLocation", "dynamic"],
];
const resourceGraph = [table("securityresources", resourceColumns), table("resourcecontainers", resourceColumns)];

// Log Analytics' continuous-export tables, columns and types as documented:
// https://learn.microsoft.com/azure/azure-monitor/reference/tables/securescores
// https://learn.microsoft.com/azure/azure-monitor/reference/tables/securescorecontrols
const exportColumns = [
  ["AssessedResourceId", "string"], ["_BilledSize", "real"], ["CurrentScore", "real"], ["Environment", "string"],
  ["_IsBillable", "string"], ["IsSnapshot", "bool"], ["MaxScore", "int"], ["PercentageScore", "real"],
  ["Properties", "dynamic"], ["_ResourceId", "string"], ["ResourceProviderType", "string"],
  ["SecureScoresSubscriptionId", "string"], ["SourceSystem", "string"], ["_SubscriptionId", "string"],
  ["TenantId", "string"], ["TimeGenerated", "datetime"], ["Type", "string"],
];
const logAnalytics = [
  table("SecureScores", exportColumns.concat([["DisplayName", "string"], ["Weight", "long"]])),
  table("SecureScoreControls", exportColumns.concat([
    ["ControlId", "string"], ["ControlName", "string"], ["ControlType", "string"], ["Description", "string"],
    ["HealthyResources", "int"], ["NotApplicableResources", "int"], ["RecommendationResourceIds", "dynamic"],
    ["UnhealthyResources", "int"],
  ])),
];

const globals = {
  resourcegraph: K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor2("resourcegraph", null, resourceGraph)),
  loganalytics: K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor2("workspace", null, logAnalytics)),
};

// The tabular operators Resource Graph supports (the table of supported
// tabular operators on its query-language page), by the parser's node type:
// count, distinct, extend, join, limit/take, mv-expand, order/sort, parse,
// project, project-away, sample, sample-distinct, summarize, top, union, where.
const resourceGraphOperators = new Set([
  "CountOperator", "DistinctOperator", "ExtendOperator", "JoinOperator", "TakeOperator", "MvExpandOperator",
  "SortOperator", "ParseOperator", "ProjectOperator", "ProjectAwayOperator", "SampleOperator",
  "SampleDistinctOperator", "SummarizeOperator", "TopOperator", "UnionOperator", "FilterOperator",
]);

// The properties each Resource Graph type documents, as the queries may
// read them (dynamic member names are case-sensitive): a path must be one of
// these or lead to one. From the REST references of the same objects:
// https://learn.microsoft.com/rest/api/defenderforcloud/secure-scores/get,
// https://learn.microsoft.com/rest/api/defenderforcloud/secure-score-controls/list,
// https://learn.microsoft.com/rest/api/defenderforcloud/assessments/get
// (Resource Graph's rows name the portal link links.azurePortal, the REST
// answer links.azurePortalUri; risk from api-version 2025-05-04-preview),
// https://learn.microsoft.com/rest/api/defenderforcloud/governance-assignments/get.
const documentedProperties = {
  "microsoft.security/securescores": [
    "displayName", "score.current", "score.max", "score.percentage", "weight",
  ],
  "microsoft.security/securescores/securescorecontrols": [
    "displayName", "score.current", "score.max", "score.percentage", "healthyResourceCount", "unhealthyResourceCount",
    "notApplicableResourceCount", "weight", "definition.id", "definition.name", "definition.properties.displayName",
    "definition.properties.description", "definition.properties.maxScore", "definition.properties.source.sourceType",
    "definition.properties.assessmentDefinitions",
  ],
  "microsoft.security/assessments": [
    "displayName", "resourceDetails.Source", "resourceDetails.Id", "status.code", "status.cause",
    "status.description", "status.firstEvaluationDate", "status.statusChangeDate", "additionalData", "links.azurePortal",
    "links.azurePortalUri", "metadata.displayName", "metadata.severity", "metadata.description", "metadata.categories",
    "metadata.preview", "metadata.assessmentType", "metadata.policyDefinitionId", "metadata.remediationDescription",
    "metadata.userImpact", "metadata.implementationEffort", "metadata.threats", "risk.level", "risk.riskFactors",
    "risk.attackPathsReferences", "risk.isContextualRisk",
  ],
  "microsoft.security/assessments/governanceassignments": [
    "owner", "remediationDueDate", "remediationEta.eta", "remediationEta.justification", "isGracePeriod",
    "governanceEmailNotification.disableManagerEmailNotification", "governanceEmailNotification.disableOwnerEmailNotification",
    "additionalData.ticketNumber", "additionalData.ticketLink", "additionalData.ticketStatus",
  ],
};

// undocumentedPaths lists the properties.… paths of a Resource Graph query
// that its type (its `where type == '…'`) does not document.
function undocumentedPaths(text) {
  const type = /where\s+type\s*=[=~]\s*'([^']+)'/.exec(text);
  const paths = [...text.matchAll(/\bproperties((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => m[1].slice(1));
  if (paths.length === 0) return [];
  const documented = type && documentedProperties[type[1].toLowerCase()];
  if (!documented) return [`properties read from type ${type ? type[1] : "(none)"}, whose properties this check does not know`];
  return [...new Set(paths)]
    .filter((p) => !documented.some((d) => d === p || d.startsWith(p + ".")))
    .map((p) => `properties.${p} is not a documented property of ${type[1]} (names are case-sensitive)`);
}

function operators(node, out) {
  if (!node) return out;
  if (Bridge.is(node, K.Syntax.QueryOperator)) {
    out.push(Bridge.getTypeName(node).split(".").pop());
  }
  for (let i = 0; i < node.ChildCount; i++) {
    operators(node.GetChild(i), out);
  }
  return out;
}

const catalog = JSON.parse(fs.readFileSync(catalogPath, "utf8"));
let failures = 0;
for (const q of catalog) {
  const g = globals[q.service];
  const problems = [];
  if (!g) {
    problems.push(`unknown service ${q.service}`);
  } else {
    const code = K.KustoCode.ParseAndAnalyze(q.text, g);
    for (const d of Bridge.toArray(code.GetDiagnostics())) {
      problems.push(`${d.Severity} ${d.Code} at ${d.Start}: ${d.Message}`);
    }
    if (q.service === "resourcegraph") {
      for (const op of operators(code.Syntax, [])) {
        if (!resourceGraphOperators.has(op)) problems.push(`operator ${op} is not one Resource Graph supports`);
      }
      problems.push(...undocumentedPaths(q.text));
    }
  }
  if (problems.length > 0) {
    failures++;
    console.log(`FAIL ${q.builder} (${q.case}):\n  ${problems.join("\n  ")}\n${q.text.replace(/^/gm, "    | ")}`);
  }
}
console.log(`kql-check: ${catalog.length} queries, ${failures} with diagnostics (@kusto/language-service-next)`);
process.exit(failures > 0 ? 1 : 0);

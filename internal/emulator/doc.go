// Package emulator is an offline stand-in for the Microsoft identity
// platform, Azure Resource Manager (Microsoft.Security secure scores and
// Azure Resource Graph) and Microsoft Graph (Secure Score). Acceptance tests,
// `make demo` and `make emulator` run the provider against it; it
// deliberately imports nothing from the provider so that a misunderstanding
// shared by both sides cannot hide.
//
// It serves the shapes Microsoft documents, quirks included:
//   - tokens: the client credentials flow of the Microsoft identity platform,
//     https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
//     and its error codes, https://learn.microsoft.com/entra/identity-platform/reference-error-codes;
//   - cloud metadata: GET /metadata/endpoints on the Resource Manager
//     listener, the document a custom cloud publishes for its clients
//     (https://learn.microsoft.com/azure-stack/user/azure-stack-version-profiles-azurecli2,
//     azurerm's metadata_host);
//   - secure scores, controls and control definitions (api-version 2020-01-01),
//     https://learn.microsoft.com/rest/api/defenderforcloud/secure-scores,
//     https://learn.microsoft.com/rest/api/defenderforcloud/secure-score-controls,
//     https://learn.microsoft.com/rest/api/defenderforcloud/secure-score-control-definitions;
//   - Resource Graph queries ($skipToken paging),
//     https://learn.microsoft.com/rest/api/azureresourcegraph/resourcegraph/resources/resources;
//   - Microsoft Graph v1.0 secureScore and secureScoreControlProfile,
//     https://learn.microsoft.com/graph/api/resources/securescore,
//     https://learn.microsoft.com/graph/api/resources/securescorecontrolprofile,
//     with Graph's throttling (https://learn.microsoft.com/graph/throttling)
//     and paging (https://learn.microsoft.com/graph/paging).
package emulator

package emulator

// The seeded world. Every value is fixed so tests, the demo and the docs can
// refer to it; nothing here is a real Azure or Microsoft 365 identifier.
const (
	// DefaultTenantID is Contoso: seven subscriptions (five with a secure
	// score; Contoso Legacy without Defender for Cloud; Contoso Onboarding,
	// whose score is not calculated yet) and ~60 Microsoft 365 controls.
	DefaultTenantID = "f4c83c42-8ce2-4c5d-8bbc-bbcb022c9a39"
	// SecondTenantID is Fabrikam: two subscriptions, 20 controls.
	SecondTenantID = "09788d87-3071-4bc9-ab65-a1d0f47a75bd"
	// ThirdTenantID is Northwind: one subscription, 20 controls.
	ThirdTenantID = "74256d6d-1e70-4cb1-8816-e6dd1994d6e4"
	// WorkedTenantID is Woodgrove Bank: a small Microsoft 365 tenant written
	// out by hand (worked_tenant.go) so tests can state expected figures as
	// literals worked out from Microsoft's documented rules.
	WorkedTenantID = "5a1f9e7c-3b2d-4e8a-9c6f-0d4b7e2a1c93"
	// NoConsentTenantID exists but never granted ClientID admin consent:
	// token requests for it fail with AADSTS65001.
	NoConsentTenantID = "2fdbe8ad-6644-4f72-b6dc-e0b8f5bba043"

	// ClientID is the one registered application (service principal).
	ClientID = "560a102d-e1ea-45d3-9873-da6a7e395010"
	// ClientSecret is ClientID's client secret.
	ClientSecret = "Emu8Q~securescore.emulator-client-secret"

	// DefaultSubscriptionID is the first subscription of DefaultTenantID.
	DefaultSubscriptionID = "7444d220-dc62-4eed-8552-76d7697c3f78"
	// ManagementGroupID holds three of DefaultTenantID's subscriptions
	// (DefaultSubscriptionID, Shared Services and Data Platform).
	ManagementGroupID = "contoso-production"

	// OIDCRequestToken is the bearer token OIDCRequestURL expects, like
	// GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_TOKEN.
	OIDCRequestToken = "emulator-actions-id-token-request-token"
	// FederatedTokenAudience is the audience Entra ID expects in federated tokens.
	FederatedTokenAudience = "api://AzureADTokenExchange"
	// FederatedToken is a GitHub-Actions-shaped OIDC token accepted as
	// client_assertion for ClientID (its signature is not checked).
	FederatedToken = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InNlY3VyZXNjb3JlLWVtdWxhdG9yIn0.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tIiwic3ViIjoicmVwbzpzZWN1cmVzY29yZS90ZXJyYWZvcm0tcHJvdmlkZXItc2VjdXJlc2NvcmU6ZW52aXJvbm1lbnQ6ZW11bGF0b3IiLCJhdWQiOiJhcGk6Ly9BenVyZUFEVG9rZW5FeGNoYW5nZSIsImlhdCI6MTcwNDA2NzIwMCwibmJmIjoxNzA0MDY3MjAwLCJleHAiOjQxMDI0NDQ4MDAsImp0aSI6ImI3ZDRjMWUwLWVtdWxhdG9yLWZlZGVyYXRlZCJ9.c2VjdXJlc2NvcmUtZW11bGF0b3ItZmVkZXJhdGVkLXRva2VuLXNpZ25hdHVyZS1ub3QtdmVyaWZpZWQ"

	// ARMAudience is the only audience the ARM listener accepts (with or
	// without the trailing slash).
	ARMAudience = "https://management.core.windows.net/"

	// Graph application permissions.
	RoleSecurityEventsRead      = "SecurityEvents.Read.All"
	RoleSecurityEventsReadWrite = "SecurityEvents.ReadWrite.All"
)

// CertificatePEM is a self-signed RSA certificate registered on ClientID
// (valid 2024-2124); PrivateKeyPEM is its PKCS#8 key. Concatenated they are
// what azidentity.ParseCertificates and ARM_CLIENT_CERTIFICATE_PATH expect.
// There is no PFX variant: the module has no PKCS#12 encoder.
const CertificatePEM = `-----BEGIN CERTIFICATE-----
MIIDMTCCAhmgAwIBAgIEATTW5TANBgkqhkiG9w0BAQsFADBFMR0wGwYDVQQKExRz
ZWN1cmVzY29yZSBlbXVsYXRvcjEkMCIGA1UEAxMbc2VjdXJlc2NvcmUtZW11bGF0
b3ItY2xpZW50MCAXDTI0MDEwMTAwMDAwMFoYDzIxMjQwMTAxMDAwMDAwWjBFMR0w
GwYDVQQKExRzZWN1cmVzY29yZSBlbXVsYXRvcjEkMCIGA1UEAxMbc2VjdXJlc2Nv
cmUtZW11bGF0b3ItY2xpZW50MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKC
AQEAprY/hHP5lBJUPGWuOpHipOIpyCc2N/CgPyHzmvPSwBuc2EoFlHfdwBPUyheK
WEZ+IyHXg/H9+oAgQU2VVbZVkaY5NhaOLkst4F4pRLTNho5AVZi1LLZyGU1lAx4F
hL4RRtYqw8bZUvJ7uho303bU0VEqPKgSu0HtEXP4owjPpxS69AUpsHypeLQDT2gn
16TBXY8D3yYM8I2vMSAFV9WKjgHmVB2nvICA0WdOMxThQl8uztUA5F2sGTpl6uy/
NEFO5RHgmCNh92zv+q/kq0NhoGNAGSYwJeqER2dgsv4sch98XUnQmI+3NO+k3omD
Tgd8O4XUqXXF3vCToBAIpj5i5wIDAQABoycwJTAOBgNVHQ8BAf8EBAMCB4AwEwYD
VR0lBAwwCgYIKwYBBQUHAwIwDQYJKoZIhvcNAQELBQADggEBAJJ63fnBvHd52SGn
2nTLE42hNgNzoJqCWyZ0FkdUcFG+DMKDDtiP5igMM5cTxX8oFwPBxFAOd1Rka3b7
ItsLASXbFuMfTI12e5MbvSUK7FVYX+PJKsN4kvA0DpDC+5zniq+gPWwF9SvLPBGc
5v6cr+A43w6F5uGZ1p79zV01bmXrWJB/dONNaCPszxqQBINqfjMZbXPGztROcFeS
oJj4pDeWye+UsHsmIkW5OWN5EwU68CaG72UdgX8ibavMVKp5gCJjbE9yKvzQpuvx
fegqvAkKTRY3AtORJWEU6lorJx3nfs+b1CA/JejZ5QKKgM17BE2XWlqz8DXXh7wo
CHggA0E=
-----END CERTIFICATE-----
`

// PrivateKeyPEM is the private key of CertificatePEM.
const PrivateKeyPEM = `-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQCmtj+Ec/mUElQ8
Za46keKk4inIJzY38KA/IfOa89LAG5zYSgWUd93AE9TKF4pYRn4jIdeD8f36gCBB
TZVVtlWRpjk2Fo4uSy3gXilEtM2GjkBVmLUstnIZTWUDHgWEvhFG1irDxtlS8nu6
GjfTdtTRUSo8qBK7Qe0Rc/ijCM+nFLr0BSmwfKl4tANPaCfXpMFdjwPfJgzwja8x
IAVX1YqOAeZUHae8gIDRZ04zFOFCXy7O1QDkXawZOmXq7L80QU7lEeCYI2H3bO/6
r+SrQ2GgY0AZJjAl6oRHZ2Cy/ixyH3xdSdCYj7c076TeiYNOB3w7hdSpdcXe8JOg
EAimPmLnAgMBAAECggEAGt1plO2ffXYKrwTvs66IqGttsjxnZ1JWcHYHLKQ4BQ8u
EkizZ359dJN9ieeLOrh5YS317eRUOkbla8CV3Q8Z8POpaobt+JXS2cIywkikihdo
VKLcJ01rS5qGOZ9f4klCvXiLwarMoKpEt/O7pU8T8nsy5D1tb1GrY1Gd8p/b3p+c
/uRyKdRiGeoMj5ajsBGm67oN2wICgCe88VKg/cKtI7I3B4OLVZcx96hV9gO4Y0hs
L0Oc2ghE+ldSlgHBVXd6YHZauyMv6EY0flWy71d6KgKKGz5qsimUgO/RcFYneFYF
Zt7JIclo+JmwcDpAHrYthHYZ/oU2lr2n0zvTLHvI0QKBgQDMXxjUMLznb1OvDFpr
1q6gLOdlHdaem1C0AT/xlB3ZzQ8vFKEZBXAz7jQGUV1O79POvHBV/HN8rZBoC9NI
cjCHWCH5nLGcewQqxLRtSqn+NryxVtx585ANGXVzMGQG3FzHiTC2LQELJsa7++jb
xEyhsqGVfq+Uu9pdwXDVvHPCfwKBgQDQ06uQIRP+e/rfaLfL41sjdZ5YprKoYlJ0
oOrbQFgW/VJZis+bm4nNdfFVKCRyz2jxZiXVmfSh6oeSjW0buyMueb7V57062HJA
/fuhJGBvni+oMSyA+b75JHvL6NtbgeVgSBUgtW2XFlx3r5Xb8jKYJlcofMw5n0mJ
jJoM0xRbmQKBgQC86EIpEQvr2Sm/KmoCOCSeBiO1gck6PlJwsJ8MjF6zTip02Fq4
qCA4wDvygw7+wgxEkkY8FOgjHMPYiOW5l2NoF30AH2jFPahyZ/Rm+Zb8VlhAjAur
5gkHMrsvyFENTm+sORF/s0W9qxAT/xwU1/QFmvplFv7xOlr0QrQrvNA7vQKBgQC2
2fEqpdwlBBhakQ4GyJBgDzhUtbpQOK+skc6zpra7gpsd7q70uQ/DyVdE0n5/zV89
qMzOKR2MvZhyWcXE92rJ4i6YjG8kXKxGfl5b7kdG1QMzycMHOCfhbfG8Tavth2L6
mINvfY11M05KOoQE8CEfGstMl2IXvoMcnvGw8w6rWQKBgQC2rJOkBJvDSXplXiw9
ysKK5Hg8Z+fFR3sUIu2Y7Pzd3YHxCF++FZGMgsn4UOrbYzc6Hq65w2T39pj4l4NW
0DWU+idEWOEV+XMeiLmpxrlw8xSO/wPeurW2G7/BcGCNLe4fBxsXr7XKbFw2hS8t
1Eu6wQl2KPlma7YNNVDnRqCGag==
-----END PRIVATE KEY-----
`

package emulator

// Static catalogues the seeder draws from. Names follow Defender for Cloud
// and Microsoft Secure Score; descriptions are paraphrased.

type defenderControlSpec struct {
	displayName string
	description string
	max         int
	assessments int
}

// defenderControls are the built-in Defender for Cloud security controls.
var defenderControls = []defenderControlSpec{
	{"Enable MFA", "Enable multifactor authentication (MFA) on accounts with owner, write or read permissions on Azure resources.", 10, 3},
	{"Secure management ports", "Close or restrict management ports such as RDP and SSH that are reachable from the internet.", 8, 3},
	{"Remediate vulnerabilities", "Remediate vulnerabilities found on virtual machines, container images and SQL servers.", 6, 6},
	{"Apply system updates", "Install missing security and critical updates on machines.", 6, 4},
	{"Manage access and permissions", "Apply least privilege: remove deprecated, external and excess owner accounts.", 4, 6},
	{"Enable encryption at rest", "Encrypt disks, databases and storage accounts with platform- or customer-managed keys.", 4, 3},
	{"Encrypt data in transit", "Require TLS 1.2 or later and HTTPS-only access to web apps, storage accounts and databases.", 4, 5},
	{"Remediate security configurations", "Fix operating system and container configuration weaknesses found by guest configuration.", 4, 4},
	{"Restrict unauthorized network access", "Harden network security groups and restrict access to internal resources.", 4, 5},
	{"Apply adaptive application control", "Allow only known-safe applications to run on machines.", 3, 2},
	{"Apply data classification", "Discover, classify and label sensitive data in SQL databases.", 2, 1},
	{"Enable endpoint protection", "Install and configure endpoint protection on machines.", 2, 4},
	{"Protect applications against DDoS attacks", "Enable Azure DDoS Protection and a web application firewall for internet-facing applications.", 2, 2},
	{"Enable auditing and logging", "Enable diagnostic logs for Azure services so incidents can be investigated.", 1, 5},
	{"Implement security best practices", "Recommendations that improve the security posture without affecting the score.", 0, 6},
	{"Enable enhanced security features", "Enable the Microsoft Defender plans for servers, databases, storage and containers.", 0, 4},
}

// customControl is the one control of a custom (policy initiative) score.
var customControl = defenderControlSpec{
	"Tag resources with a data owner", "Contoso policy: every resource carries a DataOwner tag so incidents reach the right team.", 3, 1,
}

type profileSpec struct {
	id, category, service, title string
	max                          float64
	actionType, tier             string
	cost, impact                 string
	deprecated                   bool
}

// profileCatalog is DefaultTenantID's Microsoft 365 Secure Score controls;
// the other tenants take subsets.
var profileCatalog = []profileSpec{
	// Identity
	{"AdminMFAV2", "Identity", "AzureAD", "Ensure multifactor authentication is enabled for all users in administrative roles", 10, "Config", "Core", "Low", "Low", false},
	{"MFARegistrationV2", "Identity", "AzureAD", "Ensure multifactor authentication is enabled for all users", 9, "Config", "Core", "Medium", "moderate", false},
	{"BlockLegacyAuthentication", "Identity", "AzureAD", "Enable Conditional Access policies to block legacy authentication", 8, "Config", "Core", "Moderate", "Moderate", false},
	{"SelfServicePasswordReset", "Identity", "AzureAD", "Enable self-service password reset", 1, "Config", "Core", "Low", "Moderate", false},
	{"PWAgePolicyNew", "Identity", "AzureAD", "Set the password expiration policy to never expire", 8, "Config", "Core", "Low", "Moderate", false},
	{"IntegratedApps", "Identity", "AzureAD", "Do not allow users to grant consent to unreliable applications", 4, "Config", "Core", "Moderate", "Low", false},
	{"OneAdmin", "Identity", "AzureAD", "Designate more than one global admin", 1, "Config", "Core", "low", "low", false},
	{"RoleOverlap", "Identity", "AzureAD", "Use least privileged administrative roles", 1, "Review", "Core", "Low", "Low", false},
	{"UserRiskPolicy", "Identity", "AzureAD", "Turn on user risk policy", 7, "Config", "Defense In Depth", "Unknown", "Unknown", false},
	{"SigninRiskPolicy", "Identity", "AzureAD", "Turn on sign-in risk policy", 7, "Config", "Defense In Depth", "Unknown", "Unknown", false},
	{"aad_admin_accounts_separate_unassigned_cloud_only", "Identity", "AzureAD", "Ensure administrative accounts are separate, unassigned and cloud-only", 3, "Config", "Core", "Moderate", "Low", false},
	{"aad_limited_administrative_roles", "Identity", "AzureAD", "Ensure between two and four Global Administrators are designated", 1, "Config", "Core", "Low", "Low", false},
	{"aad_password_protection", "Identity", "AzureAD", "Enable Microsoft Entra Password Protection for on-premises Active Directory", 1, "Config", "Defense In Depth", "Low", "Low", false},
	{"aad_sign_in_freq_session_timeout", "Identity", "AzureAD", "Ensure sign-in frequency is enabled and browser sessions are not persistent for administrative users", 8, "Config", "Core", "Low", "Moderate", false},
	{"aad_phishing_MFA_strength", "Identity", "AzureAD", "Ensure phishing-resistant MFA strength is required for administrators", 8, "Config", "Advanced", "high", "Medium", false},
	{"aad_admin_consent_workflow", "Identity", "AzureAD", "Ensure the admin consent workflow is enabled", 1, "Config", "Core", "Low", "Low", false},
	{"aad_guest_invite_restrictions", "Identity", "AzureAD", "Ensure that guest user access is restricted", 1, "Config", "Defense In Depth", "Low", "Low", false},
	{"PasswordHashSync", "Identity", "AzureAD", "Enable password hash sync if hybrid", 5, "Config", "Core", "Low", "Low", false},
	{"aad_linkedin_connection_disables", "Identity", "AzureAD", "Ensure LinkedIn account connections are disabled", 1, "Config", "Defense In Depth", "Low", "Low", false},
	{"AATP_DormantAccountsInSensitiveGroups", "Identity", "Azure ATP", "Remove dormant accounts from sensitive groups", 3, "Review", "Defense In Depth", "Low", "Low", false},
	{"AdminMFA", "Identity", "AzureAD", "Require MFA for administrative roles", 10, "Config", "Core", "Low", "Low", true},
	{"MFARegistration", "Identity", "AzureAD", "Register all users for multifactor authentication", 9, "Behavior", "Core", "Moderate", "Moderate", true},
	// Data
	{"DLPEnabled", "Data", "MIP", "Apply data loss prevention policies", 10, "Config", "Core", "Moderate", "Moderate", false},
	{"mip_sensitivitylabelspolicies", "Data", "MIP", "Publish Microsoft 365 sensitivity label data classification policies", 6, "Config", "Core", "Moderate", "Moderate", false},
	{"mip_autosensitivitylabelspolicies", "Data", "MIP", "Create auto-apply sensitivity label policies", 5, "Config", "Advanced", "High", "Low", false},
	{"mip_search_auditlog", "Data", "MIP", "Ensure Microsoft 365 audit log search is enabled", 8, "Config", "Core", "Unknown", "Unknown", false},
	{"exo_mailboxaudit", "Data", "EXO", "Ensure mailbox auditing for all users is enabled", 8, "Config", "Core", "Low", "Low", false},
	{"CustomerLockBoxEnabled", "Data", "EXO", "Turn on the customer lockbox feature", 1, "Config", "Defense In Depth", "Low", "Low", false},
	{"exo_individualsharing", "Data", "EXO", "Ensure calendar details sharing with external users is disabled", 5, "Config", "Core", "Low", "Low", false},
	{"exo_storageproviderrestricted", "Data", "EXO", "Ensure additional storage providers are restricted in Outlook on the web", 3, "Config", "Defense In Depth", "Low", "Moderate", false},
	{"exo_transportrules", "Data", "EXO", "Ensure mail transport rules do not forward email to external domains", 5, "Review", "Core", "", "", false},
	{"spo_idle_session_timeout", "Data", "SPO", "Ensure idle session timeout is enabled for SharePoint and OneDrive", 1, "Config", "Defense In Depth", "Low", "Moderate", false},
	{"spo_legacy_auth", "Data", "SPO", "Ensure modern authentication for SharePoint applications is required", 8, "Config", "Core", "Low", "Low", false},
	{"spo_external_sharing_managed", "Data", "SPO", "Ensure external content sharing is restricted", 3, "Config", "Core", "Moderate", "Moderate", false},
	{"spo_block_download_infected", "Data", "SPO", "Ensure infected files cannot be downloaded from SharePoint", 1, "Config", "Defense In Depth", "Low", "Low", false},
	// Apps
	{"mdo_safeattachments", "Apps", "MDO", "Turn on Safe Attachments in block mode", 8, "Config", "Core", "Low", "Low", false},
	{"mdo_safelinksforemail", "Apps", "MDO", "Create Safe Links policies for email messages", 9, "Config", "Core", "Low", "Low", false},
	{"mdo_safelinksforOfficeApps", "Apps", "MDO", "Turn on Safe Links for Office applications", 8, "Config", "Core", "Low", "Low", false},
	{"mdo_atpprotection", "Apps", "MDO", "Turn on Microsoft Defender for Office 365 in SharePoint, OneDrive and Microsoft Teams", 9, "Config", "Core", "Low", "Low", false},
	{"mdo_zapspam", "Apps", "MDO", "Ensure zero-hour auto purge for spam is enabled", 3, "Config", "Core", "Unknown", "Unknown", false},
	{"mdo_zapphish", "Apps", "MDO", "Ensure zero-hour auto purge for phishing is enabled", 3, "Config", "Core", "Unknown", "Unknown", false},
	{"mdo_commonattachmentsfilter", "Apps", "MDO", "Ensure the common attachment types filter is enabled", 5, "Config", "Core", "Low", "Low", false},
	{"mdo_spam_notifications_only_for_admins", "Apps", "MDO", "Set up notifications for internal users sending malware", 1, "Config", "Defense In Depth", "Low", "Low", false},
	{"exo_outlookaddins", "Apps", "EXO", "Ensure users cannot install Outlook add-ins", 1, "Config", "Defense In Depth", "Low", "Moderate", false},
	{"exo_oauth2clientprofileenabled", "Apps", "EXO", "Ensure modern authentication for Exchange Online is enabled", 8, "Config", "Core", "Low", "Low", false},
	{"mcas_DiscoverShadowIT", "Apps", "MCAS", "Discover trends in shadow IT application usage", 5, "Review", "Defense In Depth", "Moderate", "Low", false},
	{"mcas_ConnectedApps", "Apps", "MCAS", "Connect Office 365 to Microsoft Defender for Cloud Apps", 3, "Config", "Defense In Depth", "Low", "Low", false},
	{"MDA_SF_RequireMFA", "Apps", "MDA_SF", "Require multifactor authentication for Salesforce admins", 5, "Config", "Core", "Unknown", "Unknown", false},
	{"MDA_GitHub_2FA", "Apps", "MDA_GitHub", "Require two-factor authentication in the GitHub organization", 5, "Config", "Core", "Unknown", "Unknown", false},
	{"meeting_restrictanonymousjoin_v1", "Apps", "MS Teams", "Ensure anonymous users cannot join a meeting", 1, "Config", "Defense In Depth", "Low", "Moderate", false},
	{"meeting_designatedpresenter_v1", "Apps", "MS Teams", "Ensure only organizers and co-organizers can present", 1, "Config", "Defense In Depth", "Low", "Moderate", false},
	{"scid_2002", "Apps", "MDATP", "Block Office applications from creating child processes", 4, "Config", "Core", "Moderate", "Moderate", false},
	// Device
	{"Intune_RequireDeviceCompliance", "Apps", "Intune", "Require devices to be marked as compliant", 9, "Config", "Core", "Moderate", "Moderate", false},
	{"Intune_BlockJailbrokenDevices", "Apps", "Intune", "Block jailbroken and rooted devices", 5, "Config", "Core", "Low", "Low", false},
	{"Intune_BitLockerEncryption", "Apps", "Intune", "Encrypt Windows devices with BitLocker", 8, "Config", "Core", "Moderate", "Low", false},
	{"Intune_DefenderAntivirus", "Apps", "Intune", "Enable Microsoft Defender Antivirus real-time protection", 6, "Config", "Core", "Low", "Low", false},
	{"Intune_WindowsHelloForBusiness", "Apps", "Intune", "Turn on Windows Hello for Business", 5, "Config", "Defense In Depth", "Moderate", "Moderate", false},
	{"Intune_AppProtectionPolicies", "Apps", "Intune", "Create app protection policies for iOS and Android", 6, "Config", "Core", "Moderate", "Moderate", false},
	{"Intune_UpdateRings", "Apps", "Intune", "Configure Windows Update rings", 4, "Config", "Core", "Low", "Low", false},
	{"mde_onboarded_devices", "Device", "MDATP", "Onboard devices to Microsoft Defender for Endpoint", 9, "Config", "Core", "Moderate", "Low", false},
	{"scid_2000", "Device", "MDATP", "Turn on Microsoft Defender Firewall", 7, "Config", "Core", "Low", "Low", false},
	{"scid_2010", "Device", "MDATP", "Update Microsoft Defender Antivirus definitions", 5, "Config", "Core", "Unknown", "Unknown", false},
	{"scid_5001", "Device", "MDATP", "Disable SMBv1 client driver", 3, "Config", "Core", "Unknown", "Unknown", false},
	// Infrastructure
	{"azure_defender_plans", "Infrastructure", "Azure", "Enable Microsoft Defender for Cloud plans on all subscriptions", 5, "Config", "Core", "Moderate", "Low", false},
	{"azure_subscription_owners_mfa", "Infrastructure", "Azure", "Require MFA for accounts with owner permissions on Azure resources", 5, "Config", "Core", "Low", "Low", false},
	{"azure_limit_owners", "Infrastructure", "Azure", "Designate no more than three owners on Azure subscriptions", 3, "Review", "Defense In Depth", "Low", "Low", false},
}

// threatsByCategory are phrases, as live tenants send them.
var threatsByCategory = map[string][]string{
	"Identity":       {"Account breach", "Password Cracking", "Elevation of privilege", "Phishing or Whaling", "Malicious Insider"},
	"Data":           {"Data Exfiltration", "Data Spillage", "Data Deletion", "Malicious Insider"},
	"Apps":           {"Phishing or Whaling", "Spoofing", "Data Exfiltration", "Account breach"},
	"Device":         {"Elevation of privilege", "Data Exfiltration", "Malicious Insider", "Account breach"},
	"Infrastructure": {"Account breach", "Elevation of privilege", "Data Deletion"},
}

// notInScore are the catalogue's profiles that no tenant's secure score
// lists, as live tenants list far more profiles than their score covers
// (products the tenant is not licensed for).
var notInScore = map[string]bool{
	"aad_linkedin_connection_disables": true,
	"mcas_ConnectedApps":               true,
	"MDA_SF_RequireMFA":                true,
	"MDA_GitHub_2FA":                   true,
	"meeting_designatedpresenter_v1":   true,
	"spo_block_download_infected":      true,
	"azure_limit_owners":               true,
	"scid_5001":                        true,
}

var actionURLs = map[string]string{
	"AzureAD":    "https://entra.microsoft.com/#view/Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/Policies",
	"Azure ATP":  "https://security.microsoft.com/identities",
	"MIP":        "https://purview.microsoft.com/",
	"EXO":        "https://admin.exchange.microsoft.com/",
	"SPO":        "https://admin.microsoft.com/sharepoint",
	"MDO":        "https://security.microsoft.com/threatpolicy",
	"MCAS":       "https://security.microsoft.com/cloudapps",
	"MS Teams":   "https://admin.teams.microsoft.com/",
	"MDA_SF":     "https://security.microsoft.com/cloudapps/app-connectors",
	"MDA_GitHub": "https://security.microsoft.com/cloudapps/app-connectors",
	"MDATP":      "https://security.microsoft.com/securescore",
	"Intune":     "https://intune.microsoft.com/",
	"Azure":      "https://portal.azure.com/#view/Microsoft_Azure_Security/SecurityMenuBlade/~/0",
}

var compliancePool = []ComplianceInformation{
	{CertificationName: "NIST 800-53 Rev 5", CertificationControls: []CertificationControl{{Name: "IA-2(1)", URL: "https://csrc.nist.gov/projects/cprt/catalog#/cprt/framework/version/SP_800_53_5_1_0/home"}}},
	{CertificationName: "ISO/IEC 27001:2022", CertificationControls: []CertificationControl{{Name: "A.5.15", URL: "https://www.iso.org/standard/27001"}, {Name: "A.8.5", URL: "https://www.iso.org/standard/27001"}}},
	{CertificationName: "CIS Microsoft 365 Foundations Benchmark v3.1.0", CertificationControls: []CertificationControl{{Name: "1.1.1", URL: "https://www.cisecurity.org/benchmark/microsoft_365"}}},
}

var remediationImpacts = map[string]string{
	"Low":      "This change has little or no impact on how users work.",
	"low":      "This change has little or no impact on how users work.",
	"Medium":   "Users notice new prompts or changed behaviour; announce the change before enforcing it.",
	"moderate": "Users notice new prompts or changed behaviour; announce the change before enforcing it.",
	"Moderate": "Users notice new prompts or changed behaviour; announce the change before enforcing it.",
	"High":     "This change affects daily work; roll it out in stages with a pilot group.",
}

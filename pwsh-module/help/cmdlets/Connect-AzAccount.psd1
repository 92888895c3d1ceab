# Help text for Connect-AzAccount (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Signs in to Azure (Microsoft Entra ID) and makes the new context the current one.'
    Description = 'Connect-AzAccount (aliases Login-AzAccount, Add-AzAccount) signs in as Az.Accounts does and writes a PSAzureProfile whose Context is the new current context. Sign-in uses MSAL.NET with Azure PowerShell''s public client id and the environment''s ActiveDirectoryAuthority (custom environments: that authority only, nothing else is called): interactive sign-in in the system browser (authorization code with PKCE, redirect to http://localhost), -UseDeviceAuthentication (the code to enter is printed as a warning, as Az prints it), -Credential (user name and password), -ServicePrincipal with -Credential (application id and secret), -CertificatePath [-CertificatePassword] or -CertificateThumbprint with -ApplicationId, -FederatedToken, and -Identity (managed identity: App Service, IMDS and Cloud Shell styles; -AccountId for a user-assigned identity). Tokens go to MSAL''s token cache in the file and format Az.Accounts uses (with autosave on; in memory for this session with -Scope Process or autosave off), so a sign-in here is reused by Az.Accounts and by a new session, and the other way round. Secrets (passwords, client secrets, certificate passwords, federated tokens) are handed to MSAL only: never stored, never shown. Until subscriptions are listed through Azure Resource Manager, a sign-in without -Subscription creates the tenant-level context Az creates when no subscription is found ("<tenant> - <account>"); -Subscription takes a subscription id. The offline access-token form (-AccessToken -AccountId -SkipValidation) works as before. A failed sign-in (wrong secret, expired or revoked sign-in, unreachable authority, untrusted TLS certificate) is an error that changes nothing stored.'
    Parameters = @{
        AccessToken = 'The Azure Resource Manager access token, as a string or a SecureString. It is stored with the account and never shown.'
        AccountId = 'With -AccessToken: the account id the token was issued to. With -Identity: the client id of a user-assigned managed identity (system-assigned when omitted). For interactive sign-in: the user to suggest (login hint).'
        Tenant = 'The tenant (directory) id or domain (aliases -Domain, -TenantId). Required for service principals; for users, the organizations endpoint is used when omitted. With -AccessToken it may be omitted when the token carries a tid claim.'
        Subscription = 'The subscription id of the context (aliases -SubscriptionName, -SubscriptionId). Accepts pipeline input. A subscription name needs Azure Resource Manager, which AzContext does not call yet.'
        SkipValidation = 'Stores the context without asking Azure to validate the token or list subscriptions. Requires the subscription id and a tenant id ("Must supply Subscription Id and Tenant Id when using -SkipValidation").'
        Environment = 'The environment (cloud) to sign in to (alias -EnvironmentName); AzureCloud by default. Custom environments added with Add-AzEnvironment work too, with their own authority and no call to the public cloud. An unknown name fails with "Unable to find environment with name ''<name>''".'
        ContextName = 'The name of the new context. An existing name is replaced after a confirmation ("Are you sure you want to replace existing context ''<name>''?"), or at once with -Force. Press Tab to complete stored names.'
        Force = 'Replaces an existing -ContextName without asking. It does not suppress -Confirm.'
        Scope = 'Process: the sign-in lasts for this session only; nothing is written to disk and tokens stay in this process''s memory. CurrentUser: the context is saved and tokens go to the shared token cache. Without -Scope, the autosave setting decides.'
        SkipContextPopulation = 'Az creates a context for each subscription of the account at first sign-in; this switch skips that. AzContext creates only the sign-in''s own context for now.'
        MaxContextPopulation = 'The most contexts Az creates at first sign-in (-1 for all, 0 for none; default 25). AzContext creates only the sign-in''s own context for now.'
        GraphAccessToken = 'An Azure AD Graph access token, stored with the account (ExtendedProperties GraphAccessToken) and never shown.'
        MicrosoftGraphAccessToken = 'A Microsoft Graph access token, stored with the account (ExtendedProperties MicrosoftGraphAccessToken) and never shown.'
        KeyVaultAccessToken = 'A Key Vault access token, stored with the account (ExtendedProperties KeyVault) and never shown.'
        UseDeviceAuthentication = 'Signs in with a device code (aliases -DeviceCode, -DeviceAuth, -Device): a warning tells which page to open on any device and which code to enter; the command waits until the sign-in completes. Ctrl+C stops it.'
        ServicePrincipal = 'Signs in as a service principal: with -Credential (application id and secret), with a certificate, or with -FederatedToken.'
        Credential = 'With -ServicePrincipal: the application id (user name) and client secret (password). Without it: a user name and password (no multi-factor authentication). The password is never stored.'
        Identity = 'Signs in with the managed identity of this machine or service (aliases -MSI, -ManagedService): App Service and Functions (IDENTITY_ENDPOINT), IMDS, and Cloud Shell (MSI_ENDPOINT) are recognized.'
        ApplicationId = 'The service principal''s application (client) id, with -CertificateThumbprint, -CertificatePath or -FederatedToken.'
        CertificateThumbprint = 'The thumbprint of the service principal''s certificate (with its private key) in the CurrentUser or LocalMachine "My" certificate store. Stored with the account (ExtendedProperties CertificateThumbprint).'
        CertificatePath = 'The path of the service principal''s certificate file (PKCS#12, with its private key). The path is stored with the account; the file''s content never is.'
        CertificatePassword = 'The password of the certificate file, as a SecureString. Never stored.'
        SendCertificateChain = 'Sends the certificate''s public chain (x5c) with the sign-in, for subject name / issuer authentication and easy certificate rollover.'
        FederatedToken = 'A federated token (alias -ClientAssertion), e.g. an OIDC token issued by a CI system, that the service principal (-ApplicationId) trusts. Never stored.'
        AuthScope = 'The OAuth scope of the sign-in (alias -AuthScopeTypeName): a resource id such as https://storage.azure.com/, or one of AadGraph, AnalysisServices, Attestation, Batch, DataLake, KeyVault, ManagedHsm, OperationalInsights, Storage, Synapse (Tab completes them). Default: Azure Resource Manager.'
        DefaultProfile = 'A context or profile to sign in to instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Connect-AzAccount'; Remarks = 'Signs in in the system browser.' }
        @{ Code = 'Connect-AzAccount -UseDeviceAuthentication -Tenant contoso.onmicrosoft.com'; Remarks = 'Signs in with a device code, for a session without a browser.' }
        @{ Code = '$cred = Get-Credential; Connect-AzAccount -ServicePrincipal -Credential $cred -Tenant $tenantId'; Remarks = 'Signs in as a service principal with its secret.' }
        @{ Code = 'Connect-AzAccount -ServicePrincipal -ApplicationId $appId -CertificatePath ./sp.pfx -Tenant $tenantId'; Remarks = 'Signs in as a service principal with a certificate file.' }
        @{ Code = 'Connect-AzAccount -Identity -AccountId $clientId'; Remarks = 'Signs in with a user-assigned managed identity.' }
        @{ Code = 'Connect-AzAccount -AccessToken $token -AccountId "user@contoso.com" -Tenant $tenantId -Subscription $subscriptionId -SkipValidation -Scope Process'; Remarks = 'Signs in with an access token for this session only; nothing is written to disk.' }
    )
}

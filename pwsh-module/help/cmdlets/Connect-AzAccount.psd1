# Help text for Connect-AzAccount (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Signs in to Azure with an access token, offline, and makes its context the current one.'
    Description = 'Connect-AzAccount (aliases Login-AzAccount, Add-AzAccount) creates an account and its context, as Az.Accounts does, and writes a PSAzureProfile whose Context is the new current context. AzContext makes no network calls, so the form that works is the access-token form with -SkipValidation: -AccessToken (a string or a SecureString), -AccountId, -Subscription and -Tenant (when -Tenant is omitted, the tenant is read from the token''s tid claim). The account has Type AccessToken; the context is named -ContextName, or " (<subscription>) - <tenant> - <account>" as Az names it. The token is kept with the account, as Az keeps it: in the context file (which AzContext writes with mode 0600) in CurrentUser scope, in memory only with -Scope Process. It never appears in any output, verbose, debug or error text. Every other form (interactive sign-in, -UseDeviceAuthentication, -ServicePrincipal, -Identity, or -AccessToken without -SkipValidation) needs the network: it fails with the error NotSupportedOffline and changes nothing.'
    Parameters = @{
        AccessToken = 'The Azure Resource Manager access token, as a string or a SecureString. It is stored with the account and never shown.'
        AccountId = 'The account id the token was issued to (a user name or an application id); it becomes the account''s Id.'
        Tenant = 'The tenant (directory) id (aliases -Domain, -TenantId). With -AccessToken it may be omitted when the token carries a tid claim.'
        Subscription = 'The subscription id of the context (aliases -SubscriptionName, -SubscriptionId). Accepts pipeline input.'
        SkipValidation = 'Stores the context without asking Azure to validate the token or list subscriptions. Requires the subscription id and a tenant id ("Must supply Subscription Id and Tenant Id when using -SkipValidation").'
        Environment = 'The environment (cloud) to sign in to (alias -EnvironmentName); AzureCloud by default. Custom environments added with Add-AzEnvironment work too. An unknown name fails with "Unable to find environment with name ''<name>''".'
        ContextName = 'The name of the new context. An existing name is replaced after a confirmation ("Are you sure you want to replace existing context ''<name>''?"), or at once with -Force. Press Tab to complete stored names.'
        Force = 'Replaces an existing -ContextName without asking. It does not suppress -Confirm.'
        Scope = 'Process: the sign-in lasts for this session only and nothing is written to disk. CurrentUser: the context is saved for later sessions. Without -Scope, the autosave setting decides.'
        SkipContextPopulation = 'Az creates a context for each subscription of the account at first sign-in; this switch skips that. The offline form creates only the requested context anyway.'
        MaxContextPopulation = 'The most contexts Az creates at first sign-in (-1 for all, 0 for none; default 25). The offline form creates only the requested context.'
        GraphAccessToken = 'An Azure AD Graph access token, stored with the account (ExtendedProperties GraphAccessToken) and never shown.'
        MicrosoftGraphAccessToken = 'A Microsoft Graph access token, stored with the account (ExtendedProperties MicrosoftGraphAccessToken) and never shown.'
        KeyVaultAccessToken = 'A Key Vault access token, stored with the account (ExtendedProperties KeyVault) and never shown.'
        UseDeviceAuthentication = 'Signs in with a device code. This needs the network, which AzContext does not use yet: the command fails with NotSupportedOffline.'
        ServicePrincipal = 'Signs in as a service principal. This needs the network, which AzContext does not use yet: the command fails with NotSupportedOffline.'
        Credential = 'The service principal''s application id and secret (with -ServicePrincipal; not available offline).'
        Identity = 'Signs in with the managed identity of the machine (alias -ManagedService). This needs the network: the command fails with NotSupportedOffline.'
        DefaultProfile = 'A context or profile to sign in to instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Connect-AzAccount -AccessToken $token -AccountId "user@contoso.com" -Tenant $tenantId -Subscription $subscriptionId -SkipValidation -Scope Process'; Remarks = 'Signs in with an access token for this session only; nothing is written to disk.' }
        @{ Code = 'Connect-AzAccount -AccessToken $token -AccountId "user@contoso.com" -Subscription $subscriptionId -SkipValidation -ContextName "ci" -Force'; Remarks = 'Signs in with the tenant taken from the token, naming the context "ci" and replacing an existing "ci" without asking.' }
    )
}

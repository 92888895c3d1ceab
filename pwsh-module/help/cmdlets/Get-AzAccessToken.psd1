# Help text for Get-AzAccessToken (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Gets an access token for the current context''s account.'
    Description = 'Get-AzAccessToken returns a token for the account of the current context (or of -DefaultProfile), for Azure Resource Manager unless -ResourceTypeName or -ResourceUrl names another resource. The token comes from the token cache when it holds one that is still fresh; one that expires within minutes is refreshed (users: with the cached refresh token; service principals: with the credential given to Connect-AzAccount in this session; managed identities: from their endpoint). As in current Az, the Token property is a SecureString, so the token shows in no output, view or transcript (-AsSecureString is accepted and changes nothing); use ConvertFrom-SecureString -AsPlainText to send it. ExpiresOn, TenantId, UserId and Type come with it. When the cache cannot serve the account (signed out, refresh token expired or revoked, a service principal''s token expired in a new session), the error says to run Connect-AzAccount again.'
    Parameters = @{
        ResourceTypeName = 'A resource type: Arm or ResourceManager (the default), AadGraph, AnalysisServices, AppConfiguration, Attestation, Batch, DataLake, KeyVault, ManagedHsm, MSGraph, OperationalInsights, Storage, Synapse. The resource id is read from the context''s environment.'
        ResourceUrl = 'The resource (audience) of the token (aliases -Resource, -ResourceUri), e.g. https://graph.microsoft.com/.'
        TenantId = 'The tenant of the token; the context''s tenant by default.'
        AsSecureString = 'Accepted for compatibility with older scripts: the token is always a SecureString.'
        DefaultProfile = 'A context or profile whose account to use instead of the current context (aliases -AzContext, -AzureRmContext, -AzureCredential).'
    }
    Examples = @(
        @{ Code = '$t = Get-AzAccessToken; Invoke-RestMethod -Uri "https://management.azure.com/subscriptions?api-version=2022-12-01" -Authentication Bearer -Token $t.Token'; Remarks = 'Calls Azure Resource Manager with the token, without ever turning it into plain text.' }
        @{ Code = 'Get-AzAccessToken -ResourceTypeName MSGraph'; Remarks = 'A Microsoft Graph token for the current account.' }
    )
}

# Test data for every Pester suite: contexts and profiles in Az's file format written straight into the
# test store (or anywhere under TestDrive) without any cmdlet, fake JWTs and offline sign-ins. Dot-source it after common.ps1. Nothing here
# touches the network or any store outside TestDrive.
Set-StrictMode -Version Latest

<#
.SYNOPSIS
    An environment as Az writes it into a context: the public AzureCloud (the fields tests look at), or a
    custom one (Type User-defined) under its own host, <name>.example.
#>
function New-TestEnvironment {
    param([string]$Name = 'AzureCloud')
    if ($Name -ne 'AzureCloud') {
        return [ordered]@{
            Name = $Name; Type = 'User-defined'; OnPremise = $false
            ServiceManagementUrl = $null; ResourceManagerUrl = "https://management.$Name.example/"
            ManagementPortalUrl = $null; ActiveDirectoryAuthority = "https://login.$Name.example/"
            GraphUrl = $null; StorageEndpointSuffix = "$Name.example"; AdTenant = $null
            VersionProfiles = @(); ExtendedProperties = [ordered]@{ OperationalInsightsEndpoint = "https://insights.$Name.example" }
        }
    }
    [ordered]@{
        Name = $Name
        Type = 'Built-in'
        OnPremise = $false
        ServiceManagementUrl = 'https://management.core.windows.net/'
        ResourceManagerUrl = 'https://management.azure.com/'
        ManagementPortalUrl = 'https://portal.azure.com/'
        PublishSettingsFileUrl = $null
        ActiveDirectoryAuthority = 'https://login.microsoftonline.com/'
        GalleryUrl = 'https://gallery.azure.com/'
        GraphUrl = 'https://graph.windows.net/'
        ActiveDirectoryServiceEndpointResourceId = 'https://management.core.windows.net/'
        StorageEndpointSuffix = 'core.windows.net'
        SqlDatabaseDnsSuffix = '.database.windows.net'
        TrafficManagerDnsSuffix = 'trafficmanager.net'
        AzureKeyVaultDnsSuffix = 'vault.azure.net'
        AzureKeyVaultServiceEndpointResourceId = 'https://vault.azure.net'
        GraphEndpointResourceId = 'https://graph.windows.net/'
        DataLakeEndpointResourceId = 'https://datalake.azure.net/'
        BatchEndpointResourceId = 'https://batch.core.windows.net/'
        AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix = 'azuredatalakeanalytics.net'
        AzureDataLakeStoreFileSystemEndpointSuffix = 'azuredatalakestore.net'
        AdTenant = 'Common'
        ContainerRegistryEndpointSuffix = 'azurecr.io'
        VersionProfiles = @()
        ExtendedProperties = [ordered]@{ MicrosoftGraphUrl = 'https://graph.microsoft.com' }
    }
}

<#
.SYNOPSIS
    One context in Az's JSON shape: returns Name (the key it will be stored under) and Context (an ordered
    hashtable). Without -Name the key is Az's generated one ("<sub name> (<sub id>) - <tenant> - <account>",
    or "<tenant> - <account>" with -NoSubscription). -Token adds an access token (account type
    AccessToken); -Secret a service principal secret (type ServicePrincipal).
.EXAMPLE
    New-TestContext -Name 'mycontext' -Account 'jane@contoso.com' -SubscriptionName 'Prod'
#>
function New-TestContext {
    param(
        [string]$Name,
        [string]$Account = 'jane@contoso.com',
        [string]$AccountType = 'User',
        [string]$Tenant = 'c0ffee00-1234-4abc-9def-000000000042',
        [string]$SubscriptionId = ([guid]::NewGuid().ToString()),
        [string]$SubscriptionName = 'Contoso Prod',
        [string]$State = 'Enabled',
        [switch]$NoSubscription,
        [string]$Environment = 'AzureCloud',
        [string]$Token,
        [string]$Secret,
        [System.Collections.IDictionary]$AccountExtendedProperties = @{},
        [System.Collections.IDictionary]$ExtendedProperties = @{}
    )
    $accountExt = [ordered]@{ Tenants = $Tenant }
    if ($Token) { $AccountType = 'AccessToken'; $accountExt.AccessToken = $Token }
    if ($Secret) { $AccountType = 'ServicePrincipal'; $accountExt.ServicePrincipalSecret = $Secret }
    foreach ($k in $AccountExtendedProperties.Keys) { $accountExt[$k] = $AccountExtendedProperties[$k] }
    $subscription = if ($NoSubscription) { $null } else {
        [ordered]@{
            Id = $SubscriptionId
            Name = $SubscriptionName
            State = $State
            ExtendedProperties = [ordered]@{ Account = $Account; Tenants = $Tenant; HomeTenant = $Tenant; Environment = $Environment; AuthorizationSource = 'RoleBased' }
        }
    }
    $ctx = [ordered]@{
        Account = [ordered]@{ Id = $Account; Credential = $null; Type = $AccountType; TenantMap = @{}; ExtendedProperties = $accountExt }
        Tenant = [ordered]@{ Id = $Tenant; Directory = $null; IsHome = $true; ExtendedProperties = @{} }
        Subscription = $subscription
        Environment = New-TestEnvironment -Name $Environment
        VersionProfile = $null
        TokenCache = [ordered]@{ CacheData = $null }
        ExtendedProperties = [ordered]@{}
    }
    foreach ($k in $ExtendedProperties.Keys) { $ctx.ExtendedProperties[$k] = $ExtendedProperties[$k] }
    if (-not $Name) {
        $Name = if ($NoSubscription) { "$Tenant - $Account" } else { "$SubscriptionName ($SubscriptionId) - $Tenant - $Account" }
    }
    [pscustomobject]@{ Name = $Name; Context = $ctx }
}

<#
.SYNOPSIS
    Writes a profile in Az's format (UTF-8 with BOM, as Az does) with the given contexts (output of
    New-TestContext), default key (the first context's name unless -Default is given) and custom
    environments, to -Path (default: the test store's AzureRmContext.json). Returns the file's path.
.EXAMPLE
    New-TestProfile -Context (New-TestContext -Name a), (New-TestContext -Name b) -Default b
#>
function New-TestProfile {
    param(
        [object[]]$Context = @(),
        [AllowNull()][object]$Default,
        [string[]]$CustomEnvironments = @(),
        [string]$Path
    )
    if (-not $Path) {
        if (-not $env:AZCONTEXT_DIR) { throw 'New-TestProfile: no store (call New-TestStore first)' }
        $Path = Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json'
    }
    if (-not $PSBoundParameters.ContainsKey('Default')) {
        $Default = if ($Context.Count) { $Context[0].Name } else { 'Default' }
    }
    $contexts = [ordered]@{}
    foreach ($c in $Context) { $contexts[$c.Name] = $c.Context }
    $environments = [ordered]@{}
    foreach ($e in $CustomEnvironments) { $environments[$e] = New-TestEnvironment -Name $e }
    $profileObject = [ordered]@{
        DefaultContextKey = $Default
        EnvironmentTable = $environments
        Contexts = $contexts
        ExtendedProperties = @{}
    }
    $json = $profileObject | ConvertTo-Json -Depth 20
    [IO.File]::WriteAllText($Path, $json, [Text.UTF8Encoding]::new($true))
    $Path
}

$script:ContosoKey = 'Contoso Prod (5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90) - c0ffee00-1234-4abc-9def-000000000042 - jane@contoso.com'
$script:FabrikamKey = 'Fabrikam Dev (11111111-2222-4333-8444-555555555555) - fab00000-0000-4000-8000-000000000001 - bob@fabrikam.com'

<#
.SYNOPSIS
    Writes a profile of two contexts in two tenants: 'Contoso Prod' ($ContosoKey, the default unless
    -Default names another) and 'Fabrikam Dev' ($FabrikamKey, in the custom environment fabCloud).
    -Token gives Contoso's account an access token. Returns the file's path.
#>
function New-TwoContextProfile {
    param([string]$Token, [string]$Default = $script:ContosoKey, [string]$Path)
    $a = New-TestContext -Token $Token -SubscriptionId '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90'
    $b = New-TestContext -Account 'bob@fabrikam.com' -Tenant 'fab00000-0000-4000-8000-000000000001' -SubscriptionId '11111111-2222-4333-8444-555555555555' -SubscriptionName 'Fabrikam Dev' -Environment 'fabCloud'
    New-TestProfile -Context $a, $b -Default $Default -CustomEnvironments 'fabCloud' -Path $Path
}

<# A profile file's content parsed (default: the test store's AzureRmContext.json), or $null when absent. #>
function Read-TestProfile {
    param([string]$Path = (Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json'))
    if (-not (Test-Path $Path)) { return $null }
    Get-Content -Raw $Path | ConvertFrom-Json -AsHashtable
}

<#
.SYNOPSIS
    The SHA-256 of a file (default: the test store's AzureRmContext.json), or 'absent', to show that a call
    left the file alone.
#>
function Get-TestFileHash {
    param([string]$Path = (Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json'))
    if (-not (Test-Path $Path)) { return 'absent' }
    (Get-FileHash -Algorithm SHA256 $Path).Hash
}

<#
.SYNOPSIS
    Writes AzureRmContextSettings.json with autosave off (Az's file after Disable-AzContextAutosave), so
    the session that the next call creates for this store runs in Process mode.
#>
function Set-TestAutosaveOff {
    param([string]$Directory = $env:AZCONTEXT_DIR)
    $json = '{"Mode":"Process","ContextDirectory":null,"ContextFile":null,"CacheDirectory":null,"CacheFile":null,"KeyStoreFile":null,"Settings":{}}'
    [IO.File]::WriteAllText((Join-Path $Directory 'AzureRmContextSettings.json'), $json)
}

# ---- Fake JWTs and offline sign-ins (the account and environment suites) ----------------------------

$script:TenantA = 'aaaaaaaa-1111-4111-8111-000000000001'
$script:TenantB = 'bbbbbbbb-2222-4222-8222-000000000002'
$script:SubA = '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b01'
$script:SubB = '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b02'
$script:SubC = '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b03'

function ConvertTo-Base64Url([string]$Text) {
    [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text)).TrimEnd('=').Replace('+', '-').Replace('/', '_')
}

<#
.SYNOPSIS
    A fake JWT (header.payload.signature, base64url) with a tid claim and a recognizable marker, so tests
    can look for any leak of it.
#>
function New-FakeJwt {
    param([string]$TenantId = $script:TenantA, [string]$Marker = 'FAKETOKENMARKER')
    $header = ConvertTo-Base64Url '{"alg":"RS256","typ":"JWT"}'
    $payload = ConvertTo-Base64Url ('{"aud":"https://management.azure.com/","tid":"' + $TenantId + '","oid":"' + $Marker + '","upn":"' + $Marker + '@contoso.com"}')
    "$header.$payload.$(ConvertTo-Base64Url "sig-$Marker")"
}

<# Signs in offline (the access-token form) and returns the PSAzureProfile. #>
function Connect-Fake {
    param(
        [string]$AccountId = 'user@contoso.com',
        [string]$Tenant = $script:TenantA,
        [string]$Subscription = $script:SubA,
        [string]$ContextName,
        [string]$Scope,
        [string]$Environment
    )
    $p = @{ AccessToken = (New-FakeJwt -TenantId $Tenant); AccountId = $AccountId; Tenant = $Tenant; Subscription = $Subscription; SkipValidation = $true; Force = $true }
    if ($ContextName) { $p.ContextName = $ContextName }
    if ($Scope) { $p.Scope = $Scope }
    if ($Environment) { $p.Environment = $Environment }
    Connect-AzAccount @p
}

<# The names of every stored context, sorted. #>
function Get-ContextNames { @(Get-AzContext -ListAvailable | ForEach-Object Name | Sort-Object) }

# Test data for the Pester suites: contexts and AzureRmContext.json files in Az's format written straight
# into the test store, fake JWTs and offline sign-ins. Dot-source it after common.ps1. Nothing here
# touches the network or any store outside TestDrive.
Set-StrictMode -Version Latest

<#
.SYNOPSIS
    The public AzureCloud environment as Az writes it into a context (the fields tests look at).
#>
function New-TestEnvironment {
    param([string]$Name = 'AzureCloud')
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
    One context in Az's JSON shape (an ordered hashtable). -Name is the key it will be stored under;
    without it New-TestProfile uses Az's generated key ("<sub name> (<sub id>) - <tenant> - <account>",
    or "<tenant> - <account>" with -NoSubscription).
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
        [System.Collections.IDictionary]$AccountExtendedProperties = @{},
        [System.Collections.IDictionary]$ExtendedProperties = @{}
    )
    $accountExt = [ordered]@{ Tenants = $Tenant }
    foreach ($k in $AccountExtendedProperties.Keys) { $accountExt[$k] = $AccountExtendedProperties[$k] }
    $subscription = if ($NoSubscription) { $null } else {
        [ordered]@{
            Id = $SubscriptionId
            Name = $SubscriptionName
            State = $State
            ExtendedProperties = [ordered]@{ Account = $Account; Tenants = $Tenant; HomeTenant = $Tenant; Environment = $Environment }
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
    Writes AzureRmContext.json (UTF-8 with BOM, as Az does) into the test store with the given contexts
    (output of New-TestContext) and default key (the first context's name unless -Default is given).
    Returns the file's path.
.EXAMPLE
    New-TestProfile -Context (New-TestContext -Name a), (New-TestContext -Name b) -Default b
#>
function New-TestProfile {
    param(
        [object[]]$Context = @(),
        [AllowNull()][object]$Default,
        [string]$Directory = $env:AZCONTEXT_DIR
    )
    if (-not $Directory) { throw 'New-TestProfile: no store (call New-TestStore first)' }
    if (-not $PSBoundParameters.ContainsKey('Default')) {
        $Default = if ($Context.Count) { $Context[0].Name } else { 'Default' }
    }
    $contexts = [ordered]@{}
    foreach ($c in $Context) { $contexts[$c.Name] = $c.Context }
    $profileObject = [ordered]@{
        DefaultContextKey = $Default
        EnvironmentTable = @{}
        Contexts = $contexts
        ExtendedProperties = @{}
    }
    $path = Join-Path $Directory 'AzureRmContext.json'
    $json = $profileObject | ConvertTo-Json -Depth 20
    [IO.File]::WriteAllText($path, $json, [Text.UTF8Encoding]::new($true))
    $path
}

<# The stored profile as objects (AzureRmContext.json parsed), or $null when there is no file. #>
function Read-TestProfile {
    param([string]$Directory = $env:AZCONTEXT_DIR)
    $path = Join-Path $Directory 'AzureRmContext.json'
    if (-not (Test-Path $path)) { return $null }
    Get-Content -Raw $path | ConvertFrom-Json -AsHashtable
}

<# The SHA-256 of AzureRmContext.json (or '' when missing), to show that a call left the file alone. #>
function Get-TestProfileHash {
    param([string]$Directory = $env:AZCONTEXT_DIR)
    $path = Join-Path $Directory 'AzureRmContext.json'
    if (-not (Test-Path $path)) { return '' }
    (Get-FileHash -Algorithm SHA256 $path).Hash
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

<# AzureRmContext.json of the current test store, parsed (or $null when absent). #>
function Read-ContextFile {
    $path = Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json'
    if (Test-Path $path) { Get-Content -Raw $path | ConvertFrom-Json -AsHashtable } else { $null }
}

<# The SHA-256 of AzureRmContext.json, or 'absent'. #>
function Get-ContextFileHash {
    $path = Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json'
    if (Test-Path $path) { (Get-FileHash $path).Hash } else { 'absent' }
}

<# The names of every stored context, sorted. #>
function Get-ContextNames { @(Get-AzContext -ListAvailable | ForEach-Object Name | Sort-Object) }

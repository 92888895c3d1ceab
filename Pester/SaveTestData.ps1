# Test data for the save/import/autosave/-DefaultProfile/jobs suites: profiles in Az's file format, written
# into the test store (or anywhere under TestDrive) without any cmdlet. Dot-source after common.ps1.
Set-StrictMode -Version Latest

<#
.SYNOPSIS
    One context as Az writes it in AzureRmContext.json (an ordered hashtable, for ConvertTo-Json).
    -Token adds an access token (Type AccessToken); -Secret adds a service principal secret
    (Type ServicePrincipal).
#>
function New-TestContext {
    param(
        [string]$Account = 'jane@contoso.com',
        [string]$Tenant = 'c0ffee00-1234-4abc-9def-000000000042',
        [string]$SubscriptionId = '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90',
        [string]$SubscriptionName = 'Contoso Prod',
        [string]$State = 'Enabled',
        [string]$Token,
        [string]$Secret,
        [hashtable]$ExtendedProperties = @{},
        [string]$Environment = 'AzureCloud'
    )
    $accountExt = [ordered]@{ Tenants = $Tenant }
    $type = 'User'
    if ($Token) { $type = 'AccessToken'; $accountExt.AccessToken = $Token }
    if ($Secret) { $type = 'ServicePrincipal'; $accountExt.ServicePrincipalSecret = $Secret }
    [ordered]@{
        Account = [ordered]@{ Id = $Account; Credential = $null; Type = $type; TenantMap = @{}; ExtendedProperties = $accountExt }
        Tenant = [ordered]@{ Id = $Tenant; Directory = $null; IsHome = $true; ExtendedProperties = @{} }
        Subscription = [ordered]@{
            Id = $SubscriptionId; Name = $SubscriptionName; State = $State
            ExtendedProperties = [ordered]@{ Account = $Account; Environment = $Environment; HomeTenant = $Tenant; Tenants = $Tenant; AuthorizationSource = 'RoleBased' }
        }
        Environment = New-TestEnvironment -Name $Environment
        VersionProfile = $null
        TokenCache = [ordered]@{ CacheData = $null }
        ExtendedProperties = $ExtendedProperties
    }
}

<# An environment record: AzureCloud's main endpoints, or a custom one under its own host. #>
function New-TestEnvironment {
    param([string]$Name = 'AzureCloud')
    if ($Name -eq 'AzureCloud') {
        return [ordered]@{
            Name = 'AzureCloud'; Type = 'Built-in'; OnPremise = $false
            ServiceManagementUrl = 'https://management.core.windows.net/'; ResourceManagerUrl = 'https://management.azure.com/'
            ManagementPortalUrl = 'https://portal.azure.com/'; ActiveDirectoryAuthority = 'https://login.microsoftonline.com/'
            GraphUrl = 'https://graph.windows.net/'; StorageEndpointSuffix = 'core.windows.net'; AdTenant = 'Common'
            VersionProfiles = @(); ExtendedProperties = @{}
        }
    }
    [ordered]@{
        Name = $Name; Type = 'User-defined'; OnPremise = $false
        ServiceManagementUrl = $null; ResourceManagerUrl = "https://management.$Name.example/"
        ManagementPortalUrl = $null; ActiveDirectoryAuthority = "https://login.$Name.example/"
        GraphUrl = $null; StorageEndpointSuffix = "$Name.example"; AdTenant = $null
        VersionProfiles = @(); ExtendedProperties = [ordered]@{ OperationalInsightsEndpoint = "https://insights.$Name.example" }
    }
}

<# Az's generated key for a context (subscription, tenant and account present). #>
function Get-TestContextKey([System.Collections.IDictionary]$Context) {
    '{0} ({1}) - {2} - {3}' -f $Context.Subscription.Name, $Context.Subscription.Id, $Context.Tenant.Id, $Context.Account.Id
}

<#
.SYNOPSIS
    A whole profile (AzureRmContext.json's shape) from contexts keyed by their generated key, or by the
    names given in -Names. -Default names the default key (the first context's when not given).
#>
function New-TestProfile {
    param(
        [System.Collections.IDictionary[]]$Contexts = @(),
        [string[]]$Names = @(),
        [string]$Default,
        [string[]]$CustomEnvironments = @()
    )
    $map = [ordered]@{}
    for ($i = 0; $i -lt $Contexts.Count; $i++) {
        $key = if ($i -lt $Names.Count) { $Names[$i] } else { Get-TestContextKey $Contexts[$i] }
        $map[$key] = $Contexts[$i]
    }
    $envs = [ordered]@{}
    foreach ($e in $CustomEnvironments) { $envs[$e] = New-TestEnvironment -Name $e }
    if (-not $Default) { $Default = if ($map.Count) { @($map.Keys)[0] } else { 'Default' } }
    [ordered]@{ DefaultContextKey = $Default; EnvironmentTable = $envs; Contexts = $map; ExtendedProperties = @{} }
}

<# Writes a profile as JSON to -Path (default: the test store's AzureRmContext.json); returns the path. #>
function Write-TestProfile {
    param([Parameter(Mandatory)][System.Collections.IDictionary]$Profile, [string]$Path)
    if (-not $Path) { $Path = Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json' }
    $Profile | ConvertTo-Json -Depth 20 | Set-Content -Path $Path -NoNewline
    $Path
}

<# Two contexts in two tenants: 'Contoso Prod' (the default) and 'Fabrikam Dev'. #>
function New-TwoContextProfile {
    param([string]$Token)
    $a = New-TestContext -Token $Token
    $b = New-TestContext -Account 'bob@fabrikam.com' -Tenant 'fab00000-0000-4000-8000-000000000001' -SubscriptionId '11111111-2222-4333-8444-555555555555' -SubscriptionName 'Fabrikam Dev' -Environment 'fabCloud'
    New-TestProfile -Contexts $a, $b -CustomEnvironments 'fabCloud'
}

<# SHA-256 of a file, or $null when it does not exist. #>
function Get-TestHash([string]$Path) {
    if (Test-Path $Path) { (Get-FileHash -Algorithm SHA256 -Path $Path).Hash } else { $null }
}

<# The test store's AzureRmContext.json, parsed; $null when there is none. #>
function Read-StoreProfile {
    $p = Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json'
    if (Test-Path $p) { Get-Content $p -Raw | ConvertFrom-Json -AsHashtable } else { $null }
}

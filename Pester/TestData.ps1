# Test data for the account and environment suites: fake JWTs and offline sign-ins. Dot-source it after
# common.ps1. Nothing here touches the network or any store outside TestDrive.
Set-StrictMode -Version Latest

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

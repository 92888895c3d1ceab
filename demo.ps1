#Requires -Version 7.4
# The main job of AzContext, run by `./build.sh demo` in a fresh pwsh with a throwaway AZCONTEXT_DIR:
# the walk-through of "Azure contexts and sign-in credentials", offline. It never touches your ~/.Azure.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (-not $env:AZCONTEXT_DIR) { throw 'demo.ps1 runs only with AZCONTEXT_DIR set (./build.sh demo sets it)' }

function Show([string]$Command, [scriptblock]$Block) {
    Write-Host "`nPS> $Command" -ForegroundColor Yellow
    & $Block | Format-Table -AutoSize | Out-String -Width 200 | ForEach-Object TrimEnd | Out-Host
}

# A JWT-shaped access token, made up here: AzContext signs in offline with -AccessToken -SkipValidation.
function New-DemoToken([string]$TenantId) {
    $enc = { param($s) [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($s)).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    (& $enc '{"alg":"none","typ":"JWT"}') + '.' + (& $enc "{`"tid`":`"$TenantId`",`"aud`":`"https://management.azure.com/`"}") + '.demo-signature'
}

$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module AzContext
Write-Host ("Imported AzContext {0} in {1:n0} ms; store: {2}" -f (Get-Module AzContext).Version, $sw.Elapsed.TotalMilliseconds, $env:AZCONTEXT_DIR)

$tenant = 'c0ffee00-1234-4abc-9def-000000000042'
$token = New-DemoToken $tenant
Show 'Get-AzContext    # nothing yet, and no error' { Get-AzContext }
Show 'Connect-AzAccount -AccessToken $token -AccountId jane@contoso.com -Subscription <prod> -SkipValidation -ContextName Prod' {
    Connect-AzAccount -AccessToken $token -AccountId 'jane@contoso.com' -Subscription '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90' -SkipValidation -ContextName 'Prod'
}
Show 'Connect-AzAccount ... -Subscription <dev> -ContextName Dev' {
    Connect-AzAccount -AccessToken $token -AccountId 'jane@contoso.com' -Subscription '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9' -SkipValidation -ContextName 'Dev'
}
Show 'Get-AzContext -ListAvailable' { Get-AzContext -ListAvailable }
Show 'Get-AzContext -Name Prod | Select-AzContext' { Get-AzContext -Name 'Prod' | Select-AzContext }
Show 'azctx current    # the same store, from the command line tool for shell prompts' { & (Join-Path $PSScriptRoot 'out/bin/azctx') current }
Show 'Rename-AzContext -SourceName Dev -TargetName Development -PassThru' { Rename-AzContext -SourceName 'Dev' -TargetName 'Development' -PassThru }
Show 'Select-AzContext -Name Development -Scope Process    # this session only; the file keeps Prod' {
    Select-AzContext -Name 'Development' -Scope Process
    "on disk, the default is still: $(& (Join-Path $PSScriptRoot 'out/bin/azctx') current)"
}
$saved = Join-Path $env:AZCONTEXT_DIR 'saved-contexts.json'
Show "Save-AzContext -Path $saved    # no token is written without -WithCredential" {
    Save-AzContext -Path $saved
    "saved $((Get-Item $saved).Length) bytes, mode $((Get-Item $saved).UnixFileMode); holds the token: $((Get-Content $saved -Raw).Contains($token))"
}
Show 'Clear-AzContext -Scope CurrentUser -Force; Get-AzContext -ListAvailable' {
    Clear-AzContext -Scope CurrentUser -Force
    "contexts left: $(@(Get-AzContext -ListAvailable).Count)"
}
Show "Import-AzContext -Path $saved" { Import-AzContext -Path $saved }
Show 'Get-AzContext -ListAvailable' { Get-AzContext -ListAvailable }
Show 'Remove-AzContext -Name Development -Force -PassThru    # the imported default: -Force instead of the prompt' {
    Remove-AzContext -Name 'Development' -Force -PassThru
}
Show 'Disconnect-AzAccount    # signs out jane@contoso.com: every context of hers goes' { Disconnect-AzAccount }
Show 'Get-AzContext -ListAvailable' { Get-AzContext -ListAvailable }
Write-Host "`nStore files (owner-only):"
Get-ChildItem $env:AZCONTEXT_DIR -File | ForEach-Object { "  {0,-32} {1}" -f $_.Name, $_.UnixFileMode } | Out-Host

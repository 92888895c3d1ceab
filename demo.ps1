#Requires -Version 7.4
# The main job of AzContext, run by `./build.sh demo` in a fresh pwsh with a throwaway AZCONTEXT_DIR.
# It never touches your ~/.Azure.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
if (-not $env:AZCONTEXT_DIR) { throw 'demo.ps1 runs only with AZCONTEXT_DIR set (./build.sh demo sets it)' }

function Show([string]$Command, [scriptblock]$Block) {
    Write-Host "`nPS> $Command" -ForegroundColor Yellow
    & $Block | Out-Host
}

$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module AzContext
Write-Host ("Imported AzContext {0} in {1:n0} ms; store: {2}" -f (Get-Module AzContext).Version, $sw.Elapsed.TotalMilliseconds, $env:AZCONTEXT_DIR)

Show 'Get-AzContextAutosaveSetting' { Get-AzContextAutosaveSetting }
Show 'Get-AzContext' { Get-AzContext }
Show 'Get-AzContext -ListAvailable' { Get-AzContext -ListAvailable }
Write-Host "`n(The store is empty: no context yet, and no error.)"

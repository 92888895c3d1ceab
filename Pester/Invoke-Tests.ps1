#Requires -Version 7.4
<#
.SYNOPSIS
    Runs every Pester suite against the built module out/AzContext, in this (fresh) pwsh, and writes the
    counts to -ResultPath as JSON. build.ps1's test task starts it with `pwsh -NoProfile -NonInteractive`.
#>
param(
    [string]$ResultPath,
    [string[]]$Path = @($PSScriptRoot)
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$root = Split-Path $PSScriptRoot
$pester = $env:AZCONTEXT_PESTER
if (-not $pester -or -not (Test-Path $pester)) {
    throw 'AZCONTEXT_PESTER must name Pester 5.7.1''s Pester.psd1 (./build.sh sets it)'
}
# Only the module as shipped, Pester and pwsh's own modules: nothing from the user's module paths.
$env:PSModulePath = @((Join-Path $root 'out'), (Split-Path (Split-Path $pester)), (Join-Path $PSHOME 'Modules')) -join [IO.Path]::PathSeparator
Import-Module $pester -RequiredVersion 5.7.1

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.Should.ErrorAction = 'Continue'
$result = Invoke-Pester -Configuration $config

if ($ResultPath) {
    [pscustomobject]@{
        Passed = $result.PassedCount
        Failed = $result.FailedCount
        Errors = $result.FailedBlocksCount + $result.FailedContainersCount
        Skipped = $result.SkippedCount
    } | ConvertTo-Json | Set-Content -Path $ResultPath
}
if ($result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0) { exit 1 }

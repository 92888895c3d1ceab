#Requires -Version 7.4
<#
.SYNOPSIS
    Runs every Pester suite against the built module out/AzContext, in this (fresh) pwsh, and prints one
    report: each failure in full, then "N passed, N failed". With -ResultPath it also writes the counts and
    the report there as JSON (build.ps1's test task starts it so, with `pwsh -NoProfile -NonInteractive`).
.DESCRIPTION
    Counted as failed: a failed test, a test that was skipped, not run or inconclusive, a failed
    BeforeAll/AfterAll block, a file that failed to run, and a file in which no test was discovered.
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
$config.Output.Verbosity = 'None'
$config.Should.ErrorAction = 'Continue'
$result = Invoke-Pester -Configuration $config

function Format-ErrorRecord($ErrorRecord) {
    foreach ($e in $ErrorRecord) {
        $e.Exception.Message
        # The frames of the tests and the module; Pester's own and this runner's are noise.
        $frames = $e.ScriptStackTrace -split "`n" | Where-Object { $_ -and $_ -notmatch '[\\/]Pester\.ps[m1]*1: line|Invoke-Tests\.ps1: line' }
        $frames | ForEach-Object { "    $_" }
    }
}

$report = [System.Collections.Generic.List[string]]::new()
$failed = 0
foreach ($t in $result.Tests) {
    if ($t.Result -eq 'Passed') { continue }
    $failed++
    $report.Add("[-] $($t.ExpandedPath) ($($t.Result)) at $($t.ScriptBlock.File):$($t.StartLine)")
    foreach ($line in (Format-ErrorRecord $t.ErrorRecord)) { $report.Add("    $line") }
}
foreach ($c in $result.Containers) {
    if ($c.Result -eq 'Failed' -and $c.ErrorRecord.Count -gt 0) {
        $failed++
        $report.Add("[-] $($c.Item) failed to run")
        foreach ($line in (Format-ErrorRecord $c.ErrorRecord)) { $report.Add("    $line") }
    } elseif ($c.TotalCount -eq 0) {
        $failed++
        $report.Add("[-] $($c.Item) discovered no test")
    }
}
foreach ($b in $result.FailedBlocks) {
    $failed++
    $report.Add("[-] $($b.ExpandedPath) (a BeforeAll or AfterAll failed)")
    foreach ($line in (Format-ErrorRecord $b.ErrorRecord)) { $report.Add("    $line") }
}
$passed = $result.PassedCount
$report.Add("$passed passed, $failed failed")
$report | Write-Output

if ($ResultPath) {
    [pscustomobject]@{ Passed = $passed; Failed = $failed; Report = $report.ToArray() } |
        ConvertTo-Json | Set-Content -Path $ResultPath
}
if ($failed -gt 0) { exit 1 }

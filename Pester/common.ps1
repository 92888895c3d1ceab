# Shared by every Pester suite: dot-source it in BeforeAll. Each test gets its own store under TestDrive.
Set-StrictMode -Version Latest

$script:RepoRoot = Split-Path $PSScriptRoot
$script:Fixtures = Join-Path $script:RepoRoot 'tests/fixtures/az-accounts'

<#
.SYNOPSIS
    Points AZCONTEXT_DIR at a new, empty folder under TestDrive and clears AzContextAutoSave. Refuses any
    store outside TestDrive, so no test can touch the developer's ~/.Azure.
#>
function New-TestStore {
    $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $dir
    if (-not $dir.StartsWith((Get-PSDrive TestDrive).Root)) { throw "refusing a store outside TestDrive: $dir" }
    $env:AZCONTEXT_DIR = $dir
    Remove-Item Env:AzContextAutoSave -ErrorAction Ignore
    $dir
}

<#
.SYNOPSIS
    Runs a script block in a fresh pwsh that imports out/AzContext, with the given environment; returns
    its output (CLIXML, so objects come back deserialized) — for import-time behaviour and for checks
    that another process sees what this one wrote.
#>
function Invoke-InNewPwsh {
    param([Parameter(Mandatory)][scriptblock]$ScriptBlock, [hashtable]$Environment = @{}, [object[]]$ArgumentList = @())
    $pwsh = if ($env:AZCONTEXT_PWSH) { $env:AZCONTEXT_PWSH } else { Join-Path $PSHOME 'pwsh' }
    $saved = @{}
    foreach ($k in $Environment.Keys) {
        $saved[$k] = [Environment]::GetEnvironmentVariable($k)
        [Environment]::SetEnvironmentVariable($k, $Environment[$k])
    }
    try {
        & $pwsh -NoProfile -NonInteractive -OutputFormat XML -Command $ScriptBlock -args $ArgumentList
    } finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
}

<# Completion results for a command line, as a user pressing Tab would get them. #>
function Complete([string]$Line) {
    [System.Management.Automation.CommandCompletion]::CompleteInput($Line, $Line.Length, $null).CompletionMatches
}

<#
Runs $Command, which must stop with the one error for a context name that is not stored: terminating (try/catch
sees it), Az's ValidateSet id, category and message for -$Parameter, the typed name as target. Returns the
ErrorRecord for further checks.
#>
function Assert-UnknownContextName {
    param([Parameter(Mandatory)][scriptblock]$Command, [Parameter(Mandatory)][string]$Name, [string]$Parameter = 'Name')
    $err = @(try { & $Command; 'not thrown' } catch { $_ })
    $err.Count | Should -Be 1
    $err[0] | Should -BeOfType [System.Management.Automation.ErrorRecord]
    $err[0].FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
    $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
    $err[0].TargetObject | Should -Be $Name
    $err[0].Exception.Message | Should -BeLike "Cannot validate argument on parameter '$Parameter'. The argument `"$Name`" does not belong to the set `"*`" specified by the ValidateSet attribute.*"
    $err[0]
}

#Requires -Version 7.4
<#
.SYNOPSIS
    The one entry to build, test, demo, benchmark and run AzContext. Start it through ./build.sh, which
    installs what is missing first.
.DESCRIPTION
    ./build.sh build          out/AzContext/ (the module as shipped) and out/bin/azctx
    ./build.sh test           every suite; the last line is "N passed, N failed" over all of them
    ./build.sh demo           builds, then shows the main job in a fresh pwsh with a throwaway store
    ./build.sh bench          the benchmarks in bench/
    ./build.sh pwsh ARGS...   the project's pwsh with out/ first on PSModulePath
#>
# Not an advanced script on purpose: `./build.sh pwsh -NoProfile -c ...` passes pwsh's own switches
# through $args, which an advanced script would try to bind.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $true

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'AzContext'
$FfiDir = Join-Path $Root 'crates/azcontext-ffi'
$Header = Join-Path $FfiDir 'include/azcontext.h'
# The pwsh that runs this script (build.sh exports it: a dotnet-tool pwsh runs as `dotnet pwsh.dll`, so
# the process path is no use), for the child sessions of help, tests and demo.
$Pwsh = if ($env:AZCONTEXT_PWSH) { $env:AZCONTEXT_PWSH } else { Join-Path $PSHOME 'pwsh' }
$env:AZCONTEXT_PWSH = $Pwsh
$TargetDir = if ($env:CARGO_TARGET_DIR) { $env:CARGO_TARGET_DIR } else { Join-Path $Root 'target' }

. (Join-Path $Root 'pwsh-module/readytorun/ReadyToRun.ps1')

function Write-Step([string]$Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Get-WorkspaceVersion {
    $line = Get-Content (Join-Path $Root 'Cargo.toml') | Where-Object { $_ -match '^version\s*=\s*"([^"]+)"' } |
        Select-Object -First 1
    if (-not $line) { throw 'Cargo.toml has no [workspace.package] version' }
    $null = $line -match '"([^"]+)"'
    $Matches[1]
}

function Invoke-Cbindgen([string]$OutputPath) {
    Push-Location $FfiDir
    try {
        cbindgen --quiet --config cbindgen.toml --crate azcontext-ffi --output $OutputPath
    } finally {
        Pop-Location
    }
}

# dotnet build, silent when it succeeds (its "Build succeeded" summary is not one of the test run's lines,
# and -consoleLoggerParameters:NoSummary does not remove it); its whole output, and a failure, when not.
function Invoke-DotnetBuild([string]$Project, [string]$OutputDir, [string[]]$Properties = @()) {
    $PSNativeCommandUseErrorActionPreference = $false
    $output = dotnet build $Project --nologo --verbosity quiet -c Release @Properties -o $OutputDir 2>&1
    if ($LASTEXITCODE -ne 0) {
        $output | Out-Host
        throw "dotnet build $Project failed (exit code $LASTEXITCODE)"
    }
}

function Invoke-Build {
    $version = Get-WorkspaceVersion
    Write-Step "cargo build --release (azcontext $version)"
    cargo build --release --workspace --quiet
    Write-Step 'cbindgen: crates/azcontext-ffi/include/azcontext.h'
    Invoke-Cbindgen $Header

    Write-Step 'dotnet build pwsh-module/engine (sign-in, MSAL.NET)'
    $engineBin = Join-Path $Root 'pwsh-module/engine/bin/Release'
    Invoke-DotnetBuild (Join-Path $Root 'pwsh-module/engine/AzContext.Engine.csproj') $engineBin "-p:Version=$version"

    Write-Step 'dotnet build pwsh-module'
    $csBin = Join-Path $Root 'pwsh-module/bin/Release'
    Invoke-DotnetBuild (Join-Path $Root 'pwsh-module/AzContext.csproj') $csBin "-p:Version=$version"

    Write-Step "lay out $ModuleOut"
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $ModuleOut, (Join-Path $ModuleOut 'en-US'), (Join-Path $Out 'bin') -Force
    Copy-Item (Join-Path $csBin 'AzContext.dll') $ModuleOut
    # The engine and MSAL only in dependencies/, never beside AzContext.dll: the module loads them into
    # its own AssemblyLoadContext on first sign-in, so another module's MSAL never clashes with them.
    $deps = New-Item -ItemType Directory -Path (Join-Path $ModuleOut 'dependencies') -Force
    Get-ChildItem $engineBin -Filter '*.dll' | Copy-Item -Destination $deps
    # Our two assemblies ReadyToRun-compiled for the runtime of this pwsh: its cold start then runs their
    # native code instead of JIT-compiling them; other runtimes JIT their IL as before. The released pwsh
    # is itself ReadyToRun-compiled, so there the JIT would otherwise be most of what importing costs.
    if ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64' -and $IsLinux) {
        Write-Step "crossgen2: AzContext.dll and AzContext.Engine.dll ReadyToRun for .NET $([Environment]::Version)"
        $crossgen2 = Get-Crossgen2
        Invoke-Crossgen2 $crossgen2 (Join-Path $ModuleOut 'AzContext.dll') @($PSHOME, $engineBin)
        Invoke-Crossgen2 $crossgen2 (Join-Path $deps 'AzContext.Engine.dll') @($engineBin, $PSHOME)
    }
    Copy-Item (Join-Path $TargetDir 'release/libazcontext.so') $ModuleOut
    foreach ($f in 'AzContext.format.ps1xml', 'AzContext.types.ps1xml') {
        Copy-Item (Join-Path $Root "pwsh-module/$f") $ModuleOut
    }
    # The manifest is stamped with the workspace version: one version for every layer.
    $manifest = Get-Content (Join-Path $Root 'pwsh-module/AzContext.psd1') -Raw
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '$version'"
    Set-Content -Path (Join-Path $ModuleOut 'AzContext.psd1') -Value $manifest -NoNewline
    Copy-Item (Join-Path $TargetDir 'release/azctx') (Join-Path $Out 'bin/azctx')
    # Shell completion for azctx: subcommands, options and context names.
    $completions = Join-Path $Out 'completions'
    $null = New-Item -ItemType Directory $completions -Force
    foreach ($c in @{ bash = 'azctx.bash'; zsh = '_azctx'; fish = 'azctx.fish'; powershell = 'azctx.ps1' }.GetEnumerator()) {
        $script = & (Join-Path $Out 'bin/azctx') completion $c.Key
        Set-Content -Path (Join-Path $completions $c.Value) -Value ($script -join "`n")
    }
    # Help: text from pwsh-module/help, parameter metadata from the built cmdlets (a child pwsh, because
    # a binary module cannot be unloaded from this one).
    & $Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'pwsh-module/help/New-MamlHelp.ps1') `
        -ModulePath (Join-Path $ModuleOut 'AzContext.psd1') -OutFile (Join-Path $ModuleOut 'en-US/AzContext.dll-Help.xml')
    Copy-Item (Join-Path $Root 'pwsh-module/help/about_AzContext.help.txt') (Join-Path $ModuleOut 'en-US')
    Write-Host "built $ModuleOut and $(Join-Path $Out 'bin/azctx')"
    Build-TestTools
}

# The tests' own programs, beside the module and never in it: the Entra ID / ARM emulator and the MSAL
# client that uses the token cache the way Az.Accounts does.
function Build-TestTools {
    foreach ($tool in @(
            @{ Project = 'tests/emulator/AzContext.Emulator.csproj'; Out = 'emulator' }
            @{ Project = 'tests/msal-client/AzContext.MsalClient.csproj'; Out = 'msal-client' })) {
        $project = Join-Path $Root $tool.Project
        if (-not (Test-Path $project)) { continue }
        Write-Step "dotnet build $($tool.Project) -> out/$($tool.Out)"
        Invoke-DotnetBuild $project (Join-Path $Out $tool.Out)
    }
}

# ---------------------------------------------------------------------------------------------------
# test: every step is a suite that adds to one tally, prints one line, and prints its output in full only
# when it fails. The last line is "N passed, N failed".
$script:Passed = 0
$script:Failed = 0
$script:FailedSuites = [System.Collections.Generic.List[string]]::new()

# The fewest tests each counted suite may report: a suite that finds fewer (a test binary or file that
# stopped being discovered, a filter that matches nothing) fails. Raise these as tests are added; lower
# one only together with the commit that deliberately removes tests.
$MinimumTests = @{
    'cargo test (core, C ABI)' = 149
    'cargo test (azctx, cross-process)' = 32
    'Pester' = 714
}

function Add-Result([string]$Suite, [int]$Passed, [int]$Failed, [string[]]$Details = @()) {
    $minimum = if ($MinimumTests.ContainsKey($Suite)) { $MinimumTests[$Suite] } else { 1 }
    if ($Passed + $Failed -lt $minimum) {
        $Details += "expected at least $minimum tests, found $($Passed + $Failed)"
        $Failed++
    }
    $script:Passed += $Passed
    $script:Failed += $Failed
    if ($Failed -gt 0) { $script:FailedSuites.Add($Suite) }
    $color = if ($Failed -gt 0) { 'Red' } else { 'Green' }
    Write-Host ("{0}: {1} passed, {2} failed" -f $Suite, $Passed, $Failed) -ForegroundColor $color
    if ($Failed -gt 0) { $Details | Out-String -Width 200 | Write-Host }
}

# Runs $Command with every stream captured; returns whether it succeeded (no exception, exit code 0) and
# what it printed, so a passing step prints nothing and a failing one prints everything.
function Invoke-Captured([scriptblock]$Command) {
    $output = [System.Collections.Generic.List[string]]::new()
    $ok = $true
    $global:LASTEXITCODE = 0
    try {
        & $Command *>&1 | ForEach-Object { $output.Add(($_ | Out-String -Width 200).TrimEnd()) }
        if ($LASTEXITCODE -and $LASTEXITCODE -ne 0) { $ok = $false; $output.Add("exit code $LASTEXITCODE") }
    } catch {
        $output.Add(($_ | Out-String -Width 200).TrimEnd())
        $ok = $false
    }
    [pscustomobject]@{ Ok = $ok; Output = $output.ToArray() }
}

# Runs one step as a single check: passed when it throws nothing and exits 0.
function Invoke-Check([string]$Suite, [scriptblock]$Command) {
    $r = Invoke-Captured $Command
    if ($r.Ok) { Add-Result $Suite 1 0 } else { Add-Result $Suite 0 1 $r.Output }
}

# Runs one `cargo test` invocation as a suite, counting the harness's own "test result" lines. Every
# test binary runs (--no-fail-fast); a failure prints the harness's report of each failed test, and a
# build failure or crash (no report) prints the whole output.
function Invoke-CargoTestSuite([string]$Suite, [string[]]$Arguments) {
    $cargoArgs = @('test', '--no-fail-fast') + $Arguments
    $r = Invoke-Captured { cargo @cargoArgs }
    $passed = 0; $failed = 0
    $details = [System.Collections.Generic.List[string]]::new()
    $inFailures = $false
    foreach ($line in ($r.Output -join "`n") -split "`n") {
        if ($line -match '^test result: \w+\. (\d+) passed; (\d+) failed') {
            $passed += [int]$Matches[1]
            $failed += [int]$Matches[2]
            $inFailures = $false
        } elseif ($line -eq 'failures:') {
            $inFailures = $true
        }
        if ($inFailures) { $details.Add($line) }
    }
    if (-not $r.Ok -and $failed -eq 0) {
        $failed = 1
        $details = $r.Output
    }
    Add-Result $Suite $passed $failed $details
}

function Invoke-CargoTests {
    Invoke-CargoTestSuite 'cargo test (core, C ABI)' @('--workspace', '--all-targets', '--exclude', 'azcontext-cli')
    # azctx and the cross-process tests: real processes racing on real files, one test at a time so each
    # has the machine (tests/cross-process.sh runs the same and shows their figures).
    Invoke-CargoTestSuite 'cargo test (azctx, cross-process)' @('-p', 'azcontext-cli', '--all-targets', '--', '--test-threads=1')
}
# Runs before the build (which regenerates the header): compares the header as committed in this tree
# with a fresh cbindgen run, so a stale header fails the test task instead of being fixed silently.
function Test-HeaderFresh {
    Invoke-Check 'header is up to date (cbindgen)' {
        $fresh = Join-Path ([IO.Path]::GetTempPath()) "azcontext-$PID.h"
        try {
            Invoke-Cbindgen $fresh
            $PSNativeCommandUseErrorActionPreference = $false
            $diff = & git --no-pager diff --no-index -- $Header $fresh
            if ($LASTEXITCODE -ne 0) {
                $diff
                throw 'crates/azcontext-ffi/include/azcontext.h is stale: run ./build.sh build and commit it'
            }
            $global:LASTEXITCODE = 0
        } finally {
            Remove-Item $fresh -ErrorAction Ignore
        }
    }
}

function Test-Header {
    $tmp = Join-Path ([IO.Path]::GetTempPath()) "azctx-hdr-$PID"
    $null = New-Item -ItemType Directory $tmp -Force
    Set-Content (Join-Path $tmp 'c.c') "#include `"azcontext.h`"`nint main(void) { return (int)azctx_abi_version() == AZCTX_ABI_VERSION ? 0 : 1; }`n"
    Copy-Item (Join-Path $tmp 'c.c') (Join-Path $tmp 'cpp.cpp')
    $inc = Split-Path $Header
    Invoke-Check 'header compiles alone as C99 (-Wall -Wextra -Werror)' {
        cc -std=c99 -pedantic -Wall -Wextra -Werror -I $inc -c (Join-Path $tmp 'c.c') -o (Join-Path $tmp 'c.o')
    }
    Invoke-Check 'header compiles alone as C++ (-Wall -Wextra -Werror)' {
        c++ -std=c++17 -Wall -Wextra -Werror -I $inc -c (Join-Path $tmp 'cpp.cpp') -o (Join-Path $tmp 'cpp.o')
    }
    Remove-Item $tmp -Recurse -Force
}

function Test-Exports {
    Invoke-Check 'libazcontext.so exports only azctx_ symbols' {
        $lib = Join-Path $ModuleOut 'libazcontext.so'
        $symbols = & nm -D --defined-only $lib | ForEach-Object { ($_ -split '\s+')[-1] } |
            Where-Object { $_ -and $_ -notmatch '^_' }
        $bad = @($symbols | Where-Object { $_ -notlike 'azctx_*' })
        $good = @($symbols | Where-Object { $_ -like 'azctx_*' })
        if ($bad.Count -gt 0) { throw "exports without the azctx_ prefix: $($bad -join ', ')" }
        if ($good.Count -lt 5) { throw "expected the azctx_ exports, found $($good.Count)" }
        "exports: $($good.Count) azctx_ functions"
    }
}

function Test-Valgrind {
    # The ABI test binary (Rust, calling the exports as C does) and the C program, under memcheck.
    $Suppressions = Join-Path $FfiDir 'ctest/valgrind.supp'
    Invoke-Check 'valgrind: Rust ABI tests (0 leaks, 0 errors)' {
        $json = & cargo test -p azcontext-ffi --features test-hooks --test abi --no-run --message-format=json 2>$null
        $exe = $json | ForEach-Object { try { $_ | ConvertFrom-Json } catch { $null } } |
            Where-Object { $_ -and $_.PSObject.Properties['executable'] -and $_.executable -and $_.target.name -eq 'abi' } |
            Select-Object -Last 1 -ExpandProperty executable
        if (-not $exe) { throw 'cargo built no abi test binary' }
        # One test thread, so valgrind's serialization doesn't hide ordering; leak-check full.
        valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible `
            --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes "--suppressions=$Suppressions" `
            $exe --test-threads=2
    }
    $cTest = Join-Path $Root 'crates/azcontext-ffi/ctest/test.c'
    $bin = Join-Path ([IO.Path]::GetTempPath()) "azctx-ctest-$PID"
    Invoke-Check 'valgrind: C program against the header (0 leaks, 0 errors)' {
        cc -std=c99 -Wall -Wextra -Werror -I (Split-Path $Header) $cTest -L $ModuleOut -lazcontext -lpthread `
            "-Wl,-rpath,$ModuleOut" -o $bin
        valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible `
            --errors-for-leak-kinds=definite,indirect,possible "--suppressions=$Suppressions" $bin
    }
    Remove-Item $bin -ErrorAction Ignore
}

function Invoke-Pester {
    # The runner prints its own report (each failure in full) to -ReportPath; what the child session wrote
    # to its host besides ("What if:" lines of -WhatIf tests, warnings the tests provoke) is shown only
    # when the runner produced no result.
    $resultFile = Join-Path ([IO.Path]::GetTempPath()) "azctx-pester-$PID.json"
    $runner = Join-Path $Root 'Pester/Invoke-Tests.ps1'
    Remove-Item $resultFile -ErrorAction Ignore
    $r = Invoke-Captured { & $Pwsh -NoProfile -NonInteractive -File $runner -ResultPath $resultFile }
    if (Test-Path $resultFile) {
        $result = Get-Content $resultFile -Raw | ConvertFrom-Json
        Remove-Item $resultFile
        Add-Result 'Pester' $result.Passed $result.Failed @($result.Report)
    } else {
        Add-Result 'Pester' 0 1 $r.Output
    }
}

function Invoke-Test {
    Test-HeaderFresh
    # A build that fails is a failed suite: the run still ends with its "N passed, N failed" line.
    $build = Invoke-Captured { Invoke-Build }
    if (-not $build.Ok) {
        Add-Result 'build' 0 1 $build.Output
        Write-Host "$($script:Passed) passed, $($script:Failed) failed"
        exit 1
    }
    Add-Result 'build' 1 0
    Invoke-Check 'self-contained: no tracked file reads test data from beside the checkout' {
        # The pattern is built from parts so this line does not match itself.
        $outside = '\.\./' + 'shared|' + 'shared/' + 'fixtures'
        $PSNativeCommandUseErrorActionPreference = $false
        $hits = & git -C $Root grep -n -E $outside -- ':!*.md' ':!.ci/run'
        if ($hits) { $hits; throw 'these lines name files outside the repository: commit the data under tests/ instead' }
        $global:LASTEXITCODE = 0
    }
    Invoke-Check 'cargo fmt --check' { cargo fmt --all -- --check }
    Invoke-Check 'cargo clippy -D warnings' { cargo clippy --workspace --all-targets --quiet -- -D warnings }
    Invoke-CargoTests
    Test-Header
    Test-Exports
    Test-Valgrind
    Invoke-Pester
    if ($script:FailedSuites.Count -gt 0) {
        Write-Host "failed suites: $($script:FailedSuites -join ', ')" -ForegroundColor Red
    }
    # The last line, over all suites together.
    Write-Host "$($script:Passed) passed, $($script:Failed) failed"
    if ($script:Failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $store = Join-Path ([IO.Path]::GetTempPath()) "azcontext-demo-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $null = New-Item -ItemType Directory $store
    Write-Step "demo in a fresh pwsh; AZCONTEXT_DIR=$store (your ~/.Azure is never touched)"
    $env:AZCONTEXT_DIR = $store
    $env:PSModulePath = $Out + [IO.Path]::PathSeparator + $env:PSModulePath
    try {
        & $Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'demo.ps1')
    } finally {
        Remove-Item $store -Recurse -Force -ErrorAction Ignore
    }
}

function Invoke-Bench([object[]]$Arguments) {
    Invoke-Build
    & (Join-Path $Root 'bench/run.ps1') @Arguments
}

function Invoke-Pwsh([object[]]$Arguments) {
    $env:PSModulePath = $Out + [IO.Path]::PathSeparator + $env:PSModulePath
    & $Pwsh @Arguments
    exit $LASTEXITCODE
}

$task = if ($args.Count -gt 0) { [string]$args[0] } else { 'build' }
# (An `if` that yields @() yields $null: build the array explicitly.)
$rest = [object[]]@($args | Select-Object -Skip 1)
$PSNativeCommandUseErrorActionPreference = $true
switch ($task) {
    'build' { Invoke-Build }
    'test' { Invoke-Test }
    'demo' { Invoke-Demo }
    'bench' { Invoke-Bench $rest }
    'pwsh' { $PSNativeCommandUseErrorActionPreference = $false; Invoke-Pwsh $rest }
    default { Write-Error "unknown task '$task': use build, test, demo, bench or pwsh"; exit 2 }
}

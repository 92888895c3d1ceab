# ReadyToRun (ahead-of-time) compilation with crossgen2, for build.ps1 and bench/run.ps1.
#
# A ReadyToRun assembly keeps its IL and adds native code compiled against one runtime: that runtime
# uses the native code instead of JIT-compiling the methods at first call, which is most of what a cold
# start spends in code that runs once. Any other runtime ignores the native code and JIT-compiles the
# IL as before, so the assembly still loads everywhere its IL does.

function Get-Crossgen2 {
    $project = Join-Path $PSScriptRoot 'Crossgen2.csproj'
    $PSNativeCommandUseErrorActionPreference = $false
    $output = dotnet restore $project --nologo --verbosity quiet 2>&1
    if ($LASTEXITCODE -ne 0) {
        $output | Out-Host
        throw "dotnet restore $project (crossgen2) failed (exit code $LASTEXITCODE)"
    }
    $props = dotnet msbuild $project -getProperty:NuGetPackageRoot -getProperty:BundledNETCoreAppPackageVersion | ConvertFrom-Json
    $tool = Join-Path $props.Properties.NuGetPackageRoot "microsoft.netcore.app.crossgen2.linux-x64/$($props.Properties.BundledNETCoreAppPackageVersion)/tools/crossgen2"
    if (-not (Test-Path $tool)) { throw "crossgen2 is not where its restore put it: $tool" }
    $tool
}

# True when the file is a managed assembly with IL only (no ReadyToRun code yet).
function Test-IlOnlyAssembly([string]$Path) {
    # The reader owns the stream: disposing it closes the file.
    $pe = [System.Reflection.PortableExecutable.PEReader]::new([IO.File]::OpenRead($Path))
    try {
        $cor = $pe.PEHeaders.CorHeader
        $null -ne $cor -and $cor.ManagedNativeHeaderDirectory.Size -eq 0 -and $pe.HasMetadata
    } finally {
        $pe.Dispose()
    }
}

# Compiles $Assembly (in place) for the runtime of the pwsh running this script, against that runtime's
# framework and the assemblies in $ReferenceDirs. crossgen2 refuses two references of one name: the first
# found wins (the framework first, then $ReferenceDirs in order), as the runtime would bind.
function Invoke-Crossgen2([string]$Crossgen2, [string]$Assembly, [string[]]$ReferenceDirs) {
    $runtimeDir = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()
    $seen = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    $null = $seen.Add([IO.Path]::GetFileName($Assembly))
    $refs = foreach ($dir in @($runtimeDir) + $ReferenceDirs) {
        foreach ($f in Get-ChildItem $dir -Filter '*.dll' -File) {
            if ($seen.Add($f.Name)) { '-r'; $f.FullName }
        }
    }
    $compiled = "$Assembly.r2r"
    $PSNativeCommandUseErrorActionPreference = $false
    $output = & $Crossgen2 $Assembly -o $compiled --targetos:linux --targetarch:x64 -O @refs 2>&1
    if ($LASTEXITCODE -ne 0) {
        $output | Out-Host
        Remove-Item $compiled -ErrorAction Ignore
        throw "crossgen2 $Assembly failed (exit code $LASTEXITCODE)"
    }
    Move-Item $compiled $Assembly -Force
}

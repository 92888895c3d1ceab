#Requires -Version 7.4
<#
.SYNOPSIS
    AzContext's benchmarks (./build.sh bench). Prints one table: each row a median over repeated runs, with
    min and max, its floor measured in the same run, and the ratio to that floor; then the machine it ran on.
.DESCRIPTION
    Cold start       fresh `pwsh -NoProfile` running `Import-Module AzContext; Get-AzContext`, against two floors
                     measured in the same run: bare pwsh, and the smallest binary module (bench/floor-module)
                     imported by name and called once; with the pwsh running this script and with a copy of it
                     ReadyToRun-compiled as released pwsh packages are (-ColdOnly runs this part alone); then a
                     profile of the CPU time the process spends in the import (with and without the types and
                     format files) and in the first call
    Warm calls       10,000 calls each in one session vs a no-op compiled cmdlet
    Sign-in          against the tests' emulator: a first service-principal sign-in and a cached
                     Get-AzAccessToken as whole fresh processes vs bare pwsh; Get-AzAccessToken warm
    Scale            stores of 1 … 10,000 contexts: -ListAvailable, Select (autosave), Save, Import, azctx current
    Contention       16 processes doing autosaved selects on one store: ops/s and p99 wait
    Memory           peak RSS of a pwsh holding 10,000 contexts vs one holding none; the added memory against
                     4x the size of the context file
    Population       bench/arm.ps1: Connect-AzAccount storing a context per subscription for 1 ... 10,000
                     subscriptions, against the same sign-in storing one and the emulator's own response time
                     (-ArmOnly runs this part alone)
    Every store is a throwaway folder under the temp directory; ~/.Azure is never touched.
#>
param(
    [int]$ColdRuns = 15,
    [int]$WarmIterations = 10000,
    [int]$WarmRounds = 5,
    [int[]]$Sizes = @(1, 100, 1000, 10000),
    [int]$ScaleRuns = 7,
    [int]$Processes = 16,
    [int]$OpsPerProcess = 50,
    [int]$ArmRuns = 5,
    [switch]$ArmOnly,
    [switch]$ColdOnly,
    [switch]$Quick
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if ($Quick) { $ColdRuns = 5; $WarmIterations = 2000; $WarmRounds = 3; $ScaleRuns = 3; $OpsPerProcess = 10; $ArmRuns = 3 }

$Root = Split-Path $PSScriptRoot
$Out = Join-Path $Root 'out'
$Pwsh = if ($env:AZCONTEXT_PWSH) { $env:AZCONTEXT_PWSH } else { Join-Path $PSHOME 'pwsh' }
$Azctx = Join-Path $Out 'bin/azctx'
$env:PSModulePath = $Out + [IO.Path]::PathSeparator + $env:PSModulePath
$Work = Join-Path ([IO.Path]::GetTempPath()) "azcontext-bench-$PID"
$null = New-Item -ItemType Directory $Work -Force
$Rows = [System.Collections.Generic.List[object]]::new()

function Get-Stats([double[]]$Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    $median = if ($n % 2) { $sorted[[int][math]::Floor($n / 2)] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
    [pscustomobject]@{ Median = $median; Min = $sorted[0]; Max = $sorted[-1] }
}

function Add-Row([string]$Name, [double[]]$Values, [string]$Unit, [double[]]$Floor, [string]$FloorName, [string]$Target, [scriptblock]$Met) {
    $s = Get-Stats $Values
    $f = if ($Floor) { (Get-Stats $Floor).Median } else { $null }
    $ratio = if ($f) { '{0:n2}x' -f ($s.Median / $f) } else { '' }
    $ok = if ($Met) { if (& $Met $s $f) { 'yes' } else { 'NO' } } else { '' }
    $row = [pscustomobject]@{
        Benchmark = $Name; Median = ('{0:n2} {1}' -f $s.Median, $Unit); Min = ('{0:n2}' -f $s.Min); Max = ('{0:n2}' -f $s.Max)
        Floor = if ($f) { '{0:n2} {1} ({2})' -f $f, $Unit, $FloorName } else { '' }; Ratio = $ratio; Target = $Target; Met = $ok
    }
    $Rows.Add($row)
    Write-Host ("  {0,-58} {1,14}  (min {2}, max {3}) {4} {5}" -f $Name, $row.Median, $row.Min, $row.Max, $ratio, $ok)
}

function Measure-Process([string]$File, [string[]]$Arguments, [int]$Runs, [hashtable]$Environment = @{}) {
    foreach ($k in $Environment.Keys) { [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    $times = foreach ($i in 1..$Runs) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & $File @Arguments | Out-Null
        $sw.Elapsed.TotalMilliseconds
    }
    foreach ($k in $Environment.Keys) { [Environment]::SetEnvironmentVariable($k, $null) }
    , $times
}

# A store with N contexts (two tenants, N subscriptions), written as Az writes it.
function New-BenchStore([int]$Count, [string]$Name) {
    $dir = Join-Path $Work $Name
    if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
    $null = New-Item -ItemType Directory $dir
    $env = '{"Name":"AzureCloud","Type":"Discovered","OnPremise":false,"ServiceManagementUrl":"https://management.core.windows.net/","ResourceManagerUrl":"https://management.azure.com/","ManagementPortalUrl":"https://portal.azure.com","PublishSettingsFileUrl":"https://go.microsoft.com/fwlink/?LinkID=301775","ActiveDirectoryAuthority":"https://login.microsoftonline.com","GalleryUrl":"https://gallery.azure.com/","GraphUrl":"https://graph.windows.net/","ActiveDirectoryServiceEndpointResourceId":"https://management.core.windows.net/","StorageEndpointSuffix":"core.windows.net","SqlDatabaseDnsSuffix":".database.windows.net","TrafficManagerDnsSuffix":"trafficmanager.net","AzureKeyVaultDnsSuffix":"vault.azure.net","AzureKeyVaultServiceEndpointResourceId":"https://vault.azure.net","GraphEndpointResourceId":"https://graph.windows.net/","DataLakeEndpointResourceId":"https://datalake.azure.net/","BatchEndpointResourceId":"https://batch.core.windows.net/","AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix":"azuredatalakeanalytics.net","AzureDataLakeStoreFileSystemEndpointSuffix":"azuredatalakestore.net","AdTenant":"Common","ContainerRegistryEndpointSuffix":"azurecr.io","VersionProfiles":[],"ExtendedProperties":{"OperationalInsightsEndpoint":"https://api.loganalytics.io/v1","OperationalInsightsEndpointResourceId":"https://api.loganalytics.io","MicrosoftGraphUrl":"https://graph.microsoft.com","MicrosoftGraphEndpointResourceId":"https://graph.microsoft.com/"}}'
    $sb = [System.Text.StringBuilder]::new()
    $first = $null
    $null = $sb.Append('{"DefaultContextKey":"@DEFAULT@","EnvironmentTable":{},"Contexts":{')
    for ($i = 0; $i -lt $Count; $i++) {
        $tenant = if ($i % 2) { 'c0ffee00-1234-4abc-9def-000000000001' } else { 'c0ffee00-1234-4abc-9def-000000000002' }
        $sub = '{0:x8}-0000-4000-8000-{1:x12}' -f $i, $i
        $key = "Sub $i ($sub) - $tenant - bench@contoso.com"
        if (-not $first) { $first = $key }
        if ($i) { $null = $sb.Append(',') }
        $null = $sb.Append('"').Append($key).Append('":{"Account":{"Id":"bench@contoso.com","Credential":null,"Type":"User","TenantMap":{},"ExtendedProperties":{"Tenants":"').Append($tenant).Append('"}},"Tenant":{"Id":"').Append($tenant).Append('","Directory":null,"IsHome":true,"ExtendedProperties":{}},"Subscription":{"Id":"').Append($sub).Append('","Name":"Sub ').Append($i).Append('","State":"Enabled","ExtendedProperties":{"Account":"bench@contoso.com","Environment":"AzureCloud","Tenants":"').Append($tenant).Append('"}},"Environment":').Append($env).Append(',"VersionProfile":null,"TokenCache":{"CacheData":null},"ExtendedProperties":{}}')
    }
    $null = $sb.Append('},"ExtendedProperties":{}}')
    [IO.File]::WriteAllText((Join-Path $dir 'AzureRmContext.json'), $sb.ToString().Replace('@DEFAULT@', $first))
    $dir
}

function Invoke-Child([string]$Script, [hashtable]$Environment) {
    foreach ($k in $Environment.Keys) { [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
    try {
        $text = & $Pwsh -NoProfile -NonInteractive -Command $Script
        $text | Select-Object -Last 1 | ConvertFrom-Json
    } finally {
        foreach ($k in $Environment.Keys) { [Environment]::SetEnvironmentVariable($k, $null) }
    }
}

# A copy of the pwsh running this script with its assemblies ReadyToRun-compiled, as the released pwsh
# packages are (the NuGet tool package here is IL only); made once per pwsh version under out/bench/.
function Get-ReadyToRunPwsh {
    $dir = Join-Path $Out "bench/pwsh-$($PSVersionTable.PSVersion)-readytorun"
    $done = Join-Path $dir '.complete'
    if (Test-Path $done) { return $dir }
    . (Join-Path $Root 'pwsh-module/readytorun/ReadyToRun.ps1')
    Write-Host "ReadyToRun-compiling a copy of pwsh $($PSVersionTable.PSVersion) in $dir (once; a few minutes)"
    if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
    $null = New-Item -ItemType Directory (Split-Path $dir) -Force
    Copy-Item $PSHOME $dir -Recurse
    $crossgen2 = Get-Crossgen2
    foreach ($f in Get-ChildItem $dir -Filter '*.dll' -File) {
        if (Test-IlOnlyAssembly $f.FullName) { Invoke-Crossgen2 $crossgen2 $f.FullName @($PSHOME) }
    }
    $null = New-Item -ItemType File $done
    $dir
}

function Write-Report {
    $cpu = (Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -replace '.*:\s*', ''
    $memGb = [math]::Round(((Get-Content /proc/meminfo | Select-Object -First 1) -replace '\D', '') / 1MB, 1)
    Write-Host ''
    $Rows | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
    Write-Host ("Machine: {0}, {1} cores, {2} GiB RAM; {3}; pwsh {4}; {5}" -f $cpu, [Environment]::ProcessorCount, $memGb, [Runtime.InteropServices.RuntimeInformation]::OSDescription, $PSVersionTable.PSVersion, (Get-Date -Format 'yyyy-MM-dd'))
    $Rows | ConvertTo-Json | Set-Content (Join-Path $Root 'bench/last-results.json')
    Remove-Item $Work -Recurse -Force -ErrorAction Ignore
}

Write-Host "AzContext benchmarks: $(Get-Date -Format u)"
if ($ArmOnly) {
    . (Join-Path $PSScriptRoot 'arm.ps1')
    Write-Report
    return
}

# ---- Cold start ---------------------------------------------------------------------------------------
# Two floors: bare pwsh, and what pwsh charges to import any binary module by name through a manifest
# (bench/floor-module: one no-op cmdlet; RootModule, ModuleVersion and CmdletsToExport only). Measured with
# two builds of the same pwsh: the one running this script (here the NuGet tool package, whose assemblies
# are IL only, so the JIT compiles all that pwsh runs for the first time), and a copy of it whose
# assemblies are ReadyToRun-compiled, as the released pwsh packages are (PowerShell/PowerShell#12361).
# The runs of all six commands are interleaved, so a slow spell of the machine weighs on all alike.
Write-Host "`nCold start ($ColdRuns runs each, interleaved)"
$floorDir = Join-Path $Work 'modules/AzFloor'
$null = New-Item -ItemType Directory $floorDir -Force
dotnet build (Join-Path $PSScriptRoot 'floor-module/AzFloor.csproj') --nologo --verbosity quiet -c Release -o $floorDir | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'building bench/floor-module failed' }
Copy-Item (Join-Path $PSScriptRoot 'floor-module/AzFloor.psd1') $floorDir
$env:PSModulePath = (Join-Path $Work 'modules') + [IO.Path]::PathSeparator + $env:PSModulePath
$r2rHome = Get-ReadyToRunPwsh
$pwshBuilds = [ordered]@{
    jit = @{ Exe = $Pwsh; Prefix = @(); ModulePath = $env:PSModulePath }
    r2r = @{ Exe = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source; Prefix = @((Join-Path $r2rHome 'pwsh.dll'))
        ModulePath = $env:PSModulePath.Replace((Join-Path $PSHOME 'Modules'), (Join-Path $r2rHome 'Modules')) }
}
$coldStore = New-BenchStore 1 'cold'
$coldCommands = [ordered]@{
    bare  = '$null'
    floor = 'Import-Module AzFloor; $null = Invoke-AzFloorNoOp'
    az    = 'Import-Module AzContext; $null = Get-AzContext'
}
$coldTimes = @{}
foreach ($b in $pwshBuilds.Keys) { foreach ($k in $coldCommands.Keys) { $coldTimes["$b $k"] = [System.Collections.Generic.List[double]]::new() } }
$env:AZCONTEXT_DIR = $coldStore
$modulePath = $env:PSModulePath
foreach ($i in 0..$ColdRuns) {
    foreach ($b in $pwshBuilds.Keys) {
        $build = $pwshBuilds[$b]
        $env:PSModulePath = $build.ModulePath
        foreach ($k in $coldCommands.Keys) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            & $build.Exe @($build.Prefix) -NoProfile -NonInteractive -Command $coldCommands[$k] | Out-Null
            if ($LASTEXITCODE -ne 0) { throw "cold start ($b) '$($coldCommands[$k])' failed" }
            # The first round only warms the disk cache.
            if ($i -gt 0) { $coldTimes["$b $k"].Add($sw.Elapsed.TotalMilliseconds) }
        }
    }
}
$env:PSModulePath = $modulePath
$env:AZCONTEXT_DIR = $null
foreach ($b in $pwshBuilds.Keys) {
    $label = if ($b -eq 'jit') { 'pwsh -NoProfile' } else { 'ReadyToRun pwsh' }
    $bare = $coldTimes["$b bare"].ToArray(); $floor = $coldTimes["$b floor"].ToArray(); $cold = $coldTimes["$b az"].ToArray()
    $floorMedian = (Get-Stats $floor).Median
    Add-Row "${label}: bare start" $bare 'ms' $null '' '' $null
    Add-Row "${label}: Import-Module AzFloor; one no-op cmdlet" $floor 'ms' $bare 'bare pwsh' '' $null
    Add-Row "${label}: Import-Module AzContext; Get-AzContext" $cold 'ms' $floor 'minimal binary module' '<= 1.05x minimal module' { param($s, $f) $s.Median -le 1.05 * $f }
    $added = $cold | ForEach-Object { $_ - $floorMedian }
    Add-Row '  time added beyond the minimal module' $added 'ms' $null '' '<= 5% of minimal module' { param($s, $f) $s.Median -le 0.05 * $floorMedian }
}
if ($ColdOnly) {
    Write-Report
    return
}

# ---- Cold start profile -----------------------------------------------------------------------------
# Where the added start-up goes, as CPU time of the process itself (less sensitive than wall time to what
# else the machine does): Import-Module, then the first call, for the minimal module, AzContext, and
# AzContext with its types file or its format file left out of a copy of its manifest.
Write-Host "`nCold start profile (CPU ms inside the process, $ColdRuns runs each, interleaved)"
$profileDir = Join-Path $Work 'profile'
$profileVariants = [ordered]@{ floor = @((Join-Path $floorDir 'AzFloor.psd1'), 'Invoke-AzFloorNoOp') }
foreach ($v in @(@{ Name = 'full'; Drop = $null }, @{ Name = 'notypes'; Drop = 'TypesToProcess' }, @{ Name = 'noformat'; Drop = 'FormatsToProcess' })) {
    $dir = Join-Path $profileDir "$($v.Name)/AzContext"
    $null = New-Item -ItemType Directory (Split-Path $dir) -Force
    Copy-Item (Join-Path $Out 'AzContext') $dir -Recurse -Force
    if ($v.Drop) {
        $manifest = Join-Path $dir 'AzContext.psd1'
        Set-Content $manifest (Get-Content $manifest | Where-Object { $_ -notmatch "^\s*$($v.Drop)\s*=" })
    }
    $profileVariants[$v.Name] = @((Join-Path $dir 'AzContext.psd1'), 'Get-AzContext')
}
$profileTimes = @{}
foreach ($k in $profileVariants.Keys) { $profileTimes[$k] = @{ Import = [System.Collections.Generic.List[double]]::new(); Call = [System.Collections.Generic.List[double]]::new() } }
$env:AZCONTEXT_DIR = $coldStore
foreach ($i in 0..$ColdRuns) {
    foreach ($k in $profileVariants.Keys) {
        $manifest, $command = $profileVariants[$k]
        $script = "`$p = [Diagnostics.Process]::GetCurrentProcess(); `$t0 = `$p.TotalProcessorTime.TotalMilliseconds; " +
            "Import-Module '$manifest'; `$p.Refresh(); `$t1 = `$p.TotalProcessorTime.TotalMilliseconds; " +
            "`$null = $command; `$p.Refresh(); `$t2 = `$p.TotalProcessorTime.TotalMilliseconds; `"`$(`$t1 - `$t0) `$(`$t2 - `$t1)`""
        $o = & $Pwsh -NoProfile -NonInteractive -Command $script
        if ($LASTEXITCODE -ne 0) { throw "cold start profile '$k' failed" }
        if ($i -gt 0) {
            $parts = "$o".Split(' ')
            $profileTimes[$k].Import.Add([double]::Parse($parts[0], [cultureinfo]::InvariantCulture))
            $profileTimes[$k].Call.Add([double]::Parse($parts[1], [cultureinfo]::InvariantCulture))
        }
    }
}
$env:AZCONTEXT_DIR = $null
$pt = $profileTimes
Add-Row 'CPU: Import-Module AzFloor' $pt.floor.Import 'ms' $null '' '' $null
Add-Row 'CPU: Import-Module AzContext' $pt.full.Import 'ms' $pt.floor.Import 'minimal module' '' $null
Add-Row '  the same without AzContext.types.ps1xml' $pt.notypes.Import 'ms' $pt.full.Import 'AzContext' '' $null
Add-Row '  the same without AzContext.format.ps1xml' $pt.noformat.Import 'ms' $pt.full.Import 'AzContext' '' $null
Add-Row 'CPU: first Get-AzContext (library load is in the import)' $pt.full.Call 'ms' $pt.floor.Call 'first no-op call' '' $null

# ---- Warm calls -------------------------------------------------------------------------------------
Write-Host "`nWarm calls ($WarmIterations calls x $WarmRounds rounds, per call)"
$warmStore = New-BenchStore 2 'warm'
$warmScript = @'
$ErrorActionPreference = 'Stop'
Add-Type -TypeDefinition @"
using System.Management.Automation;
[Cmdlet(VerbsLifecycle.Invoke, "NoOp")] public sealed class InvokeNoOpCommand : PSCmdlet { protected override void ProcessRecord() { WriteObject(null); } }
"@ -PassThru | ForEach-Object { Import-Module $_.Assembly }
Import-Module AzContext
$n = __N__; $rounds = __R__
$a = (Get-AzContext -ListAvailable)[0]; $b = (Get-AzContext -ListAvailable)[1]
function Time([scriptblock]$body) { $r = foreach ($k in 1..$rounds) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $body; $sw.Elapsed.TotalMilliseconds * 1000 / $n }; , $r }
$res = [ordered]@{}
$res.noop = Time { for ($i = 0; $i -lt $n; $i++) { $null = Invoke-NoOp } }
$res.get = Time { for ($i = 0; $i -lt $n; $i++) { $null = Get-AzContext } }
$res.list = Time { for ($i = 0; $i -lt $n; $i++) { $null = Get-AzContext -ListAvailable } }
$res.selectOn = Time { for ($i = 0; $i -lt $n; $i++) { $null = Select-AzContext -Name ($i % 2 ? $a.Name : $b.Name) } }
$res.setCtx = Time { for ($i = 0; $i -lt $n; $i++) { $null = Set-AzContext -Context ($i % 2 ? $a : $b) } }
Disable-AzContextAutosave -Scope Process | Out-Null
$res.selectOff = Time { for ($i = 0; $i -lt $n; $i++) { $null = Select-AzContext -Name ($i % 2 ? $a.Name : $b.Name) } }
$res | ConvertTo-Json -Compress
'@
$w = Invoke-Child ($warmScript.Replace('__N__', $WarmIterations).Replace('__R__', $WarmRounds)) @{ AZCONTEXT_DIR = $warmStore }
Add-Row 'Get-AzContext' $w.get 'us' $w.noop 'no-op cmdlet' '<= 2x no-op' { param($s, $f) $s.Median -le 2 * $f }
Add-Row 'Get-AzContext -ListAvailable (2 contexts)' $w.list 'us' $w.noop 'no-op cmdlet' '' $null
Add-Row 'Select-AzContext, autosave on (locked write)' $w.selectOn 'us' $w.noop 'no-op cmdlet' '' $null
Add-Row 'Select-AzContext, autosave off' $w.selectOff 'us' $w.noop 'no-op cmdlet' '' $null
Add-Row 'Set-AzContext -Context (autosave on)' $w.setCtx 'us' $w.noop 'no-op cmdlet' '' $null

# ---- Sign-in -------------------------------------------------------------------------------------------
# Against the tests' emulator (tests/emulator) on 127.0.0.1, through a custom environment: a first
# service-principal sign-in and a Get-AzAccessToken served from the shared cache, each as a whole fresh
# process against bare pwsh; then Get-AzAccessToken warm (cache hit) in one session.
Write-Host "`nSign-in (emulator on 127.0.0.1; $ColdRuns runs each)"
Import-Module (Join-Path $Root 'tests/emulator/Emulator.psm1') -Force
$emu = Start-AzEmulator
try {
    $emuEnv = Get-AzEmulatorProcessEnv $emu
    $sp = $emu.Seed.ServicePrincipal
    $envJson = (Get-AzEmulatorEnvironment $emu | ConvertTo-Json -Compress).Replace("'", "''")
    $signIn = "Import-Module AzContext; `$c = [pscredential]::new('$($sp.AppId)', (ConvertTo-SecureString '$($sp.Secret)' -AsPlainText -Force)); `$null = Connect-AzAccount -ServicePrincipal -Credential `$c -Tenant '$($emu.HomeTenantId)' -Environment Emu"
    $template = Join-Path $Work 'signin-template'
    $null = New-Item -ItemType Directory $template -Force
    foreach ($k in $emuEnv.Keys) { [Environment]::SetEnvironmentVariable($k, $emuEnv[$k]) }
    $env:AZCONTEXT_DIR = $template
    & $Pwsh -NoProfile -NonInteractive -Command "Import-Module AzContext; `$e = '$envJson' | ConvertFrom-Json -AsHashtable; `$null = Add-AzEnvironment @e" | Out-Null
    $first = [System.Collections.Generic.List[double]]::new(); $cached = [System.Collections.Generic.List[double]]::new(); $bareSi = [System.Collections.Generic.List[double]]::new()
    foreach ($i in 0..$ColdRuns) {
        $store = Join-Path $Work "signin-$i"
        Copy-Item $template $store -Recurse -Force
        $env:AZCONTEXT_DIR = $store
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & $Pwsh -NoProfile -NonInteractive -Command '$null' | Out-Null
        $tBare = $sw.Elapsed.TotalMilliseconds
        $sw.Restart()
        & $Pwsh -NoProfile -NonInteractive -Command $signIn 2>$null 3>$null | Out-Null
        if ($LASTEXITCODE -ne 0) { throw 'the sign-in failed' }
        $tFirst = $sw.Elapsed.TotalMilliseconds
        $sw.Restart()
        & $Pwsh -NoProfile -NonInteractive -Command 'Import-Module AzContext; $null = Get-AzAccessToken' 2>$null 3>$null | Out-Null
        if ($LASTEXITCODE -ne 0) { throw 'Get-AzAccessToken failed' }
        $tCached = $sw.Elapsed.TotalMilliseconds
        # The first round only warms the disk cache.
        if ($i -gt 0) { $bareSi.Add($tBare); $first.Add($tFirst); $cached.Add($tCached) }
    }
    Add-Row 'pwsh: first sign-in (service principal secret), whole process' $first.ToArray() 'ms' $bareSi.ToArray() 'bare pwsh' '' $null
    Add-Row 'pwsh: Get-AzAccessToken from the cache, whole process' $cached.ToArray() 'ms' $bareSi.ToArray() 'bare pwsh' '' $null
    $warmToken = @'
$ErrorActionPreference = 'Stop'
Import-Module AzContext
$null = Get-AzAccessToken
$n = __N__; $rounds = __R__
$r = foreach ($k in 1..$rounds) { $sw = [Diagnostics.Stopwatch]::StartNew(); for ($i = 0; $i -lt $n; $i++) { $null = Get-AzAccessToken 3>$null }; $sw.Elapsed.TotalMilliseconds / $n }
@{ token = @($r) } | ConvertTo-Json -Compress
'@
    $wt = Invoke-Child ($warmToken.Replace('__N__', [Math]::Max(100, [int]($WarmIterations / 20))).Replace('__R__', $WarmRounds)) @{ AZCONTEXT_DIR = (Join-Path $Work "signin-1") }
    Add-Row 'Get-AzAccessToken from the cache, warm session' $wt.token 'ms' $null '' '< 5 ms' { param($s, $f) $s.Median -lt 5 }
} finally {
    foreach ($k in $emuEnv.Keys) { [Environment]::SetEnvironmentVariable($k, $null) }
    $env:AZCONTEXT_DIR = $null
    Stop-AzEmulator $emu
}

# ---- Scale --------------------------------------------------------------------------------------------
Write-Host "`nScale ($ScaleRuns runs each)"
$scaleScript = @'
$ErrorActionPreference = 'Stop'
Import-Module AzContext
$runs = __R__; $save = Join-Path ([IO.Path]::GetTempPath()) "azctx-bench-save-$PID.json"
function Time([scriptblock]$body) { $r = foreach ($k in 1..$runs) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $body; $sw.Elapsed.TotalMilliseconds }; , $r }
$all = Get-AzContext -ListAvailable
$names = @($all[0].Name, $all[-1].Name)
$res = [ordered]@{}
$res.list = Time { $null = Get-AzContext -ListAvailable }
$i = 0
$res.select = Time { $script:i++; $null = Select-AzContext -Name $names[$script:i % 2] }
$res.save = Time { Save-AzContext -Path $save -Force }
$importStore = Join-Path ([IO.Path]::GetTempPath()) "azctx-bench-import-$PID"
$res.import = Time {
    $env:AZCONTEXT_DIR = Join-Path $importStore ([guid]::NewGuid().ToString('N'))
    $null = Import-AzContext -Path $save
}
Remove-Item $save, $importStore -Recurse -Force -ErrorAction Ignore
$res | ConvertTo-Json -Compress
'@
foreach ($n in $Sizes) {
    $dir = New-BenchStore $n "scale-$n"
    $r = Invoke-Child ($scaleScript.Replace('__R__', $ScaleRuns)) @{ AZCONTEXT_DIR = $dir }
    $true_ = Measure-Process '/bin/true' @() $ScaleRuns
    $cur = Measure-Process $Azctx @('current') $ScaleRuns @{ AZCONTEXT_DIR = $dir }
    $target = if ($n -eq 10000) { '<= 50 ms' } else { '' }
    Add-Row "Get-AzContext -ListAvailable, $n contexts" $r.list 'ms' $null '' $target $(if ($n -eq 10000) { { param($s, $f) $s.Median -le 50 } })
    $target = if ($n -eq 10000) { '<= 100 ms' } else { '' }
    Add-Row "Select-AzContext (autosave), $n contexts" $r.select 'ms' $null '' $target $(if ($n -eq 10000) { { param($s, $f) $s.Median -le 100 } })
    Add-Row "Save-AzContext, $n contexts" $r.save 'ms' $null '' '' $null
    Add-Row "Import-AzContext (into an empty store), $n contexts" $r.import 'ms' $null '' '' $null
    Add-Row "azctx current (whole process), $n contexts" $cur 'ms' $true_ '/bin/true' '<= 5 ms' { param($s, $f) $s.Median -le 5 }
}

# ---- Contention ---------------------------------------------------------------------------------------
Write-Host "`nContention ($Processes processes x $OpsPerProcess autosaved selects on one store)"
$cStore = New-BenchStore 20 'contention'
$go = Join-Path $Work 'go'
$childScript = @'
$ErrorActionPreference = 'Stop'
Import-Module AzContext
$names = @((Get-AzContext -ListAvailable).Name)
$null = Select-AzContext -Name $names[0]   # warm up (JIT) before the race: contention is measured, not start-up
while (-not (Test-Path '__GO__')) { Start-Sleep -Milliseconds 5 }
$lat = foreach ($i in 1..__K__) { $sw = [Diagnostics.Stopwatch]::StartNew(); $null = Select-AzContext -Name $names[($i + $PID) % $names.Count]; $sw.Elapsed.TotalMilliseconds }
@{ lat = $lat; end = [DateTime]::UtcNow.Ticks } | ConvertTo-Json -Compress
'@.Replace('__GO__', $go).Replace('__K__', $OpsPerProcess)
$env:AZCONTEXT_DIR = $cStore
$jobs = foreach ($p in 1..$Processes) {
    $si = [Diagnostics.ProcessStartInfo]::new($Pwsh)
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $childScript) { $si.ArgumentList.Add($a) }
    $si.RedirectStandardOutput = $true
    $si.UseShellExecute = $false
    [Diagnostics.Process]::Start($si)
}
$env:AZCONTEXT_DIR = $null
Start-Sleep -Seconds 3   # let every child import the module and wait at the barrier
$start = [DateTime]::UtcNow.Ticks
$null = New-Item -ItemType File $go
$results = foreach ($j in $jobs) { $o = $j.StandardOutput.ReadToEnd(); $j.WaitForExit(); ($o -split "`n" | Where-Object { $_ -like '{*' } | Select-Object -Last 1) | ConvertFrom-Json }
$end = ($results | ForEach-Object end | Measure-Object -Maximum).Maximum
$lat = @($results | ForEach-Object { $_.lat }) | Sort-Object
$seconds = ($end - $start) / 1e7
$total = $lat.Count
$p99 = $lat[[int][math]::Ceiling(0.99 * $total) - 1]
$opsPerSec = $total / $seconds
$Rows.Add([pscustomobject]@{ Benchmark = "Contention: $Processes processes, autosaved selects"; Median = ('{0:n0} ops/s total' -f $opsPerSec); Min = ''; Max = ''; Floor = ''; Ratio = ''; Target = ''; Met = '' })
Add-Row "  per-select latency under contention ($total selects; p99 $('{0:n1}' -f $p99) ms)" $lat 'ms' $null '' '' $null
Write-Host ("  {0:n0} ops/s in total over {1:n2} s; p99 wait {2:n1} ms" -f $opsPerSec, $seconds, $p99)

# The same race with azctx processes (each select is a process of its own): the locking path without pwsh.
$env:AZCONTEXT_DIR = $cStore
$cNames = @(& $Azctx list --names)
$env:AZCONTEXT_DIR = $null
$azctxRuns = foreach ($r in 1..3) {
    $lists = foreach ($p in 1..$Processes) {
        $f = Join-Path $Work "names-$p.txt"
        Set-Content $f (1..$OpsPerProcess | ForEach-Object { $cNames[($_ + $p) % $cNames.Count] })
        $f
    }
    $env:AZCONTEXT_DIR = $cStore
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $procs = foreach ($f in $lists) {
        $si = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
        $si.ArgumentList.Add('-c')
        $si.ArgumentList.Add('while IFS= read -r name; do "$0" select "$name" >/dev/null || exit 1; done < "$1"')
        $si.ArgumentList.Add($Azctx)
        $si.ArgumentList.Add($f)
        $si.UseShellExecute = $false
        [Diagnostics.Process]::Start($si)
    }
    foreach ($pr in $procs) { $pr.WaitForExit(); if ($pr.ExitCode -ne 0) { throw 'an azctx select failed under contention' } }
    $env:AZCONTEXT_DIR = $null
    ($Processes * $OpsPerProcess) / $sw.Elapsed.TotalSeconds
}
Add-Row "  the same race with azctx processes ($Processes x $OpsPerProcess selects), ops/s in total" $azctxRuns 'ops/s' $null '' '' $null

# ---- Memory -------------------------------------------------------------------------------------------
Write-Host "`nMemory (peak RSS)"
$memScript = @'
__LOAD__
[GC]::Collect()
$hwm = (Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }) -replace '\D', ''
@{ mb = [double]$hwm / 1024 } | ConvertTo-Json -Compress
'@
$big = Join-Path $Work 'scale-10000'
if (-not (Test-Path $big)) { $big = New-BenchStore 10000 'scale-10000' }
$memAz = foreach ($i in 1..3) { (Invoke-Child ($memScript.Replace('__LOAD__', 'Import-Module AzContext; $all = Get-AzContext -ListAvailable; if ($all.Count -ne 10000) { throw "expected 10000" }')) @{ AZCONTEXT_DIR = $big }).mb }
$memBare = foreach ($i in 1..3) { (Invoke-Child ($memScript.Replace('__LOAD__', '$null')) @{}).mb }
Add-Row 'peak RSS, pwsh holding 10,000 contexts' $memAz 'MB' $memBare 'bare pwsh' '' $null
$fileMb = (Get-Item (Join-Path $big 'AzureRmContext.json')).Length / 1MB
$bareMem = (Get-Stats $memBare).Median
$addedMem = $memAz | ForEach-Object { $_ - $bareMem }
Add-Row ("  memory added by 10,000 contexts (context file {0:n1} MB)" -f $fileMb) $addedMem 'MB' $null '' ('<= 4x file ({0:n0} MB)' -f (4 * $fileMb)) { param($s, $f) $s.Median -le 4 * $fileMb }

# ---- Population at sign-in (bench/arm.ps1) ------------------------------------------------------------
. (Join-Path $PSScriptRoot 'arm.ps1')

# ---- Report -------------------------------------------------------------------------------------------
Write-Report

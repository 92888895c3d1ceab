# Sign-in with context population, against the tests' emulator (dot-sourced by bench/run.ps1, which
# provides $Rows, Add-Row, Get-Stats, Invoke-Child, $Pwsh, $Work, $Root and $Sizes; `./build.sh bench
# -ArmOnly` runs this part alone).
#
# For each size N (1 ... 10,000 subscriptions in the service principal's tenant; ARM pages of 100): in one
# warm pwsh session, Connect-AzAccount into an emptied store, populating every subscription, against the
# same sign-in with -SkipContextPopulation (which lists the same tenants and subscriptions and stores one
# context): the difference is what population adds. The floor of both is the emulator's own response time
# for the calls a sign-in makes (token, /tenants, every /subscriptions page), measured from this process.
Write-Host "`nSign-in with context population (emulator on 127.0.0.1; $ArmRuns runs each)"
Import-Module (Join-Path $Root 'tests/emulator/Emulator.psm1') -Force

$armScript = @'
$ErrorActionPreference = 'Stop'
Import-Module AzContext
$e = '__ENV__' | ConvertFrom-Json -AsHashtable
$null = Add-AzEnvironment @e
$c = [pscredential]::new('__APP__', (ConvertTo-SecureString '__SECRET__' -AsPlainText -Force))
$sign = { param($skip) $null = Connect-AzAccount -ServicePrincipal -Credential $c -Tenant '__TENANT__' -Environment Emu -SkipContextPopulation:$skip -WarningAction SilentlyContinue }
# The first sign-in of each form warms the engine, the HTTP connection and the JIT.
& $sign $false; & $sign $true
$pop = @(); $skip = @()
foreach ($i in 1..__RUNS__) {
    Clear-AzContext -Force
    $sw = [Diagnostics.Stopwatch]::StartNew(); & $sign $false; $pop += $sw.Elapsed.TotalMilliseconds
    $count = @(Get-AzContext -ListAvailable).Count
    if ($count -ne __N__) { throw "expected __N__ contexts, found $count" }
    Clear-AzContext -Force
    $sw.Restart(); & $sign $true; $skip += $sw.Elapsed.TotalMilliseconds
}
@{ pop = $pop; skip = $skip } | ConvertTo-Json -Compress
'@

# Get-AzSubscription over every subscription, and Set-AzContext -Subscription NAME for a subscription that
# is not stored (resolved through ARM; a new name each run, as a resolved one is stored and then never
# asks ARM again). Measured where those cmdlets exist, at 1,000 subscriptions, against the emulator's time
# for /tenants and every /subscriptions page.
$onlineScript = @'
$ErrorActionPreference = 'Stop'
Import-Module AzContext
if (-not (Get-Command Get-AzSubscription -ErrorAction Ignore)) { @{ missing = $true } | ConvertTo-Json -Compress; return }
$e = '__ENV__' | ConvertFrom-Json -AsHashtable
$null = Add-AzEnvironment @e
$c = [pscredential]::new('__APP__', (ConvertTo-SecureString '__SECRET__' -AsPlainText -Force))
$null = Connect-AzAccount -ServicePrincipal -Credential $c -Tenant '__TENANT__' -Environment Emu -SkipContextPopulation -WarningAction SilentlyContinue
$null = Get-AzSubscription
$list = @(); $set = @()
foreach ($i in 1..__RUNS__) {
    $sw = [Diagnostics.Stopwatch]::StartNew(); $n = @(Get-AzSubscription).Count; $list += $sw.Elapsed.TotalMilliseconds
    if ($n -ne __N__) { throw "Get-AzSubscription listed $n subscriptions, not __N__" }
    $name = 'Generated {0:D5}' -f (100 + $i)
    $sw.Restart(); $ctx = Set-AzContext -Subscription $name; $set += $sw.Elapsed.TotalMilliseconds
    if ($ctx.Subscription.Name -ne $name) { throw "Set-AzContext -Subscription '$name' chose '$($ctx.Subscription.Name)'" }
}
@{ list = $list; set = $set } | ConvertTo-Json -Compress
'@

$addedAt = @{}
foreach ($n in $Sizes) {
    $emu = Start-AzEmulator -Seed @{ Subscriptions = @() } -Subscriptions $n
    try {
        $sp = $emu.Seed.ServicePrincipal
        $tid = $emu.HomeTenantId
        # The emulator's own time for what one sign-in asks of it.
        $floor = foreach ($i in 0..$ArmRuns) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $t = (Invoke-AzEmulatorRequest $emu -Method POST -Path "/$tid/oauth2/v2.0/token" -Form @{
                    grant_type = 'client_credentials'; client_id = $sp.AppId; client_secret = $sp.Secret; scope = 'https://management.core.windows.net//.default' }).Json.access_token
            $listing = [Diagnostics.Stopwatch]::StartNew()
            # The bodies are read as text (nextLink found by a pattern), not parsed: the floor is the
            # emulator and the connection, not PowerShell's JSON.
            $seen = 0
            foreach ($next in @('/tenants?api-version=2022-12-01', '/subscriptions?api-version=2022-12-01')) {
                while ($next) {
                    $uri = if ($next -match '^https://') { $next } else { $emu.BaseUri.TrimEnd('/') + $next }
                    $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Get, $uri)
                    $request.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $t)
                    $text = $emu.HttpClient.SendAsync($request).GetAwaiter().GetResult().Content.ReadAsStringAsync().GetAwaiter().GetResult()
                    $request.Dispose()
                    if ($next -like '*subscriptions*') { $seen += ([regex]::Matches($text, '"subscriptionId"')).Count }
                    $next = if ($text -match '"nextLink":"([^"]+)"') { [regex]::Unescape($Matches[1]) } else { $null }
                }
            }
            if ($seen -ne $n) { throw "the emulator listed $seen subscriptions, not $n" }
            # The first round only warms the connection.
            if ($i -gt 0) { [pscustomobject]@{ All = $sw.Elapsed.TotalMilliseconds; List = $listing.Elapsed.TotalMilliseconds } }
        }
        $listFloor = @($floor.List)
        $floor = @($floor.All)
        $envJson = (Get-AzEmulatorEnvironment $emu | ConvertTo-Json -Compress).Replace("'", "''")
        $script = $armScript.Replace('__ENV__', $envJson).Replace('__APP__', $sp.AppId).Replace('__SECRET__', $sp.Secret).
            Replace('__TENANT__', $tid).Replace('__RUNS__', $ArmRuns).Replace('__N__', $n)
        $childEnv = Get-AzEmulatorProcessEnv $emu
        $childEnv.AZCONTEXT_DIR = Join-Path $Work "arm-$n"
        $null = New-Item -ItemType Directory $childEnv.AZCONTEXT_DIR -Force
        $r = Invoke-Child $script $childEnv
        $label = '{0:n0}' -f $n
        Add-Row "Connect-AzAccount populating $label subscription(s), warm session" $r.pop 'ms' @($floor) 'emulator' '' $null
        Add-Row "  the same with -SkipContextPopulation (lists, stores one)" $r.skip 'ms' @($floor) 'emulator' '' $null
        $skipMedian = (Get-Stats $r.skip).Median
        $added = @($r.pop | ForEach-Object { $_ - $skipMedian })
        $target = if ($n -ge 10000) { '< 1,000 ms' } else { '' }
        $met = if ($n -ge 10000) { { param($s, $f) $s.Median -lt 1000 } } else { $null }
        Add-Row "  time population of $label adds" $added 'ms' $null '' $target $met
        $addedAt[$n] = (Get-Stats $added).Median
        if ($n -eq 1000) {
            $childEnv.AZCONTEXT_DIR = Join-Path $Work "arm-online-$n"
            $null = New-Item -ItemType Directory $childEnv.AZCONTEXT_DIR -Force
            $o = Invoke-Child ($onlineScript.Replace('__ENV__', $envJson).Replace('__APP__', $sp.AppId).Replace('__SECRET__', $sp.Secret).
                    Replace('__TENANT__', $tid).Replace('__RUNS__', $ArmRuns).Replace('__N__', $n)) $childEnv
            if ($o.PSObject.Properties['missing']) {
                Write-Host '  (Get-AzSubscription and online Set-AzContext: not in this build, not measured)'
            } else {
                Add-Row 'Get-AzSubscription over 1,000 subscriptions, warm session' $o.list 'ms' $listFloor 'emulator' '' $null
                Add-Row 'Set-AzContext -Subscription NAME, not stored (ARM), warm session' $o.set 'ms' $listFloor 'emulator' '' $null
            }
        }
    } finally {
        Stop-AzEmulator $emu
    }
}

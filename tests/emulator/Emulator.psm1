#Requires -Version 7.4
<#
.SYNOPSIS
    Starts and drives the tests' emulator of Entra ID (v2.0 endpoints), managed identity and Azure
    Resource Manager: out/emulator/AzContext.Emulator.dll, built by `./build.sh build`.
.DESCRIPTION
    Start-AzEmulator starts one emulator process on 127.0.0.1 (free ports) and returns once it answers.
    Its HTTPS certificate is issued by a test CA that openssl makes once per test run in a temp folder;
    only processes started with SSL_CERT_FILE pointing at that CA trust it (Get-AzEmulatorProcessEnv),
    never the system store. The emulator stops when Stop-AzEmulator is called or this process exits.
#>
Set-StrictMode -Version Latest

$script:RepoRoot = Split-Path (Split-Path $PSScriptRoot)
$script:EmulatorDll = Join-Path $script:RepoRoot 'out/emulator/AzContext.Emulator.dll'
$script:AzurePowerShellClientId = '1950a258-227b-4e31-a9cf-717495945fc2'
$script:ArmResourceId = 'https://management.core.windows.net/'
# The variable that carries the test CA's folder to child processes of the same test run, so the CA is
# made once per run, not once per process.
$script:PkiVariable = 'AZCONTEXT_EMULATOR_PKI'

function Invoke-OpenSsl {
    param([Parameter(Mandatory)][string[]]$Arguments)
    $out = & openssl @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "openssl $($Arguments[0]) failed: $($out -join ' ')" }
}

<#
.SYNOPSIS
    The test PKI of this run: a CA, the server certificate it issued (SAN IP:127.0.0.1, DNS:localhost,
    as server.pfx with an empty password), the SPKI pin of the server key, and a self-signed RSA
    certificate for the certificate service principal. Made once per run (the folder is passed to child
    processes in AZCONTEXT_EMULATOR_PKI) and removed when the process that made it exits.
#>
function Get-AzEmulatorPki {
    [CmdletBinding()]
    param()
    $dir = [Environment]::GetEnvironmentVariable($script:PkiVariable)
    if ($dir -and (Test-Path (Join-Path $dir 'complete'))) { return Read-Pki $dir }
    if (-not (Get-Command openssl -CommandType Application -ErrorAction Ignore)) {
        throw 'openssl is required to make the emulator''s test CA (./build.sh installs it)'
    }
    $dir = Join-Path ([IO.Path]::GetTempPath()) "azcontext-emu-pki-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    $null = New-Item -ItemType Directory -Path $dir
    Push-Location $dir
    try {
        # EC keys for the CA and the server: fast to make, and every TLS client here takes them.
        Invoke-OpenSsl @('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
            '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3', '-subj', '/CN=AzContext Emulator Test CA',
            '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
        # A second CA that issued nothing the emulator uses: trusting it instead is a TLS failure.
        Invoke-OpenSsl @('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
            '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '3', '-subj', '/CN=AzContext Unrelated Test CA',
            '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
        Invoke-OpenSsl @('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
            '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost')
        Set-Content -Path 'server.ext' -Value @(
            'basicConstraints=critical,CA:FALSE'
            'keyUsage=critical,digitalSignature'
            'extendedKeyUsage=serverAuth'
            'subjectAltName=IP:127.0.0.1,DNS:localhost'
        )
        Invoke-OpenSsl @('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
            '-out', 'server.crt', '-days', '3', '-extfile', 'server.ext')
        Invoke-OpenSsl @('pkcs12', '-export', '-in', 'server.crt', '-inkey', 'server.key', '-out', 'server.pfx', '-passout', 'pass:')
        Invoke-OpenSsl @('pkey', '-in', 'server.key', '-pubout', '-outform', 'DER', '-out', 'server.spki')
        # The certificate service principal's credential: RSA, as MSAL's assertions (PS256) need.
        Invoke-OpenSsl @('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'sp.key', '-out', 'sp.crt',
            '-days', '3', '-subj', '/CN=AzContext Emulator Service Principal')
        Invoke-OpenSsl @('pkcs12', '-export', '-in', 'sp.crt', '-inkey', 'sp.key', '-out', 'sp.pfx', '-passout', 'pass:')
        Remove-Item 'server.csr', 'server.ext', 'ca.srl' -ErrorAction Ignore
        $null = New-Item -ItemType File -Path 'complete'
    } finally {
        Pop-Location
    }
    [Environment]::SetEnvironmentVariable($script:PkiVariable, $dir)
    $null = Register-EngineEvent -SourceIdentifier PowerShell.Exiting -MessageData $dir -Action {
        Remove-Item -LiteralPath $event.MessageData -Recurse -Force -ErrorAction Ignore
    }
    Read-Pki $dir
}

function Read-Pki([string]$Dir) {
    $spki = [IO.File]::ReadAllBytes((Join-Path $Dir 'server.spki'))
    $spCert = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile((Join-Path $Dir 'sp.crt'))
    [pscustomobject]@{
        Dir = $Dir
        CaFile = Join-Path $Dir 'ca.crt'
        OtherCaFile = Join-Path $Dir 'other-ca.crt'
        ServerPfx = Join-Path $Dir 'server.pfx'
        # base64 of SHA-256 over the server key's SubjectPublicKeyInfo: Chromium's certificate pin format.
        ServerSpkiSha256 = [Convert]::ToBase64String([System.Security.Cryptography.SHA256]::HashData($spki))
        SpCertPath = Join-Path $Dir 'sp.crt'
        SpPfxPath = Join-Path $Dir 'sp.pfx'
        SpThumbprint = $spCert.Thumbprint
    }
}

function New-Guid36 { [guid]::NewGuid().ToString() }

# The default identities; -Seed replaces any top-level key, and merges one level into hashtables.
function New-DefaultSeed([object]$Pki) {
    $home_ = New-Guid36
    $other = New-Guid36
    $alice = [ordered]@{
        UserName = 'alice@contoso.com'; Password = 'P@ssw0rd!'; ObjectId = (New-Guid36); DisplayName = 'Alice Contoso'
        HomeTenantId = $home_; Tenants = @($home_, $other)
    }
    [ordered]@{
        HomeTenantId = $home_
        OtherTenantId = $other
        Tenants = @(
            [ordered]@{ Id = $home_; DisplayName = 'Contoso'; Domain = 'contoso.onmicrosoft.com'; CountryCode = 'US' }
            [ordered]@{ Id = $other; DisplayName = 'Fabrikam'; Domain = 'fabrikam.onmicrosoft.com'; CountryCode = 'GB' }
        )
        User = $alice
        Users = @($alice)
        ServicePrincipal = [ordered]@{
            AppId = (New-Guid36); ObjectId = (New-Guid36); TenantId = $home_
            Secret = 'emu~' + [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(24))
        }
        CertServicePrincipal = [ordered]@{
            AppId = (New-Guid36); ObjectId = (New-Guid36); TenantId = $home_
            CertPath = $Pki.SpCertPath; PfxPath = $Pki.SpPfxPath; Thumbprint = $Pki.SpThumbprint
        }
        FederatedServicePrincipal = [ordered]@{
            AppId = (New-Guid36); ObjectId = (New-Guid36); TenantId = $home_
            Assertion = 'federated.' + [guid]::NewGuid().ToString('N')
        }
        ManagedIdentity = [ordered]@{
            TenantId = $home_
            SystemAssignedClientId = (New-Guid36); SystemAssignedPrincipalId = (New-Guid36)
            UserAssignedClientId = (New-Guid36); UserAssignedPrincipalId = (New-Guid36)
            IdentityHeader = [guid]::NewGuid().ToString('N')
        }
        Subscriptions = @(
            [ordered]@{ Id = (New-Guid36); DisplayName = 'Contoso Dev'; TenantId = $home_; State = 'Enabled' }
            [ordered]@{ Id = (New-Guid36); DisplayName = 'Contoso Prod'; TenantId = $home_; State = 'Enabled' }
            [ordered]@{ Id = (New-Guid36); DisplayName = 'Contoso Legacy'; TenantId = $home_; State = 'Disabled' }
            [ordered]@{ Id = (New-Guid36); DisplayName = 'Fabrikam Main'; TenantId = $other; State = 'Enabled' }
        )
    }
}

function Merge-Seed([System.Collections.IDictionary]$Default, [hashtable]$Override) {
    foreach ($key in $Override.Keys) {
        $value = $Override[$key]
        if ($value -is [System.Collections.IDictionary] -and $Default[$key] -is [System.Collections.IDictionary]) {
            foreach ($k in $value.Keys) { $Default[$key][$k] = $value[$k] }
        } else {
            $Default[$key] = $value
        }
    }
    # A replaced User is the first of Users unless Users was given too.
    if ($Override.ContainsKey('User') -and -not $Override.ContainsKey('Users')) {
        $Default['Users'] = @($Default['User']) + @($Default['Users'] | Select-Object -Skip 1)
    }
    $Default
}

function ConvertTo-SeedObject([object]$Value) {
    # Nested hashtables as objects, so tests write $emu.Seed.ServicePrincipal.AppId.
    if ($Value -is [System.Collections.IDictionary]) {
        $o = [ordered]@{}
        foreach ($k in $Value.Keys) { $o[$k] = ConvertTo-SeedObject $Value[$k] }
        return [pscustomobject]$o
    }
    if ($Value -is [array]) { return , @($Value | ForEach-Object { ConvertTo-SeedObject $_ }) }
    $Value
}

<#
.SYNOPSIS
    Starts one emulator (HTTPS and HTTP on free 127.0.0.1 ports) and waits until it is ready.
.PARAMETER Seed
    Replaces default identities: any of HomeTenantId, OtherTenantId, Tenants, User, Users,
    ServicePrincipal, CertServicePrincipal, FederatedServicePrincipal, ManagedIdentity, Subscriptions.
.PARAMETER Subscriptions
    Generates that many more Enabled subscriptions in the home tenant (paging, bench).
.PARAMETER Settings
    Initial settings, as POST /_emu/settings takes them (expiresIn, deviceCodePendingPolls, pageSize, ...).
#>
function Start-AzEmulator {
    [CmdletBinding()]
    param([hashtable]$Seed = @{}, [int]$Subscriptions = 0, [hashtable]$Settings)
    if (-not (Test-Path $script:EmulatorDll)) {
        throw "the emulator is not built: $($script:EmulatorDll) is missing (run ./build.sh build)"
    }
    $pki = Get-AzEmulatorPki
    $seedTable = Merge-Seed (New-DefaultSeed $pki) $Seed
    $seedTable['SubscriptionCount'] = $Subscriptions
    $dir = Join-Path ([IO.Path]::GetTempPath()) "azcontext-emu-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    $null = New-Item -ItemType Directory -Path $dir
    $seedFile = Join-Path $dir 'seed.json'
    $seedTable | ConvertTo-Json -Depth 8 | Set-Content -Path $seedFile

    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($script:EmulatorDll, '--seed', $seedFile, '--pfx', $pki.ServerPfx, '--parent-pid', $PID, '--exit-on-stdin-eof')) {
        $psi.ArgumentList.Add([string]$a)
    }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.WorkingDirectory = $dir
    # The emulator's own runtime settings: no telemetry, no first-run text on stdout.
    $psi.Environment['DOTNET_CLI_TELEMETRY_OPTOUT'] = '1'
    $psi.Environment['DOTNET_NOLOGO'] = '1'
    $psi.Environment['DOTNET_TieredPGO'] = '0'
    $process = [System.Diagnostics.Process]::Start($psi)
    # Readiness: the one line the emulator prints once it listens. The bound only keeps a broken
    # emulator from hanging the run; a healthy one answers in well under a second.
    $read = $process.StandardOutput.ReadLineAsync()
    if (-not $read.Wait([TimeSpan]::FromSeconds(60)) -or -not $read.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction Ignore
        throw "the emulator did not start (exit code: $(if ($process.HasExited) { $process.ExitCode } else { 'none, killed' }))"
    }
    $ports = $read.Result | ConvertFrom-Json
    $emu = [pscustomobject]@{
        BaseUri = "https://127.0.0.1:$($ports.https)/"
        HttpBaseUri = "http://127.0.0.1:$($ports.http)/"
        CaFile = $pki.CaFile
        OtherCaFile = $pki.OtherCaFile
        ServerSpkiSha256 = $pki.ServerSpkiSha256
        Dir = $dir
        Process = $process
        HomeTenantId = $seedTable.HomeTenantId
        OtherTenantId = $seedTable.OtherTenantId
        Seed = ConvertTo-SeedObject $seedTable
        EnvironmentName = 'Emu'
        ClientId = $script:AzurePowerShellClientId
    }
    if ($Subscriptions -gt 0) {
        # The generated subscriptions, as the emulator made them.
        $emu.Seed.Subscriptions = @((Invoke-AzEmulatorAdmin $emu -Method GET -Path '/_emu/seed').subscriptions |
            ForEach-Object { [pscustomobject]@{ Id = $_.id; DisplayName = $_.displayName; TenantId = $_.tenantId; State = $_.state } })
    }
    if ($Settings) { $null = Invoke-AzEmulatorAdmin $emu -Method POST -Path '/_emu/settings' -Body $Settings }
    $emu
}

<# Stops the emulator and removes its folder. #>
function Stop-AzEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)][object]$Emulator)
    process {
        $p = $Emulator.Process
        if (-not $p.HasExited) {
            # Closing stdin is the emulator's signal to stop; kill only if it does not.
            $p.StandardInput.Close()
            if (-not $p.WaitForExit(10000)) { $p.Kill($true); $p.WaitForExit() }
        }
        $p.Dispose()
        Remove-Item -LiteralPath $Emulator.Dir -Recurse -Force -ErrorAction Ignore
    }
}

<#
.SYNOPSIS
    Parameters for Add-AzEnvironment describing the emulator as a cloud named 'Emu' (splat them).
#>
function Get-AzEmulatorEnvironment {
    [CmdletBinding()]
    param([Parameter(Mandatory)][object]$Emulator, [string]$Name = 'Emu')
    $base = $Emulator.BaseUri
    @{
        Name = $Name
        ActiveDirectoryEndpoint = $base
        ResourceManagerEndpoint = $base
        ActiveDirectoryServiceEndpointResourceId = $script:ArmResourceId
        GraphEndpoint = $base
        GraphAudience = $base
        MicrosoftGraphUrl = $base
        MicrosoftGraphEndpointResourceId = $base
        ManagementPortalUrl = $base
        ServiceEndpoint = $base
        GalleryEndpoint = $base
        AzureKeyVaultDnsSuffix = 'vault.emu.test'
        AzureKeyVaultServiceEndpointResourceId = 'https://vault.emu.test'
        StorageEndpoint = 'core.emu.test'
    }
}

<#
.SYNOPSIS
    Environment variables a child process needs to use the emulator: SSL_CERT_FILE (the test CA, which
    .NET reads only at process start) and the browser's certificate pin. With -ManagedIdentity, also the
    variables MSAL reads to find that style of managed identity endpoint. With -Distrust, SSL_CERT_FILE
    names a CA that did not issue the emulator's certificate instead: every HTTPS call then fails the TLS
    handshake (the "TLS failure" case).
#>
function Get-AzEmulatorProcessEnv {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][object]$Emulator,
        [ValidateSet('AppService', 'Imds', 'CloudShell')][string]$ManagedIdentity,
        [switch]$Distrust
    )
    $envs = @{
        SSL_CERT_FILE = if ($Distrust) { $Emulator.OtherCaFile } else { $Emulator.CaFile }
        AZCONTEXT_EMULATOR_SPKI = $Emulator.ServerSpkiSha256
        $script:PkiVariable = (Split-Path $Emulator.CaFile)
    }
    $http = $Emulator.HttpBaseUri.TrimEnd('/')
    switch ($ManagedIdentity) {
        'AppService' {
            $envs.IDENTITY_ENDPOINT = "$http/msi/token"
            $envs.IDENTITY_HEADER = $Emulator.Seed.ManagedIdentity.IdentityHeader
        }
        'Imds' { $envs.AZURE_POD_IDENTITY_AUTHORITY_HOST = $http }
        'CloudShell' { $envs.MSI_ENDPOINT = "$http/msi/cloudshell" }
    }
    $envs
}

<#
.SYNOPSIS
    Calls one of the emulator's /_emu knobs (over its plain http port, so this process needs no trust
    in the test CA): settings, fail, fail/clear, revoke, requests, requests/clear, seed.
#>
function Invoke-AzEmulatorAdmin {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][object]$Emulator,
        [ValidateSet('GET', 'POST')][string]$Method = 'GET',
        [Parameter(Mandatory)][string]$Path,
        [hashtable]$Body
    )
    if (-not $Path.StartsWith('/_emu')) { throw "admin paths start with /_emu: '$Path'" }
    $uri = $Emulator.HttpBaseUri.TrimEnd('/') + $Path
    $params = @{ Uri = $uri; Method = $Method; SkipHttpErrorCheck = $true; StatusCodeVariable = 'status' }
    if ($Method -eq 'POST') {
        $params.ContentType = 'application/json'
        $params.Body = if ($Body) { $Body | ConvertTo-Json -Depth 8 -Compress } else { '{}' }
    }
    $result = Invoke-RestMethod @params
    if ($status -ge 400) { throw "emulator $Method $Path answered $($status): $($result | ConvertTo-Json -Compress)" }
    $result
}

<#
.SYNOPSIS
    One HTTPS request to the emulator from this process, trusting the test CA for this request's
    client only (a chain policy with the CA as its one custom root; the host name is still checked).
    Returns Status, Headers, Text and Json (when the body parses).
.EXAMPLE
    Invoke-AzEmulatorRequest $emu -Method POST -Path "/$tid/oauth2/v2.0/token" -Form @{ grant_type = 'password'; ... }
    Invoke-AzEmulatorRequest $emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $token
#>
function Invoke-AzEmulatorRequest {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][object]$Emulator,
        [string]$Method = 'GET',
        # A path ('/tenants?...') or an absolute URI (a nextLink).
        [Parameter(Mandatory)][string]$Path,
        [System.Collections.IDictionary]$Form,
        [string]$JsonBody,
        [string]$Bearer,
        [hashtable]$Headers = @{}
    )
    if (-not $Emulator.PSObject.Properties['HttpClient'] -or -not $Emulator.HttpClient) {
        $ca = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadCertificateFromFile($Emulator.CaFile)
        $policy = [System.Security.Cryptography.X509Certificates.X509ChainPolicy]::new()
        $policy.TrustMode = [System.Security.Cryptography.X509Certificates.X509ChainTrustMode]::CustomRootTrust
        $policy.RevocationMode = [System.Security.Cryptography.X509Certificates.X509RevocationMode]::NoCheck
        $null = $policy.CustomTrustStore.Add($ca)
        $handler = [System.Net.Http.SocketsHttpHandler]::new()
        $handler.SslOptions.CertificateChainPolicy = $policy
        $handler.AllowAutoRedirect = $false
        $client = [System.Net.Http.HttpClient]::new($handler)
        $client.Timeout = [TimeSpan]::FromSeconds(120)
        $Emulator | Add-Member -NotePropertyName HttpClient -NotePropertyValue $client -Force
    }
    $uri = if ($Path -match '^https?://') { $Path } else { $Emulator.BaseUri.TrimEnd('/') + $Path }
    $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($Method), $uri)
    if ($Form) {
        $pairs = [System.Collections.Generic.List[System.Collections.Generic.KeyValuePair[string, string]]]::new()
        foreach ($k in $Form.Keys) { $pairs.Add([System.Collections.Generic.KeyValuePair[string, string]]::new($k, [string]$Form[$k])) }
        $request.Content = [System.Net.Http.FormUrlEncodedContent]::new($pairs)
    } elseif ($JsonBody) {
        $request.Content = [System.Net.Http.StringContent]::new($JsonBody, [Text.Encoding]::UTF8, 'application/json')
    }
    if ($Bearer) { $request.Headers.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $Bearer) }
    foreach ($k in $Headers.Keys) { $null = $request.Headers.TryAddWithoutValidation($k, [string]$Headers[$k]) }
    $response = $Emulator.HttpClient.SendAsync($request).GetAwaiter().GetResult()
    try {
        $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        $json = $null
        try { $json = $text | ConvertFrom-Json -Depth 64 -ErrorAction Stop } catch { $json = $null }
        $headerTable = @{}
        foreach ($h in @($response.Headers) + @($response.Content.Headers)) { $headerTable[$h.Key] = $h.Value -join ', ' }
        [pscustomobject]@{ Status = [int]$response.StatusCode; Headers = $headerTable; Text = $text; Json = $json }
    } finally {
        $response.Dispose()
        $request.Dispose()
    }
}

<#
.SYNOPSIS
    Runs out/msal-client (MSAL.NET + MsalCacheHelper used as Az.Accounts uses them) against the emulator
    in a new process that trusts the test CA, and returns what it printed: account, homeAccountId,
    tenantId, fromCache, tokenSource (or error, message), plus ExitCode and Stderr (the device code
    message goes there). Never a token.
.PARAMETER Mode
    devicecode, interactive (through the browser: tests/browser is put first on PATH), ropc or silent.
#>
function Invoke-AzEmulatorMsalClient {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][object]$Emulator,
        [Parameter(Mandatory)][ValidateSet('devicecode', 'interactive', 'ropc', 'silent')][string]$Mode,
        [Parameter(Mandatory)][string]$CacheFile,
        [string]$Tenant = 'organizations',
        [string]$TenantId,
        [string]$UserName,
        [string]$Password,
        [switch]$ForceRefresh,
        [hashtable]$Environment = @{}
    )
    $dll = Join-Path $script:RepoRoot 'out/msal-client/AzContext.MsalClient.dll'
    if (-not (Test-Path $dll)) { throw "the MSAL client is not built: $dll is missing (run ./build.sh build)" }
    $arguments = @($dll, $Mode, '--authority', "$($Emulator.BaseUri)$Tenant", '--cache', $CacheFile)
    if ($UserName) { $arguments += '--username', $UserName }
    if ($Password) { $arguments += '--password', $Password }
    if ($TenantId) { $arguments += '--tenant', $TenantId }
    if ($ForceRefresh) { $arguments += '--force-refresh' }
    $envs = (Get-AzEmulatorProcessEnv $Emulator) + $Environment
    if ($Mode -eq 'interactive' -and -not $envs.ContainsKey('PATH')) {
        $envs.PATH = (Join-Path $script:RepoRoot 'tests/browser') + [IO.Path]::PathSeparator + $env:PATH
    }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in $arguments) { $psi.ArgumentList.Add([string]$a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.Environment['DOTNET_NOLOGO'] = '1'
    foreach ($k in $envs.Keys) { $psi.Environment[$k] = [string]$envs[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    try {
        $stderr = $p.StandardError.ReadToEndAsync()
        $stdout = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        $line = @($stdout -split "`n" | Where-Object { $_.Trim() })[-1]
        $result = if ($line) { $line | ConvertFrom-Json } else { [pscustomobject]@{ error = 'no_output'; message = 'the client printed nothing' } }
        $result | Add-Member -NotePropertyName ExitCode -NotePropertyValue $p.ExitCode -PassThru |
            Add-Member -NotePropertyName Stderr -NotePropertyValue $stderr.GetAwaiter().GetResult() -PassThru
    } finally {
        $p.Dispose()
    }
}

Export-ModuleMember -Function Start-AzEmulator, Stop-AzEmulator, Get-AzEmulatorEnvironment, Get-AzEmulatorProcessEnv,
    Invoke-AzEmulatorAdmin, Invoke-AzEmulatorRequest, Invoke-AzEmulatorMsalClient, Get-AzEmulatorPki

Set-StrictMode -Version Latest

# The tests' emulator of Entra ID and ARM (tests/emulator) proves itself here: what other suites build
# on must hold — its TLS, the fields MSAL needs from each grant, ARM paging and the injected failures.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $RepoRoot 'tests/emulator/Emulator.psm1') -Force
    $script:Emu = Start-AzEmulator
    $script:ClientId = '1950a258-227b-4e31-a9cf-717495945fc2'
    $script:ArmScope = 'https://management.core.windows.net//.default offline_access openid profile'

    function Get-JwtClaims([string]$Jwt) {
        $p = $Jwt.Split('.')[1].Replace('-', '+').Replace('_', '/')
        $p = $p.PadRight($p.Length + (4 - $p.Length % 4) % 4, '=')
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($p)) | ConvertFrom-Json
    }
    function Get-Base64UrlJson([string]$Text) {
        $p = $Text.Replace('-', '+').Replace('_', '/')
        $p = $p.PadRight($p.Length + (4 - $p.Length % 4) % 4, '=')
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($p)) | ConvertFrom-Json
    }
    function ConvertTo-Base64Url([byte[]]$Bytes) { [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
    function Invoke-Token([string]$Tenant, [hashtable]$Form, [object]$Emulator = $script:Emu) {
        Invoke-AzEmulatorRequest $Emulator -Method POST -Path "/$Tenant/oauth2/v2.0/token" -Form $Form
    }
    function Get-UserTokens([string]$Tenant = 'organizations', [object]$Emulator = $script:Emu) {
        $r = Invoke-Token $Tenant @{
            grant_type = 'password'; client_id = $script:ClientId; client_info = '1'; scope = $script:ArmScope
            username = $Emulator.Seed.User.UserName; password = $Emulator.Seed.User.Password
        } $Emulator
        $r.Status | Should -Be 200
        $r.Json
    }
    # The fields MSAL needs from a user grant, and what they must say.
    function Assert-UserTokenResponse([object]$Json, [string]$TenantId) {
        foreach ($f in 'token_type', 'scope', 'expires_in', 'ext_expires_in', 'access_token', 'refresh_token', 'id_token', 'client_info') {
            $Json.PSObject.Properties[$f] | Should -Not -BeNullOrEmpty -Because "MSAL reads '$f'"
        }
        $Json.token_type | Should -Be 'Bearer'
        $Json.expires_in | Should -BeOfType [long]
        $id = Get-JwtClaims $Json.id_token
        $id.preferred_username | Should -Be $script:Emu.Seed.User.UserName
        $id.oid | Should -Be $script:Emu.Seed.User.ObjectId
        $id.tid | Should -Be $TenantId
        $id.aud | Should -Be $script:ClientId
        $id.ver | Should -Be '2.0'
        foreach ($c in 'name', 'sub', 'iss', 'iat', 'nbf', 'exp') { $id.PSObject.Properties[$c] | Should -Not -BeNullOrEmpty }
        $info = Get-Base64UrlJson $Json.client_info
        $info.uid | Should -Be $script:Emu.Seed.User.ObjectId
        $info.utid | Should -Be $script:Emu.HomeTenantId -Because 'client_info names the home tenant whatever tenant was asked'
        $at = Get-JwtClaims $Json.access_token
        $at.tid | Should -Be $TenantId
        $at.oid | Should -Be $script:Emu.Seed.User.ObjectId
        $at.upn | Should -Be $script:Emu.Seed.User.UserName
        $at.aud | Should -Be 'https://management.core.windows.net/'
        $at.exp - $at.iat | Should -Be $Json.expires_in
    }
    function Assert-EntraError([object]$Response, [int]$Status, [string]$Error_, [int]$Code) {
        $Response.Status | Should -Be $Status
        $Response.Json.error | Should -Be $Error_
        $Response.Json.error_codes | Should -Be @($Code)
        $Response.Json.error_description | Should -BeLike "AADSTS$($Code):*"
        foreach ($f in 'timestamp', 'trace_id', 'correlation_id') { $Response.Json.PSObject.Properties[$f] | Should -Not -BeNullOrEmpty }
    }
    function Get-AllPages([string]$Path, [string]$Token) {
        $items = [System.Collections.Generic.List[object]]::new()
        $pages = 0
        $next = $Path
        # Bounded: more pages than any test seeds means the nextLink loops.
        while ($next -and $pages -lt 1000) {
            $r = Invoke-AzEmulatorRequest $script:Emu -Path $next -Bearer $Token
            $r.Status | Should -Be 200
            $items.AddRange([object[]]@($r.Json.value))
            $next = if ($r.Json.PSObject.Properties['nextLink']) { $r.Json.nextLink } else { $null }
            $pages++
        }
        [pscustomobject]@{ Items = $items; Pages = $pages }
    }
}

AfterAll {
    if ($script:Emu) { Stop-AzEmulator $script:Emu }
}

Describe 'Emulator: start, stop and TLS' {
    It 'listens on 127.0.0.1 only, https and http, and reports its seed' {
        $Emu.BaseUri | Should -Match '^https://127\.0\.0\.1:\d+/$'
        $Emu.HttpBaseUri | Should -Match '^http://127\.0\.0\.1:\d+/$'
        $Emu.HomeTenantId | Should -Not -Be $Emu.OtherTenantId
        $Emu.Seed.User.UserName | Should -Be 'alice@contoso.com'
        @($Emu.Seed.Subscriptions).Count | Should -Be 4
        $Emu.Process.HasExited | Should -BeFalse
    }

    It 'is trusted by a child process started with SSL_CERT_FILE naming the test CA, and by no other process' {
        $probe = {
            param($Uri)
            try {
                $null = Invoke-WebRequest -Uri $Uri -SkipHttpErrorCheck
                'tls-ok'
            } catch {
                "tls-failed: $($_.Exception.Message)"
            }
        }
        $uri = "$($Emu.BaseUri)tenants?api-version=2022-12-01"
        $without = Invoke-InNewPwsh -ScriptBlock $probe -ArgumentList $uri -Environment @{ SSL_CERT_FILE = $null }
        $without | Should -BeLike 'tls-failed: *SSL*'
        $with = Invoke-InNewPwsh -ScriptBlock $probe -ArgumentList $uri -Environment (Get-AzEmulatorProcessEnv $Emu)
        $with | Should -Be 'tls-ok'
        $distrusted = Invoke-InNewPwsh -ScriptBlock $probe -ArgumentList $uri -Environment (Get-AzEmulatorProcessEnv $Emu -Distrust)
        $distrusted | Should -BeLike 'tls-failed: *SSL*'
    }

    It 'trusts the CA for this process only through the request helper, with the host name checked' {
        $r = Invoke-AzEmulatorRequest $Emu -Path '/tenants?api-version=2022-12-01'
        $r.Status | Should -Be 401
        $byName = $Emu.BaseUri -replace '127\.0\.0\.1', 'localhost'
        (Invoke-AzEmulatorRequest $Emu -Path "${byName}tenants?api-version=2022-12-01").Status | Should -Be 401
    }

    It 'serves only managed identity and the knobs on the plain http port' {
        $r = Invoke-WebRequest -Uri "$($Emu.HttpBaseUri)tenants?api-version=2022-12-01" -SkipHttpErrorCheck
        $r.StatusCode | Should -Be 404
    }

    It 'stops by itself when the process that started it dies' {
        $pwsh = if ($env:AZCONTEXT_PWSH) { $env:AZCONTEXT_PWSH } else { Join-Path $PSHOME 'pwsh' }
        $module = Join-Path $RepoRoot 'tests/emulator/Emulator.psm1'
        $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh)
        # The child prints its own pid (not the launcher's: a dotnet-tool pwsh runs under a shim) and the emulator's.
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; `$e = Start-AzEmulator; [Console]::Out.WriteLine(`"`$PID `$(`$e.Process.Id)`"); [Console]::Out.Flush(); [Console]::In.ReadLine()") {
            $psi.ArgumentList.Add($a)
        }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardInput = $true
        $parent = [System.Diagnostics.Process]::Start($psi)
        try {
            $line = $parent.StandardOutput.ReadLineAsync()
            $line.Wait([TimeSpan]::FromSeconds(120)) | Should -BeTrue
            $pwshPid, $emulatorPid = $line.Result.Split(' ')
            $emulator = [System.Diagnostics.Process]::GetProcessById([int]$emulatorPid)
            $emulator.HasExited | Should -BeFalse
            [System.Diagnostics.Process]::GetProcessById([int]$pwshPid).Kill()
            $emulator.WaitForExit(60000) | Should -BeTrue -Because 'the emulator watches its parent'
        } finally {
            if (-not $parent.HasExited) { $parent.Kill($true) }
            $parent.Dispose()
        }
    }
}

Describe 'Emulator: Entra ID grants' {
    BeforeEach { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body @{ expiresIn = 3600; deviceCodePendingPolls = 1; deviceCodeOutcome = 'approve' } }

    It 'password (ROPC): the fields MSAL needs, for the home tenant by /organizations' {
        Assert-UserTokenResponse (Get-UserTokens 'organizations') $Emu.HomeTenantId
    }

    It 'user realm discovery (MSAL asks before a password grant): seeded users are managed accounts' {
        (Invoke-AzEmulatorRequest $Emu -Path '/common/userrealm/alice@contoso.com?api-version=1.0').Json.account_type | Should -Be 'Managed'
        (Invoke-AzEmulatorRequest $Emu -Path '/common/userrealm/nobody@contoso.com?api-version=1.0').Json.account_type | Should -Be 'Unknown'
    }

    It 'password with a wrong password: invalid_grant AADSTS50126' {
        $r = Invoke-Token 'organizations' @{ grant_type = 'password'; client_id = $ClientId; scope = $ArmScope; username = 'alice@contoso.com'; password = 'wrong' }
        Assert-EntraError $r 400 'invalid_grant' 50126
    }

    It 'an unknown tenant: invalid_request AADSTS90002 naming it' {
        $r = Invoke-Token 'nosuch.onmicrosoft.com' @{ grant_type = 'password'; client_id = $ClientId; scope = $ArmScope; username = 'alice@contoso.com'; password = 'x' }
        Assert-EntraError $r 400 'invalid_request' 90002
        $r.Json.error_description | Should -BeLike "*'nosuch.onmicrosoft.com'*"
    }

    It 'device code: Entra''s message, pending for the set number of polls, then the tokens' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body @{ deviceCodePendingPolls = 2 }
        $dc = Invoke-AzEmulatorRequest $Emu -Method POST -Path '/organizations/oauth2/v2.0/devicecode' -Form @{ client_id = $ClientId; scope = $ArmScope }
        $dc.Status | Should -Be 200
        $dc.Json.message | Should -Be "To sign in, use a web browser to open the page $($Emu.BaseUri)devicelogin and enter the code $($dc.Json.user_code) to authenticate."
        $dc.Json.interval | Should -Be 0
        foreach ($grant in 'device_code', 'urn:ietf:params:oauth:grant-type:device_code') {
            $r = Invoke-Token 'organizations' @{ grant_type = $grant; client_id = $ClientId; device_code = $dc.Json.device_code; client_info = '1' }
            Assert-EntraError $r 400 'authorization_pending' 70016
        }
        $r = Invoke-Token 'organizations' @{ grant_type = 'device_code'; client_id = $ClientId; device_code = $dc.Json.device_code; client_info = '1' }
        $r.Status | Should -Be 200
        Assert-UserTokenResponse $r.Json $Emu.HomeTenantId
        $again = Invoke-Token 'organizations' @{ grant_type = 'device_code'; client_id = $ClientId; device_code = $dc.Json.device_code }
        Assert-EntraError $again 400 'invalid_grant' 70000
    }

    It 'device code declined or expired, as the settings say' -ForEach @(
        @{ Outcome = 'decline'; Error_ = 'authorization_declined'; Code = 70000 }
        @{ Outcome = 'expire'; Error_ = 'expired_token'; Code = 70019 }
    ) {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body @{ deviceCodePendingPolls = 0; deviceCodeOutcome = $Outcome }
        $dc = Invoke-AzEmulatorRequest $Emu -Method POST -Path '/organizations/oauth2/v2.0/devicecode' -Form @{ client_id = $ClientId; scope = $ArmScope }
        $r = Invoke-Token 'organizations' @{ grant_type = 'device_code'; client_id = $ClientId; device_code = $dc.Json.device_code }
        Assert-EntraError $r 400 $Error_ $Code
    }

    It 'authorization code: a form_post page, PKCE S256 checked at the token step' {
        $verifier = ConvertTo-Base64Url ([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
        $challenge = ConvertTo-Base64Url ([System.Security.Cryptography.SHA256]::HashData([Text.Encoding]::ASCII.GetBytes($verifier)))
        $redirect = 'http://localhost:12345'
        $q = "client_id=$ClientId&response_type=code&response_mode=form_post&redirect_uri=$([uri]::EscapeDataString($redirect))" +
            "&scope=$([uri]::EscapeDataString($ArmScope))&state=st4te&code_challenge=$challenge&code_challenge_method=S256&client_info=1"
        $page = Invoke-AzEmulatorRequest $Emu -Path "/organizations/oauth2/v2.0/authorize?$q"
        $page.Status | Should -Be 200
        $page.Text | Should -Match '<form method="POST" name="hiddenform" action="http://localhost:12345">'
        $page.Text | Should -Match 'onload="javascript:document\.forms\[0\]\.submit\(\)"'
        $fields = @{}
        foreach ($m in [regex]::Matches($page.Text, '<input type="hidden" name="([^"]+)" value="([^"]*)"')) {
            $fields[$m.Groups[1].Value] = [Net.WebUtility]::HtmlDecode($m.Groups[2].Value)
        }
        $fields.state | Should -Be 'st4te'
        (Get-Base64UrlJson $fields.client_info).utid | Should -Be $Emu.HomeTenantId
        $form = @{ grant_type = 'authorization_code'; client_id = $ClientId; code = $fields.code; redirect_uri = $redirect; scope = $ArmScope; client_info = '1' }
        $bad = Invoke-Token 'organizations' ($form + @{ code_verifier = 'not-the-verifier' })
        Assert-EntraError $bad 400 'invalid_grant' 501481
        # The code was spent by the failed attempt, as Entra spends it: a new one for the good verifier.
        $page = Invoke-AzEmulatorRequest $Emu -Path "/organizations/oauth2/v2.0/authorize?$q"
        $form.code = [Net.WebUtility]::HtmlDecode([regex]::Match($page.Text, 'name="code" value="([^"]*)"').Groups[1].Value)
        $r = Invoke-Token 'organizations' ($form + @{ code_verifier = $verifier })
        $r.Status | Should -Be 200
        Assert-UserTokenResponse $r.Json $Emu.HomeTenantId
    }

    It 'refresh token: into the other tenant with the home utid; revoked and expired are invalid_grant' {
        $first = Get-UserTokens
        $r = Invoke-Token $Emu.OtherTenantId @{ grant_type = 'refresh_token'; client_id = $ClientId; refresh_token = $first.refresh_token; scope = $ArmScope; client_info = '1' }
        $r.Status | Should -Be 200
        Assert-UserTokenResponse $r.Json $Emu.OtherTenantId

        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/revoke' -Body @{ user = 'alice@contoso.com' }
        $revoked = Invoke-Token 'organizations' @{ grant_type = 'refresh_token'; client_id = $ClientId; refresh_token = $first.refresh_token; scope = $ArmScope }
        Assert-EntraError $revoked 400 'invalid_grant' 50173

        $second = Get-UserTokens
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/revoke' -Body @{ user = 'alice@contoso.com'; expire = $true }
        $expired = Invoke-Token 'organizations' @{ grant_type = 'refresh_token'; client_id = $ClientId; refresh_token = $second.refresh_token; scope = $ArmScope }
        Assert-EntraError $expired 400 'invalid_grant' 700082

        $garbage = Invoke-Token 'organizations' @{ grant_type = 'refresh_token'; client_id = $ClientId; refresh_token = 'not-a-token'; scope = $ArmScope }
        Assert-EntraError $garbage 400 'invalid_grant' 9002313
    }

    It 'client secret: an app token; a wrong secret is invalid_client AADSTS7000215' {
        $sp = $Emu.Seed.ServicePrincipal
        $form = @{ grant_type = 'client_credentials'; client_id = $sp.AppId; scope = 'https://management.core.windows.net//.default'; client_info = '2' }
        $r = Invoke-Token $Emu.HomeTenantId ($form + @{ client_secret = $sp.Secret })
        $r.Status | Should -Be 200
        foreach ($f in 'token_type', 'expires_in', 'ext_expires_in', 'access_token') { $r.Json.PSObject.Properties[$f] | Should -Not -BeNullOrEmpty }
        $at = Get-JwtClaims $r.Json.access_token
        $at.appid | Should -Be $sp.AppId
        $at.tid | Should -Be $Emu.HomeTenantId
        $at.idtyp | Should -Be 'app'
        $wrong = Invoke-Token $Emu.HomeTenantId ($form + @{ client_secret = 'wrong' })
        Assert-EntraError $wrong 401 'invalid_client' 7000215
        $elsewhere = Invoke-Token $Emu.OtherTenantId ($form + @{ client_secret = $sp.Secret })
        Assert-EntraError $elsewhere 400 'unauthorized_client' 700016
    }

    It 'client certificate: an assertion signed with the certificate (PS256, x5t#S256) is accepted, another key is not' {
        $sp = $Emu.Seed.CertServicePrincipal
        $cert = [System.Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12FromFile($sp.PfxPath, '')
        $aud = "$($Emu.BaseUri)$($Emu.HomeTenantId)/oauth2/v2.0/token"
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $newAssertion = {
            param($Key)
            $header = @{ alg = 'PS256'; typ = 'JWT'; 'x5t#S256' = (ConvertTo-Base64Url $cert.GetCertHash('SHA256')) } | ConvertTo-Json -Compress
            $claims = @{ aud = $aud; iss = $sp.AppId; sub = $sp.AppId; jti = [guid]::NewGuid().ToString(); nbf = "$now"; exp = "$($now + 600)" } | ConvertTo-Json -Compress
            $input_ = (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes($header))) + '.' + (ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes($claims)))
            $sig = $Key.SignData([Text.Encoding]::ASCII.GetBytes($input_), 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pss)
            "$input_.$(ConvertTo-Base64Url $sig)"
        }
        $form = @{ grant_type = 'client_credentials'; client_id = $sp.AppId; scope = 'https://management.core.windows.net//.default'
            client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }
        $r = Invoke-Token $Emu.HomeTenantId ($form + @{ client_assertion = (& $newAssertion ([System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($cert))) })
        $r.Status | Should -Be 200
        (Get-JwtClaims $r.Json.access_token).appid | Should -Be $sp.AppId
        $other = [System.Security.Cryptography.RSA]::Create(2048)
        $bad = Invoke-Token $Emu.HomeTenantId ($form + @{ client_assertion = (& $newAssertion $other) })
        Assert-EntraError $bad 401 'invalid_client' 700027
    }

    It 'federated assertion: the seeded assertion only' {
        $sp = $Emu.Seed.FederatedServicePrincipal
        $form = @{ grant_type = 'client_credentials'; client_id = $sp.AppId; scope = 'https://management.core.windows.net//.default'
            client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' }
        (Invoke-Token $Emu.HomeTenantId ($form + @{ client_assertion = $sp.Assertion })).Status | Should -Be 200
        Assert-EntraError (Invoke-Token $Emu.HomeTenantId ($form + @{ client_assertion = 'other' })) 401 'invalid_client' 70021
    }

    It 'expires_in follows the setting' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body @{ expiresIn = 120 }
        $t = Get-UserTokens
        $t.expires_in | Should -Be 120
        $claims = Get-JwtClaims $t.access_token
        $claims.exp - $claims.iat | Should -Be 120
    }

    It 'rejects an unknown setting, naming it, and keeps the others' {
        { Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body @{ expiresInn = 5 } } | Should -Throw "*unknown setting 'expiresInn'*"
        (Invoke-AzEmulatorAdmin $Emu -Path '/_emu/settings').expiresIn | Should -Be 3600
    }
}

Describe 'Emulator: managed identity' {
    It '<Style>: a token for the <Identity> identity' -ForEach @(
        @{ Style = 'AppService'; Identity = 'system-assigned' }
        @{ Style = 'AppService'; Identity = 'user-assigned' }
        @{ Style = 'Imds'; Identity = 'system-assigned' }
        @{ Style = 'Imds'; Identity = 'user-assigned' }
        @{ Style = 'CloudShell'; Identity = 'system-assigned' }
    ) {
        $mi = $Emu.Seed.ManagedIdentity
        $envs = Get-AzEmulatorProcessEnv $Emu -ManagedIdentity $Style
        $resource = 'https://management.core.windows.net/'
        $clientQuery = if ($Identity -eq 'user-assigned') { "&client_id=$($mi.UserAssignedClientId)" } else { '' }
        $r = switch ($Style) {
            'AppService' {
                Invoke-RestMethod -Uri "$($envs.IDENTITY_ENDPOINT)?api-version=2019-08-01&resource=$resource$clientQuery" -Headers @{ 'X-IDENTITY-HEADER' = $envs.IDENTITY_HEADER }
            }
            'Imds' {
                Invoke-RestMethod -Uri "$($envs.AZURE_POD_IDENTITY_AUTHORITY_HOST)/metadata/identity/oauth2/token?api-version=2018-02-01&resource=$resource$clientQuery" -Headers @{ Metadata = 'true' }
            }
            'CloudShell' {
                Invoke-RestMethod -Uri $envs.MSI_ENDPOINT -Method POST -Body @{ resource = $resource } -Headers @{ Metadata = 'true' }
            }
        }
        $r.token_type | Should -Be 'Bearer'
        $r.resource | Should -Be $resource
        [long]$r.expires_on | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.ToUnixTimeSeconds())
        $claims = Get-JwtClaims $r.access_token
        $claims.oid | Should -Be $(if ($Identity -eq 'user-assigned') { $mi.UserAssignedPrincipalId } else { $mi.SystemAssignedPrincipalId })
        $claims.tid | Should -Be $Emu.HomeTenantId
        # And ARM takes it.
        (Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $r.access_token).Status | Should -Be 200
    }

    It 'App Service style without the identity header: 401; an unknown client id: Identity not found' {
        $envs = Get-AzEmulatorProcessEnv $Emu -ManagedIdentity AppService
        $r = Invoke-WebRequest -Uri "$($envs.IDENTITY_ENDPOINT)?api-version=2019-08-01&resource=https://management.core.windows.net/" -SkipHttpErrorCheck
        $r.StatusCode | Should -Be 401
        $r = Invoke-WebRequest -Uri "$($envs.IDENTITY_ENDPOINT)?api-version=2019-08-01&resource=https://management.core.windows.net/&client_id=$([guid]::NewGuid())" -Headers @{ 'X-IDENTITY-HEADER' = $envs.IDENTITY_HEADER } -SkipHttpErrorCheck
        $r.StatusCode | Should -Be 400
        ($r.Content | ConvertFrom-Json).error_description | Should -Be 'Identity not found'
    }
}

Describe 'Emulator: ARM' {
    BeforeAll { $script:UserToken = (Get-UserTokens).access_token }

    It 'tenants: both of the user''s tenants, in ARM''s shape' {
        $r = Invoke-AzEmulatorRequest $Emu -Path '/tenants?api-version=2022-12-01' -Bearer $UserToken
        $r.Status | Should -Be 200
        @($r.Json.value.tenantId) | Should -Be @($Emu.HomeTenantId, $Emu.OtherTenantId)
        $t = $r.Json.value[0]
        $t.id | Should -Be "/tenants/$($Emu.HomeTenantId)"
        $t.tenantCategory | Should -Be 'Home'
        $t.defaultDomain | Should -Be 'contoso.onmicrosoft.com'
        $t.domains | Should -Be @('contoso.onmicrosoft.com')
        $t.tenantType | Should -Be 'AAD'
    }

    It 'subscriptions: those of the token''s tenant; one by id; 404 SubscriptionNotFound otherwise' {
        $r = Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $UserToken
        $r.Status | Should -Be 200
        @($r.Json.value).Count | Should -Be 3
        @($r.Json.value.state) | Should -Contain 'Disabled'
        $r.Json.value[0].id | Should -Be "/subscriptions/$($r.Json.value[0].subscriptionId)"
        $r.Json.value[0].tenantId | Should -Be $Emu.HomeTenantId
        $r.Json.PSObject.Properties['nextLink'] | Should -BeNullOrEmpty
        $id = $r.Json.value[0].subscriptionId
        (Invoke-AzEmulatorRequest $Emu -Path "/subscriptions/$($id)?api-version=2022-12-01" -Bearer $UserToken).Json.displayName | Should -Be $r.Json.value[0].displayName
        $otherSub = @($Emu.Seed.Subscriptions | Where-Object TenantId -EQ $Emu.OtherTenantId)[0].Id
        $missing = Invoke-AzEmulatorRequest $Emu -Path "/subscriptions/$($otherSub)?api-version=2022-12-01" -Bearer $UserToken
        $missing.Status | Should -Be 404
        $missing.Json.error.code | Should -Be 'SubscriptionNotFound'
        $other = Get-UserTokens $Emu.OtherTenantId
        $r = Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $other.access_token
        @($r.Json.value.subscriptionId) | Should -Be @($otherSub)
    }

    It 'a missing, foreign or expired token: 401 with ARM''s codes; no api-version: 400' {
        $r = Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01'
        $r.Status | Should -Be 401
        $r.Json.error.code | Should -Be 'AuthenticationFailed'
        $r.Headers['WWW-Authenticate'] | Should -BeLike 'Bearer *'
        $parts = $UserToken.Split('.')
        $forged = "$($parts[0]).$($parts[1]).$(ConvertTo-Base64Url ([byte[]]::new(32)))"
        (Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $forged).Json.error.code | Should -Be 'InvalidAuthenticationToken'
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body @{ expiresIn = -60 }
        try { $stale = (Get-UserTokens).access_token } finally {
            $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body @{ expiresIn = 3600 }
        }
        (Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $stale).Json.error.code | Should -Be 'ExpiredAuthenticationToken'
        $noVersion = Invoke-AzEmulatorRequest $Emu -Path '/subscriptions' -Bearer $UserToken
        $noVersion.Status | Should -Be 400
        $noVersion.Json.error.code | Should -Be 'MissingApiVersionParameter'
    }

    It 'resource groups: PUT creates (201) then updates (200), GET and list see it, DELETE removes it' {
        $sub = @($Emu.Seed.Subscriptions)[0].Id
        $path = "/subscriptions/$sub/resourcegroups/rg1?api-version=2021-04-01"
        (Invoke-AzEmulatorRequest $Emu -Path $path -Bearer $UserToken).Status | Should -Be 404
        (Invoke-AzEmulatorRequest $Emu -Method PUT -Path $path -Bearer $UserToken -JsonBody '{"location":"westeurope"}').Status | Should -Be 201
        $put = Invoke-AzEmulatorRequest $Emu -Method PUT -Path $path -Bearer $UserToken -JsonBody '{"location":"westeurope","tags":{"a":"b"}}'
        $put.Status | Should -Be 200
        $put.Json.id | Should -Be "/subscriptions/$sub/resourceGroups/rg1"
        (Invoke-AzEmulatorRequest $Emu -Path $path -Bearer $UserToken).Json.tags.a | Should -Be 'b'
        $list = Invoke-AzEmulatorRequest $Emu -Path "/subscriptions/$sub/resourcegroups?api-version=2021-04-01" -Bearer $UserToken
        @($list.Json.value.name) | Should -Be @('rg1')
        $noLocation = Invoke-AzEmulatorRequest $Emu -Method PUT -Path $path -Bearer $UserToken -JsonBody '{}'
        $noLocation.Status | Should -Be 400
        $noLocation.Json.error.code | Should -Be 'LocationRequired'
        (Invoke-AzEmulatorRequest $Emu -Method DELETE -Path $path -Bearer $UserToken).Status | Should -Be 200
        (Invoke-AzEmulatorRequest $Emu -Path $path -Bearer $UserToken).Json.error.code | Should -Be 'ResourceGroupNotFound'
    }
}

Describe 'Emulator: ARM paging over thousands of subscriptions' {
    BeforeAll {
        $script:Big = Start-AzEmulator -Subscriptions 2500
        $script:BigToken = (Get-UserTokens 'organizations' $Big).access_token
    }
    AfterAll { if ($script:Big) { Stop-AzEmulator $script:Big } }

    It 'follows nextLink page by page to every subscription, each once' {
        $saved = $script:Emu
        $script:Emu = $Big
        try {
            $all = Get-AllPages '/subscriptions?api-version=2022-12-01' $BigToken
        } finally {
            $script:Emu = $saved
        }
        $all.Items.Count | Should -Be 2503
        $all.Pages | Should -Be 26
        @($all.Items.subscriptionId | Sort-Object -Unique).Count | Should -Be 2503
        # And the seed as returned lists them all, the other tenant's one too.
        @($Big.Seed.Subscriptions).Count | Should -Be 2504
    }

    It 'pages by the pageSize setting; a bad skip token is a 400' {
        $null = Invoke-AzEmulatorAdmin $Big -Method POST -Path '/_emu/settings' -Body @{ pageSize = 1000 }
        $first = Invoke-AzEmulatorRequest $Big -Path '/subscriptions?api-version=2022-12-01' -Bearer $BigToken
        @($first.Json.value).Count | Should -Be 1000
        $first.Json.nextLink | Should -BeLike "$($Big.BaseUri)subscriptions?api-version=2022-12-01&%24skiptoken=1000"
        $bad = Invoke-AzEmulatorRequest $Big -Path '/subscriptions?api-version=2022-12-01&$skiptoken=nope' -Bearer $BigToken
        $bad.Status | Should -Be 400
    }
}

Describe 'Emulator: injected failures and the request log' {
    BeforeAll { $script:UserToken = (Get-UserTokens).access_token }
    BeforeEach { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail/clear' }

    It 'ARM <Status>: the next <Count> calls fail with <Code>, then it answers again' -ForEach @(
        @{ Status = 401; Code = 'InvalidAuthenticationToken'; Count = 1 }
        @{ Status = 403; Code = 'AuthorizationFailed'; Count = 1 }
        @{ Status = 429; Code = 'TooManyRequests'; Count = 2 }
        @{ Status = 500; Code = 'InternalServerError'; Count = 2 }
    ) {
        $body = @{ pathPrefix = '/subscriptions'; status = $Status; count = $Count }
        if ($Status -eq 429) { $body.retryAfter = 7 }
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body $body
        for ($i = 0; $i -lt $Count; $i++) {
            $r = Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $UserToken
            $r.Status | Should -Be $Status
            $r.Json.error.code | Should -Be $Code
            if ($Status -eq 429) { $r.Headers['Retry-After'] | Should -Be '7' }
        }
        (Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $UserToken).Status | Should -Be 200
        # Other paths were never affected.
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body $body
        (Invoke-AzEmulatorRequest $Emu -Path '/tenants?api-version=2022-12-01' -Bearer $UserToken).Status | Should -Be 200
    }

    It 'the token endpoint fails in Entra''s shape (any tenant with *)' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = '/*/oauth2/v2.0/token'; status = 500 }
        $r = Invoke-Token 'organizations' @{ grant_type = 'password'; client_id = $ClientId; scope = $ArmScope; username = 'alice@contoso.com'; password = 'P@ssw0rd!' }
        Assert-EntraError $r 500 'server_error' 90033
        (Get-UserTokens).access_token | Should -Not -BeNullOrEmpty
    }

    It 'a malformed body is cut-off JSON with status 200' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = '/subscriptions'; body = 'malformed' }
        $r = Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $UserToken
        $r.Status | Should -Be 200
        $r.Json | Should -BeNullOrEmpty
        { $r.Text | ConvertFrom-Json } | Should -Throw
    }

    It 'a huge body is valid JSON of at least the size asked' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = '/subscriptions'; body = 'huge'; size = 2MB }
        $r = Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $UserToken
        $r.Status | Should -Be 200
        $r.Text.Length | Should -BeGreaterOrEqual 2MB
        @($r.Json.value).Count | Should -BeGreaterThan 1000
    }

    It '429 with Retry-After as an HTTP date, passed through as given' {
        $when = [DateTime]::UtcNow.AddSeconds(30).ToString('r')
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = '/tenants'; status = 429; retryAfter = $when }
        $r = Invoke-AzEmulatorRequest $Emu -Path '/tenants?api-version=2022-12-01' -Bearer $UserToken
        $r.Status | Should -Be 429
        $r.Headers['Retry-After'] | Should -Be $when
    }

    It 'an HTML error page (a gateway''s) and a JSON body of the test''s own, such as a nextLink that loops' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = '/subscriptions'; status = 502; body = 'html' }
        $r = Invoke-AzEmulatorRequest $Emu -Path '/subscriptions?api-version=2022-12-01' -Bearer $UserToken
        $r.Status | Should -Be 502
        $r.Headers['Content-Type'] | Should -BeLike 'text/html*'
        $self = "$($Emu.BaseUri)subscriptions?api-version=2022-12-01"
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = '/subscriptions'; count = 3; body = @{ value = @(); nextLink = $self } }
        foreach ($i in 1..3) {
            $r = Invoke-AzEmulatorRequest $Emu -Path $self -Bearer $UserToken
            $r.Status | Should -Be 200
            $r.Json.nextLink | Should -Be $self
        }
        (Invoke-AzEmulatorRequest $Emu -Path $self -Bearer $UserToken).Json.PSObject.Properties['nextLink'] | Should -BeNullOrEmpty
    }

    It 'a rule for one method leaves the others alone' {
        $sub = @($Emu.Seed.Subscriptions)[0].Id
        $path = "/subscriptions/$sub/resourcegroups/rg-method?api-version=2021-04-01"
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = "/subscriptions/$sub/resourcegroups"; method = 'PUT'; status = 409 }
        (Invoke-AzEmulatorRequest $Emu -Path $path -Bearer $UserToken).Status | Should -Be 404
        (Invoke-AzEmulatorRequest $Emu -Method PUT -Path $path -Bearer $UserToken -JsonBody '{"location":"westeurope"}').Status | Should -Be 409
        (Invoke-AzEmulatorRequest $Emu -Method PUT -Path $path -Bearer $UserToken -JsonBody '{"location":"westeurope"}').Status | Should -Be 201
    }

    It 'a bad rule is refused, naming what is wrong' {
        { Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = 'subscriptions'; status = 500 } } | Should -Throw '*pathPrefix*'
        { Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body @{ pathPrefix = '/x'; status = 200 } } | Should -Throw '*failing status*'
    }

    It 'logs each request with its grant and tenant, and never a secret' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear'
        $t = Get-UserTokens $Emu.OtherTenantId
        $null = Invoke-AzEmulatorRequest $Emu -Path '/tenants?api-version=2022-12-01' -Bearer $t.access_token
        $log = @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests')
        $log.Count | Should -Be 2
        $log[0].method | Should -Be 'POST'
        $log[0].path | Should -Be "/$($Emu.OtherTenantId)/oauth2/v2.0/token"
        $log[0].grantType | Should -Be 'password'
        $log[0].tenant | Should -Be $Emu.OtherTenantId
        $log[0].status | Should -Be 200
        $log[1].path | Should -Be '/tenants'
        $log[1].tenant | Should -Be $Emu.OtherTenantId
        $text = $log | ConvertTo-Json -Depth 4
        $text | Should -Not -Match ([regex]::Escape($Emu.Seed.User.Password))
        $text | Should -Not -Match ([regex]::Escape($t.access_token.Substring(0, 40)))
        $text | Should -Not -Match ([regex]::Escape($t.refresh_token.Substring(0, 20)))
    }
}

Describe 'Emulator: the browser of the interactive flow (tests/browser/xdg-open)' {
    BeforeAll {
        $script:XdgOpen = Join-Path $RepoRoot 'tests/browser/xdg-open'
        # A loopback listener standing in for MSAL's, on a free port.
        function Start-LoopbackListener {
            $probe = [System.Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
            $probe.Start()
            $port = $probe.LocalEndpoint.Port
            $probe.Stop()
            $l = [System.Net.HttpListener]::new()
            $l.Prefixes.Add("http://localhost:$port/")
            $l.Start()
            [pscustomobject]@{ Listener = $l; RedirectUri = "http://localhost:$port" }
        }
        function Get-AuthorizeUrl([string]$RedirectUri) {
            "$($Emu.BaseUri)organizations/oauth2/v2.0/authorize?client_id=$ClientId&response_type=code&response_mode=form_post" +
            "&redirect_uri=$([uri]::EscapeDataString($RedirectUri))&scope=$([uri]::EscapeDataString($ArmScope))&state=browser-state"
        }
        # Runs xdg-open as MSAL does, with the variables a test process gets; returns its exit code.
        function Invoke-XdgOpen([string]$Url, [hashtable]$Environment) {
            $saved = @{}
            foreach ($k in $Environment.Keys) {
                $saved[$k] = [Environment]::GetEnvironmentVariable($k)
                [Environment]::SetEnvironmentVariable($k, $Environment[$k])
            }
            try {
                & $XdgOpen $Url 2>$null
                $LASTEXITCODE
            } finally {
                foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
            }
        }
        # Waits (bounded) for the background browser the script started to exit on its own; its exit code.
        function Wait-Browser([string]$LogDir) {
            $browserPid = [int](Get-Content (Join-Path $LogDir 'pid'))
            $p = Get-Process -Id $browserPid -ErrorAction Ignore
            if ($p) { $p.WaitForExit(300000) | Should -BeTrue -Because 'the browser exits on its own' }
            [int](Get-Content (Join-Path $LogDir 'exit'))
        }
    }

    It 'runs the authorize page in headless Chromium, which posts the form to the loopback listener and exits' {
        $loop = Start-LoopbackListener
        try {
            $logDir = Join-Path $TestDrive "browser-$([guid]::NewGuid().ToString('N'))"
            $envs = (Get-AzEmulatorProcessEnv $Emu) + @{ AZCONTEXT_BROWSER_LOG = $logDir }
            $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear'
            $pending = $loop.Listener.GetContextAsync()
            Invoke-XdgOpen (Get-AuthorizeUrl $loop.RedirectUri) $envs | Should -Be 0
            $pending.Wait(300000) | Should -BeTrue -Because 'the browser posts the form'
            $ctx = $pending.Result
            $ctx.Request.HttpMethod | Should -Be 'POST'
            $form = [Web.HttpUtility]::ParseQueryString([IO.StreamReader]::new($ctx.Request.InputStream).ReadToEnd())
            $form['state'] | Should -Be 'browser-state'
            $form['code'] | Should -Not -BeNullOrEmpty
            (Get-Base64UrlJson $form['client_info']).utid | Should -Be $Emu.HomeTenantId
            $page = [Text.Encoding]::UTF8.GetBytes('<html><body>Authentication complete.</body></html>')
            $ctx.Response.ContentType = 'text/html'
            $ctx.Response.OutputStream.Write($page, 0, $page.Length)
            $ctx.Response.Close()
            Wait-Browser $logDir | Should -Be 0
            Get-Content (Join-Path $logDir 'dom.html') -Raw | Should -Match 'Authentication complete\.'
            # The page came from the emulator over TLS, trusted through the pin.
            $log = @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests')
            @($log | Where-Object path -Like '*/authorize').Count | Should -Be 1
            # The code it carried is good for tokens.
            $r = Invoke-Token 'organizations' @{ grant_type = 'authorization_code'; client_id = $ClientId; code = $form['code']; redirect_uri = $loop.RedirectUri; scope = $ArmScope }
            $r.Status | Should -Be 200
        } finally {
            $loop.Listener.Close()
        }
    }

    It 'does not trust the emulator without the pin of its key: nothing reaches the listener' {
        $loop = Start-LoopbackListener
        try {
            $logDir = Join-Path $TestDrive "browser-$([guid]::NewGuid().ToString('N'))"
            $otherKey = [Convert]::ToBase64String([System.Security.Cryptography.SHA256]::HashData([byte[]]::new(16)))
            $envs = (Get-AzEmulatorProcessEnv $Emu) + @{ AZCONTEXT_BROWSER_LOG = $logDir }
            $envs.AZCONTEXT_EMULATOR_SPKI = $otherKey
            $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear'
            $pending = $loop.Listener.GetContextAsync()
            Invoke-XdgOpen (Get-AuthorizeUrl $loop.RedirectUri) $envs | Should -Be 0
            Wait-Browser $logDir | Should -Not -Be 0 -Because 'the page could not be loaded'
            Get-Content (Join-Path $logDir 'browser.log') -Raw | Should -Match 'ERR_CERT_AUTHORITY_INVALID'
            $pending.IsCompleted | Should -BeFalse
            @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests' | Where-Object path -Like '*/authorize').Count | Should -Be 0
        } finally {
            $loop.Listener.Close()
        }
    }

    It 'refuses to open anything but the emulator on loopback' {
        Invoke-XdgOpen 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize' (Get-AzEmulatorProcessEnv $Emu) | Should -Be 3
    }
}

Describe 'Emulator: MSAL used as Az.Accounts uses it (out/msal-client)' {
    BeforeEach {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body @{ expiresIn = 3600; deviceCodePendingPolls = 1; deviceCodeOutcome = 'approve' }
        $script:Cache = Join-Path $TestDrive "cache-$([guid]::NewGuid().ToString('N'))/msal.cache"
    }

    It 'device code in one process, then silent from the cache file in a second: no request the second time' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear'
        $first = Invoke-AzEmulatorMsalClient $Emu -Mode devicecode -CacheFile $Cache
        $first.ExitCode | Should -Be 0
        $first.account | Should -Be 'alice@contoso.com'
        $first.fromCache | Should -BeFalse
        $first.homeAccountId | Should -Be "$($Emu.Seed.User.ObjectId).$($Emu.HomeTenantId)"
        $first.Stderr | Should -Match "To sign in, use a web browser to open the page $([regex]::Escape($Emu.BaseUri))devicelogin and enter the code \w+ to authenticate\."
        @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests' | Where-Object grantType -EQ 'device_code').Count | Should -Be 2
        (Get-Item $Cache).UnixMode | Should -Be '-rw-------'

        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear'
        $second = Invoke-AzEmulatorMsalClient $Emu -Mode silent -CacheFile $Cache
        $second.ExitCode | Should -Be 0
        $second.account | Should -Be 'alice@contoso.com'
        $second.fromCache | Should -BeTrue
        @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests').Count | Should -Be 0
    }

    It 'silent into the other tenant is one refresh grant to that tenant; a forced refresh is one more' {
        (Invoke-AzEmulatorMsalClient $Emu -Mode ropc -CacheFile $Cache -UserName $Emu.Seed.User.UserName -Password $Emu.Seed.User.Password).ExitCode | Should -Be 0
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear'
        $other = Invoke-AzEmulatorMsalClient $Emu -Mode silent -CacheFile $Cache -TenantId $Emu.OtherTenantId
        $other.ExitCode | Should -Be 0
        $other.tenantId | Should -Be $Emu.OtherTenantId
        $other.homeAccountId | Should -Be "$($Emu.Seed.User.ObjectId).$($Emu.HomeTenantId)"
        $forced = Invoke-AzEmulatorMsalClient $Emu -Mode silent -CacheFile $Cache -ForceRefresh
        $forced.fromCache | Should -BeFalse
        $log = @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests')
        @($log.grantType) | Should -Be @('refresh_token', 'refresh_token')
        $log[0].tenant | Should -Be $Emu.OtherTenantId
    }

    It 'a wrong password is invalid_grant and writes no cache' {
        $r = Invoke-AzEmulatorMsalClient $Emu -Mode ropc -CacheFile $Cache -UserName $Emu.Seed.User.UserName -Password 'wrong'
        $r.ExitCode | Should -Be 1
        $r.error | Should -Be 'invalid_grant'
        $r.message | Should -BeLike 'AADSTS50126:*'
        Test-Path $Cache | Should -BeFalse
    }

    It 'a revoked refresh token fails the forced refresh and leaves the cache file as it was' {
        (Invoke-AzEmulatorMsalClient $Emu -Mode ropc -CacheFile $Cache -UserName $Emu.Seed.User.UserName -Password $Emu.Seed.User.Password).ExitCode | Should -Be 0
        $before = Get-FileHash $Cache
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/revoke' -Body @{ user = $Emu.Seed.User.UserName }
        $r = Invoke-AzEmulatorMsalClient $Emu -Mode silent -CacheFile $Cache -ForceRefresh
        $r.ExitCode | Should -Be 1
        $r.error | Should -Be 'invalid_grant'
        $r.message | Should -BeLike 'AADSTS50173:*'
        (Get-FileHash $Cache).Hash | Should -Be $before.Hash
    }

    It 'interactive: MSAL runs xdg-open, the headless browser completes the form_post, the token is cached' {
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear'
        $r = Invoke-AzEmulatorMsalClient $Emu -Mode interactive -CacheFile $Cache
        $r.ExitCode | Should -Be 0
        $r.account | Should -Be 'alice@contoso.com'
        $r.fromCache | Should -BeFalse
        $log = @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests')
        @($log.grantType) | Should -Be @('authorize', 'authorization_code')
        (Invoke-AzEmulatorMsalClient $Emu -Mode silent -CacheFile $Cache).fromCache | Should -BeTrue
    }
}

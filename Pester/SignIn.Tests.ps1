Set-StrictMode -Version Latest

# Sign-in end to end: each command runs in a fresh pwsh that trusts the emulator's test CA (and only it),
# against a custom environment 'Emu' whose endpoints are the emulator's, with a store of its own.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'EmuSession.ps1')
    $Sp = $Emu.Seed.ServicePrincipal
    $Tid = $Emu.HomeTenantId

    $SpSignIn = {
        param($seed)
        $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
        Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu
    }
    $UserSignIn = { (Connect-AzAccount -UseDeviceAuthentication -Environment Emu -WarningAction SilentlyContinue).Context.Account.Id }
    $TokenText = {
        $t = Get-AzAccessToken
        [pscustomobject]@{ Plain = (ConvertFrom-SecureString $t.Token -AsPlainText); IsSecure = $t.Token -is [securestring]; Text = ($t | Format-List | Out-String) + "$t"; UserId = $t.UserId; TenantId = $t.TenantId; ExpiresOn = $t.ExpiresOn }
    }
}

AfterAll {
    if ($Emu) { Stop-AzEmulator $Emu }
}

Describe 'Sign-in engine loading' {
    It 'loads no MSAL assembly at import, and MSAL only into its own load context at first sign-in' {
        $store = New-TestStore
        $r = Invoke-Emu -Store $store -Script {
            param($seed)
            $msal = { @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -like 'Microsoft.Identity*' } |
                ForEach-Object { "$($_.GetName().Name)@$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)" }) }
            Get-AzContext | Out-Null
            $afterImport = & $msal
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
            $null = Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu
            [pscustomobject]@{ AfterImport = $afterImport; AfterSignIn = & $msal }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].AfterImport | Should -BeNullOrEmpty
        $r.Out[0].AfterSignIn | Should -Contain 'Microsoft.Identity.Client@azcontext-signin'
        @($r.Out[0].AfterSignIn | Where-Object { $_ -notlike '*@azcontext-signin' }) | Should -BeNullOrEmpty
    }

    It 'ships MSAL in dependencies/ only, never beside AzContext.dll' {
        $module = Join-Path $RepoRoot 'out/AzContext'
        Get-ChildItem $module -Filter 'Microsoft.Identity*' | Should -BeNullOrEmpty
        Get-ChildItem $module -Filter 'AzContext.Engine.dll' | Should -BeNullOrEmpty
        Join-Path $module 'dependencies/Microsoft.Identity.Client.dll' | Should -Exist
        Join-Path $module 'dependencies/AzContext.Engine.dll' | Should -Exist
    }
}

Describe 'Connect-AzAccount -ServicePrincipal with a secret' {
    BeforeEach { $Store = New-TestStore; Clear-EmuRequests }

    It 'stores the tenant-level context Az creates, keeps the secret out of every file and output, and serves Get-AzAccessToken' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
            $DebugPreference = 'Continue'
            $p = Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu -Verbose 5>&1 4>&1
            $t = Get-AzAccessToken -Verbose 5>&1 4>&1
            $text = ($p, $t, (Get-AzContext), (Get-AzContext).Account | Format-List * -Force | Out-String) + ($p | Out-String)
            $token = ($t | Where-Object { $_ -is [Microsoft.Azure.Commands.Profile.Models.PSSecureAccessToken] })
            [pscustomobject]@{
                ContextName = ($p | Where-Object { $_ -is [Microsoft.Azure.Commands.Profile.Models.Core.PSAzureProfile] }).Context.Name
                Type = (Get-AzContext).Account.Type; Tenants = (Get-AzContext).Account.Tenants
                IsSecure = $token.Token -is [securestring]; Plain = ConvertFrom-SecureString $token.Token -AsPlainText
                Text = $text; UserId = $token.UserId; TenantId = $token.TenantId
            }
        }
        $r.Errors | Should -BeNullOrEmpty
        $o = $r.Out[0]
        $dev = $Emu.Seed.Subscriptions | Where-Object DisplayName -eq 'Contoso Dev'
        $o.ContextName | Should -Be "Contoso Dev ($($dev.Id)) - $Tid - $($Sp.AppId)"
        $o.Type | Should -Be 'ServicePrincipal'
        $o.Tenants | Should -Be $Tid
        $o.IsSecure | Should -BeTrue
        $o.UserId | Should -Be $Sp.AppId
        $o.TenantId | Should -Be $Tid
        $o.Plain.Split('.').Count | Should -Be 3
        $o.Text | Should -Not -Match ([regex]::Escape($Sp.Secret))
        $o.Text | Should -Not -Match ([regex]::Escape($o.Plain))
        (Get-StoreText $Store) -join "`n" | Should -Not -Match ([regex]::Escape($Sp.Secret))
        (Get-StoreText $Store -WithTokenCache) -join "`n" | Should -Not -Match ([regex]::Escape($Sp.Secret))
        @(Get-EmuRequests | Where-Object grantType -eq 'client_credentials').Count | Should -Be 1
    }

    It 'serves Get-AzAccessToken in a new process from the shared cache, with no request to the authority' {
        $null = Invoke-Emu -Store $Store -Script $SpSignIn
        Clear-EmuRequests
        $r = Invoke-Emu -Store $Store -Script $TokenText
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].IsSecure | Should -BeTrue
        $r.Out[0].Plain | Should -Not -BeNullOrEmpty
        Get-EmuRequests | Should -BeNullOrEmpty
        $s = Invoke-Emu -Store $Store -Script { Get-AzContextAutosaveSetting | Select-Object CacheDirectory, CacheFile }
        $s.Out[0].CacheDirectory | Should -Be (Join-Path $Store '.IdentityService')
        $s.Out[0].CacheFile | Should -Be 'msal.cache.cae'
        Join-Path $Store '.IdentityService/msal.cache.cae.confidential' | Should -Exist
        if (-not $IsWindows) { [Convert]::ToString([int](Get-Item (Join-Path $Store '.IdentityService/msal.cache.cae.confidential')).UnixFileMode, 8) | Should -Be '600' }
    }

    It 'fails on a wrong secret with the authority''s error, naming no secret, and stores nothing' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString 'not-the-secret' -AsPlainText -Force))
            Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu
            @(Get-AzContext -ListAvailable).Count
        }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Id | Should -BeLike 'InvalidCredential,*'
        $r.Errors[0].Message | Should -Match 'AADSTS7000215'
        $r.Errors[0].Message | Should -Not -Match 'not-the-secret'
        (Get-StoreText $Store) -join "`n" | Should -Not -Match $Sp.AppId
    }

    It 'keeps the tokens of -Scope Process in this process''s memory: nothing on disk, nothing for a new process' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
            $null = Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu -Scope Process
            (Get-AzAccessToken).UserId
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out | Should -Be $Sp.AppId
        Join-Path $Store '.IdentityService' | Should -Not -Exist
        (Get-StoreText $Store) -join "`n" | Should -Not -Match $Sp.AppId
    }
}

Describe 'Failures that change nothing' {
    BeforeEach { $Store = New-TestStore }

    It 'an unreachable authority is a clear error' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $null = Add-AzEnvironment -Name Nowhere -ActiveDirectoryEndpoint 'https://127.0.0.1:9/' -ResourceManagerEndpoint 'https://127.0.0.1:9/' -ActiveDirectoryServiceEndpointResourceId 'https://management.core.windows.net/'
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
            Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Nowhere
        }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Id | Should -BeLike 'AuthorityUnreachable,*'
        $r.Errors[0].Category | Should -Be 'ConnectionError'
        (Get-StoreText $Store) -join "`n" | Should -Not -Match $Sp.AppId
    }

    It 'an authority whose certificate this process does not trust is a TLS error' {
        $r = Invoke-Emu -Store $Store -NoCa -Script $SpSignIn
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Id | Should -BeLike 'AuthorityTlsFailure,*'
        $r.Errors[0].Message | Should -Match 'TLS'
        (Get-StoreText $Store) -join "`n" | Should -Not -Match $Sp.AppId
    }
}

Describe 'Connect-AzAccount as a user' {
    BeforeEach { $Store = New-TestStore; Clear-EmuRequests; Set-EmuSettings @{ expiresIn = 3600 } }
    AfterAll { Set-EmuSettings @{ expiresIn = 3600 } }

    It '-UseDeviceAuthentication prints the device code message as a warning and makes the home tenant''s first subscription current' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $p = Connect-AzAccount -UseDeviceAuthentication -Environment Emu
            [pscustomobject]@{ Name = $p.Context.Name; Type = $p.Context.Account.Type; Id = $p.Context.Account.Id; Home = $p.Context.Account.ExtendedProperties['HomeAccountId'] }
        }
        $r.Errors | Should -BeNullOrEmpty
        @($r.Warnings | Where-Object { $_ -like 'To sign in, use a web browser to open the page *devicelogin and enter the code * to authenticate.' }).Count | Should -Be 1
        $r.Out[0].Id | Should -Be $Emu.Seed.User.UserName
        $r.Out[0].Type | Should -Be 'User'
        $dev = $Emu.Seed.Subscriptions | Where-Object DisplayName -eq 'Contoso Dev'
        $r.Out[0].Name | Should -Be "Contoso Dev ($($dev.Id)) - $Tid - $($Emu.Seed.User.UserName)"
        $r.Out[0].Home | Should -Be "$($Emu.Seed.User.ObjectId).$Tid"
    }

    It '-Credential signs a user in with a password that is stored nowhere, and a wrong password stores nothing' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $c = [pscredential]::new($seed.User.UserName, (ConvertTo-SecureString $seed.User.Password -AsPlainText -Force))
            (Connect-AzAccount -Credential $c -Tenant $seed.HomeTenantId -Environment Emu).Context.Account.Id
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out | Should -Be $Emu.Seed.User.UserName
        (Get-StoreText $Store -WithTokenCache) -join "`n" | Should -Not -Match ([regex]::Escape($Emu.Seed.User.Password))

        $other = New-TestStore
        $w = Invoke-Emu -Store $other -Script {
            param($seed)
            $c = [pscredential]::new($seed.User.UserName, (ConvertTo-SecureString 'wrong-password' -AsPlainText -Force))
            Connect-AzAccount -Credential $c -Tenant $seed.HomeTenantId -Environment Emu
        }
        $w.Errors.Count | Should -Be 1
        $w.Errors[0].Message | Should -Match 'AADSTS50126'
        $w.Errors[0].Message | Should -Not -Match 'wrong-password'
        (Get-StoreText $other) -join "`n" | Should -Not -Match ([regex]::Escape($Emu.Seed.User.UserName))
    }

    It 'a new process refreshes a user''s token from the cache when it is near expiry' {
        Set-EmuSettings @{ expiresIn = 120 }
        $r = Invoke-Emu -Store $Store -Script $UserSignIn
        $r.Errors | Should -BeNullOrEmpty
        $r.Out | Should -Be $Emu.Seed.User.UserName
        Clear-EmuRequests
        $t = Invoke-Emu -Store $Store -Script $TokenText
        $t.Errors | Should -BeNullOrEmpty
        $t.Out[0].UserId | Should -Be $Emu.Seed.User.UserName
        @(Get-EmuRequests | Where-Object grantType -eq 'refresh_token').Count | Should -Be 1
        @(Get-EmuRequests | Where-Object grantType -ne 'refresh_token').Count | Should -Be 0
    }

    It 'a revoked refresh token is a clear error that changes nothing stored' {
        Set-EmuSettings @{ expiresIn = 120 }
        $null = Invoke-Emu -Store $Store -Script $UserSignIn
        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/revoke' -Body @{ user = $Emu.Seed.User.UserName }
        $before = (Get-StoreText $Store) -join "`n"
        $t = Invoke-Emu -Store $Store -Script { Get-AzAccessToken; (Get-AzContext).Account.Id }
        $t.Errors.Count | Should -Be 1
        $t.Errors[0].Id | Should -BeLike 'SignInRequired,*'
        $t.Errors[0].Message | Should -Match 'invalid_grant: AADSTS50173'
        $t.Errors[0].Message | Should -Match 'Connect-AzAccount'
        (Get-StoreText $Store) -join "`n" | Should -Be $before
    }

    It 'Disconnect-AzAccount removes the user''s tokens from the cache: a new process must sign in again' {
        $null = Invoke-Emu -Store $Store -Script $UserSignIn
        $cacheFile = Join-Path $Store '.IdentityService/msal.cache.cae'
        (Get-Content -Raw $cacheFile) | Should -Match ([regex]::Escape($Emu.Seed.User.UserName))
        $d = Invoke-Emu -Store $Store -Script { (Disconnect-AzAccount).Id }
        $d.Errors | Should -BeNullOrEmpty
        $d.Out | Should -Be $Emu.Seed.User.UserName
        (Get-Content -Raw $cacheFile) | Should -Not -Match ([regex]::Escape($Emu.Seed.User.UserName))
    }
}

Describe 'Connect-AzAccount as a service principal with a certificate or a federated token' {
    BeforeEach { $Store = New-TestStore }

    It 'signs in with -CertificatePath, records the path (not the certificate) and serves a token' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $sp = $seed.CertServicePrincipal
            $p = Connect-AzAccount -ServicePrincipal -ApplicationId $sp.AppId -CertificatePath $sp.PfxPath -Tenant $seed.HomeTenantId -Environment Emu -SendCertificateChain
            $t = Get-AzAccessToken
            [pscustomobject]@{ Type = $p.Context.Account.Type; Path = $p.Context.Account.ExtendedProperties['CertificatePath']; UserId = $t.UserId }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].Type | Should -Be 'ServicePrincipal'
        $r.Out[0].Path | Should -Be $Emu.Seed.CertServicePrincipal.PfxPath
        $r.Out[0].UserId | Should -Be $Emu.Seed.CertServicePrincipal.AppId
    }

    It 'signs in with -FederatedToken (alias -ClientAssertion) as a ClientAssertion account, storing no assertion' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $sp = $seed.FederatedServicePrincipal
            $p = Connect-AzAccount -ApplicationId $sp.AppId -ClientAssertion $sp.Assertion -Tenant $seed.HomeTenantId -Environment Emu -ServicePrincipal
            $p.Context.Account.Type
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out | Should -Be 'ClientAssertion'
        (Get-StoreText $Store -WithTokenCache) -join "`n" | Should -Not -Match ([regex]::Escape($Emu.Seed.FederatedServicePrincipal.Assertion))
    }
}

Describe 'Connect-AzAccount -Identity' {
    BeforeEach { $Store = New-TestStore }

    It 'signs in with the <Style> managed identity (system-assigned) and serves a token' -ForEach @(
        @{ Style = 'AppService' }, @{ Style = 'Imds' }, @{ Style = 'CloudShell' }
    ) {
        $r = Invoke-Emu -Store $Store -Environment (Get-AzEmulatorProcessEnv $Emu -ManagedIdentity $Style) -Script {
            param($seed)
            $p = Connect-AzAccount -Identity -Environment Emu
            $t = Get-AzAccessToken
            [pscustomobject]@{ Id = $p.Context.Account.Id; Type = $p.Context.Account.Type; Tenant = $p.Context.Tenant.Id; Plain = ConvertFrom-SecureString $t.Token -AsPlainText }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].Id | Should -Be 'MSI@50342'
        $r.Out[0].Type | Should -Be 'ManagedService'
        $r.Out[0].Tenant | Should -Be $Tid
        $r.Out[0].Plain | Should -Not -BeNullOrEmpty
    }

    It 'signs in with a user-assigned identity given by -AccountId (App Service style)' {
        $r = Invoke-Emu -Store $Store -Environment (Get-AzEmulatorProcessEnv $Emu -ManagedIdentity AppService) -Script {
            param($seed)
            (Connect-AzAccount -Identity -AccountId $seed.ManagedIdentity.UserAssignedClientId -Environment Emu).Context.Account.Id
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out | Should -Be $Emu.Seed.ManagedIdentity.UserAssignedClientId
    }
}

Describe 'Another module''s MSAL in the Default load context' {
    BeforeEach { $Store = New-TestStore }

    # Microsoft.Graph, PnP or an older Az.Accounts load their MSAL into the Default context; ours lives in
    # its own, so both work whichever loads first.
    It 'signs in and serves tokens when MSAL 4.73.1 is loaded <Order> our first sign-in' -ForEach @(@{ Order = 'before' }, @{ Order = 'after' }) {
        $old = Join-Path $env:AZCONTEXT_OLD_MSAL 'lib/net8.0/Microsoft.Identity.Client.dll'
        $old | Should -Exist
        $r = Invoke-Emu -Store $Store -Extra @{ Dll = $old; Order = $Order } -Script {
            param($seed, $extra)
            if ($extra.Order -eq 'before') { Add-Type -Path $extra.Dll; $null = [Microsoft.Identity.Client.PublicClientApplicationBuilder].Assembly }
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
            $null = Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu
            if ($extra.Order -eq 'after') { Add-Type -Path $extra.Dll; $null = [Microsoft.Identity.Client.PublicClientApplicationBuilder].Assembly }
            $t = Get-AzAccessToken
            [pscustomobject]@{
                UserId = $t.UserId
                Loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Identity.Client' } |
                    ForEach-Object { "$($_.GetName().Version)@$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name)" } | Sort-Object)
                DefaultType = [Microsoft.Identity.Client.PublicClientApplicationBuilder].Assembly.GetName().Version.ToString()
            }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].UserId | Should -Be $Sp.AppId
        $r.Out[0].DefaultType | Should -Be '4.73.1.0'
        $r.Out[0].Loaded | Should -Be @('4.73.1.0@Default', '4.92.0.0@azcontext-signin')
    }
}

Describe 'Interactive sign-in and the cache shared with MSAL as Az uses it' {
    BeforeEach { $Store = New-TestStore; Clear-EmuRequests }

    It 'signs a user in through the system browser (xdg-open), with no test hook in the module' {
        $path = (Join-Path $RepoRoot 'tests/browser') + [IO.Path]::PathSeparator + $env:PATH
        $r = Invoke-Emu -Store $Store -Environment @{ PATH = $path } -Script {
            param($seed)
            $p = Connect-AzAccount -Environment Emu
            [pscustomobject]@{ Id = $p.Context.Account.Id; Type = $p.Context.Account.Type; Tenant = $p.Context.Tenant.Id }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].Id | Should -Be $Emu.Seed.User.UserName
        $r.Out[0].Type | Should -Be 'User'
        $r.Out[0].Tenant | Should -Be $Tid
        @(Get-EmuRequests | Where-Object grantType -eq 'authorization_code').Count | Should -Be 1
    }

    It 'stops a sign-in whose browser never answers when the command is stopped (Ctrl+C): its listener closes and nothing is stored' {
        # A browser that opens (xdg-open succeeds) but where nobody ever signs in: it only records the URL.
        $bin = Join-Path $Store 'never-answers'
        $null = New-Item -ItemType Directory $bin
        $opener = Join-Path $bin 'xdg-open'
        Set-Content -LiteralPath $opener -Value "#!/bin/sh`nprintf '%s' `"`$1`" > '$bin/url'`n"
        chmod +x $opener
        $r = Invoke-Emu -Store $Store -Environment @{ PATH = $bin + [IO.Path]::PathSeparator + $env:PATH } -Extra $bin -Script {
            param($seed, $bin)
            $ps = [powershell]::Create()
            $null = $ps.AddScript('Import-Module AzContext; Connect-AzAccount -Environment Emu')
            $run = $ps.BeginInvoke()
            $url = Join-Path $bin 'url'
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $url) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $opened = Test-Path $url
            $port = if ($opened -and ((Get-Content -Raw $url) -match 'redirect_uri=http%3A%2F%2Flocalhost%3A(\d+)')) { [int]$Matches[1] } else { 0 }
            Start-Sleep -Milliseconds 500
            $waiting = -not $run.IsCompleted
            # Bounded, so that a stop that does not reach the sign-in fails the test instead of hanging it.
            $stopped = $ps.BeginStop($null, $null).AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(30))
            $state = if ($stopped) { "$($ps.InvocationStateInfo.State)" } else { 'still running 30 s after Stop' }
            # The loopback listener is gone: the port can be bound again.
            $free = $false
            if ($port) { try { $l = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port); $l.Start(); $l.Stop(); $free = $true } catch { } }
            [pscustomobject]@{ Opened = $opened; Port = $port; Waiting = $waiting; State = $state; Free = $free; Contexts = @(Get-AzContext -ListAvailable).Count }
        }
        $r.Errors | Should -BeNullOrEmpty
        $o = $r.Out[0]
        $o.Opened | Should -BeTrue
        $o.Port | Should -BeGreaterThan 0
        $o.Waiting | Should -BeTrue
        $o.State | Should -Be 'Stopped'
        $o.Free | Should -BeTrue
        $o.Contexts | Should -Be 0
        (Get-StoreText $Store) -join "`n" | Should -Not -Match ([regex]::Escape($Emu.Seed.User.UserName))
    }

    It 'shares the token cache with a process using MSAL the way Az.Accounts does, in both directions' {
        $client = Join-Path $RepoRoot 'out/msal-client/AzContext.MsalClient.dll'
        $client | Should -Exist
        $cache = Join-Path $Store '.IdentityService/msal.cache.cae'
        $authority = $Emu.BaseUri + $Tid
        $null = Invoke-Emu -Store $Store -Script {
            param($seed)
            $c = [pscredential]::new($seed.User.UserName, (ConvertTo-SecureString $seed.User.Password -AsPlainText -Force))
            Connect-AzAccount -Credential $c -Tenant $seed.HomeTenantId -Environment Emu
        }
        # AzContext's sign-in, read silently by the other tool.
        Clear-EmuRequests
        $saved = $env:SSL_CERT_FILE; $env:SSL_CERT_FILE = $Emu.CaFile
        try {
            $silent = dotnet $client silent --authority $authority --cache $cache --username $Emu.Seed.User.UserName | ConvertFrom-Json
            # The other tool's sign-in (into a fresh cache), read silently by AzContext.
            Remove-Item -LiteralPath $cache
            $null = dotnet $client ropc --authority $authority --cache $cache --username $Emu.Seed.User.UserName --password $Emu.Seed.User.Password
        } finally { $env:SSL_CERT_FILE = $saved }
        $silent.fromCache | Should -BeTrue
        $silent.account | Should -Be $Emu.Seed.User.UserName
        Clear-EmuRequests
        $t = Invoke-Emu -Store $Store -Script $TokenText
        $t.Errors | Should -BeNullOrEmpty
        $t.Out[0].UserId | Should -Be $Emu.Seed.User.UserName
        Get-EmuRequests | Should -BeNullOrEmpty
    }
}

Describe 'The context''s TokenCache names the cache its tokens are in' {
    BeforeEach { $Store = New-TestStore }

    It 'names MSAL''s file under the store for a user and, beside it, the confidential cache for a service principal; says where the tokens are once opened' {
        $view = { param($c) [pscustomobject]@{ Persistent = $c.TokenCache.Persistent; CacheFile = $c.TokenCache.CacheFile; Storage = $c.TokenCache.Storage; Text = "$($c.TokenCache)"; List = ($c | Format-List | Out-String) } }
        $r = Invoke-Emu -Store $Store -Extra $view.ToString() -Script {
            param($seed, $view)
            $view = [scriptblock]::Create($view)
            $user = (Connect-AzAccount -UseDeviceAuthentication -Environment Emu -WarningVariable w -WarningAction SilentlyContinue).Context
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
            $sp = (Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu).Context
            [pscustomobject]@{ User = & $view $user; Sp = & $view $sp; FellBack = @($w | Where-Object { "$_" -like 'Token cache encryption is not supported*' }).Count }
        }
        $r.Errors | Should -BeNullOrEmpty
        $file = Join-Path $Store '.IdentityService/msal.cache.cae'
        $u = $r.Out[0].User
        $u.Persistent | Should -BeTrue
        $u.CacheFile | Should -Be $file
        # No keyring works in the test processes: MSAL fell back to the owner-only file, and said so.
        $r.Out[0].FellBack | Should -Be 1
        $u.Storage | Should -Be 'File'
        $u.Text | Should -Be "Token cache: $file (plain file, owner-only)"
        $u.List | Should -Match ("TokenCache +: " + [regex]::Escape("Token cache: $file"))
        $file | Should -Exist
        $r.Out[0].Sp.CacheFile | Should -Be "$file.confidential"
        $r.Out[0].Sp.Storage | Should -Be 'File'
        "$file.confidential" | Should -Exist

        # A new process has not opened the cache yet: the file is named, where the tokens are is not known.
        $n = Invoke-Emu -Store $Store -Extra $view.ToString() -Script {
            param($seed, $view)
            $view = [scriptblock]::Create($view)
            $ctx = Get-AzContext -ListAvailable | Where-Object { $_.Account.Type -eq 'User' } | Select-Object -First 1
            $before = & $view $ctx
            $null = Get-AzAccessToken -DefaultProfile $ctx -WarningAction SilentlyContinue
            $s = Get-AzContextAutosaveSetting
            [pscustomobject]@{ Before = $before; After = & $view (Get-AzContext -Name $ctx.Name); Setting = Join-Path $s.CacheDirectory $s.CacheFile
                Engine = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AzContext.Engine' }).Count }
        }
        $n.Errors | Should -BeNullOrEmpty
        $n.Out[0].Before.CacheFile | Should -Be $file
        $n.Out[0].Before.Storage | Should -BeNullOrEmpty
        $n.Out[0].Before.Text | Should -Be "Token cache: $file"
        $n.Out[0].Setting | Should -Be $file
        $n.Out[0].After.Storage | Should -Be 'File'
        $n.Out[0].Engine | Should -Be 1
    }

    It 'says memory when autosave is off' {
        $r = Invoke-Emu -Store $Store -Environment @{ AzContextAutoSave = 'false' } -Script {
            param($seed)
            $ctx = (Connect-AzAccount -UseDeviceAuthentication -Environment Emu -WarningAction SilentlyContinue).Context
            [pscustomobject]@{ Persistent = $ctx.TokenCache.Persistent; CacheFile = $ctx.TokenCache.CacheFile; Storage = $ctx.TokenCache.Storage; Text = "$($ctx.TokenCache)" }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].Persistent | Should -BeFalse
        $r.Out[0].CacheFile | Should -BeNullOrEmpty
        $r.Out[0].Storage | Should -Be 'Memory'
        $r.Out[0].Text | Should -Be "Token cache: this process's memory"
        Join-Path $Store '.IdentityService' | Should -Not -Exist
    }
}

Describe 'Context population at sign-in' {
    BeforeAll {
        $User = $Emu.Seed.User.UserName
        $Other = $Emu.OtherTenantId
        $Subs = @{}
        $Emu.Seed.Subscriptions | ForEach-Object { $Subs[$_.DisplayName] = $_ }
        # Az's key of the context of subscription $Name for $Account, seen from its own tenant.
        function Get-Key([string]$Name, [string]$Account) { $s = $Subs[$Name]; "$Name ($($s.Id)) - $($s.TenantId) - $Account" }
        function Get-StoreHash([string]$Store) { (Get-FileHash -LiteralPath (Join-Path $Store 'AzureRmContext.json') -Algorithm SHA256).Hash }
        function Add-EmuFailure([hashtable]$Rule) { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body $Rule }
        $MoreThanOne = "TenantId '$Tid' contains more than one active subscription. First one will be selected for further use. To select another subscription, use Set-AzContext."
        # Signs the service principal in (home tenant: Contoso Dev, Prod and Legacy) with $args[1] as extra parameters.
        $SpWith = {
            param($seed, $more)
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
            if (-not $more) { $more = @{} }
            (Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu @more).Context.Name
        }
    }
    BeforeEach { $Store = New-TestStore; Clear-EmuRequests }
    AfterEach { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail/clear' }

    It 'stores a context for every subscription of both tenants, the home tenant''s first active one current, and a second process sees them all' {
        $r = Invoke-Emu -Store $Store -Script { (Connect-AzAccount -UseDeviceAuthentication -Environment Emu).Context.Name }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out | Should -Be (Get-Key 'Contoso Dev' $User)
        @($r.Warnings) | Should -Contain $MoreThanOne
        $n = Invoke-Emu -Store $Store -Script {
            [pscustomobject]@{
                Current = (Get-AzContext).Name
                All = @(Get-AzContext -ListAvailable | ForEach-Object {
                    [pscustomobject]@{ Name = $_.Name; Tenant = $_.Tenant.Id; TenantName = $_.Tenant.Name; Home = $_.Subscription.HomeTenantId; State = $_.Subscription.State; Tenants = $_.Account.Tenants }
                })
            }
        }
        $n.Errors | Should -BeNullOrEmpty
        $all = $n.Out[0].All
        @($all.Name | Sort-Object) | Should -Be @(@('Contoso Dev', 'Contoso Prod', 'Contoso Legacy', 'Fabrikam Main') | ForEach-Object { Get-Key $_ $User } | Sort-Object)
        $n.Out[0].Current | Should -Be (Get-Key 'Contoso Dev' $User)
        $fabrikam = $all | Where-Object Name -eq (Get-Key 'Fabrikam Main' $User)
        $fabrikam.Tenant | Should -Be $Other
        $fabrikam.TenantName | Should -Be 'Fabrikam'
        $fabrikam.Home | Should -Be $Other
        @($fabrikam.Tenants) | Should -Be @($Tid, $Other)
        ($all | Where-Object Name -eq (Get-Key 'Contoso Legacy' $User)).State | Should -Be 'Disabled'
        @(Get-EmuRequests | Where-Object { $_.path -eq '/tenants' }).Count | Should -Be 1
        @(Get-EmuRequests | Where-Object { $_.path -eq '/subscriptions' }).Count | Should -Be 2
    }

    It 'follows ARM''s paging: a page size of 1 still populates every subscription' {
        Set-EmuSettings @{ pageSize = 1 }
        try {
            $r = Invoke-Emu -Store $Store -Script $SpWith -Extra @{ MaxContextPopulation = -1 }
        } finally {
            Set-EmuSettings @{ pageSize = 100 }
        }
        $r.Errors | Should -BeNullOrEmpty
        @(Get-EmuRequests | Where-Object { $_.path -eq '/subscriptions' }).Count | Should -Be 3
        (Get-Content -Raw (Join-Path $Store 'AzureRmContext.json') | ConvertFrom-Json -AsHashtable).Contexts.Count | Should -Be 3
    }

    It '-MaxContextPopulation -1/0/1/N and -SkipContextPopulation, also over contexts already stored' {
        $r = Invoke-Emu -Store $Store -Extra $SpWith.ToString() -Script {
            param($seed, $signIn)
            $sign = [scriptblock]::Create($signIn)
            $count = { param($more) $name = & $sign $seed $more; "$(@(Get-AzContext -ListAvailable).Count):$name" }
            $fresh = foreach ($more in @($null, @{ MaxContextPopulation = -1 }, @{ MaxContextPopulation = 0 }, @{ MaxContextPopulation = 1 },
                    @{ MaxContextPopulation = 2 }, @{ SkipContextPopulation = $true; MaxContextPopulation = -1 })) {
                Clear-AzContext -Force
                & $count $more
            }
            Clear-AzContext -Force
            $stored = @((& $count @{ SkipContextPopulation = $true }), (& $count @{ MaxContextPopulation = 2 }), (& $count @{ MaxContextPopulation = 2 }), (& $count $null))
            [pscustomobject]@{ Fresh = @($fresh); Stored = $stored }
        }
        $r.Errors | Should -BeNullOrEmpty
        $dev = Get-Key 'Contoso Dev' $Sp.AppId
        $r.Out[0].Fresh | Should -Be @("3:$dev", "3:$dev", "1:$dev", "1:$dev", "2:$dev", "1:$dev")
        # Az populates nothing once a context exists (Az #14482); AzContext applies the limit again.
        $r.Out[0].Stored | Should -Be @("1:$dev", "2:$dev", "2:$dev", "3:$dev")
    }

    It '-Scope Process populates this session only: nothing is written' {
        $r = Invoke-Emu -Store $Store -Extra $SpWith.ToString() -Script {
            param($seed, $signIn)
            $name = & ([scriptblock]::Create($signIn)) $seed @{ Scope = 'Process' }
            [pscustomobject]@{ Name = $name; Count = @(Get-AzContext -ListAvailable).Count }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].Count | Should -Be 3
        $r.Out[0].Name | Should -Be (Get-Key 'Contoso Dev' $Sp.AppId)
        (Get-StoreText $Store) -join "`n" | Should -Not -Match $Sp.AppId
    }

    It '-Subscription by name (any case) or id chooses the default, in whichever tenant lists it' {
        $r = Invoke-Emu -Store $Store -Extra $Subs['Fabrikam Main'].Id -Script {
            param($seed, $fabrikam)
            $byName = Connect-AzAccount -UseDeviceAuthentication -Environment Emu -Subscription 'contoso PROD' -WarningVariable w1
            $byId = Connect-AzAccount -UseDeviceAuthentication -Environment Emu -SubscriptionId $fabrikam
            [pscustomobject]@{ ByName = $byName.Context.Name; ByNameWarnings = @($w1 | Where-Object { "$_" -like 'TenantId*' }).Count
                ById = $byId.Context.Name; Count = @(Get-AzContext -ListAvailable).Count }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].ByName | Should -Be (Get-Key 'Contoso Prod' $User)
        $r.Out[0].ByNameWarnings | Should -Be 0
        $r.Out[0].ById | Should -Be (Get-Key 'Fabrikam Main' $User)
        $r.Out[0].Count | Should -Be 4
    }

    It 'a -Subscription no tenant lists is Az''s error, and nothing stored changes' {
        $null = Invoke-Emu -Store $Store -Script $SpWith -Extra @{ SkipContextPopulation = $true }
        $before = Get-StoreHash $Store
        $missing = [guid]::NewGuid().ToString()
        foreach ($wanted in @('No such subscription', $missing)) {
            $r = Invoke-Emu -Store $Store -Script $SpWith -Extra @{ Subscription = $wanted }
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].Id | Should -BeLike 'SubscriptionNotFound,*'
            $kind = if ($wanted -eq $missing) { 'ID' } else { 'name' }
            $r.Errors[0].Message | Should -Be "The provided account $($Sp.AppId) does not have access to subscription $kind `"$wanted`". Please try logging in with different credentials or a different subscription $kind."
            Get-StoreHash $Store | Should -Be $before
        }
    }

    It 'ARM''s 500 during population is retried, then a clear error that changes nothing stored; a 429 is retried and succeeds' {
        $null = Invoke-Emu -Store $Store -Script $SpWith -Extra @{ SkipContextPopulation = $true }
        $before = Get-StoreHash $Store
        Clear-EmuRequests
        Add-EmuFailure @{ pathPrefix = '/subscriptions'; status = 500; count = 10; retryAfter = '0' }
        $r = Invoke-Emu -Store $Store -Script $SpWith
        $r.Errors.Count | Should -Be 1
        # The same error id as the ARM cmdlets' (Get-AzSubscription's); the status is in the message.
        $r.Errors[0].Id | Should -BeLike 'ArmRequestFailed,*Command'
        $r.Errors[0].Category | Should -Be 'InvalidResult'
        $r.Errors[0].Message | Should -Match '\b500\b'
        $r.Errors[0].Message | Should -Match 'InternalServerError|internal server error'
        $r.Errors[0].Message | Should -Match 'Nothing was changed'
        @(Get-EmuRequests | Where-Object { $_.path -eq '/subscriptions' }).Count | Should -Be 4
        Get-StoreHash $Store | Should -Be $before

        $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail/clear'
        Clear-EmuRequests
        Add-EmuFailure @{ pathPrefix = '/subscriptions'; status = 429; count = 2; retryAfter = '0' }
        $r = Invoke-Emu -Store $Store -Script $SpWith
        $r.Errors | Should -BeNullOrEmpty
        @(Get-EmuRequests | Where-Object { $_.path -eq '/subscriptions' }).Count | Should -Be 3
        (Get-Content -Raw (Join-Path $Store 'AzureRmContext.json') | ConvertFrom-Json -AsHashtable).Contexts.Count | Should -Be 3
    }

    It 'a tenant whose token needs MFA is skipped with Az''s warning; the others are populated' {
        Add-EmuFailure @{
            pathPrefix = "/$Other/oauth2/v2.0/token"; status = 400; count = 20
            body = @{ error = 'interaction_required'; error_codes = @(50076); suberror = 'basic_action'
                error_description = "AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication to access '$Other'." }
        }
        $r = Invoke-Emu -Store $Store -Script {
            $p = Connect-AzAccount -UseDeviceAuthentication -Environment Emu
            [pscustomobject]@{ Name = $p.Context.Name; Names = @(Get-AzContext -ListAvailable | ForEach-Object Name); Tenants = (Get-AzContext).Account.Tenants }
        }
        $r.Errors | Should -BeNullOrEmpty
        @($r.Warnings | Where-Object { $_ -like "Unable to acquire token for tenant '$Other' with error '*AADSTS50076*'" }).Count | Should -Be 1
        $r.Out[0].Name | Should -Be (Get-Key 'Contoso Dev' $User)
        @($r.Out[0].Names | Sort-Object) | Should -Be @(@('Contoso Dev', 'Contoso Prod', 'Contoso Legacy') | ForEach-Object { Get-Key $_ $User } | Sort-Object)
        @($r.Out[0].Tenants) | Should -Be @($Tid)
    }

    It 'Get-AzContext -RefreshContextFromTokenCache drops user contexts whose account left the cache and adds cached accounts'' subscriptions, keeping the current context' {
        $r = Invoke-Emu -Store $Store -Extra $SpWith.ToString() -Script {
            param($seed, $signIn)
            $alice = (Connect-AzAccount -UseDeviceAuthentication -Environment Emu -SkipContextPopulation -WarningAction SilentlyContinue).Context.Name
            $null = & ([scriptblock]::Create($signIn)) $seed @{ SkipContextPopulation = $true; ContextName = 'keep' }
            # A user of this cloud who is not in its token cache.
            $carol = Get-AzContext -Name keep
            $carol.Account.Id = 'carol@contoso.com'
            $carol.Account.Type = 'User'
            $null = Set-AzContext -Context $carol -Name carol
            $alice
        }
        $r.Errors | Should -BeNullOrEmpty
        # Alice's context goes without touching the token cache (azctx never does), so she is in the cache
        # with no context; bob is a user of another cloud (azctx stores AzureCloud), whose cache is not
        # the one listed; then 'keep' (the service principal) is current again.
        $azctx = Join-Path $RepoRoot 'out/bin/azctx'
        $saved = $env:AZCONTEXT_DIR
        try {
            $env:AZCONTEXT_DIR = $Store
            & $azctx remove $r.Out[0] --force | Out-Null
            & $azctx set --name bob --subscription ([guid]::NewGuid()) --tenant $Tid --account 'bob@contoso.com' | Out-Null
            & $azctx select keep | Out-Null
            $LASTEXITCODE | Should -Be 0
        } finally {
            $env:AZCONTEXT_DIR = $saved
        }
        $n = Invoke-Emu -Store $Store -Script {
            $names = @(Get-AzContext -ListAvailable -RefreshContextFromTokenCache | ForEach-Object Name)
            [pscustomobject]@{ Listed = $names; Stored = @(Get-AzContext -ListAvailable | ForEach-Object Name); Current = (Get-AzContext).Name }
        }
        $n.Errors | Should -BeNullOrEmpty
        # carol (not in Emu's cache) goes; bob (AzureCloud) stays; alice's subscriptions come back.
        $expected = @(@('Contoso Dev', 'Contoso Prod', 'Contoso Legacy', 'Fabrikam Main') | ForEach-Object { Get-Key $_ $User }) + 'bob' + 'keep' | Sort-Object
        @($n.Out[0].Listed | Sort-Object) | Should -Be $expected
        @($n.Out[0].Stored | Sort-Object) | Should -Be $expected
        $n.Out[0].Current | Should -Be 'keep'
    }

    It 'Get-AzContext -RefreshContextFromTokenCache removes no user context when the cache holds no account, and says so' {
        $r = Invoke-Emu -Store $Store -Extra $SpWith.ToString() -Script {
            param($seed, $signIn)
            $null = & ([scriptblock]::Create($signIn)) $seed @{ SkipContextPopulation = $true; ContextName = 'keep' }
            $carol = Get-AzContext -Name keep
            $carol.Account.Id = 'carol@contoso.com'
            $carol.Account.Type = 'User'
            $null = Set-AzContext -Context $carol -Name carol
        }
        $r.Errors | Should -BeNullOrEmpty
        $n = Invoke-Emu -Store $Store -Script {
            $null = Get-AzContext -ListAvailable -RefreshContextFromTokenCache
            @(Get-AzContext -ListAvailable | ForEach-Object Name)
        }
        $n.Errors | Should -BeNullOrEmpty
        @($n.Out | Sort-Object) | Should -Be @('carol', 'keep')
        @($n.Warnings | Where-Object { $_ -like 'The token cache holds no account, so the contexts of 1 user(s) were kept.*' }).Count | Should -Be 1
    }

    It '-AccessToken without -SkipValidation lists its tenant''s subscriptions with the token; a token ARM refuses stores nothing' {
        $token = (Invoke-AzEmulatorRequest $Emu -Method POST -Path "/$Tid/oauth2/v2.0/token" -Form @{
                grant_type = 'client_credentials'; client_id = $Sp.AppId; client_secret = $Sp.Secret; scope = 'https://management.core.windows.net//.default' }).Json.access_token
        $r = Invoke-Emu -Store $Store -Extra $token -Script {
            param($seed, $token)
            $p = Connect-AzAccount -AccessToken $token -AccountId $seed.ServicePrincipal.AppId -Environment Emu
            [pscustomobject]@{ Name = $p.Context.Name; Type = $p.Context.Account.Type; Count = @(Get-AzContext -ListAvailable).Count
                Text = ($p, (Get-AzContext -ListAvailable) | Format-List * -Force | Out-String) }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].Name | Should -Be (Get-Key 'Contoso Dev' $Sp.AppId)
        $r.Out[0].Type | Should -Be 'AccessToken'
        $r.Out[0].Count | Should -Be 3
        $r.Out[0].Text | Should -Not -Match ([regex]::Escape($token))
        # The token stays with the account, where Az keeps it (AzureRmContext.json, 0600).
        (Get-Content -Raw (Join-Path $Store 'AzureRmContext.json')) | Should -Match ([regex]::Escape($token))

        $other = New-TestStore
        $forged = ($token.Split('.')[0..1] -join '.') + '.forged'
        $f = Invoke-Emu -Store $other -Extra $forged -Script {
            param($seed, $token)
            Connect-AzAccount -AccessToken $token -AccountId $seed.ServicePrincipal.AppId -Environment Emu
        }
        $f.Errors.Count | Should -Be 1
        $f.Errors[0].Id | Should -BeLike 'ArmRequestFailed,*Command'
        $f.Errors[0].Category | Should -Be 'AuthenticationError'
        $f.Errors[0].Message | Should -Match '\b401\b'
        $f.Errors[0].Message | Should -Not -Match ([regex]::Escape($forged))
        (Get-StoreText $other) -join "`n" | Should -Not -Match $Sp.AppId
    }
}

Set-StrictMode -Version Latest

# Sign-in end to end: each command runs in a fresh pwsh that trusts the emulator's test CA (and only it),
# against a custom environment 'Emu' whose endpoints are the emulator's, with a store of its own.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $RepoRoot 'tests/emulator/Emulator.psm1') -Force
    $Emu = Start-AzEmulator
    $EmuEnv = Get-AzEmulatorProcessEnv $Emu
    $EnvParams = Get-AzEmulatorEnvironment $Emu
    $Sp = $Emu.Seed.ServicePrincipal
    $Tid = $Emu.HomeTenantId

    # Runs $Script in a fresh pwsh with the module imported, the store $Store, the emulator's environment
    # added (CurrentUser, so later processes see it) and $Environment (e.g. managed identity variables)
    # set. The script gets $Emu's seed as $args[0] and $Extra as $args[1]. Output comes back deserialized,
    # with warnings and errors as records: { Out, Warnings, Errors }.
    function Invoke-Emu([scriptblock]$Script, [string]$Store, [hashtable]$Environment = @{}, [object]$Extra = $null, [switch]$NoCa) {
        $envs = @{} + $EmuEnv
        if ($NoCa) { $envs.SSL_CERT_FILE = $null }
        foreach ($k in $Environment.Keys) { $envs[$k] = $Environment[$k] }
        $envs.AZCONTEXT_DIR = $Store
        $wrapper = {
            param($envParams, $seed, $extra, $body)
            $ErrorActionPreference = 'Stop'
            Import-Module AzContext
            if (-not (Get-AzEnvironment -Name $envParams.Name)) { $null = Add-AzEnvironment @envParams }
            $out = [System.Collections.Generic.List[object]]::new()
            $warnings = [System.Collections.Generic.List[string]]::new()
            $errors = [System.Collections.Generic.List[object]]::new()
            $record = { param($e) $errors.Add([pscustomobject]@{ Id = $e.FullyQualifiedErrorId; Message = $e.Exception.Message; Category = "$($e.CategoryInfo.Category)" }) }
            try {
                & ([scriptblock]::Create($body)) $seed $extra *>&1 | ForEach-Object {
                    if ($_ -is [System.Management.Automation.WarningRecord]) { $warnings.Add($_.Message) }
                    elseif ($_ -is [System.Management.Automation.ErrorRecord]) { & $record $_ }
                    elseif ($_ -isnot [System.Management.Automation.InformationalRecord]) { $out.Add($_) }
                }
            } catch {
                & $record $_
            }
            [pscustomobject]@{ Out = $out.ToArray(); Warnings = $warnings.ToArray(); Errors = $errors.ToArray() }
        }
        $r = Invoke-InNewPwsh -ScriptBlock $wrapper -Environment $envs -ArgumentList @($EnvParams, $Emu.Seed, $Extra, $Script.ToString())
        $r | Select-Object -Last 1
    }

    function Get-EmuRequests { @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests') }
    function Clear-EmuRequests { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear' }
    function Set-EmuSettings([hashtable]$Settings) { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body $Settings }

    # Every file of a store, as text: secrets must appear in none of them except MSAL's token cache.
    function Get-StoreText([string]$Store, [switch]$WithTokenCache) {
        Get-ChildItem -LiteralPath $Store -Recurse -File -Force |
            Where-Object { $WithTokenCache -or $_.FullName -notlike '*.IdentityService*' } |
            ForEach-Object { Get-Content -LiteralPath $_.FullName -Raw }
    }

    $SpSignIn = {
        param($seed)
        $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
        Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu
    }
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
        $o.ContextName | Should -Be "$Tid - $($Sp.AppId)"
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
        Join-Path $Store '.IdentityService' | Should -Exist
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

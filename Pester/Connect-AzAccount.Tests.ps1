Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Connect-AzAccount' {
    BeforeEach {
        $Store = New-TestStore
        $Token = New-FakeJwt -TenantId $TenantA -Marker 'CONNECTMARKER'
    }

    Context 'the offline access-token form (seed page: Connect-AzAccount -Scope Process)' {
        It 'creates exactly one AccessToken context with Az''s generated name and writes nothing with -Scope Process' {
            $p = Connect-AzAccount -AccessToken $Token -AccountId 'user@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation -Scope Process
            $expected = " ($SubA) - $TenantA - user@contoso.com"
            $p.Context.Name | Should -Be $expected
            $list = @(Get-AzContext -ListAvailable)
            $list.Count | Should -Be 1
            $list[0].Name | Should -Be $expected
            $list[0].Account.Type | Should -Be 'AccessToken'
            $list[0].Account.Id | Should -Be 'user@contoso.com'
            $list[0].Subscription.Id | Should -Be $SubA
            $list[0].Tenant.Id | Should -Be $TenantA
            $list[0].Environment.Name | Should -Be 'AzureCloud'
            $file = Read-TestProfile
            if ($null -ne $file) { $file.Contexts.Count | Should -Be 0 }
        }

        It 'outputs a PSAzureProfile whose Context is the new default' {
            $p = Connect-AzAccount -AccessToken $Token -AccountId 'user@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation
            $p.PSTypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.Core.PSAzureProfile'
            $p.Context.Name | Should -Be (Get-AzContext).Name
            $p.Environments.Keys | Should -Contain 'AzureCloud'
        }

        It 'gives a TokenCache that names no cache: the account holds its own token' {
            $p = Connect-AzAccount -AccessToken $Token -AccountId 'user@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation
            $c = (Get-AzContext).TokenCache
            $c.Storage | Should -Be 'Account'
            $c.Persistent | Should -BeFalse
            $c.CacheFile | Should -BeNullOrEmpty
            "$c" | Should -Be 'Token cache: none (the account holds its access token)'
            "$($p.Context.TokenCache)" | Should -Not -Match 'CONNECTMARKER'
        }

        It 'names the context -ContextName' {
            $p = Connect-AzAccount -AccessToken $Token -AccountId 'user@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation -ContextName 'ci'
            $p.Context.Name | Should -Be 'ci'
            (Get-AzContext).Name | Should -Be 'ci'
            (Read-TestProfile).DefaultContextKey | Should -Be 'ci'
        }

        It 'takes the tenant from the token''s tid claim when -Tenant is omitted' {
            $t = New-FakeJwt -TenantId $TenantB
            $p = Connect-AzAccount -AccessToken $t -AccountId 'user@contoso.com' -Subscription $SubA -SkipValidation
            $p.Context.Tenant.Id | Should -Be $TenantB
            $p.Context.Name | Should -Be " ($SubA) - $TenantB - user@contoso.com"
        }

        It 'accepts the aliases -TenantId, -Domain and -SubscriptionId' {
            (Connect-AzAccount -AccessToken $Token -AccountId a -TenantId $TenantA -SubscriptionId $SubA -SkipValidation).Context.Subscription.Id | Should -Be $SubA
            (Connect-AzAccount -AccessToken $Token -AccountId b -Domain $TenantB -SubscriptionName $SubB -SkipValidation).Context.Tenant.Id | Should -Be $TenantB
        }

        It 'binds -Subscription - parameter' {
            (Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubC -SkipValidation).Context.Subscription.Id | Should -Be $SubC
        }

        It 'binds -Subscription - piped' {
            $p = $SubC | Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -SkipValidation
            $p.Context.Subscription.Id | Should -Be $SubC
        }

        It 'accepts the token as a SecureString and stores its text' {
            $secure = ConvertTo-SecureString $Token -AsPlainText -Force
            $null = Connect-AzAccount -AccessToken $secure -AccountId 'user@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation
            $ctx = (Read-TestProfile).Contexts[" ($SubA) - $TenantA - user@contoso.com"]
            $ctx.Account.ExtendedProperties.AccessToken | Should -Be $Token
        }

        It 'keeps the tokens in AzureRmContext.json as Az does, in a 0600 file' {
            $null = Connect-AzAccount -AccessToken $Token -AccountId 'user@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation `
                -GraphAccessToken 'graph-tok' -MicrosoftGraphAccessToken 'msgraph-tok' -KeyVaultAccessToken 'kv-tok'
            $file = Read-TestProfile
            $ctx = $file.Contexts[" ($SubA) - $TenantA - user@contoso.com"]
            $ctx.Account.Type | Should -Be 'AccessToken'
            $ctx.Account.ExtendedProperties.AccessToken | Should -Be $Token
            $ctx.Account.ExtendedProperties.GraphAccessToken | Should -Be 'graph-tok'
            $ctx.Account.ExtendedProperties.MicrosoftGraphAccessToken | Should -Be 'msgraph-tok'
            $ctx.Account.ExtendedProperties.KeyVault | Should -Be 'kv-tok'
            $ctx.Subscription.Name | Should -BeNullOrEmpty
            $ctx.Subscription.ExtendedProperties.Tenants | Should -Be $TenantA
            if (-not $IsWindows) {
                (Get-Item (Join-Path $Store 'AzureRmContext.json')).UnixMode | Should -Be '-rw-------'
            }
        }

        It 'is reachable through the aliases Login-AzAccount and Add-AzAccount' {
            (Get-Alias Login-AzAccount).ResolvedCommandName | Should -Be 'Connect-AzAccount'
            (Get-Alias Add-AzAccount).ResolvedCommandName | Should -Be 'Connect-AzAccount'
            (Login-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubA -SkipValidation -Scope Process).Context.Account.Id | Should -Be 'a'
        }

        It 'signs in to a custom environment given by -Environment' {
            $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/'
            $p = Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubA -SkipValidation -EnvironmentName 'lab'
            $p.Context.Environment.Name | Should -Be 'Lab'
            $p.Context.Environment.ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
        }

        It 'a new process sees a CurrentUser sign-in' {
            $null = Connect-Fake -ContextName 'shared'
            $out = Invoke-InNewPwsh -ScriptBlock { param($m) Import-Module $m; (Get-AzContext).Name } `
                -ArgumentList (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Environment @{ AZCONTEXT_DIR = $Store }
            $out | Should -Be 'shared'
        }
    }

    Context 'errors' {
        It 'fails with Az''s message when -SkipValidation lacks the subscription, and stores nothing' {
            $err = @({ Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -SkipValidation } | Should -Throw -PassThru)
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].TargetObject | Should -Be 'a'
            $err[0].Exception.Message | Should -Be 'Must supply Subscription Id and Tenant Id when using -SkipValidation'
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
        }

        It 'fails with Az''s message when no tenant is given and the token has none' {
            $noTid = (ConvertTo-Base64Url '{"alg":"none"}') + '.' + (ConvertTo-Base64Url '{"oid":"x"}') + '.sig'
            $err = @({ Connect-AzAccount -AccessToken $noTid -AccountId a -Subscription $SubA -SkipValidation } | Should -Throw -PassThru)
            $err.Count | Should -Be 1
            $err[0].Exception.Message | Should -Be 'Must supply Subscription Id and Tenant Id when using -SkipValidation'
        }

        It 'validates the token through Azure Resource Manager without -SkipValidation: an ARM that cannot be reached is a clear error that changes nothing' {
            $null = Add-AzEnvironment -Name Unreachable -ActiveDirectoryEndpoint 'https://127.0.0.1:9/' -ResourceManagerEndpoint 'https://127.0.0.1:9/' `
                -ActiveDirectoryServiceEndpointResourceId 'https://management.core.windows.net/' -Scope Process
            $before = Get-TestFileHash
            $err = @({ Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubA -Environment Unreachable } | Should -Throw -PassThru)
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ArmRequestFailed,*'
            $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $err[0].Exception.Message | Should -BeLike '*127.0.0.1*Nothing was changed.'
            $err[0].Exception.Message | Should -Not -Match ([regex]::Escape($Token))
            Get-TestFileHash | Should -Be $before
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
        }

        It 'fails with Az''s message for an unknown -Environment' {
            $err = @({ Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubA -SkipValidation -Environment 'Nowhere' } | Should -Throw -PassThru)
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'EnvironmentNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'Nowhere'
            $err[0].Exception.Message | Should -Be "Unable to find environment with name 'Nowhere'"
        }

        It 'refuses a -ContextName holding control characters, storing nothing' {
            $err = @({ Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubA -SkipValidation -ContextName "evil`e[2J" } | Should -Throw -PassThru)
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidContextName,*'
            $err[0].Exception.Message | Should -BeLike '*control character*'
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
        }

        It 'refuses a token that is neither a string nor a SecureString without echoing it' {
            $err = @({ Connect-AzAccount -AccessToken 42 -AccountId a -Tenant $TenantA -Subscription $SubA -SkipValidation } | Should -Throw -PassThru)
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAccessToken,*'
            $err[0].Exception.Message | Should -Not -BeLike '*42*'
        }
    }

    Context 'confirmation' {
        BeforeEach { $null = Connect-Fake -ContextName 'existing' -Subscription $SubB }

        It '-WhatIf leaves the file and -ListAvailable unchanged' {
            $hash = Get-TestFileHash
            $names = Get-ContextNames
            $out = Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubA -SkipValidation -WhatIf
            $out | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            Get-ContextNames | Should -Be $names
        }

        It 'asks before replacing an existing -ContextName (the prompt fails in a non-interactive host) and keeps it' {
            { Connect-AzAccount -AccessToken $Token -AccountId 'other@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation -ContextName 'existing' -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*NonInteractive mode*'
            (Get-AzContext -Name 'existing').Subscription.Id | Should -Be $SubB
        }

        It 'replaces an existing -ContextName with -Force' {
            $p = Connect-AzAccount -AccessToken $Token -AccountId 'other@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation -ContextName 'existing' -Force
            $p.Context.Name | Should -Be 'existing'
            (Get-AzContext -Name 'existing').Account.Id | Should -Be 'other@contoso.com'
            (Read-TestProfile).Contexts['existing'].Subscription.Id | Should -Be $SubA
        }

        It 'signs in with -Confirm:$false' {
            $p = Connect-AzAccount -AccessToken $Token -AccountId 'c@contoso.com' -Tenant $TenantA -Subscription $SubC -SkipValidation -Confirm:$false
            $p.Context.Subscription.Id | Should -Be $SubC
            @(Get-AzContext -ListAvailable).Count | Should -Be 2
        }
    }

    Context 'secrets' {
        It 'never shows the token in output views, Get-AzContext, verbose, debug, warning or error text' {
            $p = Connect-AzAccount -AccessToken $Token -AccountId 'user@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation `
                -GraphAccessToken $Token -KeyVaultAccessToken $Token -Verbose -Debug 4>&1 5>&1 3>&1
            $streams = @($p | Where-Object { $_ -isnot [Microsoft.Azure.Commands.Profile.Models.Core.PSAzureProfile] })
            $profileOut = $p | Where-Object { $_ -is [Microsoft.Azure.Commands.Profile.Models.Core.PSAzureProfile] }
            $texts = @(
                ($streams | Out-String)
                ($profileOut | Out-String)
                ($profileOut | Format-List * | Out-String)
                ($profileOut | Format-Table * | Out-String)
                ($profileOut.Context | Format-List * | Out-String)
                ($profileOut.Context.Account | Format-List * | Out-String)
                ($profileOut | ConvertTo-Json -Depth 6)
                (Get-AzContext | Format-List * | Out-String)
                (Get-AzContext -ListAvailable | Format-Table * | Out-String)
                ((Get-AzContext).Account | ConvertTo-Json -Depth 4)
                "$profileOut $($profileOut.Context) $($profileOut.Context.Account)"
            )
            $err = @(
                { Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -SkipValidation -Verbose -Debug } | Should -Throw -PassThru
                { Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubA -SkipValidation -Environment nope } | Should -Throw -PassThru
                { Connect-AzAccount -AccessToken $Token -AccountId a -Tenant $TenantA -Subscription $SubA } | Should -Throw -PassThru
            )
            $err.Count | Should -Be 3
            $texts += ($err | Out-String)
            $texts += ($err | ForEach-Object { $_.Exception.Message; "$($_.TargetObject)" })
            foreach ($t in $texts) {
                $t | Should -Not -BeLike '*CONNECTMARKER*'
                $t | Should -Not -BeLike "*$($Token.Split('.')[1])*"
            }
            $profileOut.Context.Account.HasSecret | Should -BeTrue
        }

        It 'keeps the token out of every error record, Get-Error included, when <Case>' -ForEach @(
            @{ Case = 'a later parameter fails validation'; Extra = @{ MaxContextPopulation = -5 } }
            @{ Case = 'a later parameter fails conversion'; Extra = @{ Scope = 'Nowhere' } }
            @{ Case = 'a parameter is unknown'; Extra = @{ NoSuchParameter = 1 } }
            @{ Case = 'the parameter set is ambiguous'; Extra = @{ Identity = $true } }
            @{ Case = 'the library refuses the request'; Extra = @{ Environment = 'Nowhere' } }
            @{ Case = 'the subscription is missing'; Extra = @{ Subscription = $null } }
        ) {
            $params = @{ AccessToken = $Token; AccountId = 'a'; Tenant = $TenantA; Subscription = $SubA; SkipValidation = $true; GraphAccessToken = $Token }
            foreach ($k in $Extra.Keys) { if ($null -eq $Extra[$k]) { $params.Remove($k) } else { $params[$k] = $Extra[$k] } }
            $Error.Clear()
            $err = @({ Connect-AzAccount @params } | Should -Throw -PassThru)
            $err.Count | Should -Be 1
            $bound = $err[0].InvocationInfo.BoundParameters
            if ($bound.ContainsKey('AccessToken')) {
                $bound['AccessToken'] | Should -BeOfType ([securestring])
            }
            $texts = @(
                ($err[0] | Get-Error | Out-String -Width 500)
                ($err[0] | Format-List * -Force | Out-String -Width 500)
                ($err[0].InvocationInfo | Format-List * -Force | Out-String -Width 500)
                ($bound.Values | Out-String -Width 500)
            )
            foreach ($t in $texts) {
                $t | Should -Not -BeLike '*CONNECTMARKER*'
                $t | Should -Not -BeLike "*$($Token.Split('.')[1])*"
            }
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
        }

        It 'still takes the token as a SecureString' {
            $secure = ConvertTo-SecureString $Token -AsPlainText -Force
            $p = Connect-AzAccount -AccessToken $secure -AccountId 'user@contoso.com' -Tenant $TenantA -Subscription $SubA -SkipValidation
            $p.Context.Account.Id | Should -Be 'user@contoso.com'
            $p.Context.Account.HasSecret | Should -BeTrue
        }
    }
}

Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
    $Tenant = 'c0ffee00-1234-4abc-9def-000000000042'
    $OtherTenant = 'deadbeef-0000-4000-8000-000000000001'
    $ProdId = '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90'
    $DevId = '11111111-2222-4333-8444-555555555555'
    $WarnedId = '99999999-2222-4333-8444-555555555555'
}

Describe 'Set-AzContext' {
    BeforeEach {
        $Store = New-TestStore
        $null = New-TestProfile -Default 'mycontext' -Context @(
            New-TestContext -Name 'mycontext' -SubscriptionId $ProdId -SubscriptionName 'Contoso Prod'
            New-TestContext -Name 'dev' -SubscriptionId $DevId -SubscriptionName 'Contoso Dev' -Tenant $OtherTenant
            New-TestContext -Name 'warned' -SubscriptionId $WarnedId -SubscriptionName 'Past Due' -State 'PastDue'
        )
    }

    Context '-Context' {
        It 'makes the context the default and writes it under its stored key - parameter' {
            $out = Set-AzContext -Context (Get-AzContext -Name 'dev')
            $out.Name | Should -Be 'dev'
            (Get-AzContext).Name | Should -Be 'dev'
            (Read-TestProfile).DefaultContextKey | Should -Be 'dev'
            (Read-TestProfile).Contexts.Count | Should -Be 3
        }

        It 'makes the context the default and writes it under its stored key - piped' {
            $out = Get-AzContext -Name 'dev' | Set-AzContext
            $out.Name | Should -Be 'dev'
            (Read-TestProfile).DefaultContextKey | Should -Be 'dev'
        }

        It 'binds the context by position' {
            (Set-AzContext (Get-AzContext -Name 'dev')).Name | Should -Be 'dev'
        }

        It 'runs the documentation''s example verbatim' {
            Select-AzContext -Name 'dev' | Out-Null
            Set-AzContext -Context $(Get-AzContext -Name "mycontext") # Set a context with an inline Azure context object
            (Get-AzContext).Name | Should -Be 'mycontext'
        }

        It 'stores a context of a new identity under Az''s generated key' {
            $c = Get-AzContext -Name 'dev'
            Remove-AzContext -Name 'dev'
            $out = Set-AzContext -Context $c
            $key = "Contoso Dev ($DevId) - $OtherTenant - jane@contoso.com"
            $out.Name | Should -Be $key
            (Read-TestProfile).DefaultContextKey | Should -Be $key
            (Read-TestProfile).Contexts.Keys | Should -Contain $key
        }

        It 'does not copy the input''s ExtendedProperties' {
            $c = Get-AzContext -Name 'dev'
            $c.ExtendedProperties['fromInput'] = 'x'
            $out = Set-AzContext -Context $c -Name 'copy'
            $out.ExtendedProperties.ContainsKey('fromInput') | Should -BeFalse
        }

        It 'warns when the subscription is not Enabled' {
            $out = Set-AzContext -Context (Get-AzContext -Name 'warned') -WarningVariable w -WarningAction SilentlyContinue
            $out.Name | Should -Be 'warned'
            @($w).Count | Should -Be 1
            $w[0].Message | Should -BeExactly "Selected subscription is in 'PastDue' state. "
        }

        It 'does not warn for an Enabled subscription' {
            $null = Set-AzContext -Context (Get-AzContext -Name 'dev') -WarningVariable w
            @($w).Count | Should -Be 0
        }
    }

    Context '-Name' {
        It 'stores the context under a new name and makes it the default' {
            $out = Set-AzContext -Context (Get-AzContext -Name 'dev') -Name 'work'
            $out.Name | Should -Be 'work'
            $out.Subscription.Id | Should -Be $DevId
            $p = Read-TestProfile
            $p.DefaultContextKey | Should -Be 'work'
            $p.Contexts.Keys | Should -Contain 'work'
            $p.Contexts.Keys | Should -Contain 'dev'
        }

        It 'asks before replacing an existing name (the prompt throws in a non-interactive host)' {
            $hash = Get-TestFileHash
            { Set-AzContext -Context (Get-AzContext -Name 'dev') -Name 'mycontext' } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext -Name 'mycontext').Subscription.Id | Should -Be $ProdId
        }

        It 'replaces an existing name with -Force' {
            $out = Set-AzContext -Context (Get-AzContext -Name 'dev') -Name 'MyContext' -Force
            $out.Name | Should -Be 'mycontext'
            (Get-AzContext -Name 'mycontext').Subscription.Id | Should -Be $DevId
            (Read-TestProfile).Contexts.Count | Should -Be 3
        }

        It 'refuses the reserved name Default' {
            $hash = Get-TestFileHash
            Set-AzContext -Context (Get-AzContext -Name 'dev') -Name 'default' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidContextName,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].TargetObject | Should -Be 'default'
            Get-TestFileHash | Should -Be $hash
        }

        It 'refuses a name holding the control character <Char> and stores nothing' -ForEach @(
            @{ Char = 'ESC'; Name = "red`e[31m" }
            @{ Char = 'CR'; Name = "cr`r" }
            @{ Char = 'LF'; Name = "lf`n" }
            @{ Char = 'C1 CSI'; Name = "c1$([char]0x9b)2J" }
        ) {
            $hash = Get-TestFileHash
            Set-AzContext -Context (Get-AzContext -Name 'dev') -Name $Name -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidContextName,*'
            $err[0].Exception.Message | Should -BeLike '*control character*'
            Get-TestFileHash | Should -Be $hash
        }

        It 'refuses a lone surrogate instead of storing U+FFFD' {
            $hash = Get-TestFileHash
            $err = @({ Set-AzContext -Context (Get-AzContext -Name 'dev') -Name "half$([char]0xD800)" } | Should -Throw -PassThru)
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
            $err[0].Exception.Message | Should -BeLike "*'Name'*lone UTF-16 surrogate (U+D800*"
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain "half$([char]0xFFFD)"
        }

        It 'shows a name another tool stored with control characters escaped in the table and list views' {
            $p = Read-TestProfile
            $p.Contexts["ev`e[2J`ril"] = $p.Contexts['dev']
            $p.Contexts.Remove('dev')
            $p | ConvertTo-Json -Depth 30 | Set-Content -Path (Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json')
            $table = Get-AzContext -ListAvailable | Format-Table | Out-String -Width 250
            $table | Should -BeLike '*ev\x1B`[2J\x0Dil*'
            $list = Get-AzContext -ListAvailable | Format-List | Out-String -Width 250
            $list | Should -BeLike '*ev\x1B`[2J\x0Dil*'
            foreach ($text in $table, $list) {
                $text.Contains([char]0x1b) | Should -BeFalse
                $text.Contains("`r") | Should -BeFalse
            }
            # The object keeps the stored name: scripts see what the file holds.
            (Get-AzContext -ListAvailable).Name | Should -Contain "ev`e[2J`ril"
        }

        It 'completes stored names' {
            @(Complete 'Set-AzContext -Name my').CompletionText | Should -Be @('mycontext')
        }
    }

    Context '-ExtendedProperty' {
        It 'sets each entry on the resulting context, in memory and on disk' {
            $out = Set-AzContext -Context (Get-AzContext -Name 'dev') -ExtendedProperty @{ 'Default Resource Group' = 'rg1'; k = 'v' }
            $out.ExtendedProperties['Default Resource Group'] | Should -Be 'rg1'
            $out.ExtendedProperties['k'] | Should -Be 'v'
            (Read-TestProfile).Contexts['dev'].ExtendedProperties['k'] | Should -Be 'v'
        }

        It 'sets nothing with -WhatIf' {
            $hash = Get-TestFileHash
            Set-AzContext -Context (Get-AzContext -Name 'dev') -ExtendedProperty @{ k = 'v' } -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
        }
    }

    Context '-Subscription and -Tenant (resolved against the stored contexts)' {
        It 'selects a subscription by name - parameter' {
            $out = Set-AzContext -Subscription 'contoso dev'
            $out.Subscription.Id | Should -Be $DevId
            $out.Tenant.Id | Should -Be $OtherTenant
            $out.Account.Id | Should -Be 'jane@contoso.com'
            (Get-AzContext).Subscription.Id | Should -Be $DevId
        }

        It 'selects a subscription by Id - positional' {
            (Set-AzContext $DevId).Subscription.Name | Should -Be 'Contoso Dev'
        }

        It 'accepts the aliases -SubscriptionId and -SubscriptionName' {
            (Set-AzContext -SubscriptionId $DevId).Subscription.Name | Should -Be 'Contoso Dev'
            (Set-AzContext -SubscriptionName 'Contoso Prod').Subscription.Id | Should -Be $ProdId
        }

        It 'narrows by -Tenant and its aliases -TenantId and -Domain' {
            (Set-AzContext -Subscription 'Contoso Dev' -Tenant $OtherTenant).Subscription.Id | Should -Be $DevId
            (Set-AzContext -Subscription 'Contoso Prod' -TenantId $Tenant).Subscription.Id | Should -Be $ProdId
            (Set-AzContext -Subscription 'Contoso Dev' -Domain $OtherTenant).Subscription.Id | Should -Be $DevId
        }

        It 'selects a tenant alone (TenantNameOnly)' {
            $out = Set-AzContext -Tenant $OtherTenant
            $out.Tenant.Id | Should -Be $OtherTenant
            $out.Subscription.Id | Should -Be $DevId
        }

        It 'works through the alias Select-AzSubscription' {
            (Get-Alias Select-AzSubscription).ResolvedCommandName | Should -Be 'Set-AzContext'
            (Select-AzSubscription -SubscriptionId $DevId).Subscription.Name | Should -Be 'Contoso Dev'
        }

        It 'stores the selection under -Name' {
            $out = Set-AzContext -Subscription 'Contoso Dev' -Name 'devname'
            $out.Name | Should -Be 'devname'
            (Read-TestProfile).DefaultContextKey | Should -Be 'devname'
        }

        It 'fails with Az''s message when nothing matches' {
            $hash = Get-TestFileHash
            Set-AzContext -Subscription 'no such sub' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSubscriptionOrTenant,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].TargetObject | Should -Be 'no such sub'
            $err[0].Exception.Message | Should -BeExactly 'Please provide a valid tenant or a valid subscription.'
            Get-TestFileHash | Should -Be $hash
            # The account has no sign-in in any token cache: ARM is not asked, and no cache is made.
            Join-Path $Store '.IdentityService' | Should -Not -Exist
        }

        It 'throws the exception type Az throws (ArgumentException), so typed catch blocks work' {
            $caught = try { Set-AzContext -Subscription 'no such sub' -ErrorAction Stop; 'not thrown' } catch [System.ArgumentException] { 'ArgumentException' } catch { $_.Exception.GetType().FullName }
            $caught | Should -Be 'ArgumentException'
        }

        It 'fails with Az''s message when the tenant does not hold the subscription' {
            Set-AzContext -Subscription 'Contoso Dev' -Tenant $Tenant -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].Exception.Message | Should -BeExactly 'Please provide a valid tenant or a valid subscription.'
        }

        It 'needs a signed-in current context' {
            $null = New-TestStore
            Set-AzContext -Subscription $DevId -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'LoginRequired,*'
            $err[0].Exception.Message | Should -BeExactly 'Run Connect-AzAccount to login.'
        }

        It 'changes nothing with -WhatIf' {
            $hash = Get-TestFileHash
            Set-AzContext -Subscription 'Contoso Dev' -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext).Name | Should -Be 'mycontext'
        }
    }

    Context '-SubscriptionObject and -TenantObject' {
        It 'selects the subscription of an object - parameter' {
            $sub = (Get-AzContext -Name 'dev').Subscription
            (Set-AzContext -SubscriptionObject $sub).Subscription.Id | Should -Be $DevId
        }

        It 'selects the subscription of an object - piped' {
            $out = (Get-AzContext -Name 'dev').Subscription | Set-AzContext
            $out.Subscription.Id | Should -Be $DevId
            (Get-AzContext).Subscription.Id | Should -Be $DevId
        }

        It 'selects the tenant of an object - parameter' {
            $t = (Get-AzContext -Name 'dev').Tenant
            (Set-AzContext -TenantObject $t).Tenant.Id | Should -Be $OtherTenant
        }

        It 'selects the tenant of an object - piped' {
            $out = (Get-AzContext -Name 'dev').Tenant | Set-AzContext
            $out.Tenant.Id | Should -Be $OtherTenant
        }

        It 'refuses a tenant object without an Id with Az''s message' {
            [Microsoft.Azure.Commands.Profile.Models.PSAzureTenant]::new() | Set-AzContext -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidSubscriptionOrTenant,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -BeExactly 'You must supply a valid tenant object with a valid Id or a valid tenant id string. Please check the input tenant value and try again.'
        }
    }

    Context '-WhatIf and -Confirm' {
        It 'changes nothing in memory or on disk with -WhatIf' {
            $hash = Get-TestFileHash
            $before = (Get-AzContext -ListAvailable).Name
            Set-AzContext -Context (Get-AzContext -Name 'dev') -Name 'new' -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext -ListAvailable).Name | Should -Be $before
            (Get-AzContext).Name | Should -Be 'mycontext'
        }

        It 'proceeds with -Confirm:$false' {
            (Set-AzContext -Context (Get-AzContext -Name 'dev') -Confirm:$false).Name | Should -Be 'dev'
            (Read-TestProfile).DefaultContextKey | Should -Be 'dev'
        }

        It 'still asks with -Confirm even with -Force (the prompt throws in a non-interactive host)' {
            $hash = Get-TestFileHash
            { Set-AzContext -Context (Get-AzContext -Name 'dev') -Force -Confirm } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash | Should -Be $hash
        }
    }

    Context 'scope' {
        It 'changes only this session with -Scope Process' {
            $hash = Get-TestFileHash
            (Set-AzContext -Context (Get-AzContext -Name 'dev') -Scope Process).Name | Should -Be 'dev'
            (Get-AzContext).Name | Should -Be 'dev'
            Get-TestFileHash | Should -Be $hash
            (Read-TestProfile).DefaultContextKey | Should -Be 'mycontext'
        }

        It 'changes only this session when AzContextAutoSave is false' {
            $hash = Get-TestFileHash
            $env:AzContextAutoSave = 'false'
            try { $null = Set-AzContext -Context (Get-AzContext -Name 'dev') } finally { Remove-Item Env:AzContextAutoSave }
            (Get-AzContext).Name | Should -Be 'dev'
            Get-TestFileHash | Should -Be $hash
        }

        It 'writes the file with -Scope CurrentUser when autosave is off' {
            $c = Get-AzContext -Name 'dev'
            $null = New-TestStore
            Set-TestAutosaveOff
            $null = Set-AzContext -Context $c -Name 'kept'
            Read-TestProfile | Should -BeNullOrEmpty
            $null = Set-AzContext -Context $c -Name 'saved' -Scope CurrentUser
            $p = Read-TestProfile
            $p.DefaultContextKey | Should -Be 'saved'
            $p.Contexts.Keys | Should -Be @('saved')
        }

        It 'changes only the -DefaultProfile copy, never the store' {
            $hash = Get-TestFileHash
            $c = Get-AzContext -Name 'dev'
            (Set-AzContext -Context $c -Name 'other' -AzContext $c -Scope CurrentUser).Name | Should -Be 'other'
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'other'
        }
    }
}

Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Remove-AzContext' {
    BeforeEach {
        $Store = New-TestStore
        $null = New-TestProfile -Default 'zeta' -Context @(
            New-TestContext -Name 'zeta' -SubscriptionName 'Zeta'
            New-TestContext -Name 'mycontext' -SubscriptionName 'Mine'
            New-TestContext -Name 'alpha' -SubscriptionName 'Alpha'
            New-TestContext -Name 'Beta' -SubscriptionName 'Beta' -Account 'bob@contoso.com'
        )
    }

    Context 'a context that is not the default' {
        It 'removes it - parameter' {
            Remove-AzContext -Name 'mycontext' | Should -BeNullOrEmpty
            (Read-TestProfile).Contexts.Keys | Should -Not -Contain 'mycontext'
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'mycontext'
            (Get-AzContext).Name | Should -Be 'zeta'
        }

        It 'removes it - positional, ignoring case' {
            Remove-AzContext 'MyContext'
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'mycontext'
        }

        It 'removes it - piped' {
            Get-AzContext -Name 'mycontext' | Remove-AzContext
            (Read-TestProfile).Contexts.Keys | Should -Not -Contain 'mycontext'
        }

        It 'removes the context given as -InputObject' {
            Remove-AzContext -InputObject (Get-AzContext -Name 'mycontext')
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'mycontext'
        }

        It 'runs the documentation''s examples verbatim' {
            Remove-AzContext -Name "mycontext" # Remove by name
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'mycontext'
            $null = Set-AzContext -Context (Get-AzContext -Name 'alpha') -Name 'mycontext'
            Select-AzContext -Name 'zeta' | Out-Null
            Get-AzContext -Name "mycontext" | Remove-AzContext # Remove by piping Azure context object
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'mycontext'
        }

        It 'writes the removed context with -PassThru' {
            $out = Remove-AzContext 'mycontext' -PassThru
            @($out).Count | Should -Be 1
            $out.Name | Should -Be 'mycontext'
            $out.Subscription.Name | Should -Be 'Mine'
        }

        It 'refuses a name that is not stored with the ValidateSet error and removes nothing' {
            $hash = Get-TestFileHash
            $null = Assert-UnknownContextName { Remove-AzContext 'nope' -PassThru } -Name 'nope'
            Get-TestFileHash | Should -Be $hash
        }

        It 'does nothing for a piped object whose Name is not stored' {
            $hash = Get-TestFileHash
            $c = Get-AzContext -Name 'mycontext'
            $c.Name = 'gone already'
            $c | Remove-AzContext -PassThru -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
            Get-TestFileHash | Should -Be $hash
        }

        It 'warns when the last context of a User account goes' {
            $null = Remove-AzContext 'Beta' -WarningVariable w -WarningAction SilentlyContinue
            @($w).Count | Should -Be 1
            $w[0].Message | Should -BeExactly "No contexts remain for user 'bob@contoso.com'; this user has been removed from the shared token cache."
        }

        It 'does not warn while the account has other contexts' {
            $null = Remove-AzContext 'mycontext' -WarningVariable w
            @($w).Count | Should -Be 0
        }

        It 'completes stored names' {
            @(Complete 'Remove-AzContext -Name my').CompletionText | Should -Be @('mycontext')
        }
    }

    Context 'the default context' {
        It 'asks first (the prompt throws in a non-interactive host) and removes nothing' {
            $hash = Get-TestFileHash
            { Remove-AzContext 'zeta' } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext).Name | Should -Be 'zeta'
        }

        It 'asks first when piped too' {
            { Get-AzContext | Remove-AzContext } | Should -Throw -ExpectedMessage '*NonInteractive*'
            (Get-AzContext).Name | Should -Be 'zeta'
        }

        It 'removes it with -Force; the ordinal-first remaining name becomes the default' {
            $out = Remove-AzContext 'zeta' -Force -PassThru
            $out.Name | Should -Be 'zeta'
            (Get-AzContext).Name | Should -BeExactly 'Beta'
            (Read-TestProfile).DefaultContextKey | Should -BeExactly 'Beta'
        }

        It 'leaves no default when the last context goes' {
            Get-AzContext -ListAvailable | Remove-AzContext -Force
            Get-AzContext | Should -BeNullOrEmpty
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
            $p = Read-TestProfile
            $p.Contexts.Count | Should -Be 0
            $p.DefaultContextKey | Should -Be 'Default'
        }

        It 'still asks with -Confirm, even with -Force' {
            $hash = Get-TestFileHash
            { Remove-AzContext 'zeta' -Force -Confirm } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash | Should -Be $hash
        }
    }

    Context '-WhatIf, -Confirm and scope' {
        It 'changes nothing with -WhatIf' {
            $hash = Get-TestFileHash
            $before = (Get-AzContext -ListAvailable).Name
            Remove-AzContext 'mycontext' -PassThru -WhatIf | Should -BeNullOrEmpty
            Remove-AzContext 'zeta' -Force -WhatIf
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext -ListAvailable).Name | Should -Be $before
        }

        It 'proceeds with -Confirm:$false' {
            (Remove-AzContext 'mycontext' -PassThru -Confirm:$false).Name | Should -Be 'mycontext'
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'mycontext'
        }

        It 'removes only in this session with -Scope Process' {
            $hash = Get-TestFileHash
            Remove-AzContext 'mycontext' -Scope Process
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'mycontext'
            Get-TestFileHash | Should -Be $hash
            (Read-TestProfile).Contexts.Keys | Should -Contain 'mycontext'
        }

        It 'removes from the file with -Scope CurrentUser, seen by a new process' {
            Remove-AzContext 'mycontext' -Scope CurrentUser
            $m = Join-Path $RepoRoot 'out/AzContext/AzContext.psd1'
            $names = Invoke-InNewPwsh -ScriptBlock { param($m) Import-Module $m; (Get-AzContext -ListAvailable).Name } -ArgumentList $m
            # Exactly the others: a failed import in the child would list none at all.
            @($names | Sort-Object) | Should -Be @('alpha', 'Beta', 'zeta')
        }

        It 'changes only the -DefaultProfile copy' {
            $hash = Get-TestFileHash
            $c = Get-AzContext
            $null = Remove-AzContext -Name $c.Name -Force -AzContext $c
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext).Name | Should -Be 'zeta'
        }
    }
}

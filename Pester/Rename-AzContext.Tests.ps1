Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Rename-AzContext' {
    BeforeEach {
        $Store = New-TestStore
        $null = New-TestProfile -Default 'current' -Context @(
            New-TestContext -Name 'current' -SubscriptionName 'Current'
            New-TestContext -Name 'mycontext' -SubscriptionName 'Mine'
            New-TestContext -Name 'taken' -SubscriptionName 'Taken'
        )
    }

    Context 'by name' {
        It 'renames the context - parameters' {
            Rename-AzContext -SourceName 'mycontext' -TargetName 'renamed' | Should -BeNullOrEmpty
            $p = Read-TestProfile
            $p.Contexts.Keys | Should -Contain 'renamed'
            $p.Contexts.Keys | Should -Not -Contain 'mycontext'
            (Get-AzContext -Name 'renamed').Subscription.Name | Should -Be 'Mine'
            (Get-AzContext).Name | Should -Be 'current'
        }

        It 'renames the context - positional' {
            Rename-AzContext 'mycontext' 'renamed'
            (Get-AzContext -ListAvailable).Name | Should -Contain 'renamed'
            (Get-AzContext -ListAvailable).Name | Should -Not -Contain 'mycontext'
        }

        It 'writes the renamed context with -PassThru' {
            $out = Rename-AzContext 'MYCONTEXT' 'renamed' -PassThru
            @($out).Count | Should -Be 1
            $out.Name | Should -Be 'renamed'
            $out.Subscription.Name | Should -Be 'Mine'
        }

        It 'moves the default with the context' {
            Rename-AzContext 'current' 'now'
            (Get-AzContext).Name | Should -Be 'now'
            (Read-TestProfile).DefaultContextKey | Should -Be 'now'
        }

        It 'does nothing when the names differ only in case' {
            $hash = Get-TestFileHash
            Rename-AzContext 'mycontext' 'MyContext' -PassThru | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext -Name 'mycontext').Name | Should -BeExactly 'mycontext'
        }

        It 'refuses a missing source with the ValidateSet error and changes nothing' {
            $hash = Get-TestFileHash
            $null = Assert-UnknownContextName { Rename-AzContext 'nope' 'renamed' -PassThru } -Name 'nope' -Parameter 'SourceName'
            Get-TestFileHash | Should -Be $hash
        }

        It 'refuses the reserved target name Default' {
            $hash = Get-TestFileHash
            Rename-AzContext 'mycontext' 'Default' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidContextName,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].TargetObject | Should -Be 'Default'
            Get-TestFileHash | Should -Be $hash
        }

        It 'completes stored names for -SourceName' {
            @(Complete 'Rename-AzContext -SourceName my').CompletionText | Should -Be @('mycontext')
        }
    }

    Context 'control characters' {
        It 'refuses a target name holding <Char> and changes nothing' -ForEach @(
            @{ Char = 'ESC'; Name = "x`e]0;title`a" }
            @{ Char = 'LF'; Name = "two`nlines" }
            @{ Char = 'C1 NEL'; Name = "n$([char]0x85)l" }
        ) {
            $hash = Get-TestFileHash
            Rename-AzContext 'mycontext' $Name -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidContextName,*'
            $err[0].Exception.Message | Should -BeLike '*control character*'
            Get-TestFileHash | Should -Be $hash
        }
    }

    Context 'by input object' {
        It 'renames the piped context' {
            $out = Get-AzContext -Name 'mycontext' | Rename-AzContext -TargetName 'renamed' -PassThru
            $out.Name | Should -Be 'renamed'
            (Read-TestProfile).Contexts.Keys | Should -Contain 'renamed'
        }

        It 'renames the context given as -InputObject, with the target by position' {
            Rename-AzContext -InputObject (Get-AzContext -Name 'mycontext') 'renamed'
            (Get-AzContext -Name 'renamed').Subscription.Name | Should -Be 'Mine'
        }

        It 'moves the default with the piped current context' {
            Get-AzContext | Rename-AzContext -TargetName 'work'
            (Get-AzContext).Name | Should -Be 'work'
        }
    }

    Context 'an existing target' {
        It 'asks before overwriting (the prompt throws in a non-interactive host)' {
            $hash = Get-TestFileHash
            { Rename-AzContext 'mycontext' 'taken' } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash | Should -Be $hash
        }

        It 'overwrites with -Force, leaving one context fewer' {
            $out = Rename-AzContext 'mycontext' 'taken' -Force -PassThru
            $out.Name | Should -Be 'taken'
            $out.Subscription.Name | Should -Be 'Mine'
            (Read-TestProfile).Contexts.Count | Should -Be 2
            @(Get-AzContext -ListAvailable).Count | Should -Be 2
        }

        It 'keeps the default on the target when the overwritten target was the default' {
            Rename-AzContext 'mycontext' 'current' -Force
            (Get-AzContext).Name | Should -Be 'current'
            (Get-AzContext).Subscription.Name | Should -Be 'Mine'
        }
    }

    Context '-WhatIf, -Confirm and scope' {
        It 'changes nothing with -WhatIf' {
            $hash = Get-TestFileHash
            $before = (Get-AzContext -ListAvailable).Name
            Rename-AzContext 'mycontext' 'renamed' -PassThru -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext -ListAvailable).Name | Should -Be $before
        }

        It 'proceeds with -Confirm:$false' {
            (Rename-AzContext 'mycontext' 'renamed' -PassThru -Confirm:$false).Name | Should -Be 'renamed'
        }

        It 'renames only in this session with -Scope Process' {
            $hash = Get-TestFileHash
            Rename-AzContext 'mycontext' 'renamed' -Scope Process
            (Get-AzContext -Name 'renamed').Subscription.Name | Should -Be 'Mine'
            Get-TestFileHash | Should -Be $hash
            (Read-TestProfile).Contexts.Keys | Should -Contain 'mycontext'
        }

        It 'changes only the -DefaultProfile copy' {
            $hash = Get-TestFileHash
            $c = Get-AzContext -Name 'current'
            (Rename-AzContext 'current' 'renamed' -PassThru -AzContext $c).Name | Should -Be 'renamed'
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext).Name | Should -Be 'current'
        }
    }
}

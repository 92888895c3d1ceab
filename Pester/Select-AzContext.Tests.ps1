Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Select-AzContext' {
    BeforeEach {
        $Store = New-TestStore
        $null = New-TestProfile -Default 'other' -Context @(
            New-TestContext -Name 'other' -SubscriptionName 'Other'
            New-TestContext -Name 'mycontext' -SubscriptionName 'Mine'
        )
    }

    Context 'by name' {
        It 'makes the named context the default and writes it - parameter' {
            $out = Select-AzContext -Name 'mycontext'
            @($out).Count | Should -Be 1
            $out.Name | Should -Be 'mycontext'
            $out.Subscription.Name | Should -Be 'Mine'
            (Get-AzContext).Name | Should -Be 'mycontext'
            (Read-TestProfile).DefaultContextKey | Should -Be 'mycontext'
        }

        It 'makes the named context the default - positional' {
            (Select-AzContext 'mycontext').Name | Should -Be 'mycontext'
            (Read-TestProfile).DefaultContextKey | Should -Be 'mycontext'
        }

        It 'matches the name ignoring case and keeps the stored spelling' {
            (Select-AzContext -Name 'MYCONTEXT').Name | Should -Be 'mycontext'
            (Read-TestProfile).DefaultContextKey | Should -BeExactly 'mycontext'
        }

        It 'refuses an unknown name with the ValidateSet error listing the stored names' {
            $hash = Get-TestFileHash
            # Terminating, as Az's parameter binding error: try/catch sees it.
            $e = Assert-UnknownContextName { Select-AzContext -Name 'nope' } -Name 'nope'
            $e.Exception.Message | Should -BeExactly 'Cannot validate argument on parameter ''Name''. The argument "nope" does not belong to the set "mycontext,other" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.'
            Get-TestFileHash | Should -Be $hash
        }

        It 'suggests a close stored name' {
            $err = @(try { Select-AzContext -Name 'myc'; 'not thrown' } catch { $_ })
            $err[0].Exception.Message | Should -BeLike "*Supply an argument that is in the set and then try the command again. Did you mean 'mycontext'?"
        }

        It 'completes stored names' {
            @(Complete 'Select-AzContext -Name m').CompletionText | Should -Be @('mycontext')
            @(Complete 'Select-AzContext ').CompletionText | Should -Be @('mycontext', 'other')
        }
    }

    Context 'by input object' {
        It 'selects the piped context and writes it' {
            $out = Get-AzContext -Name 'mycontext' | Select-AzContext
            $out.Name | Should -Be 'mycontext'
            (Read-TestProfile).DefaultContextKey | Should -Be 'mycontext'
        }

        It 'selects the context given as -InputObject' {
            (Select-AzContext -InputObject (Get-AzContext -Name 'mycontext')).Name | Should -Be 'mycontext'
            (Get-AzContext).Name | Should -Be 'mycontext'
        }

        It 'runs the documentation''s example verbatim' {
            Get-AzContext -Name "mycontext" | Select-AzContext # Set a context with a piped Azure context object
            (Get-AzContext).Name | Should -Be 'mycontext'
        }

        It 'leaves the default unchanged for an object whose Name is not stored, writes it, and no error' {
            $hash = Get-TestFileHash
            $c = Get-AzContext -Name 'mycontext'
            $c.Name = 'not stored'
            $out = $c | Select-AzContext -ErrorVariable err
            $err.Count | Should -Be 0
            $out.Name | Should -Be 'other'
            Get-TestFileHash | Should -Be $hash
        }

        It 'selects each piped context in turn, ending with the last' {
            $out = Get-AzContext -ListAvailable | Sort-Object Name | Select-AzContext
            $out.Name | Should -Be @('mycontext', 'other')
            (Read-TestProfile).DefaultContextKey | Should -Be 'other'
        }
    }

    Context 'scope' {
        It 'runs the documentation''s -Scope Process example verbatim: this session only' {
            $hash = Get-TestFileHash
            Get-AzContext -Name "mycontext" | Select-AzContext -Scope Process
            (Get-AzContext).Name | Should -Be 'mycontext'
            Get-TestFileHash | Should -Be $hash
            (Read-TestProfile).DefaultContextKey | Should -Be 'other'
        }

        It 'a new process sees the CurrentUser selection, not a Process one' {
            $null = Select-AzContext -Name 'mycontext' -Scope Process
            $m = Join-Path $RepoRoot 'out/AzContext/AzContext.psd1'
            Invoke-InNewPwsh -ScriptBlock { param($m) Import-Module $m; (Get-AzContext).Name } -ArgumentList $m | Should -Be 'other'
            $null = Select-AzContext -Name 'mycontext' -Scope CurrentUser
            Invoke-InNewPwsh -ScriptBlock { param($m) Import-Module $m; (Get-AzContext).Name } -ArgumentList $m | Should -Be 'mycontext'
        }

        It 'changes only the -DefaultProfile copy' {
            $hash = Get-TestFileHash
            $c = Get-AzContext -Name 'mycontext'
            (Select-AzContext -Name 'mycontext' -AzContext $c).Name | Should -Not -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext).Name | Should -Be 'other'
        }
    }

    Context '-WhatIf and -Confirm' {
        It 'changes nothing and writes nothing with -WhatIf' {
            $hash = Get-TestFileHash
            $before = (Get-AzContext -ListAvailable).Name
            Select-AzContext -Name 'mycontext' -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext -ListAvailable).Name | Should -Be $before
            (Get-AzContext).Name | Should -Be 'other'
        }

        It 'proceeds with -Confirm:$false' {
            (Select-AzContext -Name 'mycontext' -Confirm:$false).Name | Should -Be 'mycontext'
        }

        It 'asks with -Confirm (the prompt throws in a non-interactive host)' {
            $hash = Get-TestFileHash
            { Select-AzContext -Name 'mycontext' -Confirm } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash | Should -Be $hash
        }
    }
}

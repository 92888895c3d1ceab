Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Disconnect-AzAccount' {
    BeforeEach {
        $Store = New-TestStore
        # user@contoso.com has two contexts, other@contoso.com one; the current one is other's.
        $null = Connect-Fake -AccountId 'user@contoso.com' -Subscription $SubA -ContextName 'subscription1'
        $null = Connect-Fake -AccountId 'USER@contoso.com' -Subscription $SubB -ContextName 'subscription2'
        $null = Connect-Fake -AccountId 'other@contoso.com' -Subscription $SubC -ContextName 'other'
    }

    Context 'the seed page''s sign-out examples' {
        It 'Disconnect-AzAccount signs out the account of the current context' {
            $a = Disconnect-AzAccount
            $a.Id | Should -Be 'other@contoso.com'
            Get-ContextNames | Should -Be @('subscription1', 'subscription2')
        }

        It 'Disconnect-AzAccount -Username "user@contoso.com" removes every context of that account, ignoring case' {
            $a = Disconnect-AzAccount -Username 'user@contoso.com'
            $a.Id | Should -Be 'user@contoso.com'
            Get-ContextNames | Should -Be @('other')
            @((Read-TestProfile).Contexts.Keys) | Should -Be @('other')
        }

        It 'Disconnect-AzAccount -ContextName "subscription2" signs out that context''s account' {
            $a = Disconnect-AzAccount -ContextName 'subscription2'
            $a.Id | Should -Be 'user@contoso.com'
            Get-ContextNames | Should -Be @('other')
        }

        It 'Disconnect-AzAccount -AzureContext $contextObject signs out the context''s account' {
            $contextObject = Get-AzContext -Name 'subscription1'
            $a = Disconnect-AzAccount -AzureContext $contextObject
            $a.Id | Should -Be 'user@contoso.com'
            Get-ContextNames | Should -Be @('other')
        }
    }

    Context 'inputs' {
        It 'takes the user name - parameter (position 0)' {
            (Disconnect-AzAccount 'other@contoso.com').Id | Should -Be 'other@contoso.com'
            Get-ContextNames | Should -Be @('subscription1', 'subscription2')
        }

        It 'takes the user name through the aliases -Id and -UserId' {
            (Disconnect-AzAccount -Id 'other@contoso.com').Id | Should -Be 'other@contoso.com'
            (Disconnect-AzAccount -UserId 'user@contoso.com').Id | Should -Be 'user@contoso.com'
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
        }

        It 'takes a context - parameter' {
            (Disconnect-AzAccount -AzureContext (Get-AzContext -Name 'other')).Id | Should -Be 'other@contoso.com'
            Get-ContextNames | Should -Be @('subscription1', 'subscription2')
        }

        It 'takes a context - piped' {
            (Get-AzContext -Name 'subscription2' | Disconnect-AzAccount).Id | Should -Be 'user@contoso.com'
            Get-ContextNames | Should -Be @('other')
        }

        It 'takes an account - parameter' {
            (Disconnect-AzAccount -InputObject (Get-AzContext -Name 'other').Account).Id | Should -Be 'other@contoso.com'
            Get-ContextNames | Should -Be @('subscription1', 'subscription2')
        }

        It 'takes an account - piped' {
            ((Get-AzContext -Name 'subscription1').Account | Disconnect-AzAccount).Id | Should -Be 'user@contoso.com'
            Get-ContextNames | Should -Be @('other')
        }

        It 'takes a service principal by -ApplicationId and -TenantId' {
            $null = Connect-Fake -AccountId '00000000-aaaa-4bbb-8ccc-000000000abc' -Subscription $SubA -ContextName 'sp'
            $a = Disconnect-AzAccount -ApplicationId '00000000-aaaa-4bbb-8ccc-000000000abc' -TenantId $TenantA
            $a.Id | Should -Be '00000000-aaaa-4bbb-8ccc-000000000abc'
            Get-ContextNames | Should -Be @('other', 'subscription1', 'subscription2')
        }

        It 'completes -ContextName with the stored names' {
            $m = Complete 'Disconnect-AzAccount -ContextName subscr'
            @($m.CompletionText) | Should -Be @('subscription1', 'subscription2')
        }

        It 'is reachable through the aliases Logout-AzAccount and Remove-AzAccount' {
            (Get-Alias Logout-AzAccount).ResolvedCommandName | Should -Be 'Disconnect-AzAccount'
            (Get-Alias Remove-AzAccount).ResolvedCommandName | Should -Be 'Disconnect-AzAccount'
            (Logout-AzAccount -Username 'other@contoso.com').Id | Should -Be 'other@contoso.com'
        }
    }

    Context 'nothing to sign out' {
        It 'writes $null and Az''s verbose text when there is no current context' {
            $null = Disconnect-AzAccount -Username 'user@contoso.com'
            $null = Disconnect-AzAccount -Username 'other@contoso.com'
            $out = @(Disconnect-AzAccount -Verbose 4>&1)
            $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $verbose.Message | Should -Contain 'No accounts were found to disconnect from. Ending call to Disconnect-AzAccount.'
            @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 1
            $out[-1] | Should -BeNullOrEmpty
        }

        It 'writes "Provide a valid account or context" for a context without an account' {
            Disconnect-AzAccount -AzureContext ([Microsoft.Azure.Commands.Profile.Models.Core.PSAzureContext]::new()) -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAccountOrContext,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -Be 'Provide a valid account or context'
            @(Get-AzContext -ListAvailable).Count | Should -Be 3
        }

        It 'refuses an unknown -ContextName with the ValidateSet error, as the other cmdlets do, and removes nothing' {
            $null = Assert-UnknownContextName { Disconnect-AzAccount -ContextName 'nope' } -Name 'nope' -Parameter 'ContextName'
            @(Get-AzContext -ListAvailable).Count | Should -Be 3
        }

        It 'outputs an unknown -Username and removes nothing' {
            (Disconnect-AzAccount -Username 'nobody@contoso.com').Id | Should -Be 'nobody@contoso.com'
            @(Get-AzContext -ListAvailable).Count | Should -Be 3
        }
    }

    Context 'scope' {
        It '-Scope Process removes the contexts in this session only' {
            $hash = Get-TestFileHash
            $null = Disconnect-AzAccount -Username 'user@contoso.com' -Scope Process
            Get-ContextNames | Should -Be @('other')
            Get-TestFileHash | Should -Be $hash
            @((Read-TestProfile).Contexts.Keys | Sort-Object) | Should -Be @('other', 'subscription1', 'subscription2')
        }

        It '-Scope CurrentUser removes them from AzureRmContext.json' {
            $null = Disconnect-AzAccount -Username 'user@contoso.com' -Scope CurrentUser
            @((Read-TestProfile).Contexts.Keys) | Should -Be @('other')
        }
    }

    Context 'confirmation' {
        It '-WhatIf leaves the file and -ListAvailable unchanged' {
            $hash = Get-TestFileHash
            $names = Get-ContextNames
            Disconnect-AzAccount -Username 'user@contoso.com' -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            Get-ContextNames | Should -Be $names
        }

        It 'signs out with -Confirm:$false' {
            (Disconnect-AzAccount -Username 'user@contoso.com' -Confirm:$false).Id | Should -Be 'user@contoso.com'
            Get-ContextNames | Should -Be @('other')
        }
    }

    Context 'secrets' {
        It 'outputs the account without its token' {
            $a = Disconnect-AzAccount -Username 'other@contoso.com' -Verbose -Debug 4>&1 5>&1
            $account = $a | Where-Object { $_ -is [Microsoft.Azure.Commands.Profile.Models.PSAzureRmAccount] }
            $account.Type | Should -Be 'AccessToken'
            $account.ExtendedProperties.Keys | Should -Not -Contain 'AccessToken'
            foreach ($t in @(($a | Out-String), ($account | Format-List * | Out-String), ($account | ConvertTo-Json -Depth 4), "$account")) {
                $t | Should -Not -BeLike '*FAKETOKENMARKER*'
            }
        }
    }
}

Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
    $OtherKey = 'Other (99999999-0000-4000-8000-000000000009) - c0ffee00-1234-4abc-9def-000000000042 - eve@other.com'

    function Get-StoreFile { Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json' }

    <# Waits (bounded, never asserted on) until a file exists; returns whether it does. #>
    function Wait-File([string]$Path) {
        for ($i = 0; $i -lt 1200 -and -not (Test-Path $Path); $i++) { Start-Sleep -Milliseconds 100 }
        Test-Path $Path
    }
}

Describe 'Jobs and runspaces' {
    BeforeEach {
        $Store = New-TestStore
        $null = New-TwoContextProfile   # default: Contoso Prod
        $File = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
        $null = New-TestProfile -Context (New-TestContext -Account 'eve@other.com' -SubscriptionId '99999999-0000-4000-8000-000000000009' -SubscriptionName 'Other') -Path $File
    }

    Context 'Start-Job (a new process) with autosave on' {
        It 'sees the saved default context' {
            $name = Start-Job { (Get-AzContext).Name } | Receive-Job -Wait -AutoRemoveJob
            $name | Should -Be $ContosoKey
        }

        It 'sees a CurrentUser change made before it started' {
            $null = Import-AzContext -Path $File
            $name = Start-Job { (Get-AzContext).Name } | Receive-Job -Wait -AutoRemoveJob
            $name | Should -Be $OtherKey
        }

        It 'does not see a Process-scope change of its parent' {
            $null = Import-AzContext -Path $File -Scope Process
            (Get-AzContext).Name | Should -Be $OtherKey
            $name = Start-Job { (Get-AzContext).Name } | Receive-Job -Wait -AutoRemoveJob
            $name | Should -Be $ContosoKey
        }

        It 'writes its own CurrentUser change where its parent sees it' {
            $null = Start-Job { param($f) $null = Import-AzContext -Path $f } -ArgumentList $File | Receive-Job -Wait -AutoRemoveJob
            (Get-AzContext).Name | Should -Be $OtherKey
        }
    }

    Context 'Start-Job with autosave off' {
        BeforeEach {
            $null = Disable-AzContextAutosave
            $null = Import-AzContext -Path $File
            $Ctx = Get-AzContext
        }

        It 'starts without the parent''s in-memory contexts' {
            $name = Start-Job { Import-Module AzContext -ErrorAction Stop; 'imported'; Get-AzContext | ForEach-Object Name } |
                Receive-Job -Wait -AutoRemoveJob -ErrorVariable jobErr
            $jobErr.Count | Should -Be 0
            $name | Should -Be @('imported')
        }

        It 'works on a context passed with -AzContext $using:ctx' {
            $c = Start-Job { Get-AzContext -AzContext $using:Ctx } | Receive-Job -Wait -AutoRemoveJob
            $c.Name | Should -Be $OtherKey
            $c.Account.Id | Should -Be 'eve@other.com'
            $c.Subscription.Name | Should -Be 'Other'
        }

        It 'works on a context passed as an argument' {
            $name = Start-Job { param($c) (Get-AzContext -AzContext $c).Name } -ArgumentList $Ctx | Receive-Job -Wait -AutoRemoveJob
            $name | Should -Be $OtherKey
        }

        It 'takes a deserialized context wherever a context is bound: -Context, -InputObject, the pipeline, -AzureContext' {
            $fab = Get-AzContext -Name $FabrikamKey
            $r = Start-Job {
                $ctx = $using:fab
                [pscustomobject]@{
                    Type = $ctx.PSObject.TypeNames[0]
                    Set = (Set-AzContext -Context $ctx -Scope Process).Name
                    Selected = (Select-AzContext -InputObject $ctx -Scope Process).Name
                    Piped = ($ctx | Select-AzContext -Scope Process).Name
                    Current = (Get-AzContext).Name
                }
            } | Receive-Job -Wait -AutoRemoveJob -ErrorVariable jobErr
            $jobErr.Count | Should -Be 0
            $r.Type | Should -Be 'Deserialized.Microsoft.Azure.Commands.Profile.Models.Core.PSAzureContext'
            $r.Set | Should -Be $FabrikamKey
            $r.Selected | Should -Be $FabrikamKey
            $r.Piped | Should -Be $FabrikamKey
            $r.Current | Should -Be $FabrikamKey
            # Import-Clixml's copy in this process, too; something that is no context is still refused.
            $xml = Join-Path $TestDrive 'ctx.xml'
            $fab | Export-Clixml -Path $xml
            (Select-AzContext -InputObject (Import-Clixml -Path $xml) -Scope Process).Name | Should -Be $FabrikamKey
            { Select-AzContext -InputObject ([pscustomobject]@{ Name = 'x' }) -ErrorAction Stop } | Should -Throw
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'changes no file when the job modifies the passed context' {
            $hash = Get-TestFileHash (Get-StoreFile)
            $f = New-TwoContextProfile -Default $FabrikamKey -Path (Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json")
            $p = Start-Job { param($f) Import-AzContext -Path $f -Scope CurrentUser -AzContext $using:Ctx } -ArgumentList $f | Receive-Job -Wait -AutoRemoveJob
            $p.Context.Name | Should -Be $FabrikamKey
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
        }
    }

    Context 'a second pwsh that is already running' {
        It 'sees a CurrentUser change without re-importing the module, and keeps its own current context' {
            $ready = Join-Path $TestDrive "ready-$([guid]::NewGuid().ToString('N'))"
            $go = Join-Path $TestDrive "go-$([guid]::NewGuid().ToString('N'))"
            $job = Start-Job {
                param($ready, $go)
                $before = (Get-AzContext).Name
                Set-Content -Path $ready -Value 'ready'
                for ($i = 0; $i -lt 1200 -and -not (Test-Path $go); $i++) { Start-Sleep -Milliseconds 100 }
                [pscustomobject]@{ Before = $before; After = (Get-AzContext).Name; Listed = @((Get-AzContext -ListAvailable).Name); Go = (Test-Path $go) }
            } -ArgumentList $ready, $go
            Wait-File $ready | Should -BeTrue
            $null = Import-AzContext -Path $File -Scope CurrentUser
            Set-Content -Path $go -Value 'go'
            $r = $job | Receive-Job -Wait -AutoRemoveJob
            $r.Go | Should -BeTrue
            $r.Before | Should -Be $ContosoKey
            # The imported context is there; the running session's current context is its own (issue #14).
            $r.Listed | Should -Contain $OtherKey
            $r.After | Should -Be $ContosoKey
            (Read-TestProfile).DefaultContextKey | Should -Be $OtherKey
        }

        It 'does not see a Process-scope change' {
            $null = Import-AzContext -Path $File -Scope Process
            Invoke-InNewPwsh -ScriptBlock { (Get-AzContext).Name } | Should -Be $ContosoKey
        }
    }

    Context 'runspaces in one process (ThreadJob, ForEach-Object -Parallel): each its own current context, started from the process''s' {
        It 'a thread job sees the session''s Process-scope contexts' {
            $null = Import-AzContext -Path $File -Scope Process
            $name = Start-ThreadJob { (Get-AzContext).Name } | Receive-Job -Wait -AutoRemoveJob
            $name | Should -Be $OtherKey
        }

        It 'a change in a thread job leaves the current context of the main runspace (unlike Az); its contexts are the process''s' {
            $null = Start-ThreadJob { param($f) $null = Import-AzContext -Path $f -Scope Process } -ArgumentList $File | Receive-Job -Wait -AutoRemoveJob
            (Get-AzContext).Name | Should -Be $ContosoKey
            (Get-AzContext -ListAvailable).Name | Should -Contain $OtherKey
            Get-TestFileHash (Get-StoreFile) | Should -Not -Be 'absent'
            (Read-TestProfile).DefaultContextKey | Should -Be $ContosoKey
        }

        It 'every ForEach-Object -Parallel runspace sees the same default' {
            $null = Import-AzContext -Path $File -Scope Process
            $names = 1..4 | ForEach-Object -Parallel { (Get-AzContext).Name } -ThrottleLimit 4
            @($names | Sort-Object -Unique) | Should -Be @($OtherKey)
        }

        It 'a change in a -Parallel runspace leaves the caller''s current context (unlike Az); its contexts are seen' {
            $null = 1 | ForEach-Object -Parallel { $null = Import-AzContext -Path $using:File -Scope Process }
            (Get-AzContext).Name | Should -Be $ContosoKey
            (Get-AzContext -ListAvailable).Name | Should -Contain $OtherKey
        }

        It 'each runspace can still work on its own context with -AzContext' {
            $contexts = Get-AzContext -ListAvailable
            $names = $contexts | ForEach-Object -Parallel { (Get-AzContext -AzContext $_).Name } -ThrottleLimit 4
            @($names | Sort-Object) | Should -Be @($contexts.Name | Sort-Object)
            (Get-AzContext).Name | Should -Be $ContosoKey
        }
    }
}

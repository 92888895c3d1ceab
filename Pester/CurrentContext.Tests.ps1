Set-StrictMode -Version Latest

# Which context is current where (issue #14): each pwsh process, and each runspace in it, keeps its own
# current context; only its own commands change it. Real processes (Start-Job, a new pwsh) and real
# runspaces (ForEach-Object -Parallel, Start-ThreadJob) on one store.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force

    <# Waits (bounded, never asserted on) until a file exists; returns whether it does. #>
    function Wait-File([string]$Path) {
        for ($i = 0; $i -lt 1200 -and -not (Test-Path $Path); $i++) { Start-Sleep -Milliseconds 100 }
        Test-Path $Path
    }

    <#
    Starts "terminal A": a pwsh process (Start-Job) that runs $Before, says it is ready, waits for the
    test's go, runs $After and returns both outputs. Returns the job and the go file.
    #>
    function Start-TerminalA([scriptblock]$Before, [scriptblock]$After) {
        $ready = Join-Path $TestDrive "ready-$([guid]::NewGuid().ToString('N'))"
        $go = Join-Path $TestDrive "go-$([guid]::NewGuid().ToString('N'))"
        $job = Start-Job {
            param($ready, $go, $before, $after)
            $b = & ([scriptblock]::Create($before))
            Set-Content -Path $ready -Value 'ready'
            for ($i = 0; $i -lt 1200 -and -not (Test-Path $go); $i++) { Start-Sleep -Milliseconds 100 }
            [pscustomobject]@{ Before = $b; After = & ([scriptblock]::Create($after)); Go = (Test-Path $go) }
        } -ArgumentList $ready, $go, $Before.ToString(), $After.ToString()
        Wait-File $ready | Should -BeTrue
        [pscustomobject]@{ Job = $job; Go = $go }
    }

    <# Lets terminal A go on and returns what it reported. #>
    function Complete-TerminalA($A) {
        Set-Content -Path $A.Go -Value 'go'
        $r = $A.Job | Receive-Job -Wait -AutoRemoveJob
        $r.Go | Should -BeTrue
        $r
    }

    function New-DevProdStore([string]$Default = 'dev') {
        $null = New-TestStore
        $dev = New-TestContext -Name 'dev' -SubscriptionName 'Dev' -SubscriptionId '0000000d-0000-4000-8000-000000000001'
        $prod = New-TestContext -Name 'prod' -SubscriptionName 'Prod' -SubscriptionId '0000000e-0000-4000-8000-000000000002'
        $null = New-TestProfile -Context $dev, $prod -Default $Default
    }

    # Terminal B's commands: a context added, then "prod" selected (CurrentUser, the default scope).
    $AddThenSelectProd = {
        $null = Connect-AzAccount -AccessToken 'tok' -AccountId 'b@contoso.com' -Tenant 'c0ffee00-1234-4abc-9def-000000000042' -Subscription '0000000f-0000-4000-8000-000000000003' -SkipValidation -ContextName 'added'
        (Select-AzContext -Name 'prod').Name
    }
}

Describe 'The current context belongs to the session' {
    BeforeEach { New-DevProdStore }

    Context 'two terminals on one store' {
        It 'A on "dev" keeps "dev" after B selects "prod", and sees the context B added; a new session starts on "prod"' {
            $a = Start-TerminalA -Before { (Get-AzContext).Name } -After {
                (Get-AzContext).Name
                (Get-AzContext -ListAvailable).Name -join ','
            }
            Invoke-InNewPwsh -ScriptBlock $AddThenSelectProd | Should -Be 'prod'
            $r = Complete-TerminalA $a
            $r.Before | Should -Be 'dev'
            $r.After[0] | Should -Be 'dev'
            $r.After[1] -split ',' | Should -Contain 'added'
            (Read-TestProfile).DefaultContextKey | Should -Be 'prod'
            Invoke-InNewPwsh -ScriptBlock { (Get-AzContext).Name } | Should -Be 'prod'
        }

        It 'a -Scope Process select is kept after another process selects; a CurrentUser select then writes the stored default' {
            $a = Start-TerminalA -Before { (Select-AzContext -Name 'prod' -Scope Process).Name } -After {
                (Get-AzContext).Name
                (Get-AzContext -ListAvailable).Name -join ','
                $null = Select-AzContext -Name 'added'
                (Get-AzContext).Name
            }
            # B selects "dev" after adding a context.
            Invoke-InNewPwsh -ScriptBlock {
                $null = Connect-AzAccount -AccessToken 'tok' -AccountId 'b@contoso.com' -Tenant 'c0ffee00-1234-4abc-9def-000000000042' -Subscription '0000000f-0000-4000-8000-000000000003' -SkipValidation -ContextName 'added'
                (Select-AzContext -Name 'dev').Name
            } | Should -Be 'dev'
            (Read-TestProfile).DefaultContextKey | Should -Be 'dev'
            $r = Complete-TerminalA $a
            $r.Before | Should -Be 'prod'
            $r.After[0] | Should -Be 'prod'
            $r.After[1] -split ',' | Should -Contain 'added'
            $r.After[2] | Should -Be 'added'
            (Read-TestProfile).DefaultContextKey | Should -Be 'added'
        }

        It 'A keeps working on its context after B removes it, and is warned once' {
            $a = Start-TerminalA -Before { (Get-AzContext).Name } -After {
                $names = 1..3 | ForEach-Object { (Get-AzContext -WarningVariable +w -WarningAction SilentlyContinue).Name }
                $names -join ','
                @($w).Count
                "$(@($w)[0])"
                (Get-AzContext -ListAvailable).Name -join ','
                (Get-AzContext).Subscription.Name
                (Select-AzContext -Name 'prod' -WarningVariable +w2 -WarningAction SilentlyContinue).Name
                @($w2).Count
            }
            Invoke-InNewPwsh -ScriptBlock { Remove-AzContext -Name 'dev' -Force; (Get-AzContext -ListAvailable).Name } | Should -Be 'prod'
            $r = Complete-TerminalA $a
            $r.Before | Should -Be 'dev'
            $r.After[0] | Should -Be 'dev,dev,dev'
            $r.After[1] | Should -Be 1
            $r.After[2] | Should -BeLike "The context 'dev' that this session uses is no longer stored*"
            $r.After[3] | Should -Be 'prod'
            $r.After[4] | Should -Be 'Dev'
            $r.After[5] | Should -Be 'prod'
            $r.After[6] | Should -Be 0
        }

        It 'A keeps its context''s old name after B renames it, warned once, and never moves by itself' {
            $a = Start-TerminalA -Before { (Get-AzContext).Name } -After {
                $names = 1..2 | ForEach-Object { (Get-AzContext -WarningVariable +w -WarningAction SilentlyContinue).Name }
                $names -join ','
                @($w).Count
                (Get-AzContext -ListAvailable).Name -join ','
            }
            Invoke-InNewPwsh -ScriptBlock { Rename-AzContext -SourceName 'dev' -TargetName 'dev2'; (Get-AzContext).Name } | Should -Be 'dev2'
            $r = Complete-TerminalA $a
            $r.After[0] | Should -Be 'dev,dev'
            $r.After[1] | Should -Be 1
            $r.After[2] -split ',' | Sort-Object | Should -Be @('dev2', 'prod')
        }

        It 'renaming its own current context follows the new name; removing it leaves what Az leaves' {
            (Get-AzContext).Name | Should -Be 'dev'
            Rename-AzContext -SourceName 'dev' -TargetName 'dev2'
            (Get-AzContext).Name | Should -Be 'dev2'
            Remove-AzContext -Name 'dev2' -Force
            (Get-AzContext).Name | Should -Be 'prod'
            Clear-AzContext -Force
            Get-AzContext | Should -BeNullOrEmpty
        }
    }

    Context 'AZCONTEXT_NAME' {
        It 'a pwsh started with AZCONTEXT_NAME uses that context, marked in the table; the stored default is unchanged' {
            $out = Invoke-InNewPwsh -Environment @{ AZCONTEXT_NAME = 'PROD' } -ScriptBlock {
                (Get-AzContext).Name
                (Get-AzContext -ListAvailable | Format-Table | Out-String -Width 120) -split "`n" | Where-Object { $_ -match '^\*' } | ForEach-Object Trim
                (Select-AzContext -Name 'dev' -Scope Process).Name
            }
            $out[0] | Should -Be 'prod'
            $out[1] | Should -BeLike '`* prod *'
            $out[2] | Should -Be 'dev'
            (Read-TestProfile).DefaultContextKey | Should -Be 'dev'
        }

        It 'a name that is not stored is an error naming it for every command that needs the current context, never a fall-back' {
            $out = Invoke-InNewPwsh -Environment @{ AZCONTEXT_NAME = 'nope' } -ScriptBlock {
                foreach ($command in { Get-AzContext }, { Set-AzContext -Subscription 'Prod' }, { Save-AzContext -Path (Join-Path ([IO.Path]::GetTempPath()) "x-$PID.json") }) {
                    try { $ErrorActionPreference = 'Stop'; $null = & $command; 'no error' } catch { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
                }
                (Get-AzContext -ListAvailable).Count
                (Select-AzContext -Name 'prod' -Scope Process).Name
                (Get-AzContext).Name
            }
            foreach ($line in $out[0..2]) {
                $line | Should -BeLike "ContextNotFound*The context 'nope' named by AZCONTEXT_NAME is not stored*"
            }
            $out[3] | Should -Be 2
            $out[4] | Should -Be 'prod'
            $out[5] | Should -Be 'prod'
        }
    }
}

Describe 'Runspaces: each keeps its own current context' {
    BeforeEach {
        $null = New-TestStore
        $contexts = 1..8 | ForEach-Object { New-TestContext -Name "ctx$_" -SubscriptionName "Sub $_" -SubscriptionId ('0000000{0}-0000-4000-8000-000000000000' -f $_) }
        $null = New-TestProfile -Context $contexts -Default 'ctx1'
    }

    It 'a ForEach-Object -Parallel runspace reused for a later item starts again from the process''s current context' {
        (Get-AzContext).Name | Should -Be 'ctx1'
        # Two runspaces for eight items: ForEach-Object hands a finished item's runspace (its state reset)
        # to a later one, which must not start from the context the earlier item selected.
        $results = 1..8 | ForEach-Object -ThrottleLimit 2 -Parallel {
            $first = (Get-AzContext).Name
            $null = Select-AzContext -Name "ctx$_" -Scope Process
            [pscustomobject]@{ First = $first; Runspace = [runspace]::DefaultRunspace.InstanceId; After = (Get-AzContext).Name; Mine = "ctx$_" }
        }
        $results.Count | Should -Be 8
        @($results.Runspace | Sort-Object -Unique).Count | Should -BeLessThan 8 -Because 'runspaces must have been reused for this test to mean anything'
        foreach ($r in $results) {
            $r.First | Should -Be 'ctx1'
            $r.After | Should -Be $r.Mine
        }
        (Get-AzContext).Name | Should -Be 'ctx1'
        # The mark is the engine's own: not among the session's variables.
        @(1 | ForEach-Object -Parallel { $null = Get-AzContext; Get-Variable -Scope Global | Where-Object Name -Like 'AzContext*' }).Count | Should -Be 0
    }

    It '8 ForEach-Object -Parallel runspaces each select a different context and read Get-AzContext 1,000 times' {
        (Get-AzContext).Name | Should -Be 'ctx1'
        $results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
            $mine = "ctx$_"
            $first = (Get-AzContext).Name
            $null = Select-AzContext -Name $mine
            $wrong = 0
            for ($i = 0; $i -lt 1000; $i++) {
                if ((Get-AzContext).Name -cne $mine) { $wrong++ }
            }
            [pscustomobject]@{ Mine = $mine; First = $first; Wrong = $wrong }
        }
        $results.Count | Should -Be 8
        foreach ($r in $results) {
            $r.Wrong | Should -Be 0 -Because "$($r.Mine) must always see itself"
        }
        # Each started from the process's current context, whichever ran first.
        @($results | Where-Object First -ne 'ctx1').Count | Should -Be 0
        (Get-AzContext).Name | Should -Be 'ctx1'
        (Read-TestProfile).DefaultContextKey | Should -Be 'ctx1'
    }

    It '8 thread jobs each set a context of their own and read it 1,000 times; what they create is saved' {
        $null = Select-AzContext -Name 'ctx2' -Scope Process
        $jobs = 1..8 | ForEach-Object {
            Start-ThreadJob -ThrottleLimit 8 -ArgumentList $_ {
                param($n)
                $first = (Get-AzContext).Name
                $mine = "set$n"
                $null = Set-AzContext -Context (Get-AzContext -Name "ctx$n") -Name $mine
                $wrong = 0
                for ($i = 0; $i -lt 1000; $i++) {
                    if ((Get-AzContext).Name -cne $mine) { $wrong++ }
                }
                [pscustomobject]@{ Mine = $mine; First = $first; Wrong = $wrong }
            }
        }
        $results = $jobs | Receive-Job -Wait -AutoRemoveJob
        $results.Count | Should -Be 8
        foreach ($r in $results) {
            $r.Wrong | Should -Be 0 -Because "$($r.Mine) must always see itself"
            $r.First | Should -Be 'ctx2' -Because 'a new runspace starts from the process''s current context'
        }
        (Get-AzContext).Name | Should -Be 'ctx2'
        $stored = Read-TestProfile
        $stored.DefaultContextKey | Should -Be 'ctx1'
        foreach ($n in 1..8) { $stored.Contexts.Keys | Should -Contain "set$n" }
    }

    It 'with autosave off for the process, a thread job''s select moves only itself: new runspaces, Save-AzContext and Enable-AzContextAutosave keep the main runspace''s' {
        $null = Disable-AzContextAutosave -Scope Process
        try {
            $side = Start-ThreadJob {
                $null = Select-AzContext -Name 'ctx4'
                $null = Select-AzContext -Name 'ctx5' -Scope Process
                (Get-AzContext).Name
            } | Receive-Job -Wait -AutoRemoveJob
            $side | Should -Be 'ctx5'
            (Get-AzContext).Name | Should -Be 'ctx1'
            (Start-ThreadJob { (Get-AzContext).Name } | Receive-Job -Wait -AutoRemoveJob) | Should -Be 'ctx1'
            $saved = Join-Path $TestDrive 'side-select.json'
            $null = Save-AzContext -Path $saved -Force
            (Read-TestProfile -Path $saved).DefaultContextKey | Should -Be 'ctx1'
        }
        finally {
            $null = Enable-AzContextAutosave -Scope Process
        }
        (Read-TestProfile).DefaultContextKey | Should -Be 'ctx1'
        (Get-AzContext).Name | Should -Be 'ctx1'
    }

    It 'a runspace started after the main one changed its context starts from it; -AzContext still reaches any context' {
        $null = Select-AzContext -Name 'ctx3'
        $names = 1..2 | ForEach-Object -Parallel { (Get-AzContext).Name }
        @($names | Sort-Object -Unique) | Should -Be @('ctx3')
        $ctx5 = Get-AzContext -Name 'ctx5'
        (Start-ThreadJob { (Get-AzContext -AzContext $using:ctx5).Name } | Receive-Job -Wait -AutoRemoveJob) | Should -Be 'ctx5'
        (Read-TestProfile).DefaultContextKey | Should -Be 'ctx3'
    }
}

Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
    $EmptyProfile = Get-Content -Raw (Join-Path $Fixtures 'empty-profile.json') | ConvertFrom-Json -AsHashtable
}

Describe 'Clear-AzContext' {
    BeforeEach {
        $Store = New-TestStore
        $null = New-TestProfile -Default 'mycontext' -Context @(
            New-TestContext -Name 'mycontext'
            New-TestContext -Name 'other' -SubscriptionName 'Other'
        )
    }

    Context 'CurrentUser scope' {
        It 'empties the file with -Force: its content is Az''s empty profile' {
            Clear-AzContext -Scope CurrentUser -Force | Should -BeNullOrEmpty
            $p = Read-TestProfile
            $p.DefaultContextKey | Should -Be $EmptyProfile.DefaultContextKey
            $p.Contexts.Count | Should -Be 0
            $p.EnvironmentTable.Count | Should -Be 0
            $p.ExtendedProperties.Count | Should -Be 0
            @($p.Keys) | Should -Be @($EmptyProfile.Keys)
            Get-AzContext | Should -BeNullOrEmpty
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
        }

        It 'writes $true with -PassThru' {
            $out = Clear-AzContext -Scope CurrentUser -Force -PassThru
            $out | Should -BeOfType [bool]
            $out | Should -BeTrue
        }

        It 'asks first when the context file exists (the prompt throws in a non-interactive host)' {
            $hash = Get-TestFileHash
            { Clear-AzContext -Scope CurrentUser } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash | Should -Be $hash
            @(Get-AzContext -ListAvailable).Count | Should -Be 2
        }

        It 'does not ask when there is no context file' {
            $null = New-TestStore
            Clear-AzContext -Scope CurrentUser -PassThru | Should -BeTrue
        }

        It 'uses CurrentUser scope by default in an autosave session' {
            { Clear-AzContext } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Clear-AzContext -Force
            (Read-TestProfile).Contexts.Count | Should -Be 0
        }

        It 'is seen by a new process' {
            Clear-AzContext -Scope CurrentUser -Force
            $m = Join-Path $RepoRoot 'out/AzContext/AzContext.psd1'
            $seen = Invoke-InNewPwsh -ScriptBlock {
                param($m) Import-Module $m
                [pscustomobject]@{ Module = (Get-Module AzContext).Name; Store = $env:AZCONTEXT_DIR; Count = @(Get-AzContext -ListAvailable).Count }
            } -ArgumentList $m
            # The child did import the module and read this store: a failed import also lists nothing.
            $seen.Module | Should -Be 'AzContext'
            $seen.Store | Should -Be $env:AZCONTEXT_DIR
            $seen.Count | Should -Be 0
        }

        It 'still asks with -Confirm, even with -Force' {
            $hash = Get-TestFileHash
            { Clear-AzContext -Scope CurrentUser -Force -Confirm } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash | Should -Be $hash
        }

        It 'proceeds with -Force -Confirm:$false' {
            Clear-AzContext -Scope CurrentUser -Force -Confirm:$false -PassThru | Should -BeTrue
            (Read-TestProfile).Contexts.Count | Should -Be 0
        }
    }

    Context 'Process scope' {
        It 'clears this session only, writes $true, leaves the file alone' {
            $hash = Get-TestFileHash
            Clear-AzContext -Scope Process -PassThru | Should -BeTrue
            Get-AzContext | Should -BeNullOrEmpty
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
            Get-TestFileHash | Should -Be $hash
        }

        It 'needs no confirmation' {
            Clear-AzContext -Scope Process
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
        }

        It 'is the default scope when AzContextAutoSave is false' {
            $hash = Get-TestFileHash
            $env:AzContextAutoSave = 'false'
            try { Clear-AzContext -PassThru | Should -BeTrue } finally { Remove-Item Env:AzContextAutoSave }
            Get-TestFileHash | Should -Be $hash
            @(Get-AzContext -ListAvailable).Count | Should -Be 0
        }

        It 'changes only the -DefaultProfile copy' {
            $hash = Get-TestFileHash
            Clear-AzContext -AzContext (Get-AzContext) -PassThru | Should -BeTrue
            Get-TestFileHash | Should -Be $hash
            (Get-AzContext).Name | Should -Be 'mycontext'
        }
    }

    Context '-WhatIf' {
        It 'changes nothing in either scope' {
            $hash = Get-TestFileHash
            Clear-AzContext -Scope CurrentUser -Force -PassThru -WhatIf | Should -BeNullOrEmpty
            Clear-AzContext -Scope Process -PassThru -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            @(Get-AzContext -ListAvailable).Count | Should -Be 2
        }
    }

    Context 'a corrupt context file' {
        BeforeEach {
            $path = Join-Path $Store 'AzureRmContext.json'
            [IO.File]::WriteAllText($path, '{ "DefaultContextKey": "x", "Contexts": { truncated')
        }

        It 'succeeds in CurrentUser scope, keeps the file aside and names it in a warning' {
            Clear-AzContext -Scope CurrentUser -Force -PassThru -WarningVariable w -WarningAction SilentlyContinue | Should -BeTrue
            $aside = @(Get-ChildItem $Store -Filter 'AzureRmContext.json.corrupt-*')
            $aside.Count | Should -Be 1
            Get-Content -Raw $aside[0].FullName | Should -BeLike '*truncated*'
            @($w).Count | Should -BeGreaterOrEqual 1
            ($w.Message -join "`n") | Should -BeLike "*$($aside[0].Name)*"
            (Read-TestProfile).Contexts.Count | Should -Be 0
            Get-AzContext -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }

        It 'succeeds in Process scope too, with the same warning' {
            Clear-AzContext -Scope Process -PassThru -WarningVariable w -WarningAction SilentlyContinue | Should -BeTrue
            $aside = @(Get-ChildItem $Store -Filter 'AzureRmContext.json.corrupt-*')
            $aside.Count | Should -Be 1
            ($w.Message -join "`n") | Should -BeLike "*$($aside[0].Name)*"
            Get-AzContext -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }
    }
}

Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force

    function Get-SettingsFile { Join-Path $env:AZCONTEXT_DIR 'AzureRmContextSettings.json' }
    function Get-StoreFile { Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json' }
    function Get-ShouldProcessText([scriptblock]$Command) {
        & $Command -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
    }
}

Describe 'Disable-AzContextAutosave' {
    AfterAll { Remove-Item Env:AzContextAutoSave -ErrorAction Ignore }

    BeforeEach {
        $Store = New-TestStore
        $null = New-TwoContextProfile
        $File = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
        $null = New-TestProfile -Context (New-TestContext -Account 'eve@other.com' -SubscriptionId '99999999-0000-4000-8000-000000000009' -SubscriptionName 'Other') -Path $File
    }

    Context 'CurrentUser scope (the default)' {
        It 'writes exactly Az''s settings-after-disable.json' {
            $null = Disable-AzContextAutosave
            [IO.File]::ReadAllBytes((Get-SettingsFile)) | Should -Be ([IO.File]::ReadAllBytes((Join-Path $Fixtures 'settings-after-disable.json')))
        }

        It 'writes the same with -Scope CurrentUser' {
            $null = Disable-AzContextAutosave -Scope CurrentUser
            Get-Content (Get-SettingsFile) -Raw | Should -BeExactly (Get-Content (Join-Path $Fixtures 'settings-after-disable.json') -Raw)
        }

        It 'outputs Mode Process with every other field null' {
            $s = Disable-AzContextAutosave
            $s.PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Common.Authentication.ContextAutosaveSettings'
            $s.Mode | Should -Be 'Process'
            $s.ContextDirectory | Should -BeNullOrEmpty
            $s.ContextFile | Should -BeNullOrEmpty
            $s.CacheDirectory | Should -BeNullOrEmpty
            $s.CacheFile | Should -BeNullOrEmpty
            $s.KeyStoreFile | Should -BeNullOrEmpty
            $s.Settings.Count | Should -Be 0
        }

        It 'keeps the contexts in memory and deletes no file' {
            $hash = Get-TestFileHash (Get-StoreFile)
            $null = Disable-AzContextAutosave
            @(Get-AzContext -ListAvailable).Count | Should -Be 2
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
        }

        It 'keeps later changes in memory' {
            $null = Disable-AzContextAutosave
            $hash = Get-TestFileHash (Get-StoreFile)
            $null = Import-AzContext -Path $File
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
            @(Get-AzContext -ListAvailable).Count | Should -Be 3
        }

        It 'makes new sessions start in Process mode with no contexts' {
            $null = Disable-AzContextAutosave
            $out = Invoke-InNewPwsh -ScriptBlock { (Get-AzContextAutosaveSetting).Mode; @(Get-AzContext -ListAvailable).Count }
            $out | Should -Be @('Process', 0)
        }

        It 'ignores AzContextAutoSave (Az''s rule for this cmdlet)' {
            # 'false' would make a change Process-scoped elsewhere; here the settings file is still written.
            $env:AzContextAutoSave = 'false'
            $null = Disable-AzContextAutosave
            (Get-Content (Get-SettingsFile) -Raw | ConvertFrom-Json).Mode | Should -Be 'Process'
        }

        It 'uses Az''s ShouldProcess text' {
            Get-ShouldProcessText { Disable-AzContextAutosave @args } | Should -Contain 'Performing the operation "Never autosave the context for the current user" on target "Current user".'
        }
    }

    Context 'Process scope' {
        It 'leaves the settings file as it was and keeps later changes in memory' {
            $null = Get-AzContext
            $settings = Get-TestFileHash (Get-SettingsFile)
            $hash = Get-TestFileHash (Get-StoreFile)
            (Disable-AzContextAutosave -Scope Process).Mode | Should -Be 'Process'
            Get-TestFileHash (Get-SettingsFile) | Should -Be $settings
            $null = Import-AzContext -Path $File
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
            @(Get-AzContext -ListAvailable).Count | Should -Be 3
        }

        It 'leaves new sessions saving' {
            $null = Disable-AzContextAutosave -Scope Process
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'Process'
            (Get-AzContextAutosaveSetting -Scope CurrentUser).Mode | Should -Be 'CurrentUser'
            Invoke-InNewPwsh -ScriptBlock { (Get-AzContextAutosaveSetting).Mode } | Should -Be 'CurrentUser'
        }

        It 'uses Az''s ShouldProcess text' {
            Get-ShouldProcessText { Disable-AzContextAutosave -Scope Process @args } | Should -Contain 'Performing the operation "Do not autosave the context in the current session" on target "Current session".'
        }
    }

    Context '-WhatIf and -Confirm' {
        It 'changes nothing with -WhatIf' {
            $null = Get-AzContext
            $settings = Get-TestFileHash (Get-SettingsFile)
            Disable-AzContextAutosave -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash (Get-SettingsFile) | Should -Be $settings
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'CurrentUser'
            $null = Import-AzContext -Path $File
            (Read-TestProfile).Contexts.Count | Should -Be 3
        }

        It 'disables with -Confirm:$false' {
            (Disable-AzContextAutosave -Confirm:$false).Mode | Should -Be 'Process'
            (Get-AzContextAutosaveSetting -Scope CurrentUser).Mode | Should -Be 'Process'
        }
    }

    Context 'a round trip' {
        It 'enables again after disabling, keeping the contexts made in between' {
            $null = Disable-AzContextAutosave
            $null = Import-AzContext -Path $File
            $null = Enable-AzContextAutosave
            (Read-TestProfile).Contexts.Count | Should -Be 3
            (Get-AzContextAutosaveSetting -Scope CurrentUser).Mode | Should -Be 'CurrentUser'
        }
    }

    Context '-DefaultProfile' {
        It 'changes no file' {
            $null = Get-AzContext
            $settings = Get-TestFileHash (Get-SettingsFile)
            $null = Disable-AzContextAutosave -AzContext (Get-AzContext)
            Get-TestFileHash (Get-SettingsFile) | Should -Be $settings
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'CurrentUser'
        }
    }
}

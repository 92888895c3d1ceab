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

Describe 'Enable-AzContextAutosave' {
    AfterAll { Remove-Item Env:AzContextAutoSave -ErrorAction Ignore }

    BeforeEach {
        $Store = New-TestStore
        $null = Disable-AzContextAutosave
        $File = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
        $null = New-TwoContextProfile -Default $FabrikamKey -Path $File
    }

    Context 'CurrentUser scope (the default)' {
        It 'writes the settings file with Mode CurrentUser and the paths in use' {
            $s = Enable-AzContextAutosave
            $s.Mode | Should -Be 'CurrentUser'
            $s.ContextDirectory | Should -Be $Store
            $s.ContextFile | Should -Be 'AzureRmContext.json'
            $s.PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Common.Authentication.ContextAutosaveSettings'
            $text = Get-Content (Get-SettingsFile) -Raw
            $text | Should -BeLike "{`"Mode`":`"CurrentUser`",`"ContextDirectory`":*,`"ContextFile`":`"AzureRmContext.json`",`"CacheDirectory`":*,`"CacheFile`":*,`"KeyStoreFile`":*,`"Settings`":{*}}"
            (Get-AzContextAutosaveSetting -Scope CurrentUser).Mode | Should -Be 'CurrentUser'
        }

        It 'does the same with -Scope CurrentUser' {
            (Enable-AzContextAutosave -Scope CurrentUser).Mode | Should -Be 'CurrentUser'
            (Get-Content (Get-SettingsFile) -Raw | ConvertFrom-Json).Mode | Should -Be 'CurrentUser'
        }

        It 'saves the contexts held in memory (Az #14757)' {
            $null = Import-AzContext -Path $File
            Get-StoreFile | Should -Not -Exist
            $null = Enable-AzContextAutosave
            $disk = Read-TestProfile
            $disk.Contexts.Count | Should -Be 2
            $disk.DefaultContextKey | Should -Be $FabrikamKey
        }

        It 'makes later changes go to disk' {
            $null = Enable-AzContextAutosave
            $null = Import-AzContext -Path $File
            (Read-TestProfile).Contexts.Count | Should -Be 2
        }

        It 'makes new sessions save (a second pwsh sees Mode CurrentUser)' {
            $null = Enable-AzContextAutosave
            $mode = Invoke-InNewPwsh -ScriptBlock { (Get-AzContextAutosaveSetting).Mode }
            $mode | Should -Be 'CurrentUser'
        }

        It 'ignores AzContextAutoSave (Az''s rule for this cmdlet)' {
            $env:AzContextAutoSave = 'false'
            (Enable-AzContextAutosave).Mode | Should -Be 'CurrentUser'
            (Get-Content (Get-SettingsFile) -Raw | ConvertFrom-Json).Mode | Should -Be 'CurrentUser'
        }

        It 'uses Az''s ShouldProcess text' {
            Get-ShouldProcessText { Enable-AzContextAutosave @args } | Should -Contain 'Performing the operation "Always autosave the context for the current user" on target "Current user".'
        }
    }

    Context 'Process scope' {
        It 'reports the scope asked for: Mode Process (Az #10607)' {
            (Enable-AzContextAutosave -Scope Process).Mode | Should -Be 'Process'
        }

        It 'leaves the settings file as it was' {
            $hash = Get-TestFileHash (Get-SettingsFile)
            $null = Enable-AzContextAutosave -Scope Process
            Get-TestFileHash (Get-SettingsFile) | Should -Be $hash
            (Get-AzContextAutosaveSetting -Scope CurrentUser).Mode | Should -Be 'Process'
        }

        It 'saves the contexts in memory and this session''s later changes' {
            $null = Import-AzContext -Path $File
            $null = Enable-AzContextAutosave -Scope Process
            (Read-TestProfile).Contexts.Count | Should -Be 2
            $null = Import-AzContext -Path (New-TestProfile -Context (New-TestContext -Account 'eve@other.com' -SubscriptionId '99999999-0000-4000-8000-000000000009' -SubscriptionName 'Other') -Path $File)
            (Read-TestProfile).Contexts.Count | Should -Be 3
        }

        It 'uses Az''s ShouldProcess text' {
            Get-ShouldProcessText { Enable-AzContextAutosave -Scope Process @args } | Should -Contain 'Performing the operation "Autosave the context in the current session" on target "Current session".'
        }
    }

    Context '-WhatIf and -Confirm' {
        It 'changes nothing with -WhatIf' {
            $null = Import-AzContext -Path $File
            $hash = Get-TestFileHash (Get-SettingsFile)
            Enable-AzContextAutosave -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash (Get-SettingsFile) | Should -Be $hash
            Get-StoreFile | Should -Not -Exist
            @(Get-AzContext -ListAvailable).Count | Should -Be 2
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'Process'
        }

        It 'changes nothing with -Scope Process -WhatIf' {
            $null = Import-AzContext -Path $File
            Enable-AzContextAutosave -Scope Process -WhatIf | Should -BeNullOrEmpty
            Get-StoreFile | Should -Not -Exist
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'Process'
        }

        It 'enables with -Confirm:$false' {
            (Enable-AzContextAutosave -Confirm:$false).Mode | Should -Be 'CurrentUser'
        }
    }

    Context '-DefaultProfile' {
        It 'changes no file' {
            $null = Import-AzContext -Path $File
            $hash = Get-TestFileHash (Get-SettingsFile)
            $s = Enable-AzContextAutosave -AzContext (Get-AzContext)
            $s.Mode | Should -Be 'Process'
            Get-TestFileHash (Get-SettingsFile) | Should -Be $hash
            Get-StoreFile | Should -Not -Exist
        }
    }
}

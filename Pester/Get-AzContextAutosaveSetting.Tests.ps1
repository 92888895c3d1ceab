Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Get-AzContextAutosaveSetting' {
    BeforeEach { $Store = New-TestStore }

    Context 'a new store' {
        It 'creates the settings file with Mode CurrentUser on first use' {
            $s = Get-AzContextAutosaveSetting -Scope CurrentUser
            $s.Mode | Should -Be 'CurrentUser'
            $s.ContextDirectory | Should -Be $Store
            $s.ContextFile | Should -Be 'AzureRmContext.json'
            $file = Join-Path $Store 'AzureRmContextSettings.json'
            $file | Should -Exist
            (Get-Content $file -Raw) | Should -BeLike '{"Mode":"CurrentUser","ContextDirectory":*'
        }

        It 'writes the settings file 0600 in a 0700 folder' {
            $null = Get-AzContextAutosaveSetting -Scope CurrentUser
            (Get-Item (Join-Path $Store 'AzureRmContextSettings.json')).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        }

        It 'shows the Process view with no -Scope: CurrentUser mode' {
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'CurrentUser'
        }
    }

    Context 'the AzContextAutoSave environment variable' {
        It 'turns the Process view to Process with every path "None"' {
            $env:AzContextAutoSave = 'false'
            $s = Get-AzContextAutosaveSetting -Scope Process
            $s.Mode | Should -Be 'Process'
            $s.ContextDirectory | Should -Be 'None'
            $s.ContextFile | Should -Be 'None'
            $s.CacheDirectory | Should -Be 'None'
            $s.CacheFile | Should -Be 'None'
        }
    }

    Context 'output' {
        It 'has Az''s type name' {
            (Get-AzContextAutosaveSetting).PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Common.Authentication.ContextAutosaveSettings'
        }
    }
}

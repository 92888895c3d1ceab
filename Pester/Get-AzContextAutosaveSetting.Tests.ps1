Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Get-AzContextAutosaveSetting' {
    AfterAll { Remove-Item Env:AzContextAutoSave -ErrorAction Ignore }

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

    Context 'after Disable-AzContextAutosave' {
        It 'shows Mode Process with null paths for -Scope CurrentUser after a CurrentUser disable' {
            $null = Disable-AzContextAutosave
            $s = Get-AzContextAutosaveSetting -Scope CurrentUser
            $s.Mode | Should -Be 'Process'
            $s.ContextDirectory | Should -BeNullOrEmpty
            $s.ContextFile | Should -BeNullOrEmpty
        }

        It 'shows the Process view after a Process disable, and the file still CurrentUser' {
            $null = Disable-AzContextAutosave -Scope Process
            $p = Get-AzContextAutosaveSetting
            $p.Mode | Should -Be 'Process'
            $p.ContextDirectory | Should -Be 'None'
            $p.KeyStoreFile | Should -Be 'None'
            (Get-AzContextAutosaveSetting -Scope CurrentUser).Mode | Should -Be 'CurrentUser'
        }

        It 'shows CurrentUser again after Enable-AzContextAutosave' {
            $null = Disable-AzContextAutosave
            $null = Enable-AzContextAutosave
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'CurrentUser'
            (Get-AzContextAutosaveSetting -Scope CurrentUser).ContextDirectory | Should -Be $Store
        }
    }

    Context 'the settings file' {
        It 'treats a Mode other than exactly "CurrentUser" as Process' {
            Set-Content -Path (Join-Path $Store 'AzureRmContextSettings.json') -Value '{"Mode":"currentuser","ContextDirectory":null,"ContextFile":null,"CacheDirectory":null,"CacheFile":null,"KeyStoreFile":null,"Settings":{}}' -NoNewline
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'Process'
            (Get-AzContextAutosaveSetting -Scope CurrentUser).Mode | Should -Be 'Process'
        }

        It 'is read by a new session: the fixture settings-after-disable.json starts it in Process mode' {
            Copy-Item (Join-Path $Fixtures 'settings-after-disable.json') (Join-Path $Store 'AzureRmContextSettings.json')
            Invoke-InNewPwsh -ScriptBlock { (Get-AzContextAutosaveSetting).Mode } | Should -Be 'Process'
        }
    }

    Context 'the AzContextAutoSave environment variable, in a Process-mode session' {
        It 'turns the Process view to CurrentUser with true' {
            $null = Disable-AzContextAutosave -Scope Process
            $env:AzContextAutoSave = 'TRUE'
            $s = Get-AzContextAutosaveSetting
            $s.Mode | Should -Be 'CurrentUser'
            $s.ContextDirectory | Should -Be $Store
        }

        It 'ignores a value that is not a boolean' {
            # In a Process-mode session, so that reading 'maybe' as true would show CurrentUser.
            $null = Disable-AzContextAutosave -Scope Process
            $env:AzContextAutoSave = 'maybe'
            (Get-AzContextAutosaveSetting).Mode | Should -Be 'Process'
        }

        It 'does not change the -Scope CurrentUser view' {
            $env:AzContextAutoSave = 'false'
            (Get-AzContextAutosaveSetting -Scope CurrentUser).Mode | Should -Be 'CurrentUser'
        }
    }

    Context '-DefaultProfile' {
        It 'shows the Process view for a given context' {
            $null = New-TwoContextProfile
            $s = Get-AzContextAutosaveSetting -AzContext (Get-AzContext)
            $s.Mode | Should -Be 'Process'
            $s.ContextDirectory | Should -Be 'None'
        }
    }

    Context 'the folders in use' {
        It 'are AZCONTEXT_DIR''s, and a context is written where ContextDirectory and ContextFile say' {
            $s = Get-AzContextAutosaveSetting
            $s.ContextDirectory | Should -Be $Store
            $s.CacheDirectory | Should -Be (Join-Path $Store '.IdentityService')
            $s.KeyStoreFile | Should -Be 'keystore.cache'
            $null = Connect-AzAccount -AccessToken 'tok' -AccountId 'jane@contoso.com' -Subscription '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90' -Tenant 'c0ffee00-1234-4abc-9def-000000000042' -SkipValidation -ContextName 'written'
            $file = Join-Path $s.ContextDirectory $s.ContextFile
            $file | Should -Exist
            (Get-Content $file -Raw | ConvertFrom-Json -AsHashtable).Contexts.Keys | Should -Contain 'written'
        }

        It 'are the ones the settings file names, in a new session, and the contexts go there' {
            $elsewhere = Join-Path $Store 'elsewhere'
            $settings = [ordered]@{ Mode = 'CurrentUser'; ContextDirectory = $elsewhere; ContextFile = 'Ctx.json'; CacheDirectory = $null; CacheFile = $null; KeyStoreFile = $null; Settings = @{} }
            $settings | ConvertTo-Json -Compress | Set-Content (Join-Path $Store 'AzureRmContextSettings.json')
            $out = Invoke-InNewPwsh -ScriptBlock {
                param($m)
                Import-Module $m
                $null = Connect-AzAccount -AccessToken 'tok' -AccountId 'jane@contoso.com' -Subscription '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90' -Tenant 'c0ffee00-1234-4abc-9def-000000000042' -SkipValidation -ContextName 'moved'
                $s = Get-AzContextAutosaveSetting
                $s.ContextDirectory, $s.ContextFile, $s.CacheDirectory
            } -ArgumentList (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1')
            # The token cache of a store moved by AZCONTEXT_DIR stays in that folder.
            $out | Should -Be @($elsewhere, 'Ctx.json', (Join-Path $Store '.IdentityService'))
            (Get-Content (Join-Path $elsewhere 'Ctx.json') -Raw | ConvertFrom-Json -AsHashtable).Contexts.Keys | Should -Contain 'moved'
            Join-Path $Store 'AzureRmContext.json' | Should -Not -Exist
        }
    }

    Context 'a relative AZCONTEXT_DIR' {
        It 'is taken relative to PowerShell''s current location, not the process''s working directory' {
            $base = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory $base
            Push-Location $base
            try {
                $env:AZCONTEXT_DIR = 'relative-store'
                (Get-AzContextAutosaveSetting -Scope CurrentUser).ContextDirectory | Should -Be (Join-Path $base 'relative-store')
                Join-Path $base 'relative-store/AzureRmContextSettings.json' | Should -Exist
                # A context's TokenCache, worked out when read after the command, means the same folder.
                $null = New-TestProfile -Context @(New-TestContext -Name 'rel') -Default 'rel' -Path (Join-Path $base 'relative-store/AzureRmContext.json')
                [IO.Directory]::GetCurrentDirectory() | Should -Not -Be $base
                $cache = (Get-AzContext -Name 'rel').TokenCache
                $cache.Persistent | Should -BeTrue
                $cache.CacheFile | Should -BeLike (Join-Path $base 'relative-store/.IdentityService/*')
            } finally {
                Pop-Location
            }
        }
    }

    Context 'output' {
        It 'has Az''s type name' {
            (Get-AzContextAutosaveSetting).PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Common.Authentication.ContextAutosaveSettings'
        }
    }
}

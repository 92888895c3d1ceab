Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Get-AzContext' {
    BeforeEach { $Store = New-TestStore }

    Context 'an empty store' {
        It 'writes nothing and no error' {
            $out = Get-AzContext -ErrorVariable err
            $out | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }

        It 'lists nothing with -ListAvailable' {
            @(Get-AzContext -ListAvailable -ErrorVariable err).Count | Should -Be 0
            $err.Count | Should -Be 0
        }

        It 'writes nothing for an unknown -Name, without error' {
            Get-AzContext -Name 'nope' -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }
    }

    Context 'the ~/.Azure fallback' {
        It 'uses $HOME/.Azure when AZCONTEXT_DIR is not set' {
            $home2 = Join-Path $TestDrive 'home'
            $null = New-Item -ItemType Directory $home2
            $out = Invoke-InNewPwsh -ScriptBlock {
                param($m) Remove-Item Env:AZCONTEXT_DIR -ErrorAction Ignore; Import-Module $m; (Get-AzContextAutosaveSetting -Scope CurrentUser).ContextDirectory
            } -ArgumentList (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Environment @{ HOME = $home2; AZCONTEXT_DIR = $null }
            $out | Should -Be (Join-Path $home2 '.Azure')
            Join-Path $home2 '.Azure/AzureRmContextSettings.json' | Should -Exist
        }
    }
}

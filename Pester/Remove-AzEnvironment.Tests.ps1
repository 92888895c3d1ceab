Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Remove-AzEnvironment' {
    BeforeEach {
        $Store = New-TestStore
        $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/'
        $null = Add-AzEnvironment -Name 'Other' -ResourceManagerEndpoint 'https://arm.other.example/'
    }

    Context 'a custom environment' {
        It 'removes it and writes it - parameter (position 0)' {
            $e = Remove-AzEnvironment 'lab'
            $e.Name | Should -Be 'Lab'
            $e.ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
            Get-AzEnvironment -Name 'Lab' | Should -BeNullOrEmpty
            @((Read-TestProfile).EnvironmentTable.Keys) | Should -Be @('Other')
        }

        It 'removes it - piped by property name' {
            (Get-AzEnvironment -Name 'Other' | Remove-AzEnvironment).Name | Should -Be 'Other'
            @((Read-TestProfile).EnvironmentTable.Keys) | Should -Be @('Lab')
        }

        It 'completes -Name with the known environments' {
            @((Complete 'Remove-AzEnvironment -Name La').CompletionText) | Should -Be @('Lab')
        }
    }

    Context 'scope' {
        It '-Scope Process removes it in this session only' {
            $hash = Get-TestFileHash
            $null = Remove-AzEnvironment -Name 'Lab' -Scope Process
            Get-AzEnvironment -Name 'Lab' | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            @((Read-TestProfile).EnvironmentTable.Keys | Sort-Object) | Should -Be @('Lab', 'Other')
        }

        It '-Scope CurrentUser removes it from AzureRmContext.json' {
            $null = Remove-AzEnvironment -Name 'Lab' -Scope CurrentUser
            @((Read-TestProfile).EnvironmentTable.Keys) | Should -Be @('Other')
        }
    }

    Context 'errors and confirmation' {
        It 'refuses a public environment with Az''s message' {
            Remove-AzEnvironment -Name 'AzureUSGovernment' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PublicEnvironmentReadOnly,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err[0].TargetObject | Should -Be 'AzureUSGovernment'
            $err[0].Exception.Message | Should -Be 'Removing public environment is not supported.'
            (Get-AzEnvironment -Name 'AzureUSGovernment').Name | Should -Be 'AzureUSGovernment'
        }

        It 'writes Az''s message for an unknown name' {
            Remove-AzEnvironment -Name 'Nowhere' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'EnvironmentNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'Nowhere'
            $err[0].Exception.Message | Should -Be "The environment name 'Nowhere' is not found."
        }

        It 'goes on with the next piped name after an error' {
            $out = @('Nowhere', 'Other' | ForEach-Object { [pscustomobject]@{ Name = $_ } } | Remove-AzEnvironment -ErrorAction SilentlyContinue -ErrorVariable err)
            $err.Count | Should -Be 1
            $out.Name | Should -Be @('Other')
        }

        It '-WhatIf leaves the file and the environments unchanged' {
            $hash = Get-TestFileHash
            Remove-AzEnvironment -Name 'Lab' -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            (Get-AzEnvironment -Name 'Lab').Name | Should -Be 'Lab'
        }

        It 'removes with -Confirm:$false' {
            (Remove-AzEnvironment -Name 'Lab' -Confirm:$false).Name | Should -Be 'Lab'
            Get-AzEnvironment -Name 'Lab' | Should -BeNullOrEmpty
        }
    }
}

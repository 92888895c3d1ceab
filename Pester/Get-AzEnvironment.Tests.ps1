Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Get-AzEnvironment' {
    BeforeEach { $Store = New-TestStore }

    Context 'a fresh store' {
        It 'lists the three public environments' {
            $names = @(Get-AzEnvironment | ForEach-Object Name)
            $names | Should -Be @('AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment')
        }

        It 'writes PSAzureEnvironment objects with Az''s AzureCloud endpoints' {
            $e = Get-AzEnvironment -Name 'AzureCloud'
            $e.PSTypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureEnvironment'
            $e.ResourceManagerUrl | Should -Be 'https://management.azure.com/'
            $e.ActiveDirectoryAuthority | Should -Be 'https://login.microsoftonline.com/'
            $e.StorageEndpointSuffix | Should -Be 'core.windows.net'
            $e.MicrosoftGraphUrl | Should -Be 'https://graph.microsoft.com'
            "$e" | Should -Be 'AzureCloud'
        }

        It 'writes nothing and no error for an unknown name' {
            Get-AzEnvironment -Name 'Nowhere' -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }
    }

    Context '-Name' {
        It 'matches ignoring case - parameter (position 0)' {
            (Get-AzEnvironment 'azurechinacloud').Name | Should -Be 'AzureChinaCloud'
        }

        It 'binds by property name - piped' {
            ([pscustomobject]@{ Name = 'AzureUSGovernment' } | Get-AzEnvironment).Name | Should -Be 'AzureUSGovernment'
        }

        It 'completes public and custom names' {
            $null = Add-AzEnvironment -Name 'AzureLab' -ResourceManagerEndpoint 'https://arm.lab.example/'
            @((Complete 'Get-AzEnvironment -Name AzureC').CompletionText) | Should -Be @('AzureChinaCloud', 'AzureCloud')
            @((Complete 'Get-AzEnvironment AzureL').CompletionText) | Should -Be @('AzureLab')
        }

        It 'quotes completed names that hold spaces' {
            $null = Add-AzEnvironment -Name 'My Cloud' -ResourceManagerEndpoint 'https://arm.my.example/'
            @((Complete 'Get-AzEnvironment My').CompletionText) | Should -Be @("'My Cloud'")
        }
    }

    Context 'custom environments' {
        It 'lists custom environments after the public ones' {
            $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/'
            $all = @(Get-AzEnvironment)
            $all.Count | Should -Be 4
            $all[3].Name | Should -Be 'Lab'
            $all[3].ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
            $all[3].Type | Should -Be 'User-defined'
        }

        It 'lists custom environments another process saved' {
            $null = Invoke-InNewPwsh -ScriptBlock { param($m) Import-Module $m; $null = Add-AzEnvironment -Name 'FromChild' -GraphEndpoint 'https://graph.child.example/' } `
                -ArgumentList (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Environment @{ AZCONTEXT_DIR = $Store }
            (Get-AzEnvironment -Name 'FromChild').GraphUrl | Should -Be 'https://graph.child.example/'
        }

        It 'lists the environments of -DefaultProfile' {
            $p = Connect-Fake -Scope Process
            @(Get-AzEnvironment -AzContext $p | ForEach-Object Name) | Should -Contain 'AzureCloud'
        }
    }
}

Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

Describe 'Set-AzEnvironment' {
    BeforeEach {
        $Store = New-TestStore
        $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/' -GraphEndpoint 'https://graph.lab.example/' -MicrosoftGraphUrl 'https://msgraph.lab.example'
    }

    Context 'an existing custom environment' {
        It 'sets the given endpoints and keeps the others - parameter' {
            $e = Set-AzEnvironment -Name 'Lab' -GraphEndpoint 'https://graph2.lab.example/' -AzureKeyVaultDnsSuffix 'vault.lab.example'
            $e.PSTypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureEnvironment'
            $e.GraphUrl | Should -Be 'https://graph2.lab.example/'
            $e.AzureKeyVaultDnsSuffix | Should -Be 'vault.lab.example'
            $e.ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
            $e.MicrosoftGraphUrl | Should -Be 'https://msgraph.lab.example'
            $stored = (Read-TestProfile).EnvironmentTable['Lab']
            $stored.GraphUrl | Should -Be 'https://graph2.lab.example/'
            $stored.ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
        }

        It 'sets endpoints - piped by property name' {
            $e = [pscustomobject]@{ Name = 'lab'; ResourceManagerUrl = 'https://arm.piped.example/' } | Set-AzEnvironment
            $e.Name | Should -Be 'Lab'
            $e.ResourceManagerUrl | Should -Be 'https://arm.piped.example/'
        }

        It 'updates the contexts that use it' {
            $null = Connect-Fake -Environment 'Lab' -ContextName 'labctx'
            $null = Set-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm3.lab.example/'
            (Get-AzContext -Name 'labctx').Environment.ResourceManagerUrl | Should -Be 'https://arm3.lab.example/'
            (Read-TestProfile).Contexts['labctx'].Environment.ResourceManagerUrl | Should -Be 'https://arm3.lab.example/'
        }

        It 'adds a name not known yet, as Az does' {
            (Set-AzEnvironment -Name 'Fresh' -ResourceManagerEndpoint 'https://arm.fresh.example/').Type | Should -Be 'User-defined'
            (Read-TestProfile).EnvironmentTable['Fresh'].ResourceManagerUrl | Should -Be 'https://arm.fresh.example/'
        }
    }

    Context 'scope' {
        It '-Scope Process changes it in this session only' {
            $hash = Get-TestFileHash
            $null = Set-AzEnvironment -Name 'Lab' -GraphEndpoint 'https://graph.process.example/' -Scope Process
            (Get-AzEnvironment -Name 'Lab').GraphUrl | Should -Be 'https://graph.process.example/'
            Get-TestFileHash | Should -Be $hash
        }
    }

    Context 'errors and confirmation' {
        It 'refuses a public environment with Az''s message' {
            Set-AzEnvironment -Name 'AzureChinaCloud' -GraphEndpoint 'https://evil.example/' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PublicEnvironmentReadOnly,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err[0].TargetObject | Should -Be 'AzureChinaCloud'
            $err[0].Exception.Message | Should -Be 'Changing public environment is not supported.'
        }

        It '-WhatIf leaves the file and the environment unchanged' {
            $hash = Get-TestFileHash
            Set-AzEnvironment -Name 'Lab' -GraphEndpoint 'https://graph.whatif.example/' -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            (Get-AzEnvironment -Name 'Lab').GraphUrl | Should -Be 'https://graph.lab.example/'
        }

        It 'sets with -Confirm:$false' {
            (Set-AzEnvironment -Name 'Lab' -AdTenant 'contoso.example' -Confirm:$false).AdTenant | Should -Be 'contoso.example'
        }
    }
}

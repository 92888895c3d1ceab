Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
}

BeforeDiscovery {
    $mapping = @(
        @{ Parameter = 'ServiceEndpoint'; Field = 'ServiceManagementUrl' }
        @{ Parameter = 'StorageEndpoint'; Field = 'StorageEndpointSuffix' }
        @{ Parameter = 'ActiveDirectoryEndpoint'; Field = 'ActiveDirectoryAuthority'; Suffix = '/' }
        @{ Parameter = 'ResourceManagerEndpoint'; Field = 'ResourceManagerUrl' }
        @{ Parameter = 'GalleryEndpoint'; Field = 'GalleryUrl' }
        @{ Parameter = 'GraphEndpoint'; Field = 'GraphUrl' }
        @{ Parameter = 'GraphAudience'; Field = 'GraphEndpointResourceId' }
        @{ Parameter = 'DataLakeAudience'; Field = 'DataLakeEndpointResourceId' }
        @{ Parameter = 'ContainerRegistryEndpointSuffix'; Field = 'ContainerRegistryEndpointSuffix' }
        @{ Parameter = 'AzureKeyVaultDnsSuffix'; Field = 'AzureKeyVaultDnsSuffix' }
    )
    $extended = @(
        @{ Parameter = 'AzureOperationalInsightsEndpoint'; Key = 'OperationalInsightsEndpoint' }
        @{ Parameter = 'AzureOperationalInsightsEndpointResourceId'; Key = 'OperationalInsightsEndpointResourceId' }
        @{ Parameter = 'AzureAnalysisServicesEndpointResourceId'; Key = 'AnalysisServicesEndpointResourceId' }
        @{ Parameter = 'AzureSynapseAnalyticsEndpointSuffix'; Key = 'AzureSynapseAnalyticsEndpointSuffix' }
        @{ Parameter = 'MicrosoftGraphUrl'; Key = 'MicrosoftGraphUrl' }
        @{ Parameter = 'SshAuthScope'; Key = 'AzureSshAuthScope' }
    )
}

Describe 'Add-AzEnvironment' {
    BeforeEach { $Store = New-TestStore }

    Context 'a new custom environment' {
        It 'adds it, writes it, and keeps it in EnvironmentTable' {
            $e = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/' -ActiveDirectoryEndpoint 'https://login.lab.example/'
            $e.PSTypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureEnvironment'
            $e.Name | Should -Be 'Lab'
            $e.Type | Should -Be 'User-defined'
            $e.ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
            $stored = (Read-TestProfile).EnvironmentTable['Lab']
            $stored.ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
            $stored.ActiveDirectoryAuthority | Should -Be 'https://login.lab.example/'
            $stored.Type | Should -Be 'User-defined'
            $stored.OnPremise | Should -BeFalse
            @($stored.Keys)[0..2] | Should -Be @('Name', 'Type', 'OnPremise')
        }

        It 'takes the endpoints by position, in Az''s order' {
            $e = Add-AzEnvironment 'Pos' 'https://publish.example/' 'https://sm.example/' 'https://portal.example/' 'storage.example' 'https://aad.example/' 'https://arm.example/'
            $e.PublishSettingsFileUrl | Should -Be 'https://publish.example/'
            $e.ServiceManagementUrl | Should -Be 'https://sm.example/'
            $e.ManagementPortalUrl | Should -Be 'https://portal.example/'
            $e.StorageEndpointSuffix | Should -Be 'storage.example'
            $e.ActiveDirectoryAuthority | Should -Be 'https://aad.example/'
            $e.ResourceManagerUrl | Should -Be 'https://arm.example/'
        }

        It 'maps -<Parameter> to <Field>' -ForEach $mapping {
            $p = @{ Name = 'Map'; $Parameter = 'value-of-' + $Parameter }
            $e = Add-AzEnvironment @p
            $expected = 'value-of-' + $Parameter + $(if ($_.ContainsKey('Suffix')) { $_.Suffix })
            $e.$Field | Should -Be $expected
            (Read-TestProfile).EnvironmentTable['Map'].$Field | Should -Be $expected
        }

        It 'ends -ActiveDirectoryEndpoint with a slash, as Az does on Add (and not on Set)' {
            (Add-AzEnvironment -Name 'Slash' -ActiveDirectoryEndpoint 'TestADEndpoint').ActiveDirectoryAuthority | Should -Be 'TestADEndpoint/'
            (Add-AzEnvironment -Name 'Kept' -ActiveDirectoryEndpoint 'https://login.example/').ActiveDirectoryAuthority | Should -Be 'https://login.example/'
            (Set-AzEnvironment -Name 'Slash' -ActiveDirectoryEndpoint 'NewTestADEndpoint').ActiveDirectoryAuthority | Should -Be 'NewTestADEndpoint'
            (Read-TestProfile).EnvironmentTable['Slash'].ActiveDirectoryAuthority | Should -Be 'NewTestADEndpoint'
        }

        It 'stores -<Parameter> in ExtendedProperties as <Key>' -ForEach $extended {
            $p = @{ Name = 'Ext'; $Parameter = 'value-of-' + $Parameter }
            $e = Add-AzEnvironment @p
            $e.ExtendedProperties[$Key] | Should -Be ('value-of-' + $Parameter)
            (Read-TestProfile).EnvironmentTable['Ext'].ExtendedProperties[$Key] | Should -Be ('value-of-' + $Parameter)
        }

        It 'sets OnPremise with -EnableAdfsAuthentication' {
            (Add-AzEnvironment -Name 'Adfs' -ActiveDirectoryEndpoint 'https://adfs.example/adfs/' -EnableAdfsAuthentication).EnableAdfsAuthentication | Should -BeTrue
            (Read-TestProfile).EnvironmentTable['Adfs'].OnPremise | Should -BeTrue
        }

        It 'copies an environment - piped (endpoints bind by property name)' {
            $e = Get-AzEnvironment -Name 'AzureCloud' | Add-AzEnvironment -Name 'CloudCopy'
            $e.Name | Should -Be 'CloudCopy'
            $e.ResourceManagerUrl | Should -Be 'https://management.azure.com/'
            $e.GraphEndpointResourceId | Should -Be 'https://graph.windows.net/'
            $e.StorageEndpointSuffix | Should -Be 'core.windows.net'
        }

        It 'adds by name - piped by property name' {
            $e = [pscustomobject]@{ Name = 'Piped'; ResourceManagerUrl = 'https://arm.piped.example/' } | Add-AzEnvironment
            $e.ResourceManagerUrl | Should -Be 'https://arm.piped.example/'
        }

        It 'can be used by Connect-AzAccount -Environment' {
            $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/'
            (Connect-Fake -Environment 'Lab').Context.Environment.ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
        }
    }

    Context 'an existing custom environment' {
        It 'merges the given endpoints and keeps the others' {
            $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/' -GraphEndpoint 'https://graph.lab.example/'
            $e = Add-AzEnvironment -Name 'lab' -ResourceManagerEndpoint 'https://arm2.lab.example/'
            $e.Name | Should -Be 'Lab'
            $e.ResourceManagerUrl | Should -Be 'https://arm2.lab.example/'
            $e.GraphUrl | Should -Be 'https://graph.lab.example/'
            @((Read-TestProfile).EnvironmentTable.Keys) | Should -Be @('Lab')
        }

        It 'updates every context using it, in memory and on disk' {
            $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/'
            $null = Connect-Fake -Environment 'Lab' -ContextName 'labctx'
            $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm2.lab.example/'
            (Get-AzContext -Name 'labctx').Environment.ResourceManagerUrl | Should -Be 'https://arm2.lab.example/'
            (Read-TestProfile).Contexts['labctx'].Environment.ResourceManagerUrl | Should -Be 'https://arm2.lab.example/'
        }
    }

    Context 'scope' {
        It '-Scope Process adds it in this session only' {
            $hash = Get-TestFileHash
            $null = Add-AzEnvironment -Name 'Temp' -ResourceManagerEndpoint 'https://arm.temp.example/' -Scope Process
            (Get-AzEnvironment -Name 'Temp').ResourceManagerUrl | Should -Be 'https://arm.temp.example/'
            Get-TestFileHash | Should -Be $hash
        }

        It '-Scope CurrentUser writes it to AzureRmContext.json' {
            $null = Add-AzEnvironment -Name 'Kept' -ResourceManagerEndpoint 'https://arm.kept.example/' -Scope CurrentUser
            (Read-TestProfile).EnvironmentTable['Kept'].ResourceManagerUrl | Should -Be 'https://arm.kept.example/'
        }
    }

    Context 'errors and confirmation' {
        It 'refuses a public environment with Az''s message' {
            Add-AzEnvironment -Name 'azurecloud' -ResourceManagerEndpoint 'https://evil.example/' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PublicEnvironmentReadOnly,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $err[0].TargetObject | Should -Be 'azurecloud'
            $err[0].Exception.Message | Should -Be 'Changing public environment is not supported.'
            (Get-AzEnvironment -Name 'AzureCloud').ResourceManagerUrl | Should -Be 'https://management.azure.com/'
        }

        It 'has Az''s -ARMEndpoint parameter set: -<Parameter> at position <Position>' -ForEach @(
            @{ Parameter = 'Name'; Position = 0 }
            @{ Parameter = 'ARMEndpoint'; Position = 1 }
            @{ Parameter = 'StorageEndpoint'; Position = 2 }
            @{ Parameter = 'AzureKeyVaultDnsSuffix'; Position = 3 }
            @{ Parameter = 'AzureKeyVaultServiceEndpointResourceId'; Position = 4 }
            @{ Parameter = 'DataLakeAudience'; Position = 19 }
            @{ Parameter = 'BatchEndpointResourceId'; Position = 20 }
            @{ Parameter = 'AzureOperationalInsightsEndpointResourceId'; Position = 21 }
            @{ Parameter = 'AzureOperationalInsightsEndpoint'; Position = 22 }
            @{ Parameter = 'AzureAnalysisServicesEndpointSuffix'; Position = [int]::MinValue }
            @{ Parameter = 'AzureAnalysisServicesEndpointResourceId'; Position = [int]::MinValue }
            @{ Parameter = 'AzureAttestationServiceEndpointSuffix'; Position = [int]::MinValue }
            @{ Parameter = 'AzureAttestationServiceEndpointResourceId'; Position = [int]::MinValue }
            @{ Parameter = 'AzureSynapseAnalyticsEndpointSuffix'; Position = [int]::MinValue }
            @{ Parameter = 'AzureSynapseAnalyticsEndpointResourceId'; Position = [int]::MinValue }
            @{ Parameter = 'ContainerRegistryEndpointSuffix'; Position = [int]::MinValue }
        ) {
            $set = (Get-Command Add-AzEnvironment).ParameterSets | Where-Object Name -EQ 'ARMEndpoint'
            $p = $set.Parameters | Where-Object Name -EQ $Parameter
            $p | Should -Not -BeNullOrEmpty
            $p.Position | Should -Be $Position
        }

        It 'numbers the Name set''s positions as Az does (the switch -EnableAdfsAuthentication holds 16)' {
            $set = (Get-Command Add-AzEnvironment).ParameterSets | Where-Object Name -EQ 'Name'
            $positions = @{}
            foreach ($p in $set.Parameters) { $positions[$p.Name] = $p.Position }
            $positions['EnableAdfsAuthentication'] | Should -Be 16
            $positions['AdTenant'] | Should -Be 17
            $positions['AzureOperationalInsightsEndpoint'] | Should -Be 22
        }

        It 'says that -ARMEndpoint is not available yet, and changes nothing' {
            Add-AzEnvironment -Name 'Arm' -ARMEndpoint 'https://management.lab.example/' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'NotSupportedOffline,*'
            $err[0].CategoryInfo.Category | Should -Be 'NotImplemented'
            $err[0].TargetObject | Should -Be 'Arm'
            Get-AzEnvironment -Name 'Arm' | Should -BeNullOrEmpty
        }

        It '-WhatIf leaves the file and the environments unchanged' {
            $null = Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.lab.example/'
            $hash = Get-TestFileHash
            Add-AzEnvironment -Name 'New' -ResourceManagerEndpoint 'https://arm.new.example/' -WhatIf | Should -BeNullOrEmpty
            Add-AzEnvironment -Name 'Lab' -ResourceManagerEndpoint 'https://arm.changed.example/' -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash | Should -Be $hash
            Get-AzEnvironment -Name 'New' | Should -BeNullOrEmpty
            (Get-AzEnvironment -Name 'Lab').ResourceManagerUrl | Should -Be 'https://arm.lab.example/'
        }

        It 'adds with -Confirm:$false' {
            (Add-AzEnvironment -Name 'Quiet' -GraphEndpoint 'https://g.example/' -Confirm:$false).GraphUrl | Should -Be 'https://g.example/'
        }
    }
}

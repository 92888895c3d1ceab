Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
    $Token = 'DEFAULTPROFILE-TEST-TOKEN-91c2'

    function Copy-ViaClixml($Value) {
        [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($Value, 10))
    }
    function Get-StoreFile { Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json' }
}

Describe '-DefaultProfile (-AzContext, -AzureRmContext)' {
    BeforeEach {
        $Store = New-TestStore
        $null = New-TwoContextProfile -Token $Token   # default: Contoso Prod
        $Fabrikam = Get-AzContext -Name $FabrikamKey
        $Hash = Get-TestFileHash (Get-StoreFile)
    }

    Context 'Get-AzContext given a context' {
        It 'returns the given context, not the current one - -DefaultProfile' {
            (Get-AzContext -DefaultProfile $Fabrikam).Name | Should -Be $FabrikamKey
            (Get-AzContext).Name | Should -Be $ContosoKey
        }

        It 'returns the given context - -AzContext' {
            (Get-AzContext -AzContext $Fabrikam).Name | Should -Be $FabrikamKey
        }

        It 'returns the given context - -AzureRmContext' {
            (Get-AzContext -AzureRmContext $Fabrikam).Name | Should -Be $FabrikamKey
        }

        It 'lists only the given context with -ListAvailable' {
            @(Get-AzContext -ListAvailable -AzContext $Fabrikam).Name | Should -Be @($FabrikamKey)
        }

        It 'keeps every property of the context' {
            $c = Get-AzContext -AzContext $Fabrikam
            $c.Account.Id | Should -Be 'bob@fabrikam.com'
            $c.Tenant.Id | Should -Be 'fab00000-0000-4000-8000-000000000001'
            $c.Subscription.Id | Should -Be '11111111-2222-4333-8444-555555555555'
            $c.Environment.Name | Should -Be 'fabCloud'
            $c.Environment.ResourceManagerUrl | Should -Be 'https://management.fabCloud.example/'
        }

        It 'names a context built by hand (no Name) with its generated key' {
            $c = Get-AzContext -Name $FabrikamKey
            $c.Name = $null
            (Get-AzContext -AzContext $c).Name | Should -Be $FabrikamKey
        }
    }

    Context 'deserialized copies (CLIXML, as jobs and remoting pass them)' {
        It 'takes a deserialized context' {
            $d = Copy-ViaClixml $Fabrikam
            $d.PSObject.TypeNames[0] | Should -Be 'Deserialized.Microsoft.Azure.Commands.Profile.Models.Core.PSAzureContext'
            $c = Get-AzContext -AzContext $d
            $c.Name | Should -Be $FabrikamKey
            $c.Subscription.Name | Should -Be 'Fabrikam Dev'
            $c.Environment.ResourceManagerUrl | Should -Be 'https://management.fabCloud.example/'
        }

        It 'takes a deserialized profile (its default context)' {
            $p = Import-AzContext -AzureContext $Fabrikam -Scope Process
            $d = Copy-ViaClixml $p
            $d.PSObject.TypeNames[0] | Should -Be 'Deserialized.Microsoft.Azure.Commands.Profile.Models.Core.PSAzureProfile'
            (Get-AzContext -AzContext $d).Name | Should -Be $FabrikamKey
        }

        It 'takes a live profile' {
            $p = Import-AzContext -AzureContext $Fabrikam -Scope Process
            (Get-AzContext -AzContext $p).Name | Should -Be $FabrikamKey
        }

        It 'carries no secret in a deserialized copy' {
            $ctx = Get-AzContext
            $ctx.Account.Type | Should -Be 'AccessToken'
            $xml = [System.Management.Automation.PSSerializer]::Serialize($ctx, 10)
            $xml | Should -Not -Match ([regex]::Escape($Token))
            $xml | Should -Match 'jane@contoso.com'
            # The session does hold the token: an export with credentials has it.
            $with = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
            $null = $ctx | Save-AzContext -Path $with -WithCredential 3>$null
            Get-Content $with -Raw | Should -Match ([regex]::Escape($Token))
        }
    }

    Context 'modifying cmdlets given a context' {
        It 'never write to disk, even with -Scope CurrentUser' {
            $file = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
            $null = New-TestProfile -Context (New-TestContext -Account 'eve@other.com' -SubscriptionId '99999999-0000-4000-8000-000000000009' -SubscriptionName 'Other') -Path $file
            $p = Import-AzContext -Path $file -Scope CurrentUser -AzContext $Fabrikam
            @($p.Context.Account.Id) | Should -Be @('eve@other.com')
            Get-TestFileHash (Get-StoreFile) | Should -Be $Hash
        }

        It 'change only the given copy, not the session' {
            $file = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
            $null = New-TestProfile -Context (New-TestContext -Account 'eve@other.com' -SubscriptionId '99999999-0000-4000-8000-000000000009' -SubscriptionName 'Other') -Path $file
            $null = Import-AzContext -Path $file -AzContext $Fabrikam
            (Get-AzContext).Name | Should -Be $ContosoKey
            @(Get-AzContext -ListAvailable).Count | Should -Be 2
        }

        It 'write no debug text with a secret, and say why autosave is off' {
            $DebugPreference = 'Continue'
            # The context given is the one whose account holds the token.
            $contoso = Get-AzContext -Name $ContosoKey
            $contoso.Account.Type | Should -Be 'AccessToken'
            $debug = Get-AzContext -AzContext $contoso 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message
            $debug | Should -Contain 'Turning Autosave off because an AzureRmContext was passed as a parameter.'
            ($debug -join "`n") | Should -Not -Match ([regex]::Escape($Token))
        }
    }

    Context 'bad values' {
        It 'refuses a value that is not a context or profile' {
            { Get-AzContext -AzContext 'not a context' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidDefaultProfile,AzContext.Commands.GetAzContextCommand'
        }

        It 'names the type of the bad value, with category InvalidArgument' {
            try { Get-AzContext -AzContext 42; throw 'no error' } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidDefaultProfile,*'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $e.TargetObject | Should -Be 'Int32'
        }

        It 'uses the session''s profile for a bound $null, as Az does' {
            (Get-AzContext -AzContext $null).Name | Should -Be $ContosoKey
        }
    }

    Context 'every cmdlet' {
        BeforeDiscovery {
            $Built = @(Get-ChildItem (Join-Path (Split-Path $PSScriptRoot) 'pwsh-module/src/Commands') -Filter *.cs |
                ForEach-Object { Select-String -Path $_.FullName -Pattern '\[Cmdlet\((Verbs\w+)\.(\w+), "([^"]+)"' } |
                ForEach-Object { $m = $_.Matches[0]; @{ Name = "$($m.Groups[2].Value)-$($m.Groups[3].Value)" } })
        }

        It '<Name> has -DefaultProfile with the aliases AzContext, AzureRmContext and AzureCredential' -ForEach $Built {
            $p = (Get-Command $Name).Parameters['DefaultProfile']
            $p | Should -Not -BeNullOrEmpty
            $p.Aliases | Should -Contain 'AzContext'
            $p.Aliases | Should -Contain 'AzureRmContext'
            $p.Aliases | Should -Contain 'AzureCredential'
        }
    }
}

Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
    $OtherKey = 'Other (99999999-0000-4000-8000-000000000009) - 0ther000-0000-4000-8000-000000000009 - eve@other.com'

    function New-OtherContext { New-TestContext -Account 'eve@other.com' -Tenant '0ther000-0000-4000-8000-000000000009' -SubscriptionId '99999999-0000-4000-8000-000000000009' -SubscriptionName 'Other' }
    function Get-StoreFile { Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json' }
    function Get-Names { @(Get-AzContext -ListAvailable | ForEach-Object Name | Sort-Object) }
}

Describe 'Import-AzContext' {
    AfterAll { Remove-Item Env:AzContextAutoSave -ErrorAction Ignore }

    BeforeEach {
        $Store = New-TestStore
        # The store holds one context; the file to import holds two others, Fabrikam Dev as its default.
        $null = New-TestProfile -Context (New-OtherContext)
        $File = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
        $null = New-TwoContextProfile -Default $FabrikamKey -Path $File
    }

    Context 'a file' {
        It 'merges the file''s contexts and makes its default current - parameter' {
            $null = Import-AzContext -Path $File
            Get-Names | Should -Be @($ContosoKey, $FabrikamKey, $OtherKey)
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'merges the file''s contexts and makes its default current - piped (by property name)' {
            $null = [pscustomobject]@{ Path = $File } | Import-AzContext
            Get-Names | Should -Be @($ContosoKey, $FabrikamKey, $OtherKey)
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'takes -Path at position 0' {
            $null = Import-AzContext $File
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'resolves a relative -Path against the PowerShell location' {
            Push-Location (Split-Path $File)
            try { $null = Import-AzContext -Path (Split-Path $File -Leaf) } finally { Pop-Location }
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'writes the resulting profile, with the custom environments' {
            $p = Import-AzContext -Path $File
            $p.PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.Core.PSAzureProfile'
            $p.Context.Name | Should -Be $FabrikamKey
            $p.Context.Environment.Name | Should -Be 'fabCloud'
            $p.Environments.Keys | Should -Contain 'fabCloud'
            $p.Environments.Keys | Should -Contain 'AzureCloud'
        }

        It 'writes the merged contexts and custom environment to the store (CurrentUser, autosave on)' {
            $null = Import-AzContext -Path $File
            $disk = Read-TestProfile
            @($disk.Contexts.Keys | Sort-Object) | Should -Be @($ContosoKey, $FabrikamKey, $OtherKey)
            $disk.DefaultContextKey | Should -Be $FabrikamKey
            @($disk.EnvironmentTable.Keys) | Should -Be @('fabCloud')
        }

        It 'updates a context of the same key instead of adding one' {
            $null = Import-AzContext -Path $File
            $null = Import-AzContext -Path $File
            (Get-Names).Count | Should -Be 3
        }

        It 'warns when the new default subscription is not Enabled' {
            $null = New-TestProfile -Context (New-TestContext -State 'Disabled') -Path $File
            $warnings = Import-AzContext -Path $File 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
            $warnings.Message | Should -Be "Selected subscription is in 'Disabled' state. "
        }
    }

    Context 'Az''s fixtures' {
        It 'imports a file without DefaultContextKey and makes its Default context current' {
            $null = New-TestStore
            $null = Import-AzContext -Path (Join-Path $Fixtures 'import-context-no-default-key.json')
            $ctx = Get-AzContext
            $ctx.Name | Should -Be 'Default'
            $ctx.Account.Id | Should -Be 'me@contoso.com'
            $ctx.Environment.Name | Should -Be 'testCloud'
        }

        It 'imports empty-profile.json without error and leaves the contexts as they were' {
            $before = Get-Names
            $p = Import-AzContext -Path (Join-Path $Fixtures 'empty-profile.json') -ErrorVariable err
            $err.Count | Should -Be 0
            $p | Should -Not -BeNullOrEmpty
            Get-Names | Should -Be $before
        }

        It 'imports the legacy AzureRM format' {
            $null = New-TestStore
            $p = Import-AzContext -Path (Join-Path $Fixtures 'legacy-azurerm-v3-profile.json')
            $p.Context.Account.Id | Should -Be 'me@contoso.com'
            $p.Context.Subscription.Name | Should -Be 'Contoso Test Subscription'
        }
    }

    Context 'a profile or context object' {
        BeforeEach {
            $Profile2 = Import-AzContext -Path $File -Scope Process
            $null = New-TestStore
            $null = New-TestProfile -Context (New-OtherContext)
        }

        It 'imports a profile - parameter' {
            $null = Import-AzContext -AzureContext $Profile2
            (Get-AzContext).Name | Should -Be $FabrikamKey
            Get-Names | Should -Contain $ContosoKey
        }

        It 'imports a profile - piped (by property name)' {
            $null = [pscustomobject]@{ AzureContext = $Profile2 } | Import-AzContext
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'takes -Profile as an alias, also from the pipeline' {
            $null = [pscustomobject]@{ Profile = $Profile2 } | Import-AzContext
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'binds a profile at position 0 to -AzureContext' {
            $verbose = Import-AzContext $Profile2 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            $verbose | Should -Contain 'Performing the operation "Set the target account, tenant, and subscription of cmdlets executed in this session to the provided context" on target "Current context".'
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'imports a context' {
            $null = Import-AzContext -AzureContext $Profile2.Context
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'imports a deserialized profile (its default context)' {
            $d = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($Profile2, 10))
            $d.PSObject.TypeNames[0] | Should -Be 'Deserialized.Microsoft.Azure.Commands.Profile.Models.Core.PSAzureProfile'
            $null = Import-AzContext -AzureContext $d
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'refuses a value that is not a profile or context' {
            Import-AzContext -AzureContext 'text' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidProfile,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-Names | Should -Be @($OtherKey)
        }
    }

    Context 'errors' {
        It 'fails with Az''s "Cannot find file" for a missing file' {
            $missing = Join-Path $TestDrive 'missing.json'
            Import-AzContext -Path $missing -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be $missing
            $err[0].Exception | Should -BeOfType ([System.Management.Automation.PSArgumentException])
            $err[0].Exception.Message | Should -Be "Cannot find file '$missing'"
        }

        It 'says a folder is a folder, not that it cannot be found' {
            $folder = Join-Path $TestDrive 'a-folder'
            $null = New-Item -ItemType Directory $folder -Force
            Import-AzContext -Path $folder -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
            $err[0].Exception.Message | Should -BeLike '*is a folder, not a profile file*'
        }

        It 'fails for a file that is not JSON, naming the line and column, and imports nothing' {
            $hash = Get-TestFileHash (Get-StoreFile)
            $before = Get-Names
            Set-Content -Path $File -Value "{`n  `"Contexts`": {`n    `"x`": [" -NoNewline
            Import-AzContext -Path $File -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidProfile,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].TargetObject | Should -Be $File
            $err[0].Exception.Message | Should -BeLike "$File*line 3*column*"
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
            Get-Names | Should -Be $before
        }

        It 'fails for JSON that is not an object' {
            Set-Content -Path $File -Value '[1, 2]'
            Import-AzContext -Path $File -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidProfile,*'
        }

        It 'refuses a FIFO at once (it never waits for a writer) and imports nothing' {
            $fifo = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).fifo"
            & mkfifo $fifo
            $before = Get-Names
            # A fresh pwsh, so that a blocking read would show as a process that does not end: its output
            # is checked only after it ended by itself.
            $out = Invoke-InNewPwsh -Environment @{ AZCONTEXT_DIR = $env:AZCONTEXT_DIR } -ArgumentList $fifo -ScriptBlock {
                param($Path)
                Import-AzContext -Path $Path -ErrorAction SilentlyContinue -ErrorVariable err
                $err | ForEach-Object { "$($_.FullyQualifiedErrorId)|$($_.Exception.Message)" }
            }
            @($out).Count | Should -Be 1
            $out | Should -BeLike "InvalidArgument,*|'$fifo' is a FIFO*not a regular file*"
            Get-Names | Should -Be $before
        }

        It 'refuses a character device rather than reading it without end' {
            Import-AzContext -Path '/dev/zero' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
            $err[0].Exception.Message | Should -BeLike "'/dev/zero' is a character device*"
        }

        It 'goes on with the next piped path after a failure' {
            $missing = Join-Path $TestDrive 'missing.json'
            $out = [pscustomobject]@{ Path = $missing }, [pscustomobject]@{ Path = $File } | Import-AzContext -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            @($out).Count | Should -Be 1
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }
    }

    Context '-WhatIf and -Confirm' {
        It 'changes nothing with -WhatIf' {
            $hash = Get-TestFileHash (Get-StoreFile)
            $before = Get-Names
            Import-AzContext -Path $File -WhatIf | Should -BeNullOrEmpty
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
            Get-Names | Should -Be $before
            (Get-AzContext).Name | Should -Be $OtherKey
        }

        It 'imports with -Confirm:$false' {
            $null = Import-AzContext -Path $File -Confirm:$false
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'uses Az''s ShouldProcess text' {
            $verbose = Import-AzContext -Path $File -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            $verbose | Should -Contain "Performing the operation `"Set the target account, tenant, and subscription of cmdlets executed in this session to the context stored in $File`" on target `"Current context`"."
        }
    }

    Context '-Scope' {
        It 'changes memory only with -Scope Process in an autosave session (file hash unchanged)' {
            $hash = Get-TestFileHash (Get-StoreFile)
            $null = Import-AzContext -Path $File -Scope Process
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'writes the file with -Scope CurrentUser in a Process-mode session' {
            $null = Disable-AzContextAutosave -Scope Process
            $null = Import-AzContext -Path $File -Scope CurrentUser
            (Read-TestProfile).DefaultContextKey | Should -Be $FabrikamKey
        }

        It 'changes memory only in a Process-mode session without -Scope' {
            $null = Disable-AzContextAutosave -Scope Process
            $hash = Get-TestFileHash (Get-StoreFile)
            $null = Import-AzContext -Path $File
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'follows AzContextAutoSave=false over the autosave mode' {
            $env:AzContextAutoSave = 'false'
            $hash = Get-TestFileHash (Get-StoreFile)
            $null = Import-AzContext -Path $File
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
            (Get-AzContext).Name | Should -Be $FabrikamKey
        }

        It 'follows AzContextAutoSave=true over a Process-mode session' {
            $null = Disable-AzContextAutosave -Scope Process
            $env:AzContextAutoSave = 'true'
            $null = Import-AzContext -Path $File
            (Read-TestProfile).DefaultContextKey | Should -Be $FabrikamKey
        }

        It 'lets -Scope win over AzContextAutoSave' {
            $env:AzContextAutoSave = 'false'
            $null = Import-AzContext -Path $File -Scope CurrentUser
            (Read-TestProfile).DefaultContextKey | Should -Be $FabrikamKey
        }

        It 'lets -DefaultProfile win over -Scope CurrentUser (nothing written)' {
            $hash = Get-TestFileHash (Get-StoreFile)
            $p = Import-AzContext -Path $File -Scope CurrentUser -AzContext (Get-AzContext)
            $p.Context.Name | Should -Be $FabrikamKey
            Get-TestFileHash (Get-StoreFile) | Should -Be $hash
            (Get-AzContext).Name | Should -Be $OtherKey
        }
    }
}

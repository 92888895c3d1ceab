Set-StrictMode -Version Latest

BeforeDiscovery {
    $script:ModuleDir = Join-Path (Split-Path $PSScriptRoot) 'out/AzContext'
    Import-Module (Join-Path $script:ModuleDir 'AzContext.psd1') -Force
    $script:Cmdlets = @((Get-Module AzContext).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } })
    # The whole status table: the ids and exception types scripts match on. A change here is a breaking change.
    $script:ErrorRows = @(
        @{ Status = 'NullArgument'; Id = 'NativeCallFault'; Category = 'InvalidArgument'; Type = 'System.Management.Automation.PSArgumentException' }
        @{ Status = 'InvalidUtf8'; Id = 'NativeCallFault'; Category = 'InvalidArgument'; Type = 'System.Management.Automation.PSArgumentException' }
        @{ Status = 'InvalidArgument'; Id = 'InvalidArgument'; Category = 'InvalidArgument'; Type = 'System.Management.Automation.PSArgumentException' }
        @{ Status = 'NotFound'; Id = 'ContextNotFound'; Category = 'ObjectNotFound'; Type = 'System.Management.Automation.PSInvalidOperationException' }
        @{ Status = 'AlreadyExists'; Id = 'ContextAlreadyExists'; Category = 'ResourceExists'; Type = 'System.Management.Automation.PSInvalidOperationException' }
        @{ Status = 'InvalidName'; Id = 'InvalidContextName'; Category = 'InvalidArgument'; Type = 'System.Management.Automation.PSArgumentException' }
        @{ Status = 'InvalidProfile'; Id = 'InvalidProfile'; Category = 'InvalidData'; Type = 'System.IO.InvalidDataException' }
        @{ Status = 'ReadOnly'; Id = 'PublicEnvironmentReadOnly'; Category = 'InvalidOperation'; Type = 'System.Management.Automation.PSInvalidOperationException' }
        @{ Status = 'LoginRequired'; Id = 'LoginRequired'; Category = 'InvalidOperation'; Type = 'System.Management.Automation.PSInvalidOperationException' }
        @{ Status = 'NotSupported'; Id = 'NotSupportedOffline'; Category = 'NotImplemented'; Type = 'System.Management.Automation.PSNotSupportedException' }
        @{ Status = 'EnvironmentNotFound'; Id = 'EnvironmentNotFound'; Category = 'ObjectNotFound'; Type = 'System.Management.Automation.PSInvalidOperationException' }
        @{ Status = 'FileNotFound'; Id = 'FileNotFound'; Category = 'ObjectNotFound'; Type = 'System.Management.Automation.PSArgumentException' }
        @{ Status = 'FileAlreadyExists'; Id = 'FileAlreadyExists'; Category = 'ResourceExists'; Type = 'System.Management.Automation.PSInvalidOperationException' }
        @{ Status = 'SubscriptionNotFound'; Id = 'InvalidSubscriptionOrTenant'; Category = 'InvalidArgument'; Type = 'System.Management.Automation.PSArgumentException' }
        @{ Status = 'Io'; Id = 'ContextStoreIOError'; Category = 'WriteError'; Type = 'System.IO.IOException' }
        @{ Status = 'PermissionDenied'; Id = 'ContextStoreAccessDenied'; Category = 'PermissionDenied'; Type = 'System.UnauthorizedAccessException' }
        # Az's UnauthorizedAccessException, as a type of its own.
        @{ Status = 'LockTimeout'; Id = 'ContextStoreLocked'; Category = 'ResourceBusy'; Type = 'AzContext.ContextStoreLockedException' }
        @{ Status = 'CorruptFile'; Id = 'ContextFileCorrupt'; Category = 'InvalidData'; Type = 'System.IO.InvalidDataException' }
        @{ Status = 'Panic'; Id = 'NativeLibraryFault'; Category = 'NotSpecified'; Type = 'System.InvalidOperationException' }
        @{ Status = 'SessionPoisoned'; Id = 'NativeLibraryFault'; Category = 'NotSpecified'; Type = 'System.InvalidOperationException' }
        @{ Status = 'Internal'; Id = 'NativeLibraryFault'; Category = 'NotSpecified'; Type = 'System.InvalidOperationException' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $ModuleDir = Join-Path $RepoRoot 'out/AzContext'
    $Module = Import-Module (Join-Path $ModuleDir 'AzContext.psd1') -Force -PassThru
    $Header = Get-Content -Raw (Join-Path $RepoRoot 'crates/azcontext-ffi/include/azcontext.h')
    $NativeMethods = Get-Content -Raw (Join-Path $RepoRoot 'pwsh-module/src/Native/NativeMethods.cs')
    $StatusCs = Get-Content -Raw (Join-Path $RepoRoot 'pwsh-module/src/Native/AzctxStatus.cs')
}

Describe 'The AzContext module' {
    Context 'manifest and assembly' {
        It 'exports exactly the cmdlets the assembly defines' {
            $manifest = Import-PowerShellDataFile (Join-Path $ModuleDir 'AzContext.psd1')
            $inDll = [AzContext.Commands.AzContextCmdlet].Assembly.GetTypes() |
                Where-Object { -not $_.IsAbstract -and $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
                ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
            Compare-Object @($manifest.CmdletsToExport) @($inDll) | Should -BeNullOrEmpty
            Compare-Object @($manifest.CmdletsToExport) @($Module.ExportedCmdlets.Keys) | Should -BeNullOrEmpty
        }

        It 'ships the native library, the format and types files and the help beside the dll' {
            foreach ($f in 'AzContext.dll', 'libazcontext.so', 'AzContext.format.ps1xml', 'AzContext.types.ps1xml', 'en-US/AzContext.dll-Help.xml') {
                Join-Path $ModuleDir $f | Should -Exist
            }
        }

        It 'carries the workspace version' {
            $cargo = Get-Content (Join-Path $RepoRoot 'Cargo.toml') -Raw
            $null = $cargo -match '(?m)^version\s*=\s*"([^"]+)"'
            $Module.Version.ToString() | Should -Be $Matches[1]
        }
    }

    Context 'help for <Name>' -ForEach $Cmdlets {
        BeforeAll {
            $help = Get-Help $Name -Full
            $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
            $params = @((Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common })
        }

        It 'has a synopsis' {
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -BeLike "*$Name*[[]*"   # not the auto-generated syntax line
        }

        It 'describes every parameter' {
            foreach ($p in $params) {
                $entry = $help.parameters.parameter | Where-Object name -EQ $p
                $entry | Should -Not -BeNullOrEmpty -Because "-$p needs help"
                ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p needs a description"
            }
        }

        It 'has at least one example' {
            @($help.examples.example).Count | Should -BeGreaterThan 0
        }
    }

    Context 'native interface' {
        It 'declares a LibraryImport for every azctx_ function in the header, and nothing else' {
            $inHeader = [regex]::Matches($Header, '\b(azctx_[a-z0-9_]+)\s*\(') | ForEach-Object { $_.Groups[1].Value } |
                Where-Object { $_ -ne 'azctx_test_panic' } | Sort-Object -Unique
            $inCs = [regex]::Matches($NativeMethods, 'partial\s+\S+\s+(azctx_[a-z0-9_]+)\s*\(') | ForEach-Object { $_.Groups[1].Value } |
                Sort-Object -Unique
            Compare-Object @($inHeader) @($inCs) | Should -BeNullOrEmpty
        }

        It 'mirrors every status value of the header in the C# enum' {
            $h = [regex]::Matches($Header, 'AZCTX_STATUS_([A-Z0-9_]+) = (\d+)') | ForEach-Object { "$($_.Groups[1].Value.Replace('_', ''))=$($_.Groups[2].Value)" }
            $statusEnum = [regex]::Match($StatusCs, '(?s)enum AzctxStatus : uint\s*\{(.*?)\}').Groups[1].Value
            $c = [regex]::Matches($statusEnum, '(?m)^\s+(\w+) = (\d+),') | ForEach-Object { "$($_.Groups[1].Value.ToUpper())=$($_.Groups[2].Value)" }
            @($h).Count | Should -BeGreaterThan 10
            Compare-Object @($h) @($c) | Should -BeNullOrEmpty
        }

        It 'expects the ABI version the header defines' {
            $null = $Header -match '#define AZCTX_ABI_VERSION (\d+)'
            [AzContext.ModuleInit].GetField('ExpectedAbiVersion', [Reflection.BindingFlags]'NonPublic,Static').GetRawConstantValue() |
                Should -Be ([uint32]$Matches[1])
        }

        It 'has one row for every status, and no other row' -ForEach @(@{ Rows = $ErrorRows }) {
            $asm = [AzContext.Commands.AzContextCmdlet].Assembly
            $statuses = @([Enum]::GetNames($asm.GetType('AzContext.Native.AzctxStatus')) | Where-Object { $_ -ne 'Ok' })
            Compare-Object $statuses @($Rows | ForEach-Object Status) | Should -BeNullOrEmpty -Because 'every status is listed below, exactly once'
            $map = $asm.GetType('AzContext.ErrorMap').GetField('Table', [Reflection.BindingFlags]'NonPublic,Static').GetValue($null)
            $map.Count | Should -Be $statuses.Count
            $lookup = $asm.GetType('AzContext.ErrorMap').GetMethod('Lookup', [Reflection.BindingFlags]'NonPublic,Static')
            $lookup.Invoke($null, @([Enum]::ToObject($asm.GetType('AzContext.Native.AzctxStatus'), 4242))).ErrorId | Should -Be 'NativeStatusUnknown'
        }

        It 'hides exactly the secret properties the library leaves out of files' {
            $keys = [Microsoft.Azure.Commands.Profile.Models.PSAzureRmAccount].GetField('SecretKeys', [Reflection.BindingFlags]'NonPublic,Static').GetValue($null)
            foreach ($k in 'AccessToken', 'GraphAccessToken', 'MicrosoftGraphAccessToken', 'KeyVault', 'ServicePrincipalSecret', 'CertificatePassword', 'MSILoginSecret', 'ClientAssertion') {
                $keys.Contains($k) | Should -BeTrue -Because "$k is a secret"
            }
            $keys.Count | Should -Be 8
        }

        It 'turns <Status> into error id <Id>, category <Category> and a <Type>' -ForEach $ErrorRows {
            $asm = [AzContext.Commands.AzContextCmdlet].Assembly
            $status = [Enum]::Parse($asm.GetType('AzContext.Native.AzctxStatus'), $Status)
            $native = [Activator]::CreateInstance($asm.GetType('AzContext.Native.NativeException'), [Reflection.BindingFlags]'NonPublic,Instance', $null, @($status, 'what went wrong', 'the-target'), $null)
            $record = $native.ErrorRecord
            $record.FullyQualifiedErrorId | Should -Be $Id
            $record.CategoryInfo.Category | Should -Be $Category
            $record.TargetObject | Should -Be 'the-target'
            $record.Exception.GetType().FullName | Should -Be $Type
            $record.Exception.Message | Should -Be 'what went wrong'
            $record.Exception.InnerException | Should -Be $native
        }
    }

    Context 'help' {
        It 'documents <Name> with OUTPUTS and the Az.Accounts page of the same cmdlet for -Online' -ForEach $Cmdlets {
            $h = Get-Help $Name -Full
            @($h.returnValues.returnValue.type.name) | Should -Not -BeNullOrEmpty
            $links = @($h.relatedLinks.navigationLink)
            $links[0].linkText | Should -Be 'Online Version:'
            $links[0].uri | Should -Be "https://learn.microsoft.com/powershell/module/az.accounts/$($Name.ToLowerInvariant())"
            $links.linkText | Should -Contain 'about_AzContext'
        }

        It 'lists the types that bind from the pipeline as INPUTS' {
            (Get-Help Select-AzContext -Full).inputTypes.inputType.type.name |
                Should -Contain 'Microsoft.Azure.Commands.Profile.Models.Core.PSAzureContext'
            (Get-Help Get-AzContext -Full).returnValues.returnValue.type.name |
                Should -Be 'Microsoft.Azure.Commands.Profile.Models.Core.PSAzureContext'
        }

        It 'gives -Name its position, as the cmdlets bind it' {
            (Get-Help Get-AzContext -Parameter Name).position | Should -Be '0'
            (Get-Help Select-AzContext -Parameter Name).position | Should -Be '0'
            (Get-Help Remove-AzContext -Parameter Name).position | Should -Be '0'
        }

        It 'has about_AzContext: the store, scopes, autosave, the variables and the differences from Az.Accounts' {
            $about = Get-Help about_AzContext | Out-String
            foreach ($topic in 'THE STORE', 'SCOPES', 'AUTOSAVE', 'AZCONTEXT_DIR', 'AzContextAutoSave', 'Azure_Profile_Autosave', 'DIFFERENCES FROM AZ.ACCOUNTS') {
                $about | Should -Match ([regex]::Escape($topic))
            }
        }
    }

    Context 'import' {
        It 'finds the native library from any current directory' {
            $out = Invoke-InNewPwsh -ScriptBlock {
                param($m) Set-Location ([IO.Path]::GetTempPath()); Import-Module $m; (Get-Module AzContext).Name
            } -ArgumentList (Join-Path $ModuleDir 'AzContext.psd1') -Environment @{ AZCONTEXT_DIR = (Join-Path $TestDrive 'import-cwd') }
            $out | Should -Be 'AzContext'
        }

        It 'fails with a clear message naming both versions when the native library has another ABI version' {
            $copy = Join-Path $TestDrive 'mismatch/AzContext'
            $null = New-Item -ItemType Directory $copy -Force
            Copy-Item (Join-Path $ModuleDir '*') $copy -Recurse
            # A stand-in library whose only export reports another ABI version.
            $src = Join-Path $TestDrive 'fake.c'
            Set-Content $src 'unsigned int azctx_abi_version(void) { return 999u; }'
            & cc -shared -fPIC -o (Join-Path $copy 'libazcontext.so') $src
            $LASTEXITCODE | Should -Be 0
            $out = Invoke-InNewPwsh -ScriptBlock {
                param($m) try { Import-Module $m -ErrorAction Stop; 'imported' } catch { $_.Exception.Message }
            } -ArgumentList (Join-Path $copy 'AzContext.psd1')
            $needed = [AzContext.ModuleInit].GetField('ExpectedAbiVersion', [Reflection.BindingFlags]'NonPublic,Static').GetRawConstantValue()
            "$out" | Should -BeLike "*libazcontext.so*ABI version 999*needs version $needed*"
        }

        It 'fails with a clear message when the native library is missing' {
            $copy = Join-Path $TestDrive 'broken/AzContext'
            $null = New-Item -ItemType Directory $copy -Force
            Copy-Item (Join-Path $ModuleDir '*') $copy -Recurse
            Remove-Item (Join-Path $copy 'libazcontext.so')
            $out = Invoke-InNewPwsh -ScriptBlock {
                param($m) try { Import-Module $m -ErrorAction Stop; 'imported' } catch { $_.Exception.Message }
            } -ArgumentList (Join-Path $copy 'AzContext.psd1')
            "$out" | Should -BeLike '*cannot load its native library*libazcontext.so*'
        }
    }
}

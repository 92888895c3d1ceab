Set-StrictMode -Version Latest

BeforeDiscovery {
    $script:ModuleDir = Join-Path (Split-Path $PSScriptRoot) 'out/AzContext'
    Import-Module (Join-Path $script:ModuleDir 'AzContext.psd1') -Force
    $script:Cmdlets = @((Get-Module AzContext).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } })
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

        It 'maps each status to exactly this exception type, error id and category (the whole table)' {
            # One row per status: changing a mapping must change this list too.
            $expected = [ordered]@{
                NullArgument         = 'System.Management.Automation.PSArgumentException', 'NativeCallFault', 'InvalidArgument'
                InvalidUtf8          = 'System.Management.Automation.PSArgumentException', 'NativeCallFault', 'InvalidArgument'
                InvalidArgument      = 'System.Management.Automation.PSArgumentException', 'InvalidArgument', 'InvalidArgument'
                NotFound             = 'System.Management.Automation.PSInvalidOperationException', 'ContextNotFound', 'ObjectNotFound'
                AlreadyExists        = 'System.Management.Automation.PSInvalidOperationException', 'ContextAlreadyExists', 'ResourceExists'
                InvalidName          = 'System.Management.Automation.PSArgumentException', 'InvalidContextName', 'InvalidArgument'
                InvalidProfile       = 'System.IO.InvalidDataException', 'InvalidProfile', 'InvalidData'
                ReadOnly             = 'System.Management.Automation.PSInvalidOperationException', 'PublicEnvironmentReadOnly', 'InvalidOperation'
                LoginRequired        = 'System.Management.Automation.PSInvalidOperationException', 'LoginRequired', 'InvalidOperation'
                NotSupported         = 'System.Management.Automation.PSNotSupportedException', 'NotSupportedOffline', 'NotImplemented'
                EnvironmentNotFound  = 'System.Management.Automation.PSInvalidOperationException', 'EnvironmentNotFound', 'ObjectNotFound'
                FileNotFound         = 'System.Management.Automation.PSArgumentException', 'FileNotFound', 'ObjectNotFound'
                FileAlreadyExists    = 'System.Management.Automation.PSInvalidOperationException', 'FileAlreadyExists', 'ResourceExists'
                SubscriptionNotFound = 'System.Management.Automation.PSArgumentException', 'InvalidSubscriptionOrTenant', 'InvalidArgument'
                Io                   = 'System.IO.IOException', 'ContextStoreIOError', 'WriteError'
                PermissionDenied     = 'System.UnauthorizedAccessException', 'ContextStoreAccessDenied', 'PermissionDenied'
                LockTimeout          = 'AzContext.ContextStoreLockedException', 'ContextStoreLocked', 'ResourceBusy'
                CorruptFile          = 'System.IO.InvalidDataException', 'ContextFileCorrupt', 'InvalidData'
                Panic                = 'System.InvalidOperationException', 'NativeLibraryFault', 'NotSpecified'
                SessionPoisoned      = 'System.InvalidOperationException', 'NativeLibraryFault', 'NotSpecified'
                Internal             = 'System.InvalidOperationException', 'NativeLibraryFault', 'NotSpecified'
            }
            $asm = [AzContext.Commands.AzContextCmdlet].Assembly
            $statusType = $asm.GetType('AzContext.Native.AzctxStatus')
            $errorMap = $asm.GetType('AzContext.ErrorMap')
            $map = $errorMap.GetField('Table', [Reflection.BindingFlags]'NonPublic,Static').GetValue($null)
            $statuses = @([Enum]::GetNames($statusType) | Where-Object { $_ -ne 'Ok' })
            Compare-Object @($statuses) @($expected.Keys) | Should -BeNullOrEmpty -Because 'every status has a row, and every row a status'
            $map.Count | Should -Be $expected.Count
            $nativeException = $asm.GetType('AzContext.Native.NativeException')
            $public = $errorMap.GetMethod('PublicException', [Reflection.BindingFlags]'NonPublic,Static')
            foreach ($name in $expected.Keys) {
                $status = [Enum]::Parse($statusType, $name)
                $row = $map[$status]
                $type, $id, $category = $expected[$name]
                $row.ExceptionType.FullName | Should -Be $type -Because $name
                $row.ErrorId | Should -Be $id -Because $name
                "$($row.Category)" | Should -Be $category -Because $name
                $native = [Activator]::CreateInstance($nativeException, [Reflection.BindingFlags]'NonPublic,Instance', $null, @($status, 'msg', $null), $null)
                $e = $public.Invoke($null, @($native))
                $e.GetType().FullName | Should -Be $type -Because $name
                $e.Message | Should -Be 'msg'
                $e.InnerException | Should -Be $native
            }
            $lookup = $errorMap.GetMethod('Lookup', [Reflection.BindingFlags]'NonPublic,Static')
            $lookup.Invoke($null, @([Enum]::ToObject($statusType, 4242))).ErrorId | Should -Be 'NativeStatusUnknown'
        }

        It 'hides exactly the secret properties the library leaves out of files' {
            $keys = [Microsoft.Azure.Commands.Profile.Models.PSAzureRmAccount].GetField('SecretKeys', [Reflection.BindingFlags]'NonPublic,Static').GetValue($null)
            foreach ($k in 'AccessToken', 'GraphAccessToken', 'MicrosoftGraphAccessToken', 'KeyVault', 'ServicePrincipalSecret', 'CertificatePassword', 'MSILoginSecret', 'ClientAssertion') {
                $keys.Contains($k) | Should -BeTrue -Because "$k is a secret"
            }
            $keys.Count | Should -Be 8
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

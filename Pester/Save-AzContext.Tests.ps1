Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
    Import-Module (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1') -Force
    $Token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.SAVE-TEST-TOKEN-7f3a'
    $SpSecret = 'sp-secret-Zq9!x-SAVE-TEST'

    <# Every key, sorted, so two parsed profiles compare regardless of member order. #>
    function ConvertTo-SortedJson($Value) {
        function Sort-Node($v) {
            if ($v -is [System.Collections.IDictionary]) {
                $o = [ordered]@{}
                foreach ($k in ($v.Keys | Sort-Object)) { $o[$k] = Sort-Node $v[$k] }
                return $o
            }
            if ($v -is [System.Collections.IList]) { return , @($v | ForEach-Object { Sort-Node $_ }) }
            $v
        }
        Sort-Node $Value | ConvertTo-Json -Depth 30 -Compress
    }
}

Describe 'Save-AzContext' {
    BeforeEach {
        $Store = New-TestStore
        $null = New-TwoContextProfile -Token $Token
        $Out = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
    }

    Context 'the current profile' {
        It 'writes every context, the custom environments and the default key, and nothing to the pipeline' {
            $result = Save-AzContext -Path $Out
            $result | Should -BeNullOrEmpty
            $saved = Get-Content $Out -Raw | ConvertFrom-Json -AsHashtable
            $saved.Contexts.Count | Should -Be 2
            $saved.DefaultContextKey | Should -Be 'Contoso Prod (5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90) - c0ffee00-1234-4abc-9def-000000000042 - jane@contoso.com'
            @($saved.EnvironmentTable.Keys) | Should -Be @('fabCloud')
        }

        It 'writes the file 0600' {
            Save-AzContext -Path $Out
            (Get-Item $Out).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        }

        It 'resolves a relative -Path against the PowerShell location' {
            $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory $dir
            Push-Location $dir
            try { Save-AzContext -Path 'relative.json' } finally { Pop-Location }
            Join-Path $dir 'relative.json' | Should -Exist
        }

        It 'writes Az''s verbose message after saving' {
            $verbose = Save-AzContext -Path $Out -Verbose 4>&1 | ForEach-Object Message
            $verbose | Should -Contain "The current profile was saved to the file system at '$Out'. This file may include personally identifiable information and secrets.  Please ensure that the saved file is assigned appropriate access controls."
        }

        It 'describes the operation with Az''s ShouldProcess text' {
            $verbose = Save-AzContext -Path $Out -Verbose 4>&1 | ForEach-Object Message
            $verbose | Should -Contain "save the current profile to the file system at '$Out'"
        }

        It 'is also Save-AzProfile' {
            (Get-Alias Save-AzProfile).Definition | Should -Be 'Save-AzContext'
            Save-AzProfile -Path $Out
            $Out | Should -Exist
        }
    }

    Context 'secrets' {
        It 'writes no access token without -WithCredential' {
            # The token is in the store, so leaving it out is the cmdlet's doing.
            Get-Content (Join-Path $Store 'AzureRmContext.json') -Raw | Should -Match ([regex]::Escape($Token))
            Save-AzContext -Path $Out
            Get-Content $Out -Raw | Should -Not -Match ([regex]::Escape($Token))
            (Get-Content $Out -Raw | ConvertFrom-Json -AsHashtable).Contexts.Values.Account.Type | Should -Contain 'AccessToken'
        }

        It 'writes no service principal secret without -WithCredential' {
            $null = New-TestProfile -Context (New-TestContext -Account 'app-1' -Secret $SpSecret)
            Save-AzContext -Path $Out
            Get-Content $Out -Raw | Should -Not -Match ([regex]::Escape($SpSecret))
            (Get-Content $Out -Raw | ConvertFrom-Json -AsHashtable).Contexts.Values.Account.Id | Should -Contain 'app-1'
            # The session does hold the secret: -WithCredential writes it.
            $with = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
            $null = Save-AzContext -Path $with -WithCredential 3>$null
            Get-Content $with -Raw | Should -Match ([regex]::Escape($SpSecret))
        }

        It 'writes the token with -WithCredential, and warns' {
            $warnings = Save-AzContext -Path $Out -WithCredential 3>&1 | ForEach-Object Message
            Get-Content $Out -Raw | Should -Match ([regex]::Escape($Token))
            $warnings | Should -BeLike "Personally identifiable information and confidential data may be written to the file located at '$Out'*"
        }

        It 'shows no secret in verbose, warning or debug text' {
            $DebugPreference = 'Continue'
            $all = Save-AzContext -Path $Out -WithCredential -Verbose *>&1 | Out-String
            $all | Should -Not -Match ([regex]::Escape($Token))
            # The text was captured, and the token was at hand: the file written has it.
            $all | Should -Match 'save the current profile'
            $all | Should -Match 'Personally identifiable information'
            Get-Content $Out -Raw | Should -Match ([regex]::Escape($Token))
        }
    }

    Context 'an existing file' {
        BeforeEach {
            Set-Content -Path $Out -Value 'old content'
            $Before = Get-TestFileHash $Out
        }

        It 'asks before overwriting (the non-interactive host cannot, so nothing is written)' {
            { Save-AzContext -Path $Out } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash $Out | Should -Be $Before
        }

        It 'asks even with -Confirm:$false (that answers only ShouldProcess)' {
            { Save-AzContext -Path $Out -Confirm:$false } | Should -Throw -ExpectedMessage '*NonInteractive*'
            Get-TestFileHash $Out | Should -Be $Before
        }

        It 'overwrites with -Force' {
            Save-AzContext -Path $Out -Force
            (Get-Content $Out -Raw | ConvertFrom-Json -AsHashtable).Contexts.Count | Should -Be 2
        }

        It 'keeps the file with -WhatIf, even with -Force' {
            Save-AzContext -Path $Out -Force -WhatIf
            Get-TestFileHash $Out | Should -Be $Before
        }
    }

    Context 'a path that is not a regular file' {
        BeforeAll {
            function New-Fifo([string]$Path) {
                & mkfifo $Path
                if ($LASTEXITCODE -ne 0) { throw "mkfifo $Path failed" }
                $Path
            }
            function Get-FileType([string]$Path) { (& stat -c '%F' $Path) }
        }

        It 'refuses a <What>, with and without -Force, and leaves it as it was' -ForEach @(
            @{ What = 'FIFO'; Expected = 'FIFO' }
            @{ What = 'character device'; Expected = 'character device' }
        ) {
            $target = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N'))"
            switch ($What) {
                'FIFO' { $null = New-Fifo $target }
                'character device' {
                    # Only root can make device nodes: (1,3) is what /dev/null is.
                    if ((& id -u) -ne '0') { Set-ItResult -Skipped -Because 'mknod needs root'; return }
                    & mknod $target c 1 3
                }
            }
            $type = Get-FileType $target
            foreach ($force in $false, $true) {
                Save-AzContext -Path $target -Force:$force -ErrorAction SilentlyContinue -ErrorVariable err
                $err.Count | Should -Be 1
                $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
                $err[0].Exception | Should -BeOfType ([System.Management.Automation.PSArgumentException])
                $err[0].Exception.Message | Should -BeLike "'$target' is *$Expected*not a regular file*"
                Get-FileType $target | Should -Be $type
            }
        }
    }

    Context 'a path that cannot be a file' {
        It 'fails at once for a directory, without asking to overwrite (-Force or not)' {
            $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory $dir
            foreach ($force in $false, $true) {
                # A prompt would throw in this non-interactive host instead of writing this error.
                Save-AzContext -Path $dir -Force:$force -ErrorAction SilentlyContinue -ErrorVariable err
                $err.Count | Should -Be 1
                $err[0].FullyQualifiedErrorId | Should -BeLike 'ContextStoreIOError,*'
                $err[0].Exception.Message | Should -Be "Cannot save the profile to '$dir': it is a directory. Give the path of a file."
                $err[0].TargetObject | Should -Be $dir
            }
            Test-Path $dir -PathType Container | Should -BeTrue
        }

        It 'says what the system refused in words, never Rust''s "(os error N)"' {
            $file = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            Set-Content -Path $file -Value 'a file, not a folder'
            $env:AZCONTEXT_DIR = Join-Path $file 'store'
            Save-AzContext -Path $Out -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].Exception.Message | Should -BeLike "*'$file'*failed: *"
            $err[0].Exception.Message | Should -Not -Match 'os error'
            $err[0].Exception.ToString() | Should -Not -Match 'os error'
        }
    }

    Context '-WhatIf and -Confirm:$false' {
        It 'creates no file with -WhatIf' {
            Save-AzContext -Path $Out -WhatIf
            $Out | Should -Not -Exist
        }

        It 'writes a new file with -Confirm:$false' {
            Save-AzContext -Path $Out -Confirm:$false
            $Out | Should -Exist
        }
    }

    Context 'a given profile or context' {
        BeforeAll {
            function Get-SavedKeys([string]$Path) { @((Get-Content $Path -Raw | ConvertFrom-Json -AsHashtable).Contexts.Keys) }
        }

        It 'saves a context - parameter' {
            $ctx = Get-AzContext -Name 'Fabrikam Dev (11111111-2222-4333-8444-555555555555) - fab00000-0000-4000-8000-000000000001 - bob@fabrikam.com'
            Save-AzContext -Profile $ctx -Path $Out
            Get-SavedKeys $Out | Should -Be @($ctx.Name)
        }

        It 'saves a context - piped' {
            $ctx = Get-AzContext -Name 'Fabrikam Dev (11111111-2222-4333-8444-555555555555) - fab00000-0000-4000-8000-000000000001 - bob@fabrikam.com'
            $ctx | Save-AzContext -Path $Out
            Get-SavedKeys $Out | Should -Be @($ctx.Name)
        }

        It 'saves a context given by position 0, with -Path at position 1' {
            $ctx = Get-AzContext
            Save-AzContext $ctx $Out
            Get-SavedKeys $Out | Should -Be @($ctx.Name)
        }

        It 'saves a profile (the output of Import-AzContext) with all its contexts' {
            $p = Import-AzContext -Path (Join-Path $Store 'AzureRmContext.json') -Scope Process
            Save-AzContext -Profile $p -Path $Out
            (Get-SavedKeys $Out).Count | Should -Be 2
        }

        It 'saves a deserialized context (from a job)' {
            $ctx = Get-AzContext
            $d = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($ctx, 10))
            $d.PSObject.TypeNames[0] | Should -Be 'Deserialized.Microsoft.Azure.Commands.Profile.Models.Core.PSAzureContext'
            $d | Save-AzContext -Path $Out
            $saved = Get-Content $Out -Raw | ConvertFrom-Json -AsHashtable
            @($saved.Contexts.Keys) | Should -Be @($ctx.Name)
            $saved.Contexts[$ctx.Name].Subscription.Name | Should -Be 'Contoso Prod'
            @($saved.Contexts[$ctx.Name].Keys) | Should -Be @('Account', 'Tenant', 'Subscription', 'Environment', 'VersionProfile', 'TokenCache', 'ExtendedProperties')
        }

        It 'saves the -DefaultProfile context when no -Profile is given' {
            $ctx = Get-AzContext -Name 'Fabrikam Dev (11111111-2222-4333-8444-555555555555) - fab00000-0000-4000-8000-000000000001 - bob@fabrikam.com'
            Save-AzContext -AzContext $ctx -Path $Out
            Get-SavedKeys $Out | Should -Be @($ctx.Name)
        }

        It 'describes a given profile with Az''s "profile argument" text' {
            $verbose = Save-AzContext -Profile (Get-AzContext) -Path $Out -Verbose 4>&1 | ForEach-Object Message
            $verbose | Should -Contain "save the profile argument to the file system at '$Out'"
        }
    }

    Context 'no profile' {
        It 'fails with Az''s message for -Profile $null and writes nothing' {
            Save-AzContext -Profile $null -Path $Out -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ProfileNull,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err[0].Exception.Message | Should -Be 'Selected profile must not be null.'
            $Out | Should -Not -Exist
        }

        It 'fails for a value that is not a profile or context' {
            'just text' | Save-AzContext -Path $Out -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ProfileNull,*'
            $err[0].TargetObject | Should -Be 'just text'
            $Out | Should -Not -Exist
        }

        It 'fails with the path as target when the folder does not exist' {
            $bad = Join-Path $TestDrive 'no-such-folder/x.json'
            Save-AzContext -Path $bad -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            $err[0].TargetObject | Should -Be $bad
            $err[0].FullyQualifiedErrorId | Should -Not -BeLike 'ContextNotFound*'
        }
    }

    Context 'the documentation''s example' {
        It 'runs verbatim: save the current context, save a context object, load it' {
            $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
            $null = New-Item -ItemType Directory $dir
            $profileObject = Import-AzContext -Path (Join-Path $Store 'AzureRmContext.json') -Scope Process
            Push-Location $dir
            try {
                Save-AzContext -Path current-context.json # Save the current context
                Save-AzContext -Profile $profileObject -Path other-context.json # Save a context object
                $loaded = Import-AzContext -Path other-context.json # Load the context from a file and set it to the current context
            } finally { Pop-Location }
            Join-Path $dir 'current-context.json' | Should -Exist
            $loaded.Context.Name | Should -Be (Get-AzContext).Name
            (Get-Content (Join-Path $dir 'other-context.json') -Raw | ConvertFrom-Json -AsHashtable).Contexts.Count | Should -Be 2
        }
    }

    Context 'round trip through Import-AzContext' {
        It 'restores every property except secrets' {
            $original = Read-TestProfile
            Save-AzContext -Path $Out
            $null = New-TestStore
            $null = Import-AzContext -Path $Out -Scope CurrentUser
            $imported = Read-TestProfile
            $imported.DefaultContextKey | Should -Be $original.DefaultContextKey
            ConvertTo-SortedJson $imported.EnvironmentTable | Should -Be (ConvertTo-SortedJson $original.EnvironmentTable)
            @($imported.Contexts.Keys | Sort-Object) | Should -Be @($original.Contexts.Keys | Sort-Object)
            foreach ($key in $original.Contexts.Keys) {
                $expected = $original.Contexts[$key]
                $expected.Account.ExtendedProperties.Remove('AccessToken')
                ConvertTo-SortedJson $imported.Contexts[$key] | Should -Be (ConvertTo-SortedJson $expected)
            }
        }

        It 'restores the token too with -WithCredential' {
            Save-AzContext -Path $Out -WithCredential 3>$null
            $null = New-TestStore
            $null = Import-AzContext -Path $Out -Scope Process
            Save-AzContext -Path $Out -Force -WithCredential 3>$null
            Get-Content $Out -Raw | Should -Match ([regex]::Escape($Token))
        }
    }
}

Set-StrictMode -Version Latest

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'TestData.ps1')
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

        It 'refuses an unknown -Name with the ValidateSet error, even with nothing stored' {
            $e = Assert-UnknownContextName { Get-AzContext -Name 'nope' } -Name 'nope'
            $e.Exception.Message | Should -BeLike '*The argument "nope" does not belong to the set "" specified by the ValidateSet attribute.*'
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

    Context 'the current context' {
        BeforeEach {
            $sub = '5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90'
            $null = New-TestProfile -Default 'mycontext' -Context @(
                New-TestContext -Name 'other' -SubscriptionName 'Other Sub'
                New-TestContext -Name 'mycontext' -SubscriptionId $sub -SubscriptionName 'Contoso Prod' -ExtendedProperties @{ 'Default Resource Group' = 'rg1' }
            )
        }

        It 'writes the default context with its key as Name' {
            $ctx = Get-AzContext
            @($ctx).Count | Should -Be 1
            $ctx.Name | Should -Be 'mycontext'
        }

        It 'has Az''s property names and values' {
            $ctx = Get-AzContext
            $ctx.Subscription.Name | Should -Be 'Contoso Prod'
            $ctx.Subscription.Id | Should -Be $sub
            $ctx.Subscription.SubscriptionId | Should -Be $sub
            $ctx.Subscription.TenantId | Should -Be 'c0ffee00-1234-4abc-9def-000000000042'
            $ctx.Account.Id | Should -Be 'jane@contoso.com'
            $ctx.Account.Type | Should -Be 'User'
            $ctx.Tenant.Id | Should -Be 'c0ffee00-1234-4abc-9def-000000000042'
            $ctx.Environment.Name | Should -Be 'AzureCloud'
            $ctx.Environment.ResourceManagerUrl | Should -Be 'https://management.azure.com/'
            $ctx.ExtendedProperties['Default Resource Group'] | Should -Be 'rg1'
            $ctx.ExtendedProperties['default resource group'] | Should -Be 'rg1'
        }

        It 'carries Az''s type names' {
            $ctx = Get-AzContext
            $ctx.PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.Core.PSAzureContext'
            $ctx.Account.PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureRmAccount'
            $ctx.Subscription.PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureSubscription'
            $ctx.Tenant.PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureTenant'
            $ctx.Environment.PSObject.TypeNames[0] | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureEnvironment'
        }

        It 'shows a table of Az''s Name, Account and SubscriptionName, the current context marked' {
            $text = Get-AzContext -ListAvailable | Format-Table | Out-String -Width 250
            $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
            $lines[0] | Should -Match '^\s+Name\s+Account\s+SubscriptionName\s*$'
            $lines.Count | Should -Be 4
            @($lines | Where-Object { $_ -match '^\* mycontext\s+jane@contoso\.com\s+Contoso Prod\s*$' }).Count | Should -Be 1
            @($lines | Where-Object { $_ -match '^  other\s+jane@contoso\.com\s+Other Sub\s*$' }).Count | Should -Be 1
        }

        It 'marks whatever Get-AzContext returns, after a switch too' {
            $null = Select-AzContext -Name 'other'
            $rows = @((Get-AzContext -ListAvailable | Format-Table | Out-String -Width 250) -split "`r?`n" | Where-Object { $_ -match '^\* ' })
            $rows.Count | Should -Be 1
            $rows[0] | Should -Match '^\* other\s'
            (Get-AzContext).Name | Should -Be 'other'
        }

        It 'marks nothing when there is no current context, and marks no copy of a context under another name' {
            $p = Read-TestProfile
            $p.DefaultContextKey = $null
            $p | ConvertTo-Json -Depth 30 | Set-Content -Path (Join-Path $env:AZCONTEXT_DIR 'AzureRmContext.json')
            Get-AzContext | Should -BeNullOrEmpty
            $text = Get-AzContext -ListAvailable | Format-Table | Out-String -Width 250
            $text | Should -Not -Match '(?m)^\*'
            $text | Should -Match '(?m)^  mycontext\s'
        }

        It 'shows the subscription''s id where the subscription has no name' {
            $id = '11111111-2222-4333-8444-555555555555'
            $null = New-TestProfile -Default 'noname' -Context @(New-TestContext -Name 'noname' -SubscriptionId $id -SubscriptionName '')
            $text = Get-AzContext | Format-Table | Out-String -Width 250
            $text | Should -Match "(?m)^\* noname\s+jane@contoso\.com\s+$id\s*`$"
        }

        It 'stays within 80 columns and shows short names, the account and a subscription id whole' {
            $id = '11111111-2222-4333-8444-555555555555'
            $null = New-TestProfile -Default 'prod-eu' -Context @(
                New-TestContext -Name 'prod-eu' -Account 'jane.doe@contoso.com' -SubscriptionName 'Contoso Production EU'
                New-TestContext -Name 'Contoso Dev (11111111-2222-4333-8444-555555555555) - c0ffee00-1234-4abc-9def-000000000042 - jane.doe@contoso.com' -Account 'jane.doe@contoso.com' -SubscriptionId $id -SubscriptionName ''
            )
            $lines = @((Get-AzContext -ListAvailable | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() })
            $lines.Count | Should -Be 4
            foreach ($l in $lines) { $l.Length | Should -BeLessOrEqual 80 -Because $l }
            $lines | Should -Contain ($lines | Where-Object { $_ -match '^\* prod-eu\s+jane\.doe@contoso\.com\s+Contoso Production EU\s*$' })
            @($lines | Where-Object { $_ -match "^  Contoso Dev\S*.*\s+jane\.doe@contoso\.com\s+$id\s*`$" }).Count | Should -Be 1
        }

        It 'shows Environment and TenantId in the list view, in Az''s property order' {
            $text = Get-AzContext | Format-List | Out-String -Width 250
            $names = @($text -split "`r?`n" | Where-Object { $_ -match '^(\w+)\s*:' } | ForEach-Object { $Matches[1] })
            $names | Should -Be @('Name', 'Account', 'Environment', 'Subscription', 'Tenant', 'TokenCache', 'VersionProfile', 'ExtendedProperties')
            $text | Should -Match '(?m)^Name\s+: mycontext$'
            $text | Should -Match '(?m)^Environment\s+: AzureCloud$'
            $text | Should -Match '(?m)^Tenant\s+: c0ffee00-1234-4abc-9def-000000000042$'
        }

        It 'sees a change that another process wrote' {
            Invoke-InNewPwsh -ScriptBlock { param($m) Import-Module $m; $null = Select-AzContext -Name 'other' } -ArgumentList (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1')
            (Get-AzContext).Name | Should -Be 'other'
        }

        It 'writes nothing and no error when the default key is null' {
            $null = New-TestProfile -Context (New-TestContext -Name 'a') -Default $null
            (Read-TestProfile).DefaultContextKey | Should -Be $null
            Get-AzContext -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }

        It 'writes nothing for the empty placeholder left by Clear-AzContext' {
            Clear-AzContext -Scope CurrentUser -Force
            Get-AzContext -ErrorVariable err | Should -BeNullOrEmpty
            $err.Count | Should -Be 0
        }
    }

    Context '-Name' {
        BeforeEach {
            $null = New-TestProfile -Default 'other' -Context @(
                New-TestContext -Name 'other'
                New-TestContext -Name 'mycontext' -SubscriptionName 'Mine'
                New-TestContext -Name 'My Generated (x) - y' -SubscriptionName 'Spaced'
            )
        }

        It 'writes the named context - parameter' {
            $ctx = Get-AzContext -Name 'mycontext'
            $ctx.Name | Should -Be 'mycontext'
            $ctx.Subscription.Name | Should -Be 'Mine'
        }

        It 'writes the named context - positional' {
            (Get-AzContext 'mycontext').Subscription.Name | Should -Be 'Mine'
        }

        It 'matches names ignoring case and writes the stored spelling' {
            (Get-AzContext -Name 'MYCONTEXT').Name | Should -Be 'mycontext'
        }

        It 'runs the documentation''s example verbatim (its Get-Context spelling included)' {
            $context = Get-Context -Name "mycontext"
            $context.Name | Should -Be 'mycontext'
            $context = Get-AzContext -Name "mycontext"
            $context.Name | Should -Be 'mycontext'
        }

        It 'refuses an unknown name as Az''s ValidateSet does, listing the stored names' {
            $e = Assert-UnknownContextName { Get-AzContext -Name 'nope' } -Name 'nope'
            $e.Exception.Message | Should -BeLike '*"other,mycontext,My Generated (x) - y"*'
        }

        It 'suggests the stored names that start with what was typed' {
            $err = @(try { Get-AzContext -Name 'my'; 'not thrown' } catch { $_ })
            $err[0].Exception.Message | Should -BeLike "* Did you mean 'My Generated (x) - y' or 'mycontext'?"
        }

        It 'completes stored names, quoted only where PowerShell needs quotes' {
            $m = @(Complete 'Get-AzContext -Name my')
            $m.CompletionText | Should -Be @("'My Generated (x) - y'", 'mycontext')
            # What is inserted reads back as the name itself.
            foreach ($c in $m) {
                $tokens = $null
                $ast = [System.Management.Automation.Language.Parser]::ParseInput("Get-AzContext -Name $($c.CompletionText)", [ref]$tokens, [ref]$null)
                $ast.EndBlock.Statements[0].PipelineElements[0].CommandElements[2].SafeGetValue() | Should -Be $c.ListItemText
            }
        }

        It 'completes with a quoted prefix' {
            @(Complete "Get-AzContext -Name 'oth").CompletionText | Should -Be @('other')
        }

        It 'shows the subscription and the account in the tooltip' {
            $m = @(Complete 'Get-AzContext -Name myc')
            $sub = (Get-AzContext -Name 'mycontext').Subscription.Id
            $m[0].ToolTip | Should -Be "Mine ($sub) · jane@contoso.com"
        }
    }

    Context '-ListAvailable' {
        BeforeEach {
            $null = New-TestProfile -Default 'c' -Context @(
                New-TestContext -Name 'c' -Tenant 'bbbb' -SubscriptionName 'Alpha'
                New-TestContext -Name 'b' -Tenant 'aaaa' -SubscriptionName 'zulu'
                New-TestContext -Name 'a' -Tenant 'aaaa' -SubscriptionName 'Mike'
                New-TestContext -Name 't' -Tenant 'aaaa' -NoSubscription
            )
        }

        It 'lists every context in Az''s order: Tenant.Id, then Subscription.Name' {
            (Get-AzContext -ListAvailable).Name | Should -Be @('t', 'a', 'b', 'c')
        }

        It 'tolerates a context without a subscription' {
            $t = Get-AzContext -ListAvailable | Where-Object Name -EQ 't'
            $t.Subscription | Should -BeNullOrEmpty
            $t.Tenant.Id | Should -Be 'aaaa'
        }

        It 'runs the documentation''s example verbatim' {
            $out = Get-AzContext -ListAvailable
            @($out).Count | Should -Be 4
        }

        It 'lists again what another process added after an earlier list (the module keeps the last list only while nothing changed)' {
            @(Get-AzContext -ListAvailable).Count | Should -Be 4
            @(Get-AzContext -ListAvailable).Count | Should -Be 4
            Invoke-InNewPwsh -ScriptBlock {
                param($m) Import-Module $m
                $c = Get-AzContext -Name 'a'
                $null = Set-AzContext -Context $c -Name 'added-elsewhere' -Force
            } -ArgumentList (Join-Path $RepoRoot 'out/AzContext/AzContext.psd1')
            (Get-AzContext -ListAvailable).Name | Should -Contain 'added-elsewhere'
            @(Get-AzContext -ListAvailable).Count | Should -Be 5
        }

        It 'gives new objects each time: changing one listed context changes neither the store nor the next list' {
            $first = Get-AzContext -ListAvailable | Where-Object Name -EQ 'c'
            $first.Subscription.Name = 'changed in memory'
            $first.ExtendedProperties['k'] = 'v'
            $again = Get-AzContext -ListAvailable | Where-Object Name -EQ 'c'
            $again.Subscription.Name | Should -Be 'Alpha'
            $again.ExtendedProperties.ContainsKey('k') | Should -BeFalse
            [object]::ReferenceEquals($first, $again) | Should -BeFalse
        }
    }

    Context '-ListAvailable with contexts that share an environment' {
        BeforeEach {
            $null = New-TestProfile -Default 'x' -CustomEnvironments 'Lab' -Context @(
                New-TestContext -Name 'x' -Tenant 'aaaa' -SubscriptionName 'One'
                New-TestContext -Name 'y' -Tenant 'aaaa' -SubscriptionName 'Two'
                New-TestContext -Name 'z' -Tenant 'aaaa' -SubscriptionName 'Three' -Environment 'Lab'
            )
        }

        It 'gives each listed context its own environment, with the stored values' {
            $list = Get-AzContext -ListAvailable
            $x = $list | Where-Object Name -EQ 'x'
            $y = $list | Where-Object Name -EQ 'y'
            $z = $list | Where-Object Name -EQ 'z'
            $x.Environment.Name | Should -Be 'AzureCloud'
            $y.Environment.ResourceManagerUrl | Should -Be 'https://management.azure.com/'
            $z.Environment.Name | Should -Be 'Lab'
            $z.Environment.ResourceManagerUrl | Should -Be 'https://management.Lab.example/'
            $x.Environment.ResourceManagerUrl = 'https://changed.example/'
            $y.Environment.ResourceManagerUrl | Should -Be 'https://management.azure.com/'
            [object]::ReferenceEquals($x.Environment, $y.Environment) | Should -BeFalse
        }

        It 'hands a listed context back whole (Set-AzContext -Context), environment included' {
            $y = Get-AzContext -ListAvailable | Where-Object Name -EQ 'y'
            $null = Set-AzContext -Context $y -Name 'copy' -Force
            $copy = Get-AzContext -Name 'copy'
            $copy.Environment.Name | Should -Be 'AzureCloud'
            $copy.Environment.ResourceManagerUrl | Should -Be 'https://management.azure.com/'
            $copy.Subscription.Name | Should -Be 'Two'
        }
    }

    Context 'bad input' {
        It 'refuses a name holding NUL with a stable error id, never passing a cut-short name on' {
            $e = try { Get-AzContext -Name "my`0context"; $null } catch { $_ }
            $e | Should -Not -BeNullOrEmpty
            $e.FullyQualifiedErrorId | Should -Be 'InvalidArgument,AzContext.Commands.GetAzContextCommand'
            $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $e.Exception | Should -BeOfType [System.ArgumentException]
        }
    }

    Context 'a corrupt store' {
        It 'warns, naming the file kept aside, writes no error, and works on the store as it is then' {
            $file = Join-Path $Store 'AzureRmContext.json'
            Set-Content $file '{ "Contexts": [ this is not JSON'
            $out = Get-AzContext -ListAvailable -WarningVariable warn -WarningAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 0
            @($out).Count | Should -Be 0
            $warn.Count | Should -Be 1
            $kept = @(Get-ChildItem $Store -Filter 'AzureRmContext.json.corrupt-*')
            $kept.Count | Should -Be 1
            "$($warn[0])" | Should -BeLike "*$($kept[0].Name)*"
            Get-Content $kept[0].FullName -Raw | Should -BeLike '*this is not JSON*'
        }

        It 'is left exactly where it is by a command run with -WhatIf, which reports it instead' {
            $file = Join-Path $Store 'AzureRmContext.json'
            Set-Content $file '{ "Contexts": [ this is not JSON'
            $before = (Get-FileHash $file).Hash
            $e = try { Remove-AzContext -Name 'x' -WhatIf; $null } catch { $_ }
            $e | Should -Not -BeNullOrEmpty
            $e.FullyQualifiedErrorId | Should -BeLike 'InvalidProfile,*'
            "$($e.Exception.Message)" | Should -BeLike '*left as it is*'
            (Get-FileHash $file).Hash | Should -Be $before
            @(Get-ChildItem $Store -Filter 'AzureRmContext.json.corrupt-*').Count | Should -Be 0
            # The next command without -WhatIf recovers as usual.
            $null = Get-AzContext -WarningVariable warn -WarningAction SilentlyContinue
            $warn.Count | Should -Be 1
        }
    }

    Context 'a store that is not to be trusted' {
        It 'refuses a context file that is a symbolic link, naming it, and leaves the link''s target alone' {
            $file = Join-Path $Store 'AzureRmContext.json'
            $outside = Join-Path $TestDrive "$([guid]::NewGuid().ToString('N')).json"
            Set-Content $outside '{ not JSON'
            & chmod 644 $outside
            $null = New-Item -ItemType SymbolicLink -Path $file -Target $outside
            $e = try { Get-AzContext -ListAvailable; $null } catch { $_ }
            $e | Should -Not -BeNullOrEmpty
            $e.FullyQualifiedErrorId | Should -BeLike 'ContextStoreAccessDenied,*'
            $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e.Exception | Should -BeOfType [System.UnauthorizedAccessException]
            "$($e.Exception.Message)" | Should -BeLike "'$file' is a symbolic link*"
            (& stat -c '%a' $outside) | Should -Be '644'
            Get-Content $outside -Raw | Should -BeLike '{ not JSON*'
            @(Get-ChildItem $Store -Filter 'AzureRmContext.json.corrupt-*').Count | Should -Be 0
        }

        It 'refuses a context file of another user with the command that fixes it (root can give files away)' {
            if ((& id -u) -ne '0') { Set-ItResult -Skipped -Because 'only root can chown to another user'; return }
            $null = New-TestProfile -Context @(New-TestContext -Name 'mine')
            $file = Join-Path $Store 'AzureRmContext.json'
            & chown 65534 $file
            $before = (Get-FileHash $file).Hash
            $e = try { Get-AzContext; $null } catch { $_ }
            $e.FullyQualifiedErrorId | Should -BeLike 'ContextStoreAccessDenied,*'
            "$($e.Exception.Message)" | Should -BeLike "'$file' is owned by user 65534*chown 0*"
            (Get-FileHash $file).Hash | Should -Be $before
        }
    }

    Context 'secrets' {
        BeforeEach {
            $secret = 'eyJ0eXAiOiJKV1Qi.SECRET-ACCESS-TOKEN.sig'
            $null = New-TestProfile -Context @(
                New-TestContext -Name 'token' -AccountType 'AccessToken' -AccountExtendedProperties @{ AccessToken = $secret; GraphAccessToken = $secret; ServicePrincipalSecret = $secret }
            )
        }

        It 'has Az''s AccessToken property, which never holds the token (also under strict mode)' {
            Set-StrictMode -Version Latest
            $ctx = Get-AzContext
            $ctx.Account.AccessToken | Should -BeNullOrEmpty
            $ctx.Account.Tenants.GetType().Name | Should -Be 'List`1'
        }

        It 'shows a storage connection string without its account key, and keeps the key in the store' {
            $key = 'c2VjcmV0LWtleS1ieXRlcw=='
            $null = New-TestProfile -Context @(
                New-TestContext -Name 'storage' -SubscriptionName 'S'
            )
            $p = Get-Content (Join-Path $Store 'AzureRmContext.json') -Raw | ConvertFrom-Json -AsHashtable
            $p.Contexts['storage'].Subscription.ExtendedProperties['StorageAccount'] = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=$key"
            Set-Content (Join-Path $Store 'AzureRmContext.json') ($p | ConvertTo-Json -Depth 20)
            $ctx = Get-AzContext -Name 'storage'
            $texts = @(
                ($ctx.Subscription | Format-List * | Out-String -Width 500)
                ($ctx | ConvertTo-Json -Depth 10)
                [System.Management.Automation.PSSerializer]::Serialize($ctx, 10)
                $ctx.Subscription.CurrentStorageAccount
            )
            foreach ($t in $texts) { $t | Should -Not -BeLike "*$key*" }
            $ctx.Subscription.CurrentStorageAccountName | Should -Be 'acct'
            # Handing the context back keeps the stored key.
            $null = Set-AzContext -Context $ctx -Name 'storage2'
            Get-Content (Join-Path $Store 'AzureRmContext.json') -Raw | Should -BeLike "*AccountKey=$key*"
        }

        It 'shows no secret in the default view, any list or table view, ToString or JSON' {
            $ctx = Get-AzContext
            $texts = @(
                ($ctx | Out-String -Width 500)
                ($ctx | Format-List * | Out-String -Width 500)
                ($ctx | Format-Table * | Out-String -Width 500)
                ($ctx.Account | Out-String -Width 500)
                ($ctx.Account | Format-List * | Out-String -Width 500)
                ($ctx.Account.ExtendedProperties | Out-String -Width 500)
                $ctx.ToString(); $ctx.Account.ToString()
                ($ctx | ConvertTo-Json -Depth 10)
                (Get-AzContext -ListAvailable | Format-Table | Out-String -Width 500)
            )
            foreach ($t in $texts) { $t | Should -Not -Match 'SECRET-ACCESS-TOKEN' }
            $ctx.Account.Id | Should -Be 'jane@contoso.com'
            $ctx.Account.ExtendedProperties.ContainsKey('AccessToken') | Should -BeFalse
        }

        It 'writes no secret to the verbose, debug or warning streams' {
            $all = Get-AzContext -Verbose -Debug *>&1 | Out-String -Width 500
            $all += Select-AzContext -Name 'token' -Verbose -Debug *>&1 | Out-String -Width 500
            $all += Rename-AzContext 'token' 'token2' -Verbose -Debug -PassThru *>&1 | Out-String -Width 500
            $all += Remove-AzContext 'token2' -Force -PassThru -Verbose -Debug *>&1 | Out-String -Width 500
            $all | Should -Not -Match 'SECRET-ACCESS-TOKEN'
            $all | Should -Match 'jane@contoso.com'
        }

        It 'writes no secret in error text' {
            $ctx = Get-AzContext
            Set-AzContext -Context $ctx -Name 'Default' -ErrorAction SilentlyContinue -ErrorVariable err
            $err.Count | Should -Be 1
            ($err[0] | Out-String -Width 500) + $err[0].Exception.Message | Should -Not -Match 'SECRET-ACCESS-TOKEN'
        }
    }
}

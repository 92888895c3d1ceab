Set-StrictMode -Version Latest

# Azure Resource Manager end to end: Get-AzTenant, Get-AzSubscription, online Set-AzContext and
# Invoke-AzRestMethod, each in a fresh pwsh signed in against the emulator (see EmuSession.ps1), with
# failures injected by the emulator (retried where Az retries, then a clear error, nothing stored changed).
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'EmuSession.ps1')
    $Tid = $Emu.HomeTenantId
    $Other = $Emu.OtherTenantId
    $Seeded = @{}
    foreach ($s in $Emu.Seed.Subscriptions) { $Seeded[$s.DisplayName] = $s }
    $User = $Emu.Seed.User.UserName

    # The home tenant only: whatever a sign-in stores, the other tenant's subscription ('Fabrikam Main') is
    # never stored by it, so resolving it exercises ARM.
    $UserSignIn = { param($seed) $null = Connect-AzAccount -UseDeviceAuthentication -Environment Emu -Tenant $seed.HomeTenantId -WarningAction SilentlyContinue }
    $SpSignIn = {
        param($seed)
        $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
        $null = Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu
    }

    # The warnings of a run but the one about the token cache's plain-text fallback (no keyring here).
    function Get-ArmWarnings($Result) { @($Result.Warnings | Where-Object { $_ -notlike 'Token cache encryption is not supported*' }) }
    function Add-EmuFailure([hashtable]$Rule) { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail' -Body $Rule }
    function Clear-EmuFailures { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/fail/clear' }
    function Get-ArmRequests([string]$Path) { @(Get-EmuRequests | Where-Object { $_.path -like $Path }) }
    function Get-StoreHash([string]$Store) {
        (Get-ChildItem -LiteralPath $Store -File -Force | Sort-Object Name | ForEach-Object { "$($_.Name)=$((Get-FileHash -LiteralPath $_.FullName).Hash)" }) -join ';'
    }
    # A store signed in as the seeded user (device code), for the tests that only read.
    function New-UserStore {
        $store = New-TestStore
        $r = Invoke-Emu -Store $store -Script $UserSignIn
        if ($r.Errors) { throw "sign-in failed: $($r.Errors.Message -join '; ')" }
        $store
    }
}

AfterAll {
    if ($Emu) { Stop-AzEmulator $Emu }
}

Describe 'Get-AzTenant and Get-AzSubscription' {
    BeforeAll {
        $Store = New-UserStore
    }
    BeforeEach { Clear-EmuFailures; Clear-EmuRequests; Set-EmuSettings @{ pageSize = 100 } }

    It 'lists the account''s tenants with Az''s properties and view, and picks one by id or domain' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $all = @(Get-AzTenant)
            [pscustomobject]@{
                All = $all
                Types = @($all | ForEach-Object { $_.GetType().FullName } | Select-Object -Unique)
                Table = ($all | Format-Table | Out-String)
                ById = @(Get-AzTenant -TenantId $seed.OtherTenantId).Id
                ByDomain = @(Get-AzTenant -Domain 'CONTOSO.onmicrosoft.com').Id
                ViaAlias = @(Get-AzDomain -Domain 'CONTOSO.onmicrosoft.com').Id
                Alias = (Get-Alias Get-AzDomain).Definition
                Unknown = @(Get-AzTenant -TenantId ([guid]::NewGuid().ToString())).Count
            }
        }
        $r.Errors | Should -BeNullOrEmpty
        $o = $r.Out[0]
        $o.Types | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureTenant'
        @($o.All).Count | Should -Be 2
        $home_ = $o.All | Where-Object Id -eq $Tid
        $home_.Name | Should -Be 'Contoso'
        $home_.TenantId | Should -Be $Tid
        $home_.CountryCode | Should -Be 'US'
        $home_.TenantCategory | Should -Be 'Home'
        $home_.Domains | Should -Be 'contoso.onmicrosoft.com'
        $home_.DefaultDomain | Should -Be 'contoso.onmicrosoft.com'
        $home_.TenantType | Should -Be 'AAD'
        $o.Table | Should -Match 'Id\s+Name\s+Category\s+Domains'
        $o.Table | Should -Match 'Fabrikam'
        $o.ById | Should -Be $Other
        $o.ByDomain | Should -Be $Tid
        $o.ViaAlias | Should -Be $Tid
        $o.Alias | Should -Be 'Get-AzTenant'
        $o.Unknown | Should -Be 0
    }

    It 'lists every subscription of every tenant, following nextLink, as Az''s PSAzureSubscription' {
        Set-EmuSettings @{ pageSize = 1 }
        $r = Invoke-Emu -Store $Store -Script {
            $subs = @(Get-AzSubscription)
            [pscustomobject]@{
                Subs = $subs
                Type = $subs[0].GetType().FullName
                Table = ($subs | Format-Table | Out-String -Width 200)
                Policies = $subs[0].SubscriptionPolicies.QuotaId
            }
        }
        $r.Errors | Should -BeNullOrEmpty
        Get-ArmWarnings $r | Should -BeNullOrEmpty
        $o = $r.Out[0]
        $o.Type | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSAzureSubscription'
        @($o.Subs).Count | Should -Be 4
        # The context's tenant first, in ARM's order.
        @($o.Subs.Name) | Should -Be @('Contoso Dev', 'Contoso Prod', 'Contoso Legacy', 'Fabrikam Main')
        $legacy = $o.Subs | Where-Object Name -eq 'Contoso Legacy'
        $legacy.Id | Should -Be $Seeded['Contoso Legacy'].Id
        $legacy.SubscriptionId | Should -Be $Seeded['Contoso Legacy'].Id
        $legacy.State | Should -Be 'Disabled'
        $legacy.TenantId | Should -Be $Tid
        $legacy.HomeTenantId | Should -Be $Tid
        $legacy.AuthorizationSource | Should -Be 'RoleBased'
        ($o.Subs | Where-Object Name -eq 'Fabrikam Main').TenantId | Should -Be $Other
        $o.Policies | Should -Be 'PayAsYouGo_2014-09-01'
        $o.Table | Should -Match 'Name\s+Id\s+TenantId\s+State'
        # Page size 1: one request per subscription (3 pages in the home tenant, 1 in the other), and 2 of tenants.
        (Get-ArmRequests '/subscriptions').Count | Should -Be 4
        (Get-ArmRequests '/tenants').Count | Should -Be 2
    }

    It 'selects by -TenantId (id or domain), -SubscriptionId and -SubscriptionName (any case)' {
        $r = Invoke-Emu -Store $Store -Extra $Seeded['Fabrikam Main'].Id -Script {
            param($seed, $fabrikamId)
            [pscustomobject]@{
                InOther = @(Get-AzSubscription -TenantId $seed.OtherTenantId).Name
                InDomain = @(Get-AzSubscription -TenantId 'fabrikam.onmicrosoft.com').Name
                ById = (Get-AzSubscription -SubscriptionId $fabrikamId).Name
                ByName = (Get-AzSubscription -SubscriptionName 'contoso PROD').Name
                ByTenantObject = @(Get-AzTenant -TenantId $seed.OtherTenantId | Get-AzSubscription).Name
            }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].InOther | Should -Be 'Fabrikam Main'
        $r.Out[0].InDomain | Should -Be 'Fabrikam Main'
        $r.Out[0].ById | Should -Be 'Fabrikam Main'
        $r.Out[0].ByName | Should -Be 'Contoso Prod'
        $r.Out[0].ByTenantObject | Should -Be 'Fabrikam Main'
    }

    It 'fails with Az''s message for an id or name not found, and for a subscription the tenant''s token cannot see' {
        $missing = [guid]::NewGuid().ToString()
        $r = Invoke-Emu -Store $Store -Extra @($missing, $Seeded['Fabrikam Main'].Id) -Script {
            param($seed, $ids)
            try { Get-AzSubscription -SubscriptionId $ids[0] } catch { $_ }
            try { Get-AzSubscription -SubscriptionName 'No Such Subscription' -TenantId $seed.HomeTenantId } catch { $_ }
            try { Get-AzSubscription -SubscriptionId $ids[1] -TenantId $seed.HomeTenantId } catch { $_ }
        }
        $r.Out | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 3
        $r.Errors[0].Id | Should -BeLike 'SubscriptionNotFound,*'
        $r.Errors[0].Category | Should -Be 'InvalidArgument'
        $r.Errors[0].Message | Should -BeLike "Subscription $missing was not found in tenant *$Tid*. Please verify that the subscription exists in this tenant."
        $r.Errors[1].Message | Should -BeExactly "Subscription No Such Subscription was not found in tenant $Tid. Please verify that the subscription exists in this tenant."
        $r.Errors[2].Message | Should -BeExactly "Subscription $($Seeded['Fabrikam Main'].Id) was not found in tenant $Tid. Please verify that the subscription exists in this tenant."
    }

    It 'needs a signed-in context' {
        $empty = New-TestStore
        $r = Invoke-Emu -Store $empty -Script {
            try { Get-AzSubscription } catch { $_ }
            try { Get-AzTenant } catch { $_ }
            try { Invoke-AzRestMethod -Path '/tenants' } catch { $_ }
        }
        @($r.Errors.Id | ForEach-Object { $_ -replace ',.*' }) | Should -Be @('LoginRequired', 'LoginRequired', 'LoginRequired')
        $r.Errors[0].Message | Should -BeExactly 'Run Connect-AzAccount to login.'
        @(Get-EmuRequests).Count | Should -Be 0
    }
}

Describe 'A tenant whose token cannot be had silently' {
    It 'is Az''s warning and skipped; the other tenants are listed' {
        $store = New-UserStore
        Clear-EmuRequests
        # The other tenant asks for MFA: MSAL's silent refresh for it is refused with interaction_required.
        Add-EmuFailure @{ pathPrefix = "/$Other/oauth2/v2.0/token"; status = 400; count = 10; body = @{
                error = 'invalid_grant'; suberror = 'basic_action'; error_codes = @(50076)
                error_description = 'AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access this resource.'
            } }
        try {
            $r = Invoke-Emu -Store $store -Script { @(Get-AzSubscription).Name }
        } finally { Clear-EmuFailures }
        $r.Errors | Should -BeNullOrEmpty
        @($r.Out) | Should -Be @('Contoso Dev', 'Contoso Prod', 'Contoso Legacy')
        $w = @(Get-ArmWarnings $r)
        $w.Count | Should -Be 1
        $w[0] | Should -BeLike "Unable to acquire token for tenant '$Other' with error '*AADSTS50076*'"
    }
}

Describe 'Get-AzSubscription | Set-AzContext and online Set-AzContext' {
    BeforeEach { Clear-EmuFailures; Clear-EmuRequests; $Store = New-UserStore; Clear-EmuRequests }

    It 'runs the seed page''s example: Get-AzSubscription -SubscriptionName X | Set-AzContext -Name MyContextName' {
        $r = Invoke-Emu -Store $Store -Script {
            $null = Get-AzSubscription -SubscriptionName 'Contoso Prod' | Set-AzContext -Name 'MyContextName'
            $c = Get-AzContext
            [pscustomobject]@{ Name = $c.Name; Sub = $c.Subscription.Id; SubName = $c.Subscription.Name; Tenant = $c.Tenant.Id; Account = $c.Account.Id; Env = $c.Environment.Name }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].Name | Should -Be 'MyContextName'
        $r.Out[0].Sub | Should -Be $Seeded['Contoso Prod'].Id
        $r.Out[0].SubName | Should -Be 'Contoso Prod'
        $r.Out[0].Tenant | Should -Be $Tid
        $r.Out[0].Account | Should -Be $User
        $r.Out[0].Env | Should -Be 'Emu'
        # Another process sees it, stored.
        $n = Invoke-Emu -Store $Store -Script { (Get-AzContext -Name 'MyContextName').Subscription.Name }
        $n.Out | Should -Be 'Contoso Prod'
    }

    It 'resolves a subscription that is not stored through ARM, by name in another tenant or by id, and stores the context' {
        $r = Invoke-Emu -Store $Store -Extra $Seeded['Contoso Dev'].Id -Script {
            param($seed, $devId)
            $a = Set-AzContext -Subscription 'fabrikam main'
            $b = Set-AzContext -SubscriptionId $devId
            [pscustomobject]@{ A = $a.Subscription.Id; ATenant = $a.Tenant.Id; B = $b.Subscription.Name; Current = (Get-AzContext).Subscription.Id; BAccount = $b.Account.Id }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].A | Should -Be $Seeded['Fabrikam Main'].Id
        $r.Out[0].ATenant | Should -Be $Other
        $r.Out[0].B | Should -Be 'Contoso Dev'
        $r.Out[0].BAccount | Should -Be $User
        $r.Out[0].Current | Should -Be $Seeded['Contoso Dev'].Id
        (Get-ArmRequests '/subscriptions*').Count | Should -BeGreaterThan 0
    }

    It 'selects a tenant alone by domain: its first Enabled subscription' {
        $r = Invoke-Emu -Store $Store -Script { $c = Set-AzContext -Tenant 'fabrikam.onmicrosoft.com'; [pscustomobject]@{ T = $c.Tenant.Id; S = $c.Subscription.Name } }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].T | Should -Be $Other
        $r.Out[0].S | Should -Be 'Fabrikam Main'
    }

    It 'never calls ARM for a subscription already stored' {
        $null = Invoke-Emu -Store $Store -Script { $null = Set-AzContext -Subscription 'Contoso Dev' }
        Clear-EmuRequests
        $r = Invoke-Emu -Store $Store -Script { $null = Set-AzContext -Subscription 'Contoso Dev'; (Get-AzContext).Subscription.Name }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out | Should -Be 'Contoso Dev'
        @(Get-EmuRequests | Where-Object { $_.path -like '/subscriptions*' -or $_.path -like '/tenants*' }).Count | Should -Be 0
    }

    It 'fails with Az''s message and ArgumentException when ARM has no such subscription, changing nothing' {
        $hash = Get-StoreHash $Store
        $r = Invoke-Emu -Store $Store -Script {
            try { Set-AzContext -Subscription 'No Such Subscription' -ErrorAction Stop; 'not thrown' } catch [System.ArgumentException] { "ArgumentException: $($_.Exception.Message) | $($_.FullyQualifiedErrorId)" }
        }
        $r.Out | Should -BeLike 'ArgumentException: Please provide a valid tenant or a valid subscription. | InvalidSubscriptionOrTenant,*'
        Get-StoreHash $Store | Should -Be $hash
    }
}

Describe 'Invoke-AzRestMethod' {
    BeforeAll { $Store = New-UserStore }
    BeforeEach { Clear-EmuFailures; Clear-EmuRequests }

    It 'sends -Path with -Method and -Payload and returns Az''s PSHttpResponse; an error status is returned, not thrown' {
        $r = Invoke-Emu -Store $Store -Extra $Seeded['Contoso Dev'].Id -Script {
            param($seed, $sub)
            $null = Set-AzContext -Subscription $sub
            $put = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups/rg1?api-version=2021-04-01" -Method PUT -Payload '{"location":"westeurope"}'
            $get = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups/rg1" -ApiVersion '2021-04-01'
            $noVersion = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups/rg1"
            $missing = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups/nope?api-version=2021-04-01"
            [pscustomobject]@{
                Type = $put.GetType().FullName
                PutStatus = [int]$put.StatusCode; PutMethod = "$($put.Method)"; PutUri = "$($put.RequestUri)"; PutVersion = "$($put.Version)"
                PutLocation = ($put.Content | ConvertFrom-Json).location
                GetStatus = [int]$get.StatusCode; GetName = ($get.Content | ConvertFrom-Json).name
                HeaderType = $get.Headers.GetType().Name
                NoVersionStatus = [int]$noVersion.StatusCode; NoVersionCode = ($noVersion.Content | ConvertFrom-Json).error.code
                MissingStatus = [int]$missing.StatusCode; MissingCode = ($missing.Content | ConvertFrom-Json).error.code
            }
        }
        $r.Errors | Should -BeNullOrEmpty
        $o = $r.Out[0]
        $o.Type | Should -Be 'Microsoft.Azure.Commands.Profile.Models.PSHttpResponse'
        $o.PutStatus | Should -Be 201
        $o.PutMethod | Should -Be 'PUT'
        $o.PutUri | Should -BeLike "$($Emu.BaseUri)subscriptions/*/resourcegroups/rg1?api-version=2021-04-01"
        $o.PutVersion | Should -Match '^\d\.\d$'
        $o.PutLocation | Should -Be 'westeurope'
        $o.GetStatus | Should -Be 200
        $o.GetName | Should -Be 'rg1'
        $o.HeaderType | Should -Be 'HttpResponseHeaders'
        $o.NoVersionStatus | Should -Be 400
        $o.NoVersionCode | Should -Be 'MissingApiVersionParameter'
        $o.MissingStatus | Should -Be 404
        $o.MissingCode | Should -Be 'ResourceGroupNotFound'
    }

    It 'builds the path from -SubscriptionId, -ResourceGroupName, -ResourceProviderName, -ResourceType, -Name and -ApiVersion' {
        $r = Invoke-Emu -Store $Store -Extra $Seeded['Contoso Prod'].Id -Script {
            param($seed, $sub)
            $null = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups/rg2?api-version=2021-04-01" -Method PUT -Payload '{"location":"westus"}'
            $a = Invoke-AzRestMethod -SubscriptionId $sub -ResourceGroupName 'rg2' -ApiVersion '2021-04-01'
            $b = Invoke-AzRestMethod -SubscriptionId $sub -ResourceGroupName 'rg2' -ResourceProviderName 'Microsoft.Web' -ResourceType 'sites', 'config' -Name 'app1' -ApiVersion '2022-03-01' -Method GET
            [pscustomobject]@{ A = [int]$a.StatusCode; AName = ($a.Content | ConvertFrom-Json).name; B = "$($b.RequestUri)" }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].A | Should -Be 200
        $r.Out[0].AName | Should -Be 'rg2'
        $r.Out[0].B | Should -BeLike "*/subscriptions/$($Seeded['Contoso Prod'].Id)/resourcegroups/rg2/providers/Microsoft.Web/sites/app1/config?api-version=2022-03-01"
    }

    It 'sends -Uri (with -ResourceId) to ARM' {
        $r = Invoke-Emu -Store $Store -Script {
            param($seed)
            $base = (Get-AzEnvironment -Name Emu).ResourceManagerUrl.TrimEnd('/')
            $x = Invoke-AzRestMethod -Uri "$base/tenants?api-version=2022-12-01" -ResourceId 'https://management.core.windows.net/'
            $y = Invoke-AzRestMethod -Uri "$base/tenants?api-version=2022-12-01"
            [pscustomobject]@{ X = [int]$x.StatusCode; Count = @(($x.Content | ConvertFrom-Json).value).Count; Y = [int]$y.StatusCode }
        }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out[0].X | Should -Be 200
        $r.Out[0].Count | Should -Be 2
        $r.Out[0].Y | Should -Be 200
    }

    It 'never sends an access-token account''s ARM token to another host (-Uri outside ARM)' {
        $store = New-TestStore
        $r = Invoke-Emu -Store $store -Extra $Seeded['Contoso Dev'].Id -Script {
            param($seed, $sub)
            $c = [pscredential]::new($seed.ServicePrincipal.AppId, (ConvertTo-SecureString $seed.ServicePrincipal.Secret -AsPlainText -Force))
            $null = Connect-AzAccount -ServicePrincipal -Credential $c -Tenant $seed.HomeTenantId -Environment Emu -Scope Process
            $token = ConvertFrom-SecureString (Get-AzAccessToken).Token -AsPlainText
            $null = Connect-AzAccount -AccessToken $token -AccountId 'tok@contoso.com' -Tenant $seed.HomeTenantId -Subscription $sub -Environment Emu -SkipValidation -Scope Process
            $arm = [uri](Get-AzEnvironment -Name Emu).ResourceManagerUrl
            $ok = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups?api-version=2021-04-01"
            [pscustomobject]@{ Type = (Get-AzContext).Account.Type; Status = [int]$ok.StatusCode }
            # The same server under another name: another origin, so not ARM's.
            Invoke-AzRestMethod -Uri "https://localhost:$($arm.Port)/foreign-probe?api-version=2022-12-01"
        }
        $r.Out[0].Type | Should -Be 'AccessToken'
        $r.Out[0].Status | Should -Be 200
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Message | Should -BeLike "*access-token account 'tok@contoso.com' holds a token for Azure Resource Manager only*"
        @(Get-ArmRequests '/foreign-probe*').Count | Should -Be 0
    }

    Context 'long-running operations (-WaitForCompletion, -PollFrom, -FinalResultFrom)' {
        BeforeAll {
            $Sub = $Seeded['Contoso Dev'].Id
            $Widgets = "/subscriptions/$Sub/resourcegroups/lro/providers/Microsoft.Emu/widgets"
            function Get-Polls([string]$Kind) { @(Get-ArmRequests "/subscriptions/$Sub/providers/Microsoft.Emu/locations/*/$Kind/*") }
        }
        BeforeEach { Set-EmuSettings @{ lroPendingPolls = 2; lroOutcome = 'Succeeded'; lroRetryAfter = 0 } }
        AfterAll { Set-EmuSettings @{ lroPendingPolls = 2; lroOutcome = 'Succeeded'; lroRetryAfter = 0 } }

        It 'PUT: polls Azure-AsyncOperation honouring Retry-After until Succeeded, then returns the GET of the resource' {
            Set-EmuSettings @{ lroRetryAfter = 1 }
            $hash = Get-StoreHash $Store
            $r = Invoke-Emu -Store $Store -Extra $Widgets -Script {
                param($seed, $widgets)
                $token = ConvertFrom-SecureString (Get-AzAccessToken).Token -AsPlainText
                $plain = Invoke-AzRestMethod -Path "$widgets/w0?api-version=2024-01-01" -Method PUT -Payload '{}'
                $items = [System.Collections.Generic.List[object]]::new()
                Invoke-AzRestMethod -Path "$widgets/w1?api-version=2024-01-01" -Method PUT -Payload '{"tags":{"a":"b"}}' -WaitForCompletion -Verbose *>&1 |
                    ForEach-Object { $items.Add($_) }
                $final = @($items | Where-Object { $_ -is [Microsoft.Azure.Commands.Profile.Models.PSHttpResponse] })
                $text = ($items | Out-String) + (@($items | ForEach-Object { "$_" }) -join "`n")
                [pscustomobject]@{
                    PlainStatus = [int]$plain.StatusCode; PlainState = ($plain.Content | ConvertFrom-Json).properties.provisioningState
                    Count = $final.Count; Type = $final[0].GetType().Name; Status = [int]$final[0].StatusCode; Method = "$($final[0].Method)"
                    Uri = "$($final[0].RequestUri)"; State = ($final[0].Content | ConvertFrom-Json).properties.provisioningState
                    Tag = ($final[0].Content | ConvertFrom-Json).tags.a
                    Leaks = $text.Contains($token); Verbose = @($items | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
                }
            }
            $r.Errors | Should -BeNullOrEmpty
            (Get-ArmWarnings $r) | Should -BeNullOrEmpty
            $o = $r.Out[0]
            # Without -WaitForCompletion: the 201 as it came, nothing polled for it.
            $o.PlainStatus | Should -Be 201
            $o.PlainState | Should -Be 'Creating'
            $o.Count | Should -Be 1
            $o.Type | Should -Be 'PSHttpResponse'
            $o.Status | Should -Be 200
            $o.Method | Should -Be 'GET'
            $o.Uri | Should -BeLike "*$Widgets/w1?api-version=2024-01-01"
            $o.State | Should -Be 'Succeeded'
            $o.Tag | Should -Be 'b'
            $o.Leaks | Should -BeFalse
            $o.Verbose -join "`n" | Should -Match 'polling /subscriptions/.*/operationStatuses/.* \(Azure-AsyncOperation\)'
            # Two InProgress answers, then Succeeded: three polls, each after Retry-After (1 s).
            $polls = @(Get-Polls 'operationStatuses')
            $polls.Count | Should -Be 3
            @(Get-Polls 'operationResults').Count | Should -Be 0
            for ($i = 1; $i -lt 3; $i++) {
                (([datetimeoffset]$polls[$i].time) - ([datetimeoffset]$polls[$i - 1].time)).TotalMilliseconds | Should -BeGreaterOrEqual 900
            }
            $puts = @(Get-ArmRequests "$Widgets/w1" | Where-Object method -EQ 'PUT')
            (([datetimeoffset]$polls[0].time) - ([datetimeoffset]$puts[0].time)).TotalMilliseconds | Should -BeGreaterOrEqual 900
            @(Get-ArmRequests "$Widgets/w1" | Where-Object method -EQ 'GET').Count | Should -Be 1
            Get-StoreHash $Store | Should -Be $hash
        }

        It 'POST: polls Azure-AsyncOperation, then returns the GET of Location; -PollFrom Location polls Location alone' {
            $r = Invoke-Emu -Store $Store -Extra $Widgets -Script {
                param($seed, $widgets)
                $null = Invoke-AzRestMethod -Path "$widgets/w2?api-version=2024-01-01" -Method PUT -Payload '{}' -WaitForCompletion
                $null = Invoke-AzRestMethod -Path "/marker?api-version=1"
                $a = Invoke-AzRestMethod -Path "$widgets/w2/restart?api-version=2024-01-01" -Method POST -WaitForCompletion
                $null = Invoke-AzRestMethod -Path "/marker?api-version=1"
                $b = Invoke-AzRestMethod -Path "$widgets/w2/restart?api-version=2024-01-01" -Method POST -WaitForCompletion -PollFrom Location
                $c = Invoke-AzRestMethod -Path "$widgets/w2/restart?api-version=2024-01-01" -Method POST -WaitForCompletion -PollFrom AzureAsyncLocation -FinalResultFrom Azure-AsyncOperation
                foreach ($x in $a, $b, $c) {
                    [pscustomobject]@{ Status = [int]$x.StatusCode; Uri = "$($x.RequestUri)"; Content = $x.Content | ConvertFrom-Json }
                }
            }
            $r.Errors | Should -BeNullOrEmpty
            $a, $b, $c = $r.Out
            $a.Status | Should -Be 200
            $a.Uri | Should -BeLike '*/operationResults/*'
            $a.Content.restarted | Should -BeTrue
            $a.Content.restartCount | Should -Be 1
            $b.Status | Should -Be 200
            $b.Uri | Should -BeLike '*/operationResults/*'
            $b.Content.restartCount | Should -Be 2
            # -FinalResultFrom Azure-AsyncOperation: the status monitor's own answer is the result.
            $c.Status | Should -Be 200
            $c.Uri | Should -BeLike '*/operationStatuses/*'
            $c.Content.status | Should -Be 'Succeeded'
            $log = @(Get-EmuRequests)
            $markers = @(for ($i = 0; $i -lt $log.Count; $i++) { if ($log[$i].path -eq '/marker') { $i } })
            $markers.Count | Should -Be 2
            $first = $log[$markers[0]..$markers[1]]
            @($first | Where-Object path -Like '*/operationStatuses/*').Count | Should -Be 3
            @($first | Where-Object path -Like '*/operationResults/*').Count | Should -Be 1
            $second = $log[$markers[1]..($log.Count - 1)]
            # b: three polls of Location alone (the last one is the result); c: three status polls and the
            # final GET of the status monitor, no Location.
            @($second | Where-Object path -Like '*/operationResults/*').Count | Should -Be 3
            @($second | Where-Object path -Like '*/operationStatuses/*').Count | Should -Be 4
        }

        It 'DELETE: polls Location until it answers 204 and returns that answer' {
            $r = Invoke-Emu -Store $Store -Extra $Widgets -Script {
                param($seed, $widgets)
                $null = Invoke-AzRestMethod -Path "$widgets/w3?api-version=2024-01-01" -Method PUT -Payload '{}' -WaitForCompletion
                $d = Invoke-AzRestMethod -Path "$widgets/w3?api-version=2024-01-01" -Method DELETE -WaitForCompletion
                $g = Invoke-AzRestMethod -Path "$widgets/w3?api-version=2024-01-01"
                [pscustomobject]@{ Status = [int]$d.StatusCode; Uri = "$($d.RequestUri)"; After = [int]$g.StatusCode }
            }
            $r.Errors | Should -BeNullOrEmpty
            $r.Out[0].Status | Should -Be 204
            $r.Out[0].Uri | Should -BeLike '*/operationResults/*'
            $r.Out[0].After | Should -Be 404
            @(Get-Polls 'operationResults').Count | Should -Be 3
        }

        It 'a Failed operation is an error with its code and message, the failed answer as its target; no output' {
            Set-EmuSettings @{ lroOutcome = 'Failed'; lroPendingPolls = 1 }
            $hash = Get-StoreHash $Store
            $r = Invoke-Emu -Store $Store -Extra $Widgets -Script {
                param($seed, $widgets)
                try {
                    Invoke-AzRestMethod -Path "$widgets/w4?api-version=2024-01-01" -Method PUT -Payload '{}' -WaitForCompletion -ErrorAction Stop
                } catch {
                    [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message
                        TargetStatus = [int]$_.TargetObject.StatusCode; TargetState = ($_.TargetObject.Content | ConvertFrom-Json).status }
                }
                $null = Invoke-AzRestMethod -Path "$widgets/w4?api-version=2024-01-01" -Method PUT -Payload '{}'
                Invoke-AzRestMethod -Path "$widgets/w4/restart?api-version=2024-01-01" -Method POST -WaitForCompletion -PollFrom Location
            }
            $r.Out.Count | Should -Be 1
            $o = $r.Out[0]
            $o.Id | Should -BeLike 'LongRunningOperationFailed,*'
            $o.Category | Should -Be 'InvalidResult'
            $o.Message | Should -Be 'Azure Service operation failed: the operation''s status is Failed: WidgetOperationFailed - The put of the widget failed: the emulator was told to fail it.'
            $o.TargetStatus | Should -Be 200
            $o.TargetState | Should -Be 'Failed'
            # Polled by Location, a failed operation is ARM's error status there.
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].Id | Should -BeLike 'LongRunningOperationFailed,*'
            $r.Errors[0].Message | Should -Match 'answered with 400: WidgetOperationFailed - The post of the widget failed'
            @(Get-Polls 'operationStatuses').Count | Should -Be 2
            @(Get-Polls 'operationResults').Count | Should -Be 2
            Get-StoreHash $Store | Should -Be $hash
        }

        It 'warns as Az when the answer is not a long-running operation, and fails when -PollFrom names a header the answer lacks' {
            $r = Invoke-Emu -Store $Store -Extra $Widgets -Script {
                param($seed, $widgets)
                $g = Invoke-AzRestMethod -Path "/subscriptions?api-version=2022-12-01" -WaitForCompletion
                [pscustomobject]@{ Status = [int]$g.StatusCode }
                Invoke-AzRestMethod -Path "$widgets/w5?api-version=2024-01-01" -Method PUT -Payload '{}' -WaitForCompletion -PollFrom Location
            }
            $r.Out.Count | Should -Be 1
            $r.Out[0].Status | Should -Be 200
            Get-ArmWarnings $r | Should -Be 'The -WaitForCompletion flag was specified, but the request does not appear to be a long-running operation.'
            $r.Errors.Count | Should -Be 1
            $r.Errors[0].Id | Should -BeLike 'LongRunningOperationHeaderMissing,*'
            $r.Errors[0].Message | Should -Be 'Polling header `Location` is not present in the response.'
            @(Get-Polls 'operationStatuses').Count | Should -Be 0
        }

        It '-AsJob returns an AzureLongRunningJob at once that waits with the context of the call, not one selected later' {
            Set-EmuSettings @{ lroRetryAfter = 1 }
            $r = Invoke-Emu -Store $Store -Extra @($Seeded['Contoso Dev'].Id, $Seeded['Contoso Prod'].Id) -Script {
                param($seed, $subs)
                $dev, $prod = $subs
                $null = Set-AzContext -Subscription $dev
                $sw = [System.Diagnostics.Stopwatch]::StartNew()
                $job = Invoke-AzRestMethod -ResourceGroupName lro -ResourceProviderName Microsoft.Emu -ResourceType widgets -Name w8 -ApiVersion 2024-01-01 -Method PUT -Payload '{}' -WaitForCompletion -AsJob
                $returned = $sw.ElapsedMilliseconds
                $stateAtReturn = "$($job.State)"
                # Selected after the job started: the job keeps the context it was given.
                $null = Set-AzContext -Subscription $prod
                $out = @($job | Receive-Job -Wait)
                [pscustomobject]@{
                    Type = $job.GetType().Name; JobType = $job.PSJobTypeName; Name = $job.Name; Command = $job.Command
                    Returned = $returned; StateAtReturn = $stateAtReturn; State = "$($job.State)"
                    Count = $out.Count; OutType = $out[0].GetType().Name; Status = [int]$out[0].StatusCode; Uri = "$($out[0].RequestUri)"
                    ProvisioningState = ($out[0].Content | ConvertFrom-Json).properties.provisioningState
                    InJobs = @(Get-Job | Where-Object Id -EQ $job.Id).Count
                }
            }
            $r.Errors | Should -BeNullOrEmpty
            $o = $r.Out[0]
            $o.Type | Should -Be 'AzureLongRunningJob'
            $o.JobType | Should -Be 'AzureLongRunningJob'
            $o.Name | Should -Be "Long Running Operation for 'Invoke-AzRestMethod'"
            $o.Command | Should -BeLike '*Invoke-AzRestMethod -ResourceGroupName lro *'
            $o.Returned | Should -BeLessThan 1500
            $o.StateAtReturn | Should -Be 'Running'
            $o.State | Should -Be 'Completed'
            $o.InJobs | Should -Be 1
            $o.Count | Should -Be 1
            $o.OutType | Should -Be 'PSHttpResponse'
            $o.Status | Should -Be 200
            $o.ProvisioningState | Should -Be 'Succeeded'
            $o.Uri | Should -BeLike "*/subscriptions/$($Seeded['Contoso Dev'].Id)/resourcegroups/lro/providers/Microsoft.Emu/widgets/w8?api-version=2024-01-01"
            @(Get-Polls 'operationStatuses').Count | Should -Be 3
        }

        It '-AsJob: a failed operation fails the job with the error; Stop-Job stops a waiting job; -WhatIf starts none' {
            Set-EmuSettings @{ lroOutcome = 'Failed'; lroPendingPolls = 0 }
            $r = Invoke-Emu -Store $Store -Extra $Widgets -Script {
                param($seed, $widgets)
                $failed = Invoke-AzRestMethod -Path "$widgets/w9?api-version=2024-01-01" -Method PUT -Payload '{}' -WaitForCompletion -AsJob
                $null = Wait-Job $failed -Timeout 60
                $out = @($failed | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable jobErr)
                [pscustomobject]@{ State = "$($failed.State)"; Out = $out.Count; Id = "$($jobErr[0].FullyQualifiedErrorId)"; Message = "$($jobErr[0].Exception.Message)" }
                $whatIf = @(Invoke-AzRestMethod -Path "$widgets/w10?api-version=2024-01-01" -Method PUT -Payload '{}' -AsJob -WhatIf)
                [pscustomobject]@{ WhatIfOut = $whatIf.Count; Jobs = @(Get-Job).Count }
            }
            $r.Errors | Should -BeNullOrEmpty
            $r.Out[0].State | Should -Be 'Failed'
            $r.Out[0].Out | Should -Be 0
            $r.Out[0].Id | Should -BeLike 'LongRunningOperationFailed*'
            $r.Out[0].Message | Should -Match 'WidgetOperationFailed'
            $r.Out[1].WhatIfOut | Should -Be 0
            $r.Out[1].Jobs | Should -Be 1
            @(Get-ArmRequests "$Widgets/w10").Count | Should -Be 0
            @(Get-Polls 'operationStatuses').Count | Should -Be 1

            Clear-EmuRequests
            Set-EmuSettings @{ lroOutcome = 'Succeeded'; lroPendingPolls = 2; lroRetryAfter = 120 }
            $r = Invoke-Emu -Store $Store -Extra $Widgets -Script {
                param($seed, $widgets)
                $job = Invoke-AzRestMethod -Path "$widgets/w11?api-version=2024-01-01" -Method PUT -Payload '{}' -WaitForCompletion -AsJob
                for ($i = 0; $i -lt 300 -and [int](Invoke-AzRestMethod -Path "$widgets/w11?api-version=2024-01-01").StatusCode -ne 200; $i++) { Start-Sleep -Milliseconds 100 }
                Start-Sleep -Milliseconds 500
                $sw = [System.Diagnostics.Stopwatch]::StartNew()
                Stop-Job $job
                [pscustomobject]@{ Ms = $sw.ElapsedMilliseconds; State = "$($job.State)"; Out = @($job | Receive-Job).Count }
            }
            $r.Errors | Should -BeNullOrEmpty
            $r.Out[0].State | Should -Be 'Stopped'
            $r.Out[0].Ms | Should -BeLessThan 5000
            $r.Out[0].Out | Should -Be 0
            @(Get-ArmRequests "$Widgets/w11" | Where-Object method -EQ 'PUT').Count | Should -Be 1
            @(Get-Polls 'operationStatuses').Count | Should -Be 0
        }

        It 'stops waiting at once when the pipeline is stopped (Ctrl+C)' {
            Set-EmuSettings @{ lroRetryAfter = 120 }
            $r = Invoke-Emu -Store $Store -Extra $Widgets -Script {
                param($seed, $widgets)
                $ps = [powershell]::Create()
                $null = $ps.AddScript("Import-Module AzContext; Invoke-AzRestMethod -Path '$widgets/w6?api-version=2024-01-01' -Method PUT -Payload '{}' -WaitForCompletion")
                $h = $ps.BeginInvoke()
                for ($i = 0; $i -lt 300 -and $ps.InvocationStateInfo.State -eq 'Running' -and [int](Invoke-AzRestMethod -Path "$widgets/w6?api-version=2024-01-01").StatusCode -ne 200; $i++) { Start-Sleep -Milliseconds 100 }
                Start-Sleep -Milliseconds 500
                $sw = [System.Diagnostics.Stopwatch]::StartNew()
                $ps.Stop()
                [pscustomobject]@{ Ms = $sw.ElapsedMilliseconds; State = "$($ps.InvocationStateInfo.State)" }
            }
            $r.Errors | Should -BeNullOrEmpty
            $r.Out[0].State | Should -Be 'Stopped'
            $r.Out[0].Ms | Should -BeLessThan 5000
            @(Get-ArmRequests "$Widgets/w6" | Where-Object method -EQ 'PUT').Count | Should -Be 1
            @(Get-Polls 'operationStatuses').Count | Should -Be 0
        }
    }

    Context 'paging (-FollowNextLink, -NextLinkName, -PageableItemName, -MaxPageSize)' {
        BeforeAll {
            $Sub = $Seeded['Contoso Dev'].Id
            $Gadgets = "/subscriptions/$Sub/providers/Microsoft.Emu/gadgets"
            # The error of a call, as the tests compare it.
            $CatchScript = 'param($call) try { & $call; ''not thrown'' } catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message } }'
        }

        It 'follows nextLink (any parameter set, its alias -Paginate too) and returns one answer: every page''s items, no nextLink' {
            $r = Invoke-Emu -Store $Store -Extra @($Sub, $Gadgets) -Script {
                param($seed, $extra)
                $sub, $gadgets = $extra
                $base = (Get-AzEnvironment -Name Emu).ResourceManagerUrl.TrimEnd('/')
                $one = Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01"
                $all = Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01" -FollowNextLink
                $byParameters = Invoke-AzRestMethod -SubscriptionId $sub -ResourceProviderName Microsoft.Emu -ResourceType gadgets -ApiVersion 2024-01-01 -FollowNextLink
                $byUri = Invoke-AzRestMethod -Uri "$base$gadgets`?api-version=2024-01-01&`$top=2" -Paginate
                # -AutoRemoveJob takes the finished job out of the session's jobs, as for Az's jobs.
                $job = Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01" -FollowNextLink -AsJob | Receive-Job -Wait -AutoRemoveJob -ErrorVariable jobErr
                $jobsLeft = @(Get-Job).Count
                $c = $all.Content | ConvertFrom-Json
                [pscustomobject]@{
                    OneCount = @(($one.Content | ConvertFrom-Json).value).Count; OneNext = [bool](($one.Content | ConvertFrom-Json).nextLink)
                    Type = $all.GetType().Name; Status = [int]$all.StatusCode; Uri = "$($all.RequestUri)"
                    Names = @($c.value.name) -join ','; Properties = @($c.PSObject.Properties.Name) -join ','
                    ByParameters = @(($byParameters.Content | ConvertFrom-Json).value).Count
                    ByUri = @(($byUri.Content | ConvertFrom-Json).value).Count
                    Job = @(($job.Content | ConvertFrom-Json).value).Count; JobErrors = $jobErr.Count; JobsLeft = $jobsLeft
                }
            }
            $r.Errors | Should -BeNullOrEmpty
            Get-ArmWarnings $r | Should -BeNullOrEmpty
            $o = $r.Out[0]
            $o.OneCount | Should -Be 3
            $o.OneNext | Should -BeTrue
            $o.Type | Should -Be 'PSHttpResponse'
            $o.Status | Should -Be 200
            $o.Uri | Should -Be "$($Emu.BaseUri)$($Gadgets.TrimStart('/'))?api-version=2024-01-01"
            $o.Names | Should -Be 'gadget-0,gadget-1,gadget-2,gadget-3,gadget-4,gadget-5,gadget-6'
            $o.Properties | Should -Be 'value'
            $o.ByParameters | Should -Be 7
            $o.ByUri | Should -Be 7
            $o.Job | Should -Be 7
            $o.JobErrors | Should -Be 0
            $o.JobsLeft | Should -Be 0
            # One page without -FollowNextLink; 3 pages each with it (4 with $top=2).
            @(Get-ArmRequests $Gadgets).Count | Should -Be (1 + 3 + 3 + 4 + 3)
        }

        It 'reads another shape with -NextLinkName and -PageableItemName: an empty last page adds nothing, the first page''s other properties stay' {
            $r = Invoke-Emu -Store $Store -Extra $Gadgets -Script {
                param($seed, $gadgets)
                $odata = "$gadgets`?api-version=2024-01-01&shape=odata&emptyLast=true"
                $a = Invoke-AzRestMethod -Path $odata -FollowNextLink -NextLinkName '@odata.nextLink' -PageableItemName items
                $b = Invoke-AzRestMethod -Path $odata -FollowNextLink
                $c = Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01&emptyLast=true&`$top=7" -FollowNextLink
                $ac = $a.Content | ConvertFrom-Json
                [pscustomobject]@{
                    Count = @($ac.items).Count; Context = $ac.'@odata.context'; Properties = @($ac.PSObject.Properties.Name) -join ','
                    Unchanged = ($b.Content | ConvertFrom-Json).'@odata.nextLink' -like '*skiptoken=3'; BCount = @(($b.Content | ConvertFrom-Json).items).Count
                    EmptyLast = @(($c.Content | ConvertFrom-Json).value).Count
                }
            }
            $r.Errors | Should -BeNullOrEmpty
            $o = $r.Out[0]
            $o.Count | Should -Be 7
            $o.Context | Should -Be 'https://emu/$metadata#gadgets'
            $o.Properties | Should -Be '@odata.context,items'
            # Without the names there is no next link to follow: the answer is returned as it is.
            $o.Unchanged | Should -BeTrue
            $o.BCount | Should -Be 3
            $o.EmptyLast | Should -Be 7
            @(Get-ArmRequests $Gadgets).Count | Should -Be (4 + 1 + 2)
        }

        It '-MaxPageSize caps the pages read, the first included, keeping the link of the first page not read; bad values are refused' {
            $r = Invoke-Emu -Store $Store -Extra @($Gadgets, $CatchScript) -Script {
                param($seed, $extra)
                $gadgets, $catchText = $extra
                $catch = [scriptblock]::Create($catchText)
                $two = Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01" -FollowNextLink -MaxPageSize 2
                $one = Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01" -FollowNextLink -MaxPageSize 1
                $c2 = $two.Content | ConvertFrom-Json
                [pscustomobject]@{ Count = @($c2.value).Count; Next = $c2.nextLink; OneCount = @(($one.Content | ConvertFrom-Json).value).Count }
                & $catch { Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01" -FollowNextLink -MaxPageSize 0 }
                & $catch { Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01" -FollowNextLink -NextLinkName '' }
                & $catch { Invoke-AzRestMethod -Path "$gadgets`?api-version=2024-01-01" -FollowNextLink -NextLinkName value }
            }
            $r.Errors | Should -BeNullOrEmpty
            $r.Out.Count | Should -Be 4
            $r.Out[0].Count | Should -Be 6
            $r.Out[0].Next | Should -Be "$($Emu.BaseUri)$($Gadgets.TrimStart('/'))?api-version=2024-01-01&%24skiptoken=6"
            $r.Out[0].OneCount | Should -Be 3
            $r.Out[1].Id | Should -BeLike 'ParameterArgumentValidationError,*'
            $r.Out[1].Message | Should -BeLike "*'MaxPageSize'*less than the minimum allowed range of 1*"
            $r.Out[2].Id | Should -BeLike 'ParameterArgumentValidationError,*'
            $r.Out[2].Message | Should -BeLike "*'NextLinkName'*"
            $r.Out[3].Id | Should -BeLike 'InvalidPagingNames,*'
            $r.Out[3].Message | Should -Be "-NextLinkName and -PageableItemName both name 'value': a page's next link and its items are two properties."
            # 2 pages, then 1; the refused calls sent nothing.
            @(Get-ArmRequests $Gadgets).Count | Should -Be 3
        }

        It 'warns as Az for a method other than GET and sends it once; a single resource or an error status is returned as it is' {
            $r = Invoke-Emu -Store $Store -Extra $Sub -Script {
                param($seed, $sub)
                $put = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups/paged?api-version=2021-04-01" -Method PUT -Payload '{"location":"westeurope"}' -FollowNextLink
                $get = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups/paged?api-version=2021-04-01" -FollowNextLink
                $missing = Invoke-AzRestMethod -Path "/subscriptions/$sub/resourcegroups/nope?api-version=2021-04-01" -FollowNextLink
                [pscustomobject]@{ Put = [int]$put.StatusCode; Get = [int]$get.StatusCode; GetContent = $get.Content; Missing = [int]$missing.StatusCode }
            }
            $r.Errors | Should -BeNullOrEmpty
            Get-ArmWarnings $r | Should -Be 'The FollowNextLink switch is set, but the Method is not GET. Pagination will not be applied.'
            $r.Out[0].Put | Should -Be 201
            $r.Out[0].Get | Should -Be 200
            ($r.Out[0].GetContent | ConvertFrom-Json).name | Should -Be 'paged'
            $r.Out[0].Missing | Should -Be 404
            @(Get-ArmRequests "/subscriptions/$Sub/resourcegroups/paged" | Where-Object method -EQ 'PUT').Count | Should -Be 1
        }

        It 'a page that fails, is not JSON, has no list or loops is the error a failing request gives, and nothing is returned' {
            $base = $Emu.BaseUri.TrimEnd('/')
            Add-EmuFailure @{ pathPrefix = '/pages-a'; status = 200; count = 4; body = (@{ value = @(@{ name = 'a' }); nextLink = "$base/pages-b?api-version=1" } | ConvertTo-Json -Compress) }
            Add-EmuFailure @{ pathPrefix = '/pages-b'; status = 403; count = 1 }
            Add-EmuFailure @{ pathPrefix = '/pages-b'; status = 200; count = 1; body = 'malformed' }
            Add-EmuFailure @{ pathPrefix = '/pages-b'; status = 200; count = 1; body = '{"items":[]}' }
            Add-EmuFailure @{ pathPrefix = '/pages-b'; status = 200; count = 1; body = (@{ value = @(); nextLink = "$base/pages-a?api-version=1" } | ConvertTo-Json -Compress) }
            $r = Invoke-Emu -Store $Store -Extra $CatchScript -Script {
                param($seed, $catchText)
                $catch = [scriptblock]::Create($catchText)
                1..4 | ForEach-Object { & $catch { Invoke-AzRestMethod -Path '/pages-a?api-version=1' -FollowNextLink } }
            }
            $r.Errors | Should -BeNullOrEmpty
            $r.Out.Count | Should -Be 4
            $r.Out[0].Id | Should -BeLike 'ArmRequestFailed,*'
            $r.Out[0].Category | Should -Be 'PermissionDenied'
            $r.Out[0].Message | Should -BeLike 'ARM answered GET /pages-b?api-version=1 with 403 (Forbidden): AuthorizationFailed - *'
            $r.Out[1].Id | Should -BeLike 'ArmInvalidResponse,*'
            $r.Out[1].Message | Should -BeLike 'ARM''s answer to GET /pages-b?api-version=1 is not valid JSON*'
            $r.Out[2].Id | Should -BeLike 'ArmInvalidResponse,*'
            $r.Out[2].Message | Should -Be 'ARM''s answer to GET /pages-b?api-version=1 has no ''value'' list.'
            $r.Out[3].Id | Should -BeLike 'ArmInvalidResponse,*'
            $r.Out[3].Message | Should -Be 'ARM''s list at ''/pages-a?api-version=1'' sent a nextLink it had already sent (''/pages-a?api-version=1''); the list was not read.'
            @(Get-ArmRequests '/pages-a').Count | Should -Be 4
            @(Get-ArmRequests '/pages-b').Count | Should -Be 4
        }

        It 'never follows a next link to another host (no token is sent there): the error names the link''s host' {
            $port = ([uri]$Emu.BaseUri).Port
            Add-EmuFailure @{ pathPrefix = '/pages-c'; status = 200; count = 1; body = (@{ value = @(@{ name = 'c' }); nextLink = "https://localhost:$port/foreign-page?api-version=1" } | ConvertTo-Json -Compress) }
            $r = Invoke-Emu -Store $Store -Extra $CatchScript -Script {
                param($seed, $catchText)
                & ([scriptblock]::Create($catchText)) { Invoke-AzRestMethod -Path '/pages-c?api-version=1' -FollowNextLink }
            }
            $r.Errors | Should -BeNullOrEmpty
            $r.Out[0].Id | Should -BeLike 'ArmInvalidResponse,*'
            $r.Out[0].Category | Should -Be 'SecurityError'
            $r.Out[0].Message | Should -Be "ARM's list at '/pages-c?api-version=1' sent a nextLink to https://localhost:$port, outside https://127.0.0.1:$port; it was not followed (no token is sent there)."
            @(Get-ArmRequests '/foreign-page*').Count | Should -Be 0
        }
    }
}

Describe 'ARM failures' {
    BeforeAll { $Store = New-UserStore }
    BeforeEach { Clear-EmuFailures; Clear-EmuRequests }
    AfterEach { Clear-EmuFailures }

    It 'retries 429 honouring Retry-After, and then succeeds' {
        Add-EmuFailure @{ pathPrefix = '/subscriptions'; status = 429; count = 2; retryAfter = '1' }
        $r = Invoke-Emu -Store $Store -Script { @(Get-AzSubscription -TenantId $args[0].HomeTenantId).Count }
        $r.Errors | Should -BeNullOrEmpty
        $r.Out | Should -Be 3
        $subs = Get-ArmRequests '/subscriptions'
        $subs.Count | Should -Be 3
        @($subs | Where-Object injected).Count | Should -Be 2
        # Retry-After: 1 was waited for between attempts.
        (([datetimeoffset]$subs[1].time) - ([datetimeoffset]$subs[0].time)).TotalMilliseconds | Should -BeGreaterOrEqual 900
    }

    It 'retries a 500 three times (Az''s default), then fails naming the status and ARM''s code, storing nothing' {
        Add-EmuFailure @{ pathPrefix = '/subscriptions'; status = 500; count = 10; retryAfter = '0' }
        $hash = Get-StoreHash $Store
        $r = Invoke-Emu -Store $Store -Script { Set-AzContext -Subscription 'Not Stored Anywhere' }
        $r.Out | Should -BeNullOrEmpty
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Id | Should -BeLike 'ArmRequestFailed,*'
        $r.Errors[0].Message | Should -Match '500 \(InternalServerError\): InternalServerError - Encountered internal server error'
        (Get-ArmRequests '/subscriptions').Count | Should -Be 4
        Get-StoreHash $Store | Should -Be $hash
    }

    It 'never retries a <Status>, and fails with ARM''s code and message' -ForEach @(
        @{ Status = 401; Code = 'InvalidAuthenticationToken'; Category = 'AuthenticationError' }
        @{ Status = 403; Code = 'AuthorizationFailed'; Category = 'PermissionDenied' }
    ) {
        Add-EmuFailure @{ pathPrefix = '/tenants'; status = $Status; count = 10 }
        $hash = Get-StoreHash $Store
        $r = Invoke-Emu -Store $Store -Script { Get-AzTenant }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Category | Should -Be $Category
        $r.Errors[0].Message | Should -Match "ARM answered GET /tenants\?api-version=2022-12-01 with $Status \(\w+\): $Code - "
        (Get-ArmRequests '/tenants').Count | Should -Be 1
        Get-StoreHash $Store | Should -Be $hash
    }

    It 'reports a malformed answer clearly, storing nothing' {
        Add-EmuFailure @{ pathPrefix = '/subscriptions'; status = 200; count = 10; body = 'malformed' }
        $hash = Get-StoreHash $Store
        $r = Invoke-Emu -Store $Store -Script { Set-AzContext -Subscription 'Not Stored Anywhere' }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Id | Should -BeLike 'ArmInvalidResponse,*'
        $r.Errors[0].Message | Should -BeLike 'ARM''s answer to GET /subscriptions`?api-version=2022-12-01 is not valid JSON*'
        Get-StoreHash $Store | Should -Be $hash
    }

    It 'refuses an answer over 64 MiB without reading it all' {
        Add-EmuFailure @{ pathPrefix = '/tenants'; status = 200; count = 1; body = 'huge'; size = 65 * 1024 * 1024 }
        $r = Invoke-Emu -Store $Store -Script { Get-AzTenant }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Id | Should -BeLike 'ArmInvalidResponse,*'
        $r.Errors[0].Message | Should -Match 'larger than 64 MiB'
    }

    It 'stops at a nextLink it has already followed' {
        $loop = "$($Emu.BaseUri)subscriptions?api-version=2022-12-01&%24skiptoken=0"
        Add-EmuFailure @{ pathPrefix = '/subscriptions'; status = 200; count = 10; body = (@{ value = @(); nextLink = $loop } | ConvertTo-Json -Compress) }
        $r = Invoke-Emu -Store $Store -Script { Get-AzSubscription -TenantId $args[0].HomeTenantId }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].Message | Should -Match 'sent a nextLink it had already sent'
        (Get-ArmRequests '/subscriptions').Count | Should -Be 2
    }

    It 'keeps the token out of every message, verbose text included' {
        Add-EmuFailure @{ pathPrefix = '/tenants'; status = 401; count = 1 }
        $r = Invoke-Emu -Store $Store -Script {
            $token = ConvertFrom-SecureString (Get-AzAccessToken).Token -AsPlainText
            $items = [System.Collections.Generic.List[object]]::new()
            try { Get-AzTenant -Verbose *>&1 | ForEach-Object { $items.Add($_) } } catch { $items.Add($_) }
            $text = ($items | Out-String) + (@($items | ForEach-Object { "$_" }) -join "`n")
            [pscustomobject]@{ Leaks = $text.Contains($token); HasText = $text.Length -gt 0 }
        }
        $r.Out[0].HasText | Should -BeTrue
        $r.Out[0].Leaks | Should -BeFalse
    }
}

# Help text for Get-AzTenant (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Gets the tenants of the current account, from Azure Resource Manager.'
    Description = 'Get-AzTenant asks Azure Resource Manager (GET /tenants, every page) with the current context''s account (or -DefaultProfile''s) for the tenants it belongs to, as Az''s PSAzureTenant (Id, Name, TenantCategory, Country, CountryCode, Domains, DefaultDomain, TenantType). -TenantId picks one by id or domain; as in Az, one the account does not belong to gives no output. Nothing is stored. Failures are retried and reported as for Get-AzSubscription.'
    Parameters = @{
        TenantId = 'The id or a domain of the tenant to get (aliases -Domain, -Tenant).'
        DefaultProfile = 'A context or profile whose account to use instead of the current context (aliases -AzContext, -AzureRmContext, -AzureCredential).'
    }
    Examples = @(
        @{ Code = 'Get-AzTenant'; Remarks = 'Every tenant of the current account.' }
        @{ Code = 'Get-AzTenant -TenantId contoso.onmicrosoft.com | Get-AzSubscription'; Remarks = 'The subscriptions of one tenant.' }
    )
}

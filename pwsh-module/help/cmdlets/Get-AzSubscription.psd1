# Help text for Get-AzSubscription (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Gets the subscriptions the current account can use, from Azure Resource Manager.'
    Description = 'Get-AzSubscription asks Azure Resource Manager (GET /subscriptions, every page) with the current context''s account (or -DefaultProfile''s) for its subscriptions: in every tenant of the account (GET /tenants), the context''s tenant first, or in -TenantId only. A tenant whose token cannot be had silently (it needs multi-factor authentication or consent) is Az''s warning "Unable to acquire token for tenant ..." and is skipped. -SubscriptionId and -SubscriptionName (any case) pick one; one that is not found is Az''s error "Subscription X was not found in tenant T. Please verify that the subscription exists in this tenant.". The output is Az''s PSAzureSubscription (Name, Id, TenantId, State, HomeTenantId, ManagedByTenantIds, SubscriptionPolicies, AuthorizationSource, Tags) and pipes into Set-AzContext. Nothing is stored. Throttling (429) and server errors (408, 500, 502, 503, 504) are retried as Az retries them (3 times, honouring Retry-After; AZURE_PS_HTTP_MAX_RETRIES and AZURE_PS_HTTP_MAX_RETRIES_FOR_429 change the count); any other failure is an error naming the status and ARM''s code and message.'
    Parameters = @{
        SubscriptionId = 'The id of the subscription to get.'
        SubscriptionName = 'The name of the subscription to get (ignoring case).'
        TenantId = 'The tenant (an id or one of its domains) to list from; by default every tenant of the account.'
        DefaultProfile = 'A context or profile whose account to use instead of the current context (aliases -AzContext, -AzureRmContext, -AzureCredential).'
    }
    Examples = @(
        @{ Code = 'Get-AzSubscription'; Remarks = 'Every subscription of every tenant of the current account.' }
        @{ Code = 'Get-AzSubscription -SubscriptionName ''MySubscriptionName'' | Set-AzContext -Name ''MyContextName'''; Remarks = 'Stores a context for that subscription under the name MyContextName and makes it the current one.' }
        @{ Code = 'Get-AzSubscription -TenantId contoso.onmicrosoft.com'; Remarks = 'The subscriptions of one tenant, named by a domain.' }
    )
}

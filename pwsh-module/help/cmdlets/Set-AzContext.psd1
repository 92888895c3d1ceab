# Help text for Set-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Stores an Azure context and makes it the current (default) one. Alias: Select-AzSubscription.'
    Description = @'
Set-AzContext makes a context the default for the Azure cmdlets that follow, creating it when needed.

With -Context (positional, or piped from Get-AzContext) it takes the account, tenant, subscription and environment of the given context. Without -Name it reuses the name of a stored context with the same identity (same account ignoring case, same tenant, same subscription), or stores it under Az's generated name "<subscription name> (<subscription id>) - <tenant id> - <account id>". With -Name it stores it under that name; an existing context of that name is replaced only after you confirm ("Are you sure you want to replace existing context '<name>'?"), or at once with -Force. The name Default is reserved.

With -Subscription (id or name; aliases -SubscriptionId, -SubscriptionName), -Tenant (id or domain; aliases -Domain, -TenantId), -SubscriptionObject or -TenantObject, AzContext looks at stored data first: the subscription and tenant are looked up among the contexts already stored locally (contexts of the current account first, then a subscription seen through its home tenant, then the first context name in ordinal order), and the current account is used; a stored subscription never calls Azure Resource Manager. What is not stored is resolved online with the current account: a subscription object is used as it is (Get-AzSubscription output), and a subscription id or name, or a tenant id or domain, is looked up through Azure Resource Manager in the given tenant or in every tenant of the account (a tenant alone selects its first Enabled subscription). The resulting context is stored as any other. It needs a signed-in current context. When nothing matches (also when the current account has no sign-in to ask with, or is an access-token account), the error is Az's "Please provide a valid tenant or a valid subscription." (error id InvalidSubscriptionOrTenant); a name that several subscriptions share is an error (AmbiguousSubscription) asking for the id or -Tenant, and an ARM failure is an error naming the status and ARM's code and message. Nothing stored changes on any failure.

-ExtendedProperty sets each entry on the resulting context; each entry is confirmed on its own with -Confirm. A subscription whose state is not Enabled gives the warning "Selected subscription is in '<state>' state. ". The resulting context is written to the pipeline.
'@
    Parameters = @{
        Context = 'The context to store and make the default, such as the output of Get-AzContext. Only its account, tenant, subscription and environment are used. Accepts pipeline input by value.'
        TenantObject = 'A tenant object (Get-AzTenant output). Its Id is looked up among the stored contexts, then through Azure Resource Manager. Accepts pipeline input by value.'
        SubscriptionObject = 'A subscription object (Get-AzSubscription output). Its Id (or Name) and TenantId are looked up among the stored contexts; one not stored is used as it is. Accepts pipeline input by value.'
        Subscription = 'The Id or name (ignoring case) of a subscription: stored in a local context, else found through Azure Resource Manager. Aliases: SubscriptionId, SubscriptionName.'
        Tenant = 'The Id or domain of a tenant: stored in a local context, else one of the current account''s tenants. With -Subscription it narrows the look-up; alone it selects that tenant. Aliases: Domain, TenantId.'
        Name = 'The name to store the context under. An existing context of that name is replaced after confirmation, or at once with -Force. Press Tab to complete stored names.'
        ExtendedProperty = 'A hashtable of properties to set on the context''s ExtendedProperties, e.g. @{ ''Default Resource Group'' = ''rg1'' }.'
        Force = 'Replaces an existing context named -Name without asking. It does not suppress -Confirm.'
        Scope = 'Process changes this session only; CurrentUser also changes the store on disk (~/.Azure, or $env:AZCONTEXT_DIR). Without it, the autosave setting decides.'
        DefaultProfile = 'A context or profile to act on instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Only that copy changes; nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Set-AzContext -Context $(Get-AzContext -Name "mycontext")'; Remarks = 'Makes the stored context "mycontext" the default.' }
        @{ Code = 'Get-AzContext -Name "mycontext" | Set-AzContext -Name "work" -Force'; Remarks = 'Stores a copy of "mycontext" as "work", replacing any context of that name, and makes it the default.' }
        @{ Code = 'Set-AzContext -Subscription "Contoso Prod" -Tenant "c0ffee00-1234-4abc-9def-000000000042"'; Remarks = 'Switches to a subscription, known from a stored context or found through Azure Resource Manager.' }
        @{ Code = 'Get-AzSubscription -SubscriptionName ''MySubscriptionName'' | Set-AzContext -Name ''MyContextName'''; Remarks = 'Stores a context for a subscription found online, under the name MyContextName.' }
        @{ Code = 'Set-AzContext -Context $ctx -ExtendedProperty @{ ''Default Resource Group'' = ''rg1'' }'; Remarks = 'Sets the context and an extended property on it.' }
    )
}

# Help text for Invoke-AzRestMethod (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Sends an HTTP request to Azure Resource Manager (or another Azure endpoint) with the current context''s token.'
    Description = 'Invoke-AzRestMethod sends one request with a bearer token of the current context''s account (or -DefaultProfile''s) and returns Az''s PSHttpResponse (StatusCode, Headers, Version, Method, RequestUri, Content) whatever its status: an error status such as 404 is returned, not thrown, as in Az, and a path without api-version gets ARM''s own 400. The target is -Path (under the environment''s ResourceManagerUrl; -ApiVersion is added when the path has no api-version), or -SubscriptionId (default: the context''s), -ResourceGroupName, -ResourceProviderName, -ResourceType and -Name with -ApiVersion, or -Uri with -ResourceId as the token''s audience (default: ARM''s for ARM''s host, else the URI''s scheme and host). Throttling (429) and server errors (408, 500, 502, 503, 504) are retried as Az retries them, honouring Retry-After; the last answer is returned. -WaitForCompletion, -PollFrom, -FinalResultFrom and -AsJob are not implemented.'
    Parameters = @{
        Path = 'The path and query under the environment''s ResourceManagerUrl, e.g. /subscriptions?api-version=2022-12-01.'
        SubscriptionId = 'The subscription of the target; the context''s subscription by default.'
        ResourceGroupName = 'The resource group of the target.'
        ResourceProviderName = 'The resource provider of the target, e.g. Microsoft.Web.'
        ResourceType = 'The resource types of the target, outermost first, e.g. sites, config.'
        Name = 'The resource names matching -ResourceType, outermost first; the last one may be left out to list.'
        ApiVersion = 'The api-version of the request. With -Path it is added when the path has none.'
        Uri = 'The absolute https URI of the target.'
        ResourceId = 'The resource (audience) of the token for -Uri.'
        Method = 'The HTTP method: GET (the default), POST, PUT, PATCH, DELETE, HEAD or OPTIONS.'
        Payload = 'The JSON body of the request.'
        DefaultProfile = 'A context or profile whose account to use instead of the current context (aliases -AzContext, -AzureRmContext, -AzureCredential).'
    }
    Examples = @(
        @{ Code = 'Invoke-AzRestMethod -Path "/subscriptions/$((Get-AzContext).Subscription.Id)/resourcegroups?api-version=2021-04-01" -Method GET'; Remarks = 'Lists the resource groups of the current subscription; the JSON is in .Content.' }
        @{ Code = 'Invoke-AzRestMethod -ResourceGroupName rg1 -ResourceProviderName Microsoft.Web -ResourceType sites -Name app1 -ApiVersion 2022-03-01'; Remarks = 'Gets one web app of the current subscription.' }
        @{ Code = 'Invoke-AzRestMethod -Uri https://graph.microsoft.com/v1.0/me -ResourceId https://graph.microsoft.com/'; Remarks = 'Calls another service with a token for its audience.' }
    )
}

# Help text for Invoke-AzRestMethod (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Sends an HTTP request to Azure Resource Manager (or another Azure endpoint) with the current context''s token.'
    Description = 'Invoke-AzRestMethod sends one request with a bearer token of the current context''s account (or -DefaultProfile''s) and returns Az''s PSHttpResponse (StatusCode, Headers, Version, Method, RequestUri, Content) whatever its status: an error status such as 404 is returned, not thrown, as in Az, and a path without api-version gets ARM''s own 400. The target is -Path (under the environment''s ResourceManagerUrl; -ApiVersion is added when the path has no api-version), or -SubscriptionId (default: the context''s), -ResourceGroupName, -ResourceProviderName, -ResourceType and -Name with -ApiVersion, or -Uri with -ResourceId as the token''s audience (default: ARM''s for ARM''s host, else the URI''s scheme and host). Throttling (429) and server errors (408, 500, 502, 503, 504) are retried as Az retries them, honouring Retry-After; the last answer is returned. With -WaitForCompletion a long-running operation is waited for, as in Az: after a 201 or 202 (or a 200 with an Azure-AsyncOperation or Operation-Location header, or a PUT or PATCH whose resource is still provisioning) the cmdlet polls with GET, waiting what each answer''s Retry-After asks (30 seconds when it has none), until the operation''s status (properties.provisioningState, else status) is Succeeded, Failed or Canceled; it then returns the final result as a PSHttpResponse: the GET of the request''s URI for PUT and PATCH, the GET of the first answer''s Location for POST and DELETE (or the last poll''s answer when Location was what was polled, or there is none). -PollFrom and -FinalResultFrom choose those headers. A Failed operation, or a poll answered with an error status, is the error LongRunningOperationFailed with the operation''s error code and message, and the answer that said so as its TargetObject; a Canceled one is a warning and its final result. Ctrl+C stops the wait at once. Polls go to the request''s endpoint only: an operation URI on another host is refused, never sent a token. -WaitForCompletion for an answer that is not a long-running operation returns it with Az''s warning. -AsJob is not implemented.'
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
        WaitForCompletion = 'Waits for the long-running operation to complete before returning the result: polls until its status is terminal, then returns the final result (see the description).'
        PollFrom = 'Specifies the polling header (to fetch from) for long-running operation status: Azure-AsyncOperation (also spelt AzureAsyncLocation, as Az''s completer offers it), Location, Operation-Location, or OriginalUri (the request''s URI). Default: Azure-AsyncOperation, else Operation-Location, else Location, else the request''s URI. A header the first answer does not have is an error.'
        FinalResultFrom = 'Specifies where the final result is fetched (GET) after the long-running operation succeeds: Azure-AsyncOperation, Location, Operation-Location (a header of the first answer) or OriginalUri (the request''s URI). FinalStateVia, like leaving it out, is ARM''s rule: the request''s URI for PUT and PATCH, Location for POST and DELETE.'
        DefaultProfile = 'A context or profile whose account to use instead of the current context (aliases -AzContext, -AzureRmContext, -AzureCredential).'
    }
    Examples = @(
        @{ Code = 'Invoke-AzRestMethod -Path "/subscriptions/$((Get-AzContext).Subscription.Id)/resourcegroups?api-version=2021-04-01" -Method GET'; Remarks = 'Lists the resource groups of the current subscription; the JSON is in .Content.' }
        @{ Code = 'Invoke-AzRestMethod -ResourceGroupName rg1 -ResourceProviderName Microsoft.Web -ResourceType sites -Name app1 -ApiVersion 2022-03-01'; Remarks = 'Gets one web app of the current subscription.' }
        @{ Code = 'Invoke-AzRestMethod -Uri https://graph.microsoft.com/v1.0/me -ResourceId https://graph.microsoft.com/'; Remarks = 'Calls another service with a token for its audience.' }
        @{ Code = 'Invoke-AzRestMethod -Path "/subscriptions/$sub/resourceGroups/rg1/providers/Microsoft.Web/sites/app1/restart?api-version=2022-03-01" -Method POST -WaitForCompletion'; Remarks = 'Starts a long-running operation and waits for its end; the final answer is returned.' }
        @{ Code = 'Invoke-AzRestMethod -Path "/subscriptions/$sub/resourceGroups/rg1?api-version=2021-04-01" -Method DELETE -WaitForCompletion -PollFrom Location'; Remarks = 'Deletes a resource group and polls its Location header until the deletion is done.' }
    )
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Net.Http;
using System.Text;
using System.Threading;
using AzContext.Arm;
using AzContext.Models;
using Microsoft.Azure.Commands.Profile.Models;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Invoke-AzRestMethod: one HTTP request to Azure Resource Manager (or another endpoint with -Uri and
/// -ResourceId) with the current context's token, retried as Az retries; the answer is returned as a
/// PSHttpResponse whatever its status (an error status is not an error, as in Az). A path without
/// api-version gets ARM's own 400. -FollowNextLink follows a GET's next links and returns every page's items
/// in one answer (<see cref="ArmClient.Paginate"/>).
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AzRestMethod", DefaultParameterSetName = ByPathSet, SupportsShouldProcess = true)]
[OutputType(typeof(PSHttpResponse))]
public sealed class InvokeAzRestMethodCommand : AzContextCmdlet
{
    private const string ByPathSet = "ByPath";
    private const string ByParametersSet = "ByParameters";
    private const string ByUriSet = "ByURI";

    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The target's path and query under the environment's ResourceManagerUrl, e.g. /subscriptions?api-version=2022-12-01.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByPathSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The subscription of the target (default: the context's).</summary>
    [Parameter(ParameterSetName = ByParametersSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>The resource group of the target.</summary>
    [Parameter(ParameterSetName = ByParametersSet)]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    /// <summary>The resource provider of the target, e.g. Microsoft.Web.</summary>
    [Parameter(ParameterSetName = ByParametersSet)]
    [ValidateNotNullOrEmpty]
    public string? ResourceProviderName { get; set; }

    /// <summary>The resource types of the target, outermost first, e.g. sites, config.</summary>
    [Parameter(ParameterSetName = ByParametersSet)]
    [ValidateNotNullOrEmpty]
    public string[]? ResourceType { get; set; }

    /// <summary>The names matching -ResourceType, outermost first (the last one may be left out to list).</summary>
    [Parameter(ParameterSetName = ByParametersSet)]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>The api-version of the request (with -Path: added when the path has none).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByParametersSet)]
    [Parameter(ParameterSetName = ByPathSet)]
    [ValidateNotNullOrEmpty]
    public string? ApiVersion { get; set; }

    /// <summary>The absolute URI of the target (ARM or another endpoint; see -ResourceId).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByUriSet)]
    [ValidateNotNull]
    public Uri? Uri { get; set; }

    /// <summary>The resource (audience) of the token for -Uri; default: ARM's for ARM's host, else the URI's scheme and host.</summary>
    [Parameter(ParameterSetName = ByUriSet)]
    [ValidateNotNull]
    public Uri? ResourceId { get; set; }

    /// <summary>The HTTP method: GET (default), POST, PUT, PATCH, DELETE, HEAD or OPTIONS.</summary>
    [Parameter]
    [ValidateSet("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", IgnoreCase = true)]
    public string Method { get; set; } = "GET";

    /// <summary>The JSON body of the request.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Payload { get; set; }

    /// <summary>Waits for a long-running operation (201, 202, or an operation header) to end and returns its final result.</summary>
    [Parameter]
    public SwitchParameter WaitForCompletion { get; set; }

    /// <summary>The header to poll with -WaitForCompletion (default: Azure-AsyncOperation, else Operation-Location, else Location, else the request's URI).</summary>
    [Parameter]
    [ValidateSet("Azure-AsyncOperation", "AzureAsyncLocation", "Location", "Operation-Location", "OriginalUri", "Original-Uri", IgnoreCase = true)]
    public string? PollFrom { get; set; }

    /// <summary>Where -WaitForCompletion gets the final result once the operation succeeded (default: the request's URI for PUT/PATCH, Location for POST/DELETE).</summary>
    [Parameter]
    [ValidateSet("Azure-AsyncOperation", "FinalStateVia", "Location", "Operation-Location", "OriginalUri", "Original-Uri", IgnoreCase = true)]
    public string? FinalResultFrom { get; set; }

    /// <summary>Runs the request (and the wait) as a PowerShell job (AzureLongRunningJob) with the current context of the call.</summary>
    [Parameter]
    public SwitchParameter AsJob { get; set; }

    /// <summary>Follows the answer's next links (GET only) and returns one answer whose list holds the items of every page (Az's -FollowNextLink; -Paginate is an alias).</summary>
    [Parameter]
    [Alias("Paginate")]
    public SwitchParameter FollowNextLink { get; set; }

    /// <summary>The property of a page that holds the link to the next page, with -FollowNextLink (default nextLink).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string NextLinkName { get; set; } = "nextLink";

    /// <summary>The property of a page that holds its list of items, with -FollowNextLink (default value).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PageableItemName { get; set; } = "value";

    /// <summary>The most pages -FollowNextLink reads, the first one included (default: all of them).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxPageSize { get; set; } = int.MaxValue;

    /// <summary>Az's warning when -FollowNextLink is given with a method other than GET (the request is sent, once).</summary>
    internal const string NotGetWarning = "The FollowNextLink switch is set, but the Method is not GET. Pagination will not be applied.";

    /// <summary>Az's warning when -WaitForCompletion is given for an answer that is not a long-running operation.</summary>
    internal const string NotLongRunningWarning = "The -WaitForCompletion flag was specified, but the request does not appear to be a long-running operation.";

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void ProcessRecord()
    {
        ArmAccess arm = ArmAccess.For(this, ArmAccess.CurrentContext(this));
        var method = new HttpMethod(Method.ToUpperInvariant());
        ArmClient client = arm.Client;
        Uri target;
        try
        {
            switch (ParameterSetName)
            {
                case ByUriSet:
                    if (!Uri!.IsAbsoluteUri || Uri.Scheme != System.Uri.UriSchemeHttps)
                    {
                        throw new PSArgumentException($"-Uri must be an absolute https URI: '{Uri}'.");
                    }
                    target = Uri;
                    string origin = Uri.GetLeftPart(UriPartial.Authority);
                    bool isArm = string.Equals(origin, client.BaseUri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
                    if (!isArm || ResourceId is not null)
                    {
                        if (ResourceId is not null && !ResourceId.IsAbsoluteUri)
                        {
                            throw new PSArgumentException($"-ResourceId must be an absolute URI: '{ResourceId}'.");
                        }
                        client = arm.ClientFor(new Uri(origin + "/"), ResourceId?.OriginalString ?? origin + "/");
                    }
                    break;
                case ByParametersSet:
                    target = client.Resolve(ParametersPath(arm));
                    break;
                default:
                    string path = Path!;
                    if (ApiVersion is not null && path.IndexOf("api-version=", StringComparison.OrdinalIgnoreCase) < 0)
                    {
                        path += (path.Contains('?') ? "&" : "?") + "api-version=" + System.Uri.EscapeDataString(ApiVersion);
                    }
                    if (System.Uri.TryCreate(path, UriKind.Absolute, out Uri? abs) && abs.Scheme is "https" or "http")
                    {
                        throw new PSArgumentException($"-Path takes a path under the ResourceManagerUrl ({client.BaseUri}), not a URI; use -Uri for '{path}'.");
                    }
                    target = client.Resolve(path);
                    break;
            }
        }
        catch (PSArgumentException e)
        {
            ThrowTerminatingError(ErrorMap.Create(e, "InvalidRequestTarget", ErrorCategory.InvalidArgument, Path ?? Uri?.ToString()));
            return;
        }
        bool paginate = FollowNextLink.IsPresent && method == HttpMethod.Get;
        if (paginate && string.Equals(NextLinkName, PageableItemName, StringComparison.Ordinal))
        {
            ThrowTerminatingError(ErrorMap.Create(new PSArgumentException($"-NextLinkName and -PageableItemName both name '{NextLinkName}': a page's next link and its items are two properties."),
                "InvalidPagingNames", ErrorCategory.InvalidArgument, NextLinkName));
            return;
        }
        if (!ShouldProcess(target.ToString(), method.Method))
        {
            return;
        }
        if (AsJob.IsPresent)
        {
            StartJob(arm);
            return;
        }
        if (FollowNextLink.IsPresent && !paginate)
        {
            WriteWarning(NotGetWarning);
        }
        try
        {
            ArmResponse r = client.Send(method, target, Payload, null, _cancel.Token);
            if (paginate && r.IsSuccess)
            {
                WriteObject(new PSHttpResponse(client.Paginate(r, PageableItemName, NextLinkName, MaxPageSize, _cancel.Token)));
                return;
            }
            if (WaitForCompletion.IsPresent)
            {
                if (!LongRunningOperation.IsLongRunning(method, r))
                {
                    WriteObject(new PSHttpResponse(r));
                    WriteWarning(NotLongRunningWarning);
                    return;
                }
                r = new LongRunningOperation(client, method, target, WriteVerbose, WriteWarning)
                    .Wait(r, LongRunningOperation.Parse(PollFrom), LongRunningOperation.Parse(FinalResultFrom), _cancel.Token);
            }
            WriteObject(new PSHttpResponse(r));
        }
        catch (LroFailedException e)
        {
            // The answer that ended the wait travels as the error's target, for its status and content.
            ThrowTerminatingError(new ErrorRecord(e, "LongRunningOperationFailed", ErrorCategory.InvalidResult, new PSHttpResponse(e.Response)));
        }
        catch (LroUnusableException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, e.ErrorId.EndsWith("ForeignUri", StringComparison.Ordinal) ? ErrorCategory.SecurityError : ErrorCategory.InvalidOperation, target.ToString()));
        }
        catch (Exception e) when (ArmAccess.IsArmFailure(e))
        {
            ThrowTerminatingError(ArmAccess.ToErrorRecord(e, target.ToString()));
        }
    }

    /// <summary>
    /// -AsJob: the same call in an <see cref="AzureLongRunningJob"/>, asked (and confirmed) here, with the
    /// context of this call as -DefaultProfile so that the job never follows a later change of context.
    /// </summary>
    private void StartJob(ArmAccess arm)
    {
        var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object> p in MyInvocation.BoundParameters)
        {
            if (p.Key is not (nameof(AsJob) or "WhatIf" or "Confirm"))
            {
                parameters[p.Key] = p.Value;
            }
        }
        if (!UsesDefaultProfile)
        {
            parameters[nameof(DefaultProfile)] = PSAzureContext.FromJson(arm.Context.ToJsonString());
        }
        parameters["Confirm"] = new SwitchParameter(false);
        PSModuleInfo module = MyInvocation.MyCommand.Module;
        string manifest = System.IO.Path.Combine(module.ModuleBase, module.Name + ".psd1");
        string line = MyInvocation.Line?.Trim() ?? "";
        var job = new AzureLongRunningJob(line.Length > 0 ? line : MyInvocation.MyCommand.Name, MyInvocation.MyCommand.Name,
            System.IO.File.Exists(manifest) ? manifest : module.Path, parameters);
        JobRepository.Add(job);
        job.StartJob();
        WriteObject(job);
    }

    /// <summary>Az's path from -SubscriptionId ... -Name: /subscriptions/s/resourcegroups/g/providers/p/type1/name1/type2[/name2]?api-version=v.</summary>
    private string ParametersPath(ArmAccess arm)
    {
        string? subscription = SubscriptionId ?? Json.Str(Json.Obj(arm.Context, "Subscription"), "Id");
        if (string.IsNullOrEmpty(subscription))
        {
            throw new PSArgumentException("-SubscriptionId is needed: the current context has no subscription.");
        }
        string[] types = ResourceType ?? Array.Empty<string>();
        string[] names = Name ?? Array.Empty<string>();
        if (names.Length > types.Length || names.Length < types.Length - 1)
        {
            throw new PSArgumentException($"-Name gives {names.Length} name(s) for {types.Length} -ResourceType value(s): give one name per type (the last may be left out to list).");
        }
        if (types.Length > 0 && ResourceProviderName is null)
        {
            throw new PSArgumentException("-ResourceType needs -ResourceProviderName.");
        }
        var path = new StringBuilder("subscriptions/").Append(System.Uri.EscapeDataString(subscription));
        if (ResourceGroupName is not null)
        {
            path.Append("/resourcegroups/").Append(System.Uri.EscapeDataString(ResourceGroupName));
        }
        if (ResourceProviderName is not null)
        {
            path.Append("/providers/").Append(System.Uri.EscapeDataString(ResourceProviderName));
        }
        for (int i = 0; i < types.Length; i++)
        {
            path.Append('/').Append(System.Uri.EscapeDataString(types[i]));
            if (i < names.Length)
            {
                path.Append('/').Append(System.Uri.EscapeDataString(names[i]));
            }
        }
        return path.Append("?api-version=").Append(System.Uri.EscapeDataString(ApiVersion!)).ToString();
    }
}

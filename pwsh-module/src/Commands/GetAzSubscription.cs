using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Models;
using Microsoft.Azure.Commands.Profile.Models;

namespace AzContext.Commands;

/// <summary>
/// Get-AzSubscription: the subscriptions the current context's account sees in Azure Resource Manager,
/// in every tenant of the account (a tenant whose token cannot be had silently is Az's warning and is
/// skipped) or in -TenantId only; -SubscriptionId and -SubscriptionName pick one. Nothing is stored.
/// Output pipes into Set-AzContext (-SubscriptionObject).
/// </summary>
[Cmdlet(VerbsCommon.Get, "AzSubscription", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(PSAzureSubscription))]
public sealed class GetAzSubscriptionCommand : AzContextCmdlet
{
    private const string ByIdSet = "ListByIdInTenant";
    private const string ByNameSet = "ListByNameInTenant";

    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The subscription's id.</summary>
    [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>The subscription's name (ignoring case).</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionName { get; set; }

    /// <summary>The tenant (an id or a domain) to list from; default: every tenant of the account.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void ProcessRecord()
    {
        ArmAccess arm = ArmAccess.For(this, ArmAccess.CurrentContext(this));
        CancellationToken cancel = _cancel.Token;
        try
        {
            IReadOnlyList<string>? tenants = arm.TenantIds(TenantId, cancel);
            if (tenants is null)
            {
                NotFound(SubscriptionId ?? SubscriptionName ?? "", TenantId!);
                return;
            }
            if (SubscriptionId is not null)
            {
                JsonObject? found = arm.PerTenant(tenants, t => arm.Client.GetSubscription(t, SubscriptionId, cancel) is { } s ? new[] { arm.StoredSubscription(s, t) } : Array.Empty<JsonObject>())
                    .FirstOrDefault();
                if (found is null)
                {
                    NotFound(SubscriptionId, TenantId ?? string.Join(", ", tenants));
                    return;
                }
                WriteObject(new PSAzureSubscription(found));
                return;
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            bool any = false;
            foreach (JsonObject s in arm.PerTenant(tenants, t => arm.StoredSubscriptions(arm.Client.ListSubscriptions(t, cancel), t)))
            {
                // One object per subscription: the first tenant that lists it (the context's tenant first).
                if (!seen.Add(Json.Str(s, "Id") ?? ""))
                {
                    continue;
                }
                if (SubscriptionName is not null && !string.Equals(Json.Str(s, "Name"), SubscriptionName, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                any = true;
                WriteObject(new PSAzureSubscription(s));
            }
            if (!any && SubscriptionName is not null)
            {
                NotFound(SubscriptionName, TenantId ?? string.Join(", ", tenants));
            }
        }
        catch (Exception e) when (ArmAccess.IsArmFailure(e))
        {
            ThrowTerminatingError(ArmAccess.ToErrorRecord(e, SubscriptionId ?? SubscriptionName ?? TenantId));
        }
    }

    /// <summary>Az's error for a subscription id or name that is not found.</summary>
    private void NotFound(string subscription, string tenant) =>
        ThrowTerminatingError(ErrorMap.Create(new PSArgumentException($"Subscription {subscription} was not found in tenant {tenant}. Please verify that the subscription exists in this tenant."),
            "SubscriptionNotFound", ErrorCategory.InvalidArgument, subscription));
}

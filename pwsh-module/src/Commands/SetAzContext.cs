using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Completers;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Set-AzContext (alias Select-AzSubscription): stores a context (from a context object, or from a
/// subscription or tenant already known locally) and makes it the default.
/// </summary>
[Cmdlet(VerbsCommon.Set, "AzContext", DefaultParameterSetName = ContextSet, SupportsShouldProcess = true)]
[Alias("Select-AzSubscription")]
[OutputType(typeof(PSAzureContext))]
public sealed class SetAzContextCommand : ContextCmdlet
{
    private const string ContextSet = "Context";
    private const string TenantObjectSet = "TenantObject";
    private const string SubscriptionObjectSet = "SubscriptionObject";
    private const string SubscriptionSet = "Subscription";
    private const string TenantNameOnlySet = "TenantNameOnly";

    /// <summary>The errorId of Az's "Please provide a valid tenant or a valid subscription." error.</summary>
    internal const string InvalidSubscriptionOrTenant = "InvalidSubscriptionOrTenant";

    /// <summary>The context to store and make the default (Get-AzContext output; piped by value).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ContextSet)]
    public PSAzureContext? Context { get; set; }

    /// <summary>A tenant object (Get-AzTenant output); its Id is looked up among the stored contexts.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TenantObjectSet)]
    public PSAzureTenant? TenantObject { get; set; }

    /// <summary>A subscription object (Get-AzSubscription output); its Id is looked up among the stored contexts.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = SubscriptionObjectSet)]
    public PSAzureSubscription? SubscriptionObject { get; set; }

    /// <summary>A subscription Id or name (ignoring case), resolved against the stored contexts.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SubscriptionSet)]
    [Alias("SubscriptionId", "SubscriptionName")]
    [ValidateNotNullOrEmpty]
    public string? Subscription { get; set; }

    /// <summary>A tenant Id or domain: narrows -Subscription, or alone selects the tenant.</summary>
    [Parameter(Mandatory = false, ParameterSetName = SubscriptionSet)]
    [Parameter(Mandatory = true, ParameterSetName = TenantNameOnlySet)]
    [Alias("Domain", "TenantId")]
    [ValidateNotNullOrEmpty]
    public string? Tenant { get; set; }

    /// <summary>The name to store the context under (else the key of the same identity, or Az's generated key).</summary>
    [Parameter(Mandatory = false)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Properties to set on the context (ExtendedProperties), e.g. @{ 'Default Resource Group' = 'rg' }.</summary>
    [Parameter(Mandatory = false)]
    public IDictionary? ExtendedProperty { get; set; }

    /// <summary>Replaces an existing context of the same -Name without asking.</summary>
    [Parameter(Mandatory = false)]
    public SwitchParameter Force { get; set; }

    /// <summary>Process: this session only; CurrentUser: also the store on disk.</summary>
    [Parameter(Mandatory = false)]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        string? name = Name is null ? null : Native(() => NativeCall.Arg(Name, nameof(Name)));

        // What the change is, in Az's ShouldProcess texts.
        string description, warning;
        string? subscription = null, tenant = null;
        switch (ParameterSetName)
        {
            case ContextSet:
                if (Context is null) return;
                description = $"Set current context using tenant: '{Context.Tenant?.Id}', subscription: '{Context.Subscription?.Id}'";
                warning = "Targeting all subsequent cmdlets at a different tenant and subscription";
                break;
            case SubscriptionObjectSet:
                if (SubscriptionObject is null) return;
                subscription = SubscriptionObject.Id ?? SubscriptionObject.Name;
                tenant = SubscriptionObject.TenantId;
                description = $"Switching targeted subscription in the context to '{subscription}'";
                warning = "Targeting all subsequent cmdlets in this session at a different subscription";
                break;
            case SubscriptionSet:
                subscription = Subscription;
                tenant = Tenant;
                description = $"Switching targeted subscription in the context to '{subscription}'";
                warning = "Targeting all subsequent cmdlets in this session at a different subscription";
                break;
            default: // TenantObject, TenantNameOnly
                tenant = ParameterSetName == TenantObjectSet ? TenantObject?.Id : Tenant;
                if (string.IsNullOrWhiteSpace(tenant))
                {
                    WriteError(ErrorMap.Create(
                        new ArgumentException("You must supply a valid tenant object with a valid Id or a valid tenant id string. Please check the input tenant value and try again."),
                        InvalidSubscriptionOrTenant, ErrorCategory.InvalidArgument, tenant));
                    return;
                }
                description = $"Switching targeted tenant in the context to '{tenant}'";
                warning = "Targeting all subsequent cmdlets in this session at a different tenant";
                break;
        }

        bool go = ShouldProcess(description, warning, "Set-AzContext");
        // Each -ExtendedProperty entry is confirmed on its own, as in Az; with -WhatIf each is shown.
        string target = $"Context '{name ?? "default"}'";
        var extended = new JsonObject();
        if (ExtendedProperty is not null)
        {
            foreach (DictionaryEntry e in ExtendedProperty)
            {
                string key = e.Key?.ToString() ?? "";
                string value = e.Value?.ToString() ?? "";
                if (ShouldProcess(target, $"Setting property '{key}'='{value}'"))
                {
                    extended[key] = value;
                }
            }
        }
        if (!go)
        {
            return;
        }

        bool force = Force;
        if (name is not null && !force && GetStored(name) is PSAzureContext existing)
        {
            string key = existing.Name ?? name;
            if (!ShouldContinue($"Are you sure you want to replace existing context '{key}'?", $"Overwrite existing context '{key}'"))
            {
                return;
            }
            force = true;
        }

        string? extendedJson = extended.Count > 0 ? Native(() => NativeCall.Arg(extended.ToJsonString(), nameof(ExtendedProperty))) : null;
        uint scope = ScopeArgument(Scope);
        uint forceArg = force ? 1u : 0u;
        string? json;
        if (ParameterSetName == ContextSet)
        {
            string contextJson = Native(() => NativeCall.Arg(Context!.ToJsonString(), nameof(Context))!);
            json = CallChangeOrWriteError((s, c) => (out nint j) =>
                NativeMethods.azctx_context_set(s, c, contextJson, name, extendedJson, forceArg, scope, out j), name ?? Context!.Name);
        }
        else
        {
            string? sub = Native(() => NativeCall.Arg(subscription, nameof(Subscription)));
            string? ten = Native(() => NativeCall.Arg(tenant, nameof(Tenant)));
            // Nothing matching is AZCTX_STATUS_SUBSCRIPTION_NOT_FOUND: Az's ArgumentException, about what was asked for.
            json = CallChangeOrWriteError((s, c) => (out nint j) =>
                NativeMethods.azctx_context_set_subscription(s, c, sub, ten, name, extendedJson, forceArg, scope, out j),
                sub ?? ten);
        }
        if (json is null || PSAzureContext.FromJson(json) is not PSAzureContext result)
        {
            return;
        }
        WarnOnSubscriptionState(result);
        WriteObject(result);
    }
}

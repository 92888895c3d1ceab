using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Arm;
using AzContext.Completers;
using AzContext.Models;
using AzContext.Native;
using AzContext.SignIn;
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

    private readonly CancellationTokenSource _cancel = new();

    protected override void StopProcessing() => _cancel.Cancel();

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
            // Stored data first: a subscription or tenant already stored never calls ARM.
            NativeException? notStored = null;
            JsonObject? current = null;
            string? envelope = NativeOrWriteError(() =>
            {
                try
                {
                    return RawJson((s, c) => (out nint j) =>
                        NativeMethods.azctx_context_set_subscription(s, c, sub, ten, name, extendedJson, forceArg, scope, out j), sub ?? ten);
                }
                catch (NativeException e) when (e.Status == AzctxStatus.SubscriptionNotFound && OnlineAccount(current = ArmAccess.CurrentContext(this)))
                {
                    notStored = e;
                    return "";
                }
            });
            if (notStored is not null)
            {
                // Not stored: the subscription object itself, or ARM asked with the current account.
                JsonObject? online = ParameterSetName == SubscriptionObjectSet
                    ? FromObject(current!, SubscriptionObject!)
                    : Resolve(current!, subscription, tenant, notStored);
                if (online is null)
                {
                    return;
                }
                string contextJson = online.ToJsonString();
                json = CallChangeOrWriteError((s, c) => (out nint j) =>
                    NativeMethods.azctx_context_set(s, c, contextJson, name, extendedJson, forceArg, scope, out j), name ?? sub ?? ten);
            }
            else
            {
                json = envelope is null ? null : Unwrap(envelope);
            }
        }
        if (json is null || PSAzureContext.FromJson(json) is not PSAzureContext result)
        {
            return;
        }
        WarnOnSubscriptionState(result);
        WriteObject(result);
    }

    /// <summary>
    /// True when <paramref name="context"/>'s account can resolve what is not stored: a signed-in account
    /// (an access-token account has no ARM of its own to ask, and an account no token cache knows has
    /// nothing to ask with: the offline error stays).
    /// </summary>
    private bool OnlineAccount(JsonObject? context) =>
        ArmAccess.HasAccount(context) && Json.Str(Json.Obj(context, "Account"), "Type") != "AccessToken"
        && ContextTokens.MayHaveToken(this, Json.Obj(context, "Account")!);

    /// <summary>A context of the current account for a subscription object that is not stored (Az uses the object as it is).</summary>
    private static JsonObject FromObject(JsonObject current, PSAzureSubscription subscription)
    {
        JsonObject sub = subscription.ToJson();
        string? tenant = subscription.TenantId ?? subscription.HomeTenantId ?? Json.Str(Json.Obj(current, "Tenant"), "Id");
        return NewContext(current, new JsonObject { ["Id"] = tenant }, sub);
    }

    private static JsonObject NewContext(JsonObject current, JsonObject tenant, JsonObject? subscription) => new()
    {
        ["Account"] = Json.Obj(current, "Account")!.DeepClone(),
        ["Tenant"] = tenant,
        ["Subscription"] = subscription,
        ["Environment"] = Json.Obj(current, "Environment")!.DeepClone(),
        ["VersionProfile"] = null,
        ["TokenCache"] = null,
        ["ExtendedProperties"] = new JsonObject(),
    };

    /// <summary>
    /// -Subscription (id or name) and/or -Tenant (id or domain) resolved through ARM with the current
    /// account: the given tenant, else every tenant of the account (the current one first). Writes Az's
    /// error and returns null when nothing (or more than one subscription) matches; when no token can be
    /// had silently for the current account, the stored-data error stands.
    /// </summary>
    private JsonObject? Resolve(JsonObject current, string? subscription, string? tenant, NativeException offline)
    {
        ArmAccess arm = ArmAccess.For(this, current);
        CancellationToken cancel = _cancel.Token;
        try
        {
            // No token for the current tenant (signed out, revoked): nothing to ask ARM with.
            _ = arm.Tokens.GetToken(null, cancel);
            IReadOnlyList<string>? tenants = arm.TenantIds(tenant, cancel);
            if (tenants is null)
            {
                WriteError(ErrorMap.ToErrorRecord(offline));
                return null;
            }
            if (subscription is null)
            {
                // Tenant alone: its first Enabled subscription (else its first), as Az picks one; none: the tenant itself.
                string t = tenants[0];
                IReadOnlyList<JsonObject> subs = arm.Client.ListSubscriptions(t, cancel);
                JsonObject? pick = subs.FirstOrDefault(s => string.Equals(Json.Str(s, "state"), "Enabled", StringComparison.OrdinalIgnoreCase)) ?? subs.FirstOrDefault();
                return NewContext(current, TenantOf(arm, t, cancel), pick is null ? null : arm.StoredSubscription(pick, t));
            }
            bool byId = Guid.TryParse(subscription, out _);
            var found = new List<(string Tenant, JsonObject Sub)>();
            foreach ((string t, JsonObject s) in arm.PerTenant(tenants, t => byId
                ? (arm.Client.GetSubscription(t, subscription, cancel) is { } one ? new[] { (t, one) } : Array.Empty<(string, JsonObject)>())
                : arm.Client.ListSubscriptions(t, cancel).Where(s => string.Equals(Json.Str(s, "displayName"), subscription, StringComparison.OrdinalIgnoreCase)).Select(s => (t, s))))
            {
                if (!found.Exists(f => string.Equals(Json.Str(f.Sub, "subscriptionId"), Json.Str(s, "subscriptionId"), StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add((t, s));
                }
                if (byId)
                {
                    break;
                }
            }
            if (found.Count == 0)
            {
                WriteError(ErrorMap.ToErrorRecord(offline));
                return null;
            }
            if (found.Count > 1)
            {
                WriteError(ErrorMap.Create(new ArgumentException(
                    $"More than one subscription is named '{subscription}' ({string.Join(", ", found.Select(f => Json.Str(f.Sub, "subscriptionId")))}). Use the subscription's id, or -Tenant to choose the tenant."),
                    "AmbiguousSubscription", ErrorCategory.InvalidArgument, subscription));
                return null;
            }
            return NewContext(current, TenantOf(arm, found[0].Tenant, cancel), arm.StoredSubscription(found[0].Sub, found[0].Tenant));
        }
        catch (ArmTokenUnavailableException e) when (e.TenantId is null || string.Equals(e.TenantId, arm.Tokens.ContextTenantId, StringComparison.OrdinalIgnoreCase))
        {
            // The current account has no usable sign-in here: nothing to ask ARM with.
            WriteVerbose($"ARM was not asked: {e.Message}");
            WriteError(ErrorMap.ToErrorRecord(offline));
            return null;
        }
        catch (Exception e) when (ArmAccess.IsArmFailure(e))
        {
            WriteError(ArmAccess.ToErrorRecord(e, subscription ?? tenant));
            return null;
        }
    }

    /// <summary>The tenant as the context stores it: its id, and what ARM's tenant list says of it when it lists it.</summary>
    private static JsonObject TenantOf(ArmAccess arm, string tenantId, CancellationToken cancel)
    {
        JsonObject? t = ArmAccess.FindTenant(arm.Tenants(cancel), tenantId);
        return ArmAccess.StoredTenant(t ?? new JsonObject { ["tenantId"] = tenantId });
    }
}

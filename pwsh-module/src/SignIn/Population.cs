using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Arm;
using AzContext.Commands;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.SignIn;

/// <summary>
/// What a sign-in's contexts are made of, listed through Azure Resource Manager: the account's tenants
/// (all of them, or only the sign-in's when -Tenant was given) and each tenant's subscriptions as that
/// tenant's token sees them. The core turns that into contexts (see azctx_account_sign_in); nothing is
/// stored here. A tenant whose token needs interaction (MFA, consent) is skipped with Az's warning; any
/// other ARM failure (after the client's retries) is an <see cref="ArmException"/>, and the caller
/// stores nothing.
/// </summary>
internal static class Population
{
    /// <summary>
    /// The context the ARM calls are made as: the signed-in account (type, id, extended properties such
    /// as HomeAccountId), the environment and the sign-in's tenant, in the core's context shape.
    /// </summary>
    internal static JsonObject ContextOf(JsonObject account, JsonObject environment, string tenantId) => new()
    {
        ["Account"] = account.DeepClone(),
        ["Tenant"] = new JsonObject { ["Id"] = tenantId },
        ["Environment"] = environment.DeepClone(),
    };

    /// <summary>
    /// The core's "Tenants" list: [{Tenant: ARM's tenant, Subscriptions: [ARM's subscriptions]}].
    /// <paramref name="onlyTenant"/>: list that tenant alone (Connect-AzAccount -Tenant), as ARM knows it
    /// when /tenants lists it (by id or domain), else by id alone.
    /// </summary>
    internal static JsonArray List(AzContextCmdlet cmdlet, JsonObject context, string? onlyTenant, Action<string> warn, CancellationToken cancel)
    {
        JsonObject environment = Json.Obj(context, "Environment")!;
        string? url = Json.Str(environment, "ResourceManagerUrl");
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out Uri? arm))
        {
            throw new PSArgumentException($"The environment '{Json.Str(environment, "Name")}' has no ResourceManagerUrl to list subscriptions from.");
        }
        var client = new ArmClient(arm, new EngineTokenProvider(cmdlet, context, warn), cmdlet.WriteVerbose);
        string signInTenant = Json.Str(Json.Obj(context, "Tenant"), "Id") ?? "";
        IReadOnlyList<JsonObject> tenants = client.ListTenants(cancel);
        var chosen = new List<JsonObject>();
        if (onlyTenant is null)
        {
            chosen.AddRange(tenants);
        }
        else
        {
            JsonObject? match = null;
            foreach (JsonObject t in tenants)
            {
                if (Names(t, onlyTenant) || Names(t, signInTenant))
                {
                    match = t;
                    break;
                }
            }
            chosen.Add(match ?? new JsonObject { ["tenantId"] = signInTenant });
        }

        var result = new JsonArray();
        foreach (JsonObject t in chosen)
        {
            string? id = Json.Str(t, "tenantId");
            if (string.IsNullOrEmpty(id))
            {
                continue;
            }
            IReadOnlyList<JsonObject> subscriptions;
            try
            {
                subscriptions = client.ListSubscriptions(id, cancel);
            }
            catch (ArmTokenUnavailableException e)
            {
                warn($"Unable to acquire token for tenant '{id}' with error '{e.Message}'");
                continue;
            }
            var list = new JsonArray();
            foreach (JsonObject s in subscriptions)
            {
                list.Add(s.DeepClone());
            }
            cmdlet.WriteVerbose($"Tenant '{id}': {subscriptions.Count} subscription(s).");
            result.Add(new JsonObject { ["Tenant"] = t.DeepClone(), ["Subscriptions"] = list });
        }
        return result;
    }

    /// <summary>Whether ARM's tenant <paramref name="t"/> is <paramref name="idOrDomain"/> (its id or one of its domains).</summary>
    private static bool Names(JsonObject t, string idOrDomain)
    {
        if (string.Equals(Json.Str(t, "tenantId"), idOrDomain, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (t["domains"] is JsonArray domains)
        {
            foreach (JsonNode? d in domains)
            {
                if (d is JsonValue v && v.TryGetValue(out string? s) && string.Equals(s, idOrDomain, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>An ARM failure while listing: nothing was stored. The message names what failed, never a token.</summary>
    internal static ErrorRecord ToErrorRecord(ArmException e, object? target) => new(
        new PSInvalidOperationException($"Listing tenants and subscriptions through Azure Resource Manager failed: {e.Message} Nothing was changed.", e),
        e.StatusCode == 0 ? "ArmRequestFailed" : $"ArmRequestFailed,{e.StatusCode}",
        e.StatusCode == 0 ? ErrorCategory.ConnectionError : ErrorCategory.InvalidResult,
        target);

    /// <summary>
    /// Stores a sign-in's contexts (azctx_account_sign_in) and returns the profile record. A -Subscription
    /// that no tenant lists is Az's PSInvalidOperationException, and nothing is changed.
    /// </summary>
    internal static string Store(AzContextCmdlet cmdlet, JsonObject request, bool force, uint scope, object? target)
    {
        string body = request.ToJsonString();
        uint f = force ? 1u : 0u;
        string? notFound = null;
        string? envelope = cmdlet.Native(() =>
        {
            try
            {
                return cmdlet.RawJson((s, c) => (out nint j) => NativeMethods.azctx_account_sign_in(s, c, body, f, scope, out j), target);
            }
            catch (NativeException e) when (e.Status == AzctxStatus.SubscriptionNotFound)
            {
                notFound = e.Message;
                return null;
            }
        });
        if (notFound is not null)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException(notFound), "SubscriptionNotFound", ErrorCategory.ObjectNotFound, target));
        }
        return cmdlet.Unwrap(envelope!);
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Arm;
using AzContext.Commands;
using AzContext.Models;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Models.Core;

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

    /// <summary>A tenant as ARM lists it, and the subscriptions its token sees.</summary>
    internal sealed record Listed(JsonObject Tenant, IReadOnlyList<JsonObject> Subscriptions);

    /// <summary>
    /// What becomes the core's "Tenants" list: [{Tenant: ARM's tenant, Subscriptions: [ARM's subscriptions]}].
    /// <paramref name="onlyTenant"/>: list that tenant alone (Connect-AzAccount -Tenant), as ARM knows it
    /// when /tenants lists it (by id or domain), else by id alone.
    /// </summary>
    internal static IReadOnlyList<Listed> List(AzContextCmdlet cmdlet, JsonObject context, string? onlyTenant, Action<string> warn, CancellationToken cancel)
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
                if (ArmClient.IsTenant(t, onlyTenant) || ArmClient.IsTenant(t, signInTenant))
                {
                    match = t;
                    break;
                }
            }
            chosen.Add(match ?? new JsonObject { ["tenantId"] = signInTenant });
        }

        var result = new List<Listed>();
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
            cmdlet.WriteVerbose($"Tenant '{id}': {subscriptions.Count} subscription(s).");
            result.Add(new Listed(t, subscriptions));
        }
        return result;
    }

    /// <summary>
    /// The request's members, then "Tenants", written straight from ARM's objects (thousands of
    /// subscriptions are not copied into a new tree first).
    /// </summary>
    internal static string RequestText(JsonObject request, IReadOnlyList<Listed> tenants)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (KeyValuePair<string, JsonNode?> member in request)
            {
                w.WritePropertyName(member.Key);
                if (member.Value is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    member.Value.WriteTo(w);
                }
            }
            w.WriteStartArray("Tenants");
            foreach (Listed t in tenants)
            {
                w.WriteStartObject();
                w.WritePropertyName("Tenant");
                t.Tenant.WriteTo(w);
                w.WriteStartArray("Subscriptions");
                foreach (JsonObject s in t.Subscriptions)
                {
                    s.WriteTo(w);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An ARM failure while listing: nothing was stored. The message names what failed, never a token.</summary>
    internal static ErrorRecord ToErrorRecord(ArmException e, object? target)
    {
        (string id, ErrorCategory category) = Commands.ArmAccess.Classify(e);
        return new(new PSInvalidOperationException($"Listing tenants and subscriptions through Azure Resource Manager failed: {e.Message} Nothing was changed.", e), id, category, target);
    }

    /// <summary>
    /// Stores a sign-in's contexts (azctx_account_sign_in), takes the change's envelope (warnings, the
    /// runspace's new current context) and returns the
    /// resulting profile. A -Subscription that no tenant lists is Az's PSInvalidOperationException, and
    /// nothing is changed. The reply holds every stored context: it is read as a document, and the
    /// profile kept as text (see <see cref="PSAzureProfile.FromRecord"/>), so that 10,000 contexts are not
    /// built into nodes twice.
    /// </summary>
    internal static PSAzureProfile Store(AzContextCmdlet cmdlet, JsonObject request, IReadOnlyList<Listed> tenants, bool force, uint scope, object? target)
    {
        string body = RequestText(request, tenants);
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
        using var document = System.Text.Json.JsonDocument.Parse(envelope!);
        cmdlet.TakeEnvelope(document.RootElement);
        return PSAzureProfile.FromRecord(document.RootElement.GetProperty("Value"));
    }
}

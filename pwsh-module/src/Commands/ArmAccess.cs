using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Arm;
using AzContext.Models;
using AzContext.Native;
using AzContext.SignIn;

namespace AzContext.Commands;

/// <summary>
/// What the ARM cmdlets share: an <see cref="ArmClient"/> for the current context's account (or
/// -DefaultProfile's) and environment, the account's tenants and subscriptions as ARM lists them, the
/// conversion of ARM's JSON to the stored form of Az's objects, and the ErrorRecords of ARM failures.
/// Nothing here runs at import: it is built on the first ARM call of a command.
/// </summary>
internal sealed class ArmAccess
{
    /// <summary>Az's warning for a tenant whose token cannot be had silently.</summary>
    internal const string TokenWarning = "Unable to acquire token for tenant '{0}' with error '{1}'";

    private readonly AzContextCmdlet _cmdlet;
    private IReadOnlyList<JsonObject>? _tenants;

    private ArmAccess(AzContextCmdlet cmdlet, JsonObject context, EngineTokenProvider tokens, ArmClient client)
    {
        _cmdlet = cmdlet;
        Context = context;
        Tokens = tokens;
        Client = client;
    }

    /// <summary>The context whose account calls ARM (as the core returns it).</summary>
    internal JsonObject Context { get; }

    internal EngineTokenProvider Tokens { get; }

    internal ArmClient Client { get; }

    internal JsonObject Account => Json.Obj(Context, "Account")!;

    internal JsonObject Environment => Json.Obj(Context, "Environment")!;

    /// <summary>The current context (or -DefaultProfile's), or null when there is none.</summary>
    internal static JsonObject? CurrentContext(AzContextCmdlet cmdlet) =>
        Json.Parse(cmdlet.CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_current(s, c, out j))) as JsonObject;

    /// <summary>True when <paramref name="context"/> has an account ARM can be asked with (an access-token account only for its own tenant).</summary>
    internal static bool HasAccount(JsonObject? context) =>
        Json.Obj(context, "Account") is { } a && !string.IsNullOrEmpty(Json.Str(a, "Id")) && Json.Obj(context, "Environment") is not null;

    /// <summary>
    /// ARM access for <paramref name="context"/>; ends the command with Az's "Run Connect-AzAccount to
    /// login." when it has no account, or a clear error when its environment has no ResourceManagerUrl.
    /// </summary>
    internal static ArmAccess For(AzContextCmdlet cmdlet, JsonObject? context)
    {
        if (context is null || !HasAccount(context))
        {
            cmdlet.ThrowTerminatingError(ErrorMap.Create(new PSInvalidOperationException("Run Connect-AzAccount to login."), "LoginRequired", ErrorCategory.InvalidOperation, null));
            throw new InvalidOperationException(); // unreachable
        }
        JsonObject environment = Json.Obj(context, "Environment")!;
        string? arm = Json.Str(environment, "ResourceManagerUrl");
        if (string.IsNullOrEmpty(arm) || !Uri.TryCreate(arm, UriKind.Absolute, out Uri? armUri) || armUri.Scheme != Uri.UriSchemeHttps)
        {
            cmdlet.ThrowTerminatingError(ErrorMap.Create(new PSArgumentException($"The environment '{Json.Str(environment, "Name")}' has no https ResourceManagerUrl to call."),
                "NoResourceManagerUrl", ErrorCategory.InvalidArgument, Json.Str(environment, "Name")));
            throw new InvalidOperationException(); // unreachable
        }
        try
        {
            var tokens = new EngineTokenProvider(cmdlet, context, cmdlet.WriteWarning);
            return new ArmAccess(cmdlet, context, tokens, new ArmClient(armUri, tokens, cmdlet.WriteVerbose));
        }
        catch (PSArgumentException e)
        {
            cmdlet.ThrowTerminatingError(ErrorMap.Create(e, "NoResourceManagerResource", ErrorCategory.InvalidArgument, Json.Str(environment, "Name")));
            throw; // unreachable
        }
    }

    /// <summary>
    /// A client for another endpoint of the environment (Invoke-AzRestMethod -Uri): requests go to
    /// <paramref name="origin"/> only, with the account's tokens for <paramref name="resource"/>.
    /// </summary>
    internal ArmClient ClientFor(Uri origin, string resource) =>
        new(origin, new EngineTokenProvider(_cmdlet, Context, _cmdlet.WriteWarning, resource), _cmdlet.WriteVerbose);

    /// <summary>The account's tenants (GET /tenants with the context tenant's token), read once per command.</summary>
    internal IReadOnlyList<JsonObject> Tenants(CancellationToken cancel) => _tenants ??= Client.ListTenants(cancel);

    /// <summary>
    /// The tenant ids to search: <paramref name="tenant"/> (an id or a domain of one of the account's
    /// tenants) when given, else every tenant of the account with the context's tenant first.
    /// Null when <paramref name="tenant"/> names none of them.
    /// </summary>
    internal IReadOnlyList<string>? TenantIds(string? tenant, CancellationToken cancel)
    {
        if (!string.IsNullOrEmpty(tenant))
        {
            // An id is asked as it is (no list needed); a domain is looked up among the account's tenants.
            if (Guid.TryParse(tenant, out _))
            {
                return new[] { tenant };
            }
            return FindTenant(Tenants(cancel), tenant) is { } t ? new[] { Json.Str(t, "tenantId")! } : null;
        }
        IReadOnlyList<JsonObject> all = Tenants(cancel);
        string? current = Tokens.ContextTenantId;
        return all.Select(t => Json.Str(t, "tenantId") ?? "").Where(id => id.Length > 0)
            .OrderBy(id => string.Equals(id, current, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ToList();
    }

    /// <summary>The tenant of <paramref name="tenants"/> (ARM's objects) that <paramref name="wanted"/> names (see <see cref="ArmClient.IsTenant"/>).</summary>
    internal static JsonObject? FindTenant(IEnumerable<JsonObject> tenants, string wanted) =>
        tenants.FirstOrDefault(t => ArmClient.IsTenant(t, wanted));

    /// <summary>
    /// Runs <paramref name="call"/> for each tenant; a tenant whose token cannot be had silently is Az's
    /// warning and skipped.
    /// </summary>
    internal IEnumerable<T> PerTenant<T>(IEnumerable<string> tenantIds, Func<string, IEnumerable<T>> call)
    {
        foreach (string tenant in tenantIds)
        {
            IEnumerable<T> items;
            try
            {
                items = call(tenant).ToList();
            }
            catch (ArmTokenUnavailableException e)
            {
                _cmdlet.WriteWarning(string.Format(System.Globalization.CultureInfo.InvariantCulture, TokenWarning, tenant, e.Message));
                continue;
            }
            foreach (T item in items)
            {
                yield return item;
            }
        }
    }

    /// <summary>
    /// Subscriptions as ARM lists them through tenant <paramref name="retrievedThrough"/>, in Az's stored
    /// form for this account and environment (see <see cref="Stored"/>).
    /// </summary>
    internal List<JsonObject> StoredSubscriptions(IReadOnlyList<JsonObject> arm, string retrievedThrough) =>
        Stored(Json.Str(Account, "Id"), Json.Str(Environment, "Name"), new[] { new Population.Listed(new JsonObject { ["tenantId"] = retrievedThrough }, arm) })[0].Subscriptions;

    /// <summary>One subscription as ARM lists it, in Az's stored form (see <see cref="StoredSubscriptions"/>).</summary>
    internal JsonObject StoredSubscription(JsonObject arm, string retrievedThrough) => StoredSubscriptions(new[] { arm }, retrievedThrough)[0];

    /// <summary>A tenant as ARM lists it (or an object with its tenantId alone), in Az's stored form.</summary>
    internal static JsonObject StoredTenant(JsonObject arm) =>
        Stored(null, null, new[] { new Population.Listed(arm, Array.Empty<JsonObject>()) })[0].Tenant;

    /// <summary>
    /// ARM's tenants and subscriptions in Az's stored form, converted in one call by the core with the
    /// rule a sign-in stores them with (azctx_arm_records): a subscription's Tenants is the tenant it was
    /// listed through, HomeTenant its own, policies and tags JSON text, empty values left out. What ARM
    /// sent that cannot be read (a subscription without its id) is ARM's invalid answer.
    /// </summary>
    private static List<(JsonObject Tenant, List<JsonObject> Subscriptions)> Stored(string? account, string? environment, IReadOnlyList<Population.Listed> listed)
    {
        string request = Population.RequestText(new JsonObject { ["Account"] = account, ["Environment"] = environment }, listed);
        string reply;
        try
        {
            reply = NativeCall.Json((out nint j) => NativeMethods.azctx_arm_records(request, out j));
        }
        catch (NativeException e)
        {
            throw new ArmException(200, "InvalidResponse", $"ARM listed a tenant or subscription that cannot be read: {e.Message}", e);
        }
        var result = new List<(JsonObject, List<JsonObject>)>();
        foreach (JsonObject t in ((JsonArray)Json.Parse(reply)!).OfType<JsonObject>())
        {
            // Detached from the reply, so that a caller may place them in a context.
            var tenant = (JsonObject)t["Tenant"]!;
            t.Remove("Tenant");
            var subscriptions = (JsonArray)t["Subscriptions"]!;
            var list = subscriptions.OfType<JsonObject>().ToList();
            subscriptions.Clear();
            result.Add((tenant, list));
        }
        return result;
    }

    /// <summary>
    /// The error id and category of an ARM failure, the same for every command (a sign-in's listing
    /// too): ArmInvalidResponse for an answer that cannot be used, else ArmRequestFailed; the status
    /// and ARM's code are in the message. A next link outside the endpoint is a SecurityError.
    /// </summary>
    internal static (string Id, ErrorCategory Category) Classify(ArmException a) => (
        a.Code is "InvalidResponse" or "ResponseTooLarge" or "PagingLoop" or "TooManyPages" or "InvalidNextLink" ? "ArmInvalidResponse" : "ArmRequestFailed",
        a.Code == "InvalidNextLink" ? ErrorCategory.SecurityError : a.StatusCode switch
        {
            401 => ErrorCategory.AuthenticationError,
            403 => ErrorCategory.PermissionDenied,
            404 => ErrorCategory.ObjectNotFound,
            429 => ErrorCategory.LimitsExceeded,
            0 when a.Code is "NetworkError" or "Timeout" => ErrorCategory.ConnectionError,
            0 when a.Code == "TlsFailure" => ErrorCategory.SecurityError,
            >= 200 and < 300 => ErrorCategory.InvalidData,
            _ => ErrorCategory.InvalidResult,
        });

    /// <summary>The ErrorRecord of an ARM call's failure (the message names the status, ARM's code and message; never a token).</summary>
    internal static ErrorRecord ToErrorRecord(Exception e, object? target) => e switch
    {
        ArmException a => new ErrorRecord(a, Classify(a).Id, Classify(a).Category, target),
        ArmTokenUnavailableException t => new ErrorRecord(new System.Security.Authentication.AuthenticationException(
            string.Format(System.Globalization.CultureInfo.InvariantCulture, TokenWarning, t.TenantId, t.Message)), "SignInRequired", ErrorCategory.AuthenticationError, target),
        SignInFailure s => SignInRequest.ToErrorRecord(s, target),
        PSInvalidOperationException p => ErrorMap.Create(p, "SignInRequired", ErrorCategory.AuthenticationError, target),
        OperationCanceledException o => new ErrorRecord(o, "OperationStopped", ErrorCategory.OperationStopped, target),
        _ => new ErrorRecord(e, "ArmRequestFailed", ErrorCategory.NotSpecified, target),
    };

    /// <summary>True for the failures <see cref="ToErrorRecord"/> maps (what an ARM call may throw).</summary>
    internal static bool IsArmFailure(Exception e) =>
        e is ArmException or ArmTokenUnavailableException or SignInFailure or PSInvalidOperationException or OperationCanceledException;
}

using System;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Commands;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.SignIn;

/// <summary>A token of a context's account, as the engine or the account itself gives it; never shown anywhere.</summary>
internal sealed record ContextToken(string Token, DateTimeOffset ExpiresOn, string? TenantId, string UserId, string Type, string Source);

/// <summary>
/// The one rule for getting a token of a stored context's account, shared by Get-AzAccessToken and the
/// ARM client: an access-token account gives its own stored token; every other account asks the engine
/// (token cache first, then a silent refresh) with the request built here from the account, the
/// environment and the session's token cache.
/// </summary>
internal static class ContextTokens
{
    /// <summary>A token for <paramref name="resource"/> in <paramref name="tenant"/> (null: the context's tenant).</summary>
    /// <exception cref="SignInFailure">the engine could not get one (InteractionRequired, InvalidGrant, Network, ...).</exception>
    /// <exception cref="System.Management.Automation.PSInvalidOperationException">an access-token account holds no token.</exception>
    internal static ContextToken Get(AzContextCmdlet cmdlet, JsonObject context, string? tenant, string resource, Action<string> warn, CancellationToken cancel)
    {
        JsonObject account = Json.Obj(context, "Account") ?? throw new ArgumentException("The context has no account.", nameof(context));
        JsonObject environment = Json.Obj(context, "Environment") ?? throw new ArgumentException("The context has no environment.", nameof(context));
        string accountId = Json.Str(account, "Id") ?? "";
        string type = Json.Str(account, "Type") ?? "";
        tenant ??= Json.Str(Json.Obj(context, "Tenant"), "Id");
        if (type == "AccessToken")
        {
            string token = StoredToken(account)
                ?? throw new System.Management.Automation.PSInvalidOperationException($"The access-token account '{accountId}' holds no token. Run Connect-AzAccount -AccessToken again.");
            return new ContextToken(token, ExpiryOf(token), tenant, accountId, "Bearer", "the account");
        }
        JsonObject ext = Json.Obj(account, "ExtendedProperties") ?? new JsonObject();
        var request = new JsonObject
        {
            ["AccountType"] = type,
            ["AccountId"] = accountId,
            ["HomeAccountId"] = Json.Str(ext, "HomeAccountId"),
            ["CertificatePath"] = Json.Str(ext, "CertificatePath"),
            ["CertificateThumbprint"] = Json.Str(ext, "CertificateThumbprint"),
            ["SendCertificateChain"] = string.Equals(Json.Str(ext, "SendCertificateChain"), "True", StringComparison.OrdinalIgnoreCase),
            ["Tenant"] = tenant,
            ["Resource"] = resource,
        };
        if (type == "ManagedService" && accountId != "MSI@50342")
        {
            request["ManagedIdentityClientId"] = accountId;
        }
        SignInRequest.AddEnvironment(request, environment);
        request["Cache"] = SignInRequest.Cache(cmdlet, (uint)AzctxScope.Default);
        var r = (JsonObject)Json.Parse(EngineHost.GetToken(request.ToJsonString(), warn, cancel))!;
        return new ContextToken(Json.Str(r, "Token") ?? "", DateTimeOffset.Parse(Json.Str(r, "ExpiresOn")!, CultureInfo.InvariantCulture),
            Json.Str(r, "TenantId") ?? tenant, Json.Str(r, "UserId") ?? accountId, Json.Str(r, "Type") ?? "Bearer", Json.Str(r, "Source") ?? "the authority");
    }

    /// <summary>
    /// False when no token of <paramref name="account"/> can be had without signing in first: a user or
    /// service principal in a process that has not loaded the engine (so no memory cache holds its
    /// tokens) whose token cache folder does not exist (no sign-in ever used it). Lets callers keep
    /// their offline answer without loading MSAL or creating a cache. True when a token may be had.
    /// </summary>
    internal static bool MayHaveToken(AzContextCmdlet cmdlet, JsonObject account)
    {
        string type = Json.Str(account, "Type") ?? "";
        if (type is "AccessToken" or "ManagedService" || EngineHost.Loaded)
        {
            return true;
        }
        JsonObject cache = SignInRequest.Cache(cmdlet, (uint)AzctxScope.Default);
        return Json.Bool(cache, "Persistent") && Json.Str(cache, "Directory") is { Length: > 0 } dir && System.IO.Directory.Exists(dir);
    }

    /// <summary>An access-token account's own token (null when it holds none).</summary>
    internal static string? StoredToken(JsonObject account) =>
        Json.Str(Json.Obj(account, "ExtendedProperties"), "AccessToken") is { Length: > 0 } t ? t : null;

    /// <summary>The expiry a JWT states ('exp'); MaxValue when the token is not a JWT or states none.</summary>
    internal static DateTimeOffset ExpiryOf(string token) =>
        long.TryParse(Json.Str(ClaimsOf(token), "exp"), out long exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : DateTimeOffset.MaxValue;

    /// <summary>The tenant a JWT names ('tid'), read locally and trusted for nothing else; null when it names none.</summary>
    internal static string? TenantOf(string token) => Json.Str(ClaimsOf(token), "tid") is { Length: > 0 } t ? t : null;

    /// <summary>A JWT's claims, decoded without any check; null when the token is not a JWT.</summary>
    private static JsonObject? ClaimsOf(string token)
    {
        string[] parts = token.Split('.');
        if (parts.Length > 1)
        {
            try
            {
                string p = parts[1].Replace('-', '+').Replace('_', '/');
                p = p.PadRight(p.Length + ((4 - (p.Length % 4)) % 4), '=');
                return Json.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(p))) as JsonObject;
            }
            catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
            {
                // Not a JWT.
            }
        }
        return null;
    }
}

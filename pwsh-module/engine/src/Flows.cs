using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;
using AzContext.Shared;

namespace AzContext.Identity;

/// <summary>The sign-in flows and token acquisition over MSAL.</summary>
internal static class Flows
{
    /// <summary>Public client applications, one per authority, client and cache, reused by later calls.</summary>
    private static readonly ConcurrentDictionary<string, Lazy<Task<IPublicClientApplication>>> s_public = new();

    /// <summary>
    /// Service-principal credentials given to Connect-AzAccount in this process, by client id and tenant:
    /// kept in memory only (never in a file), so that this session can renew the principal's tokens.
    /// A new process serves them from the cache until they expire, then asks for a new sign-in.
    /// </summary>
    private static readonly ConcurrentDictionary<string, Request> s_credentials = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Managed identity applications by identity: MSAL keeps their tokens in memory.</summary>
    private static readonly ConcurrentDictionary<string, IManagedIdentityApplication> s_managed = new(StringComparer.OrdinalIgnoreCase);

    internal static async Task<JsonObject> SignInAsync(Request r, Action<string> warn, CancellationToken cancel)
    {
        switch (r.Flow)
        {
            case "ClientSecret":
            case "ClientCertificate":
            case "ClientAssertion":
            {
                if (r.Tenant is null)
                {
                    throw new SignInException("InvalidRequest", "A service principal signs in to one tenant: give -Tenant.");
                }
                var app = await Confidential(r, r, warn).ConfigureAwait(false);
                // Always to the authority: a cached token must not vouch for a credential it was never checked with.
                var result = await app.AcquireTokenForClient(r.Scopes).WithForceRefresh(true).ExecuteAsync(cancel).ConfigureAwait(false);
                s_credentials[CredentialKey(r.ClientId, r.Tenant)] = r;
                return Reply(r.ClientId, r.Flow == "ClientAssertion" ? "ClientAssertion" : "ServicePrincipal",
                    TenantOf(result) ?? r.Tenant, null, result);
            }
            case "DeviceCode":
            case "Interactive":
            case "UsernamePassword":
            {
                var app = await Public(r, warn).ConfigureAwait(false);
                AuthenticationResult result;
                if (r.Flow == "DeviceCode")
                {
                    result = await app.AcquireTokenWithDeviceCode(r.Scopes, dc =>
                    {
                        warn(dc.Message);
                        return Task.CompletedTask;
                    }).ExecuteAsync(cancel).ConfigureAwait(false);
                }
                else if (r.Flow == "Interactive")
                {
                    var b = app.AcquireTokenInteractive(r.Scopes).WithUseEmbeddedWebView(false).WithPrompt(Prompt.SelectAccount);
                    if (r.LoginHint is not null)
                    {
                        b = b.WithLoginHint(r.LoginHint);
                    }
                    result = await b.ExecuteAsync(cancel).ConfigureAwait(false);
                }
                else
                {
#pragma warning disable CS0618 // ROPC is deprecated by Entra ID but still what Az's -Credential does for users
                    result = await app.AcquireTokenByUsernamePassword(r.Scopes, r.UserName, r.Password ?? "").ExecuteAsync(cancel).ConfigureAwait(false);
#pragma warning restore CS0618
                }
                if (result.Account is null || string.IsNullOrEmpty(result.Account.Username))
                {
                    throw new SignInException("Authentication", "The authority's answer names no account (no id_token with preferred_username).");
                }
                return Reply(result.Account.Username, "User", result.TenantId ?? r.Tenant, result.Account.HomeAccountId?.Identifier, result);
            }
            case "ManagedIdentity":
            {
                var result = await Managed(r).AcquireTokenForManagedIdentity(r.Resource).ExecuteAsync(cancel).ConfigureAwait(false);
                string tenant = r.Tenant ?? ClaimOf(result.AccessToken, "tid") ?? "";
                string id = r.AccountId ?? "MSI@50342";
                return Reply(id, "ManagedService", tenant, null, result);
            }
            default:
                throw new SignInException("InvalidRequest", $"Unknown sign-in flow '{r.Flow}'.");
        }
    }

    internal static async Task<JsonObject> GetTokenAsync(Request r, Action<string> warn, CancellationToken cancel)
    {
        AuthenticationResult result;
        switch (r.AccountType)
        {
            case "User":
            {
                // A sign-in with -Scope Process (or autosave off) keeps its tokens in this process's memory:
                // look there first, then in the file.
                var app = await Public(r.InMemory(), warn).ConfigureAwait(false);
                var account = await FindAccount(app, r).ConfigureAwait(false);
                if (account is null && r.PersistentCache)
                {
                    app = await Public(r, warn).ConfigureAwait(false);
                    account = await FindAccount(app, r).ConfigureAwait(false);
                }
                _ = account ?? throw new SignInException("InteractionRequired",
                        $"The token cache holds no sign-in of '{r.AccountId}' (it may have been signed out, or signed in with another tool's cache or in another session's memory). Run Connect-AzAccount to sign in again.");
                var b = app.AcquireTokenSilent(r.Scopes, account).WithForceRefresh(r.ForceRefresh);
                if (r.Tenant is not null)
                {
                    b = b.WithTenantId(r.Tenant);
                }
                result = await b.ExecuteAsync(cancel).ConfigureAwait(false);
                break;
            }
            case string type when AppAccounts.IsApp(type):
            {
                string clientId = r.AccountId ?? r.ClientId;
                string tenant = r.Tenant ?? throw new SignInException("InvalidRequest", "The service principal's context has no tenant.");
                s_credentials.TryGetValue(CredentialKey(clientId, tenant), out Request? known);
                var sp = Clone(r, clientId);
                if (known is null && (r.CertificatePath is not null || r.CertificateThumbprint is not null))
                {
                    // A certificate principal's certificate is where the account says: no secret needed.
                    known = Clone(r, clientId);
                    known.Flow = "ClientCertificate";
                }
                if (known is not null)
                {
                    // The cache the sign-in used (this process's memory after -Scope Process).
                    sp.PersistentCache = known.PersistentCache;
                    sp.CacheDirectory = known.CacheDirectory;
                    sp.CacheFile = known.CacheFile;
                }
                var app = await Confidential(sp, known, warn).ConfigureAwait(false);
                result = await app.AcquireTokenForClient(sp.Scopes).WithForceRefresh(r.ForceRefresh && known is not null).ExecuteAsync(cancel).ConfigureAwait(false);
                break;
            }
            case "ManagedService":
                result = await Managed(r).AcquireTokenForManagedIdentity(r.Resource).WithForceRefresh(r.ForceRefresh).ExecuteAsync(cancel).ConfigureAwait(false);
                break;
            default:
                throw new SignInException("NotSupported", $"Accounts of type '{r.AccountType}' get no tokens from AzContext's sign-in.");
        }
        string userId = r.AccountType == "User" ? result.Account?.Username ?? r.AccountId ?? "" : r.AccountId ?? "";
        return new JsonObject
        {
            ["Token"] = result.AccessToken,
            ["ExpiresOn"] = result.ExpiresOn.ToString("o"),
            ["TenantId"] = TenantOf(result) ?? r.Tenant,
            ["UserId"] = userId,
            ["Type"] = "Bearer",
            ["Source"] = result.AuthenticationResultMetadata?.TokenSource.ToString(),
        };
    }

    internal static async Task<JsonObject> RemoveAccountAsync(Request r, Action<string> warn)
    {
        int removed = 0;
        if (AppAccounts.IsApp(r.AccountType))
        {
            string clientId = r.AccountId ?? r.ClientId;
            foreach (string key in s_credentials.Keys.Where(k => k.StartsWith(clientId + "|", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                s_credentials.TryRemove(key, out _);
                removed++;
            }
            return new JsonObject { ["Removed"] = removed };
        }
        // This process's memory, and the file when the call's scope persists.
        var caches = r.PersistentCache ? new[] { r.InMemory(), r } : new[] { r };
        foreach (Request c in caches)
        {
            var app = await Public(c, warn).ConfigureAwait(false);
            foreach (var account in (await app.GetAccountsAsync().ConfigureAwait(false)).ToList())
            {
                bool same = (r.HomeAccountId is not null && string.Equals(account.HomeAccountId?.Identifier, r.HomeAccountId, StringComparison.OrdinalIgnoreCase))
                    || (r.AccountId is not null && string.Equals(account.Username, r.AccountId, StringComparison.OrdinalIgnoreCase));
                if (same)
                {
                    await app.RemoveAsync(account).ConfigureAwait(false);
                    removed++;
                }
            }
        }
        return new JsonObject { ["Removed"] = removed };
    }

    /// <summary>
    /// The user accounts in the token cache of <paramref name="r"/> (this process's memory too when the
    /// cache is the file), one per home account: {Accounts: [{AccountId, HomeAccountId, TenantId}]}.
    /// </summary>
    internal static async Task<JsonObject> ListAccountsAsync(Request r, Action<string> warn)
    {
        var list = new JsonArray();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var caches = r.PersistentCache ? new[] { r, r.InMemory() } : new[] { r };
        foreach (Request c in caches)
        {
            var app = await Public(c, warn).ConfigureAwait(false);
            foreach (var account in await app.GetAccountsAsync().ConfigureAwait(false))
            {
                string? home = account.HomeAccountId?.Identifier;
                if (string.IsNullOrEmpty(account.Username) || !seen.Add(home ?? account.Username))
                {
                    continue;
                }
                list.Add(new JsonObject
                {
                    ["AccountId"] = account.Username,
                    ["HomeAccountId"] = home,
                    ["TenantId"] = account.HomeAccountId?.TenantId,
                });
            }
        }
        return new JsonObject { ["Accounts"] = list };
    }

    private static async Task<IAccount?> FindAccount(IPublicClientApplication app, Request r)
    {
        if (r.HomeAccountId is not null)
        {
            var byId = await app.GetAccountAsync(r.HomeAccountId).ConfigureAwait(false);
            if (byId is not null)
            {
                return byId;
            }
        }
        var all = await app.GetAccountsAsync().ConfigureAwait(false);
        return all.FirstOrDefault(a => string.Equals(a.Username, r.AccountId, StringComparison.OrdinalIgnoreCase));
    }

    private static JsonObject Reply(string accountId, string type, string? tenant, string? homeAccountId, AuthenticationResult result) => new()
    {
        ["AccountId"] = accountId,
        ["AccountType"] = type,
        ["TenantId"] = tenant,
        ["HomeAccountId"] = homeAccountId,
        ["ExpiresOn"] = result.ExpiresOn.ToString("o"),
    };

    private static string? TenantOf(AuthenticationResult result) =>
        !string.IsNullOrEmpty(result.TenantId) && result.TenantId != "managed_identity" ? result.TenantId : ClaimOf(result.AccessToken, "tid");

    /// <summary>A claim of a JWT read locally (nothing verified): only to name a tenant.</summary>
    private static string? ClaimOf(string token, string claim)
    {
        string[] parts = token.Split('.');
        if (parts.Length < 2)
        {
            return null;
        }
        try
        {
            string p = parts[1].Replace('-', '+').Replace('_', '/');
            p = p.PadRight(p.Length + (4 - p.Length % 4) % 4, '=');
            var o = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(p))) as JsonObject;
            return o?[claim] is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0 ? s : null;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string CredentialKey(string clientId, string tenant) => clientId + "|" + tenant;

    private static Request Clone(Request r, string clientId)
    {
        var c = r.Copy();
        c.ClientId = clientId;
        return c;
    }

    private static async Task<IPublicClientApplication> Public(Request r, Action<string> warn)
    {
        string key = $"{r.AuthorityUrl}|{r.ValidateAuthority}|{r.ClientId}|{r.CacheKey}";
        var lazy = s_public.GetOrAdd(key, _ => new Lazy<Task<IPublicClientApplication>>(async () =>
        {
            var b = PublicClientApplicationBuilder.Create(r.ClientId)
                .WithAuthority(r.AuthorityUrl, r.ValidateAuthority)
                .WithRedirectUri("http://localhost");
            if (!r.ValidateAuthority)
            {
                b = b.WithInstanceDiscovery(false);
            }
            var app = b.Build();
            await TokenCaches.Attach(app.UserTokenCache, r, app: false, warn).ConfigureAwait(false);
            return app;
        }));
        try
        {
            return await lazy.Value.ConfigureAwait(false);
        }
        catch
        {
            s_public.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>
    /// A confidential client for <paramref name="r"/>'s principal with the credential of
    /// <paramref name="credential"/>; without one, a client that serves only cached tokens and says
    /// clearly when it would need the credential.
    /// </summary>
    private static async Task<IConfidentialClientApplication> Confidential(Request r, Request? credential, Action<string> warn)
    {
        var b = ConfidentialClientApplicationBuilder.Create(r.ClientId).WithAuthority(r.AuthorityUrl, r.ValidateAuthority);
        if (!r.ValidateAuthority)
        {
            b = b.WithInstanceDiscovery(false);
        }
        switch (credential?.Flow)
        {
            case "ClientSecret":
                b = b.WithClientSecret(credential.Secret ?? throw new SignInException("InvalidRequest", "The service principal's secret is empty."));
                break;
            case "ClientCertificate":
                b = b.WithCertificate(LoadCertificate(credential), credential.SendCertificateChain);
                break;
            case "ClientAssertion":
                string assertion = credential.Assertion ?? throw new SignInException("InvalidRequest", "The federated token is empty.");
                b = b.WithClientAssertion((AssertionRequestOptions _) => Task.FromResult(assertion));
                break;
            default:
                string who = r.ClientId;
                b = b.WithClientAssertion((AssertionRequestOptions _) => Task.FromException<string>(new SignInException("InteractionRequired",
                    $"The cached token of service principal '{who}' has expired, and this session does not hold its credential (AzContext never stores it). Run Connect-AzAccount -ServicePrincipal again.")));
                break;
        }
        var app = b.Build();
        await TokenCaches.Attach(app.AppTokenCache, r, app: true, warn).ConfigureAwait(false);
        return app;
    }

    private static X509Certificate2 LoadCertificate(Request r)
    {
        if (r.CertificatePath is not null)
        {
            try
            {
                return new X509Certificate2(r.CertificatePath, r.CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or System.IO.IOException or UnauthorizedAccessException)
            {
                throw new SignInException("InvalidCertificate", $"The certificate file '{r.CertificatePath}' cannot be read as PKCS#12 with the password given: {e.Message}");
            }
        }
        string thumbprint = r.CertificateThumbprint ?? throw new SignInException("InvalidRequest", "No certificate was given.");
        foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
        {
            using var store = new X509Store(StoreName.My, location);
            try
            {
                store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                continue;
            }
            var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
            if (found.Count > 0)
            {
                return found[0];
            }
        }
        throw new SignInException("InvalidCertificate", $"No certificate with thumbprint '{thumbprint}' is in the CurrentUser or LocalMachine 'My' store.");
    }

    private static IManagedIdentityApplication Managed(Request r)
    {
        string key = r.ManagedIdentityClientId ?? "";
        return s_managed.GetOrAdd(key, id =>
            ManagedIdentityApplicationBuilder.Create(id.Length == 0 ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.WithUserAssignedClientId(id)).Build());
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace AzContext.Identity;

/// <summary>
/// The only entry points of AzContext.Engine. Everything that crosses to the module is a BCL type:
/// JSON text in and out, an <see cref="Action{T}"/> for warnings, a <see cref="CancellationToken"/>.
/// Failures are <see cref="SignInException"/> (a BCL exception type) whose messages never hold a
/// secret or a token.
/// </summary>
public static class Broker
{
    /// <summary>Azure PowerShell's public client id: the one whose tokens Az.Accounts caches.</summary>
    public const string AzurePowerShellClientId = "1950a258-227b-4e31-a9cf-717495945fc2";

    /// <summary>
    /// Signs in. The request names the flow and its inputs (see <see cref="Request"/>); the reply is
    /// {AccountId, AccountType, TenantId, HomeAccountId, Environment, ExpiresOn}: what the core stores,
    /// never a token or a secret.
    /// </summary>
    public static string SignIn(string requestJson, Action<string> warn, CancellationToken cancel)
    {
        var r = Request.Parse(requestJson);
        return Run(() => Flows.SignInAsync(r, warn, cancel)).ToJsonString();
    }

    /// <summary>
    /// A token for an account signed in earlier, from the cache when it holds a fresh one, refreshed
    /// otherwise. The reply is {Token, ExpiresOn, TenantId, UserId, Type}.
    /// </summary>
    public static string GetToken(string requestJson, Action<string> warn, CancellationToken cancel)
    {
        var r = Request.Parse(requestJson);
        return Run(() => Flows.GetTokenAsync(r, warn, cancel)).ToJsonString();
    }

    /// <summary>Removes a user's accounts (every tenant) from the token cache; the reply is {Removed: n}.</summary>
    public static string RemoveAccount(string requestJson, Action<string> warn)
    {
        var r = Request.Parse(requestJson);
        return Run(() => Flows.RemoveAccountAsync(r, warn)).ToJsonString();
    }

    /// <summary>The user accounts in the token cache the request names; the reply is {Accounts: [{AccountId, HomeAccountId, TenantId}]}.</summary>
    public static string ListAccounts(string requestJson, Action<string> warn)
    {
        var r = Request.Parse(requestJson);
        return Run(() => Flows.ListAccountsAsync(r, warn)).ToJsonString();
    }

    /// <summary>
    /// Where this process keeps the persistent token cache file <paramref name="path"/>: "Keyring",
    /// "EncryptedFile", "File" (an owner-only plain file), or null when it has not opened that cache. Never opens it.
    /// </summary>
    public static string? CacheStorage(string path) => TokenCaches.StorageOf(path);

    private static JsonObject Run(Func<Task<JsonObject>> body)
    {
        try
        {
            return body().GetAwaiter().GetResult();
        }
        catch (SignInException)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            throw new SignInException("Canceled", "The sign-in was canceled.");
        }
        catch (MsalUiRequiredException e)
        {
            throw new SignInException("InteractionRequired",
                $"The cached sign-in can no longer be used ({Errors.Describe(e)}). Run Connect-AzAccount to sign in again.");
        }
        catch (MsalServiceException e)
        {
            throw new SignInException(Errors.ServiceKind(e), Errors.Describe(e));
        }
        catch (MsalException e)
        {
            throw new SignInException(Errors.ClientKind(e), Errors.Describe(e));
        }
        catch (HttpRequestException e)
        {
            throw Errors.Network(e);
        }
        catch (Exception e) when (e.InnerException is HttpRequestException h)
        {
            throw Errors.Network(h);
        }
    }
}

/// <summary>A sign-in or token failure. <see cref="Kind"/> is a stable word the module maps to an error id.</summary>
public sealed class SignInException : InvalidOperationException
{
    public SignInException(string kind, string message) : base(message) => Kind = kind;

    public string Kind { get; }
}

internal static class Errors
{
    /// <summary>MSAL's code and the service's own description (AADSTS…), which never hold a secret.</summary>
    internal static string Describe(MsalException e)
    {
        string text = e.Message.Split('\n')[0].Trim();
        if (e is MsalServiceException s && s.StatusCode == 0 && e.InnerException is HttpRequestException h)
        {
            return Network(h).Message;
        }
        return string.IsNullOrEmpty(e.ErrorCode) ? text : $"{e.ErrorCode}: {text}";
    }

    internal static string ServiceKind(MsalServiceException e) =>
        e.InnerException is HttpRequestException ? "Network" :
        e.ErrorCode is "invalid_client" or "unauthorized_client" ? "InvalidCredential" :
        e.ErrorCode is "invalid_grant" ? "InvalidGrant" : "Authentication";

    internal static string ClientKind(MsalException e) =>
        e.InnerException is HttpRequestException ? "Network" : "Authentication";

    internal static SignInException Network(HttpRequestException e)
    {
        bool tls = e.InnerException is AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError;
        return tls
            ? new SignInException("Tls", $"The TLS connection to the authority could not be established: {e.Message} Check that the authority's certificate is trusted by this machine.")
            : new SignInException("Network", $"The authority could not be reached: {e.Message}");
    }
}

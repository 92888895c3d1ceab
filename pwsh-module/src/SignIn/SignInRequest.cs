using System;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Commands;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.SignIn;

/// <summary>
/// The parts of an engine request that come from stored state: the environment's authority and
/// resource ids, and which token cache the call uses (MSAL's file where autosave puts it, or this
/// process's memory).
/// </summary>
internal static class SignInRequest
{
    private static readonly string[] PublicEnvironments = { "AzureCloud", "AzureChinaCloud", "AzureUSGovernment" };

    /// <summary>
    /// The environment named <paramref name="name"/> as stored (null when unknown). A context carries
    /// its own copy; this is for sign-in, where only the name is given.
    /// </summary>
    internal static JsonObject? FindEnvironment(AzContextCmdlet cmdlet, string name)
    {
        string json = cmdlet.CallJson((s, c) => (out nint j) => NativeMethods.azctx_environment_list(s, c, out j));
        if (Json.Parse(json) is JsonArray list)
        {
            foreach (JsonNode? n in list)
            {
                if (n is JsonObject o && string.Equals(Json.Str(o, "Name"), name, StringComparison.OrdinalIgnoreCase))
                {
                    return o;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Authority, ValidateAuthority and the default Resource of an environment. Custom environments turn
    /// authority validation and instance discovery off, so that nothing but their own authority is called.
    /// </summary>
    internal static void AddEnvironment(JsonObject request, JsonObject environment)
    {
        string name = Json.Str(environment, "Name") ?? "";
        string? authority = Json.Str(environment, "ActiveDirectoryAuthority");
        if (string.IsNullOrEmpty(authority))
        {
            throw new PSArgumentException($"The environment '{name}' has no ActiveDirectoryAuthority to sign in with.");
        }
        request["Authority"] = authority;
        request["ValidateAuthority"] = Array.Exists(PublicEnvironments, p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
        request["Resource"] ??= Json.Str(environment, "ActiveDirectoryServiceEndpointResourceId") ?? "https://management.core.windows.net/";
    }

    /// <summary>
    /// The token cache for a call in <paramref name="scope"/> (an azctx_scope): persistent where the
    /// session's autosave settings put it when that scope is CurrentUser, else in memory.
    /// </summary>
    internal static JsonObject Cache(AzContextCmdlet cmdlet, uint scope) =>
        cmdlet.Native(() => CacheOf(cmdlet.Settings, cmdlet.StoreDir, scope));

    /// <summary>
    /// <see cref="Cache"/> for given call settings: {Persistent, Directory, File, MemoryKey}. The one rule
    /// for which token cache the session uses, read by the engine's requests and by a context's TokenCache.
    /// Throws <see cref="NativeException"/> when the settings cannot be read.
    /// </summary>
    internal static JsonObject CacheOf(CallSettings settings, string? storeDir, uint scope)
    {
        // The process's session even under -DefaultProfile: a context passed in (e.g. to a job) still
        // finds its tokens in the shared cache.
        uint asked = scope == (uint)AzctxScope.Process ? (uint)AzctxScope.Default : scope;
        SessionHandle session = Store.Session;
        string json = settings.Run(c => NativeCall.Json((out nint j) => NativeMethods.azctx_autosave_get(session, c, asked, out j)));
        var autosave = Json.Parse(json) as JsonObject;
        string? dir = Json.Str(autosave, "CacheDirectory");
        string? file = Json.Str(autosave, "CacheFile");
        bool persistent = scope != (uint)AzctxScope.Process && Json.Str(autosave, "Mode") == "CurrentUser"
            && !string.IsNullOrEmpty(dir) && dir != "None" && !string.IsNullOrEmpty(file) && file != "None";
        return new JsonObject
        {
            ["Persistent"] = persistent,
            ["Directory"] = persistent ? dir : null,
            ["File"] = persistent ? file : null,
            // This process's memory cache belongs to one store, as its Process-scope contexts do.
            ["MemoryKey"] = storeDir ?? "~/.Azure",
        };
    }

    /// <summary>An ErrorRecord for an engine failure, by kind; the message never holds a secret.</summary>
    internal static ErrorRecord ToErrorRecord(SignInFailure e, object? target)
    {
        (string id, ErrorCategory category) = e.Kind switch
        {
            "InvalidCredential" => ("InvalidCredential", ErrorCategory.AuthenticationError),
            "InvalidGrant" => ("InvalidGrant", ErrorCategory.AuthenticationError),
            "InteractionRequired" => ("SignInRequired", ErrorCategory.AuthenticationError),
            "Network" => ("AuthorityUnreachable", ErrorCategory.ConnectionError),
            "Tls" => ("AuthorityTlsFailure", ErrorCategory.SecurityError),
            "Canceled" => ("SignInCanceled", ErrorCategory.OperationStopped),
            "InvalidRequest" or "InvalidCertificate" => (e.Kind, ErrorCategory.InvalidArgument),
            "NotSupported" => ("NotSupported", ErrorCategory.NotImplemented),
            _ => ("AuthenticationFailed", ErrorCategory.AuthenticationError),
        };
        Exception ex = category switch
        {
            ErrorCategory.InvalidArgument => new PSArgumentException(e.Message),
            ErrorCategory.ConnectionError => new System.Net.Http.HttpRequestException(e.Message),
            _ => new System.Security.Authentication.AuthenticationException(e.Message),
        };
        return new ErrorRecord(ex, id, category, target);
    }
}

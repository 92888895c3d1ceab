using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Arm;
using AzContext.Commands;
using AzContext.Models;

namespace AzContext.SignIn;

/// <summary>
/// ARM tokens for one context's account through <see cref="ContextTokens"/> (as Get-AzAccessToken gets
/// them), for the environment's ARM resource (ActiveDirectoryServiceEndpointResourceId). Tokens are
/// kept per tenant for this provider's life while they have more than five minutes left. A tenant that
/// needs interaction (MFA, consent, a revoked grant) is an <see cref="ArmTokenUnavailableException"/>;
/// an access-token account has a token for its own tenant only. Call it on the pipeline thread: engine
/// warnings are written through <c>warn</c> as they come.
/// </summary>
internal sealed class EngineTokenProvider : IArmTokenProvider
{
    private readonly AzContextCmdlet _cmdlet;
    private readonly JsonObject _context;
    private readonly Action<string> _warn;
    private readonly string _resource;
    private readonly Dictionary<string, ContextToken> _tokens = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="cmdlet">The cmdlet whose store and autosave settings pick the token cache.</param>
    /// <param name="context">The context as the core returns it (Account, Environment, Tenant).</param>
    /// <param name="warn">Writes the engine's warnings (call on the pipeline thread).</param>
    /// <param name="resource">The token's audience; default: the environment's ARM resource.</param>
    internal EngineTokenProvider(AzContextCmdlet cmdlet, JsonObject context, Action<string> warn, string? resource = null)
    {
        _cmdlet = cmdlet;
        _context = context;
        _warn = warn;
        JsonObject environment = Json.Obj(context, "Environment") ?? throw new ArgumentException("The context has no environment.", nameof(context));
        _resource = resource ?? AuthScopeCompleter.Resource("Arm", environment);
    }

    /// <summary>The context's tenant (null when it has none).</summary>
    internal string? ContextTenantId => Json.Str(Json.Obj(_context, "Tenant"), "Id");

    /// <summary>The account's type as stored (User, ServicePrincipal, ManagedService, ClientAssertion, AccessToken).</summary>
    internal string AccountType => Json.Str(Json.Obj(_context, "Account"), "Type") ?? "";

    /// <summary>True when the token's audience is the environment's ARM resource (a trailing slash aside).</summary>
    private bool IsArmResource =>
        string.Equals(_resource.TrimEnd('/'), AuthScopeCompleter.Resource("Arm", Json.Obj(_context, "Environment")!).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>The account's id.</summary>
    internal string AccountId => Json.Str(Json.Obj(_context, "Account"), "Id") ?? "";

    public string GetToken(string? tenantId, CancellationToken cancel)
    {
        string? tenant = string.IsNullOrEmpty(tenantId) ? ContextTenantId : tenantId;
        string key = tenant ?? "";
        if (_tokens.TryGetValue(key, out ContextToken? held) && held.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5))
        {
            return held.Token;
        }
        if (AccountType == "AccessToken" && tenant is not null && ContextTenantId is not null
            && !string.Equals(tenant, ContextTenantId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArmTokenUnavailableException(tenant, $"The access-token account '{AccountId}' has a token for tenant '{ContextTenantId}' only.");
        }
        if (AccountType == "AccessToken" && !IsArmResource)
        {
            // The account holds one token, issued for ARM: it never goes to another host (Invoke-AzRestMethod -Uri).
            throw new ArmTokenUnavailableException(tenant, $"The access-token account '{AccountId}' holds a token for Azure Resource Manager only, not for '{_resource}'.");
        }
        try
        {
            ContextToken t = ContextTokens.Get(_cmdlet, _context, tenant, _resource, _warn, cancel);
            _tokens[key] = t;
            return t.Token;
        }
        catch (SignInFailure e) when (e.Kind is "InteractionRequired" or "InvalidGrant")
        {
            throw new ArmTokenUnavailableException(tenant, e.Message);
        }
    }
}

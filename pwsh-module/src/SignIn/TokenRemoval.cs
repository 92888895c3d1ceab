using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;
using AzContext.Commands;
using AzContext.Shared;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.SignIn;

/// <summary>
/// Removes signed-in accounts' tokens from the token cache when their contexts go (Disconnect-AzAccount,
/// Clear-AzContext, Remove-AzContext of a user's last context), as Az does: users' accounts, refresh and
/// access tokens from MSAL's cache; a service principal's credential from this session's memory. The
/// engine is loaded only when such an account is among the contexts.
/// </summary>
internal static class TokenRemoval
{
    /// <summary>Removes the tokens of the signed-in accounts of <paramref name="contexts"/> from the cache of <paramref name="scope"/>.</summary>
    internal static void Remove(AzContextCmdlet cmdlet, IEnumerable<PSAzureContext> contexts, uint scope)
    {
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (PSAzureContext c in contexts)
        {
            if (c.Account is not { Id: { Length: > 0 } id, Type: { } type } account
                || !(string.Equals(type, "User", StringComparison.OrdinalIgnoreCase) || AppAccounts.IsApp(type))
                || c.Environment?.ActiveDirectoryAuthority is not { Length: > 0 } authority)
            {
                continue;
            }
            if (!done.Add($"{id}|{authority}"))
            {
                continue;
            }
            var request = new JsonObject
            {
                ["AccountType"] = type,
                ["AccountId"] = id,
                ["HomeAccountId"] = account.ExtendedProperties.TryGetValue("HomeAccountId", out string? home) ? home : null,
            };
            try
            {
                SignInRequest.AddEnvironment(request, new JsonObject { ["Name"] = c.Environment.Name, ["ActiveDirectoryAuthority"] = authority });
                // Removal is local: never a discovery call to the authority.
                request["ValidateAuthority"] = false;
                JsonObject cache = SignInRequest.Cache(cmdlet, scope);
                bool file = Models.Json.Bool(cache, "Persistent")
                    && File.Exists(Path.Combine(Models.Json.Str(cache, "Directory")!, Models.Json.Str(cache, "File")!));
                // Nothing to remove when no token cache exists yet: the engine is not even loaded.
                if (!file && !EngineHost.Loaded)
                {
                    continue;
                }
                request["Cache"] = cache;
                EngineHost.RemoveAccount(request.ToJsonString(), cmdlet.WriteWarning);
            }
            catch (Exception e) when (e is SignInFailure or System.Management.Automation.PSArgumentException)
            {
                cmdlet.WriteWarning($"The tokens of '{id}' could not be removed from the token cache: {e.Message}");
            }
        }
    }
}

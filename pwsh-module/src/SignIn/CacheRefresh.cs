using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using AzContext.Arm;
using AzContext.Commands;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.SignIn;

/// <summary>
/// Get-AzContext -RefreshContextFromTokenCache, as Az does it: the user accounts in the token cache
/// are the truth. A User context whose account is no longer in the cache is removed; an account in the
/// cache without any context gets one per subscription, listed through Azure Resource Manager with
/// its cached tokens (no prompt), without changing the current context. Problems are warnings. What
/// changes is stored as one change, in one locked write: other processes see the refresh whole.
/// </summary>
internal static class CacheRefresh
{
    internal static void Run(AzContextCmdlet cmdlet, CancellationToken cancel)
    {
        var contexts = Json.Parse(cmdlet.CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_list(s, c, out j))) as JsonArray ?? new JsonArray();
        var current = Json.Parse(cmdlet.CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_current(s, c, out j))) as JsonObject;
        JsonObject? environment = Json.Obj(current, "Environment") ?? SignInRequest.FindEnvironment(cmdlet, "AzureCloud");
        if (environment is null)
        {
            cmdlet.WriteWarning("No environment to refresh the contexts in; the stored contexts are listed as they are.");
            return;
        }
        JsonArray cached;
        try
        {
            var request = new JsonObject();
            SignInRequest.AddEnvironment(request, environment);
            request["Cache"] = SignInRequest.Cache(cmdlet, (uint)AzctxScope.Default);
            cached = Json.Parse(EngineHost.ListAccounts(request.ToJsonString(), cmdlet.WriteWarning)) is JsonObject o && o["Accounts"] is JsonArray a ? a : new JsonArray();
        }
        catch (Exception e) when (e is SignInFailure or System.Management.Automation.PSArgumentException)
        {
            cmdlet.WriteWarning($"The token cache could not be read: {e.Message} The stored contexts are listed as they are.");
            return;
        }

        var inCache = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonNode? n in cached)
        {
            if (Json.Str(n as JsonObject, "AccountId") is { Length: > 0 } id)
            {
                inCache.Add(id);
            }
        }
        string? environmentName = Json.Str(environment, "Name");
        var stored = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var gone = new List<string>();
        var goneSet = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonNode? n in contexts)
        {
            JsonObject? account = Json.Obj(n as JsonObject, "Account");
            if (Json.Str(account, "Id") is not { Length: > 0 } id)
            {
                continue;
            }
            stored.Add(id);
            // Only this environment's cache was listed: another cloud's users are not judged by it.
            bool sameEnvironment = string.Equals(Json.Str(Json.Obj(n as JsonObject, "Environment"), "Name"), environmentName, StringComparison.OrdinalIgnoreCase);
            if (sameEnvironment && string.Equals(Json.Str(account, "Type"), "User", StringComparison.OrdinalIgnoreCase) && !inCache.Contains(id) && goneSet.Add(id))
            {
                gone.Add(id);
            }
        }
        uint scope = (uint)AzctxScope.Default;
        if (inCache.Count == 0 && gone.Count > 0)
        {
            // An empty cache is more often one this process cannot read (a new process with a memory-only
            // cache, a cache file MSAL could not decrypt) than every user signed out: remove nothing.
            cmdlet.WriteWarning($"The token cache holds no account, so the contexts of {gone.Count} user(s) were kept. Use Disconnect-AzAccount to remove them.");
            gone.Clear();
        }
        // ARM is asked first; what changes is then stored in one write, or nothing is.
        var signIns = new List<string>();
        var added = new List<string>();
        foreach (JsonNode? n in cached)
        {
            string? id = Json.Str(n as JsonObject, "AccountId");
            string? tenant = Json.Str(n as JsonObject, "TenantId");
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(tenant) || stored.Contains(id))
            {
                continue;
            }
            var account = new JsonObject
            {
                ["Id"] = id,
                ["Type"] = "User",
                ["ExtendedProperties"] = new JsonObject { ["HomeAccountId"] = Json.Str(n as JsonObject, "HomeAccountId") },
            };
            IReadOnlyList<Population.Listed> tenants;
            try
            {
                tenants = Population.List(cmdlet, Population.ContextOf(account, environment, tenant), null, cmdlet.WriteWarning, cancel);
            }
            catch (Exception e) when (e is ArmException or ArmTokenUnavailableException or SignInFailure or System.Management.Automation.PSArgumentException)
            {
                cmdlet.WriteWarning($"No contexts were added for '{id}': {e.Message}");
                continue;
            }
            var request = new JsonObject
            {
                ["Account"] = account,
                ["Environment"] = Json.Str(environment, "Name"),
                ["TenantId"] = tenant,
                ["KeepDefault"] = true,
            };
            signIns.Add(Population.RequestText(request, tenants));
            added.Add(id);
        }
        if (gone.Count == 0 && signIns.Count == 0)
        {
            return;
        }

        var body = new System.Text.StringBuilder("{\"Disconnect\":");
        body.Append(new JsonArray(gone.Select(id => (JsonNode?)JsonValue.Create(id)).ToArray()).ToJsonString());
        body.Append(",\"SignIns\":[").AppendJoin(',', signIns).Append("]}");
        string text = body.ToString();
        cmdlet.CallChange((s, c) => (out nint j) => NativeMethods.azctx_contexts_refresh(s, c, text, scope, out j), "RefreshContextFromTokenCache");
        foreach (string id in gone)
        {
            cmdlet.WriteVerbose($"Removed the contexts of '{id}': the account is not in the token cache.");
        }
        foreach (string id in added)
        {
            cmdlet.WriteVerbose($"Added the contexts of '{id}' from the token cache.");
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.Completers;

/// <summary>Completes environment names: the public clouds and the custom ones in the store.</summary>
public sealed class EnvironmentNameCompleter : StoreNameCompleter
{
    private protected override IEnumerable<(string Name, string ToolTip)> Entries(SessionHandle session, CallSettings settings)
    {
        string json = settings.Run(c => NativeCall.Json((out nint j) => NativeMethods.azctx_environment_list(session, c, out j)));
        return (Json.Parse(json) as JsonArray ?? new JsonArray())
            .OfType<JsonObject>()
            .Select(o => Json.Str(o, "Name") ?? "")
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(n => (n, n));
    }
}

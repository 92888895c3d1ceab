using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.Completers;

/// <summary>
/// Completes environment names: the public clouds and the custom ones in the store. Results are quoted
/// in single quotes (with any ' doubled) when they hold anything but letters, digits, '-', '_' and '.'.
/// </summary>
public sealed class EnvironmentNameCompleter : StoreNameCompleter
{
    private protected override IEnumerable<string> Names(SessionHandle session, CallSettings settings)
    {
        string json = settings.Run(c => NativeCall.Json((out nint j) => NativeMethods.azctx_environment_list(session, c, out j)));
        return (Json.Parse(json) as JsonArray ?? new JsonArray())
            .OfType<JsonObject>()
            .Select(o => Json.Str(o, "Name") ?? "")
            .Where(n => n.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase);
    }

    private protected override string Quote(string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.') ? name : ContextNameCompleter.QuoteAlways(name);
}

using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.Completers;

/// <summary>
/// Completes context names. Az's generated names hold spaces and parentheses, so every result is quoted
/// in single quotes, with any ' doubled.
/// </summary>
public sealed class ContextNameCompleter : StoreNameCompleter
{
    private protected override IEnumerable<string> Names(SessionHandle session, CallSettings settings)
    {
        string json = settings.Run(c => NativeCall.Json((out nint j) => NativeMethods.azctx_context_names(session, c, out j)));
        return (Json.Parse(json) as JsonArray ?? new JsonArray()).Select(n => n?.ToString() ?? "");
    }

    private protected override string Quote(string name) => QuoteAlways(name);

    internal static string QuoteAlways(string name) => "'" + name.Replace("'", "''") + "'";
}

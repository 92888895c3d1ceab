using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.Completers;

/// <summary>
/// Completes context names. Az's generated names hold spaces and parentheses, so every result is quoted
/// in single quotes, with any ' doubled.
/// </summary>
public sealed class ContextNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        List<string> names;
        try
        {
            SessionHandle s = Store.Session;
            string? dir = Store.Dir, autosave = Store.Autosave;
            string json = NativeCall.Json((out nint j) => NativeMethods.azctx_context_names(s, dir, autosave, out j));
            names = (Json.Parse(json) as JsonArray ?? new JsonArray()).Select(n => n?.ToString() ?? "").ToList();
        }
        catch (NativeException)
        {
            // Completion must never fail the user's line: a store that can't be read completes nothing.
            yield break;
        }
        foreach (string name in names.Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).OrderBy(n => n, StringComparer.OrdinalIgnoreCase))
        {
            yield return new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name);
        }
    }

    internal static string Quote(string name) => "'" + name.Replace("'", "''") + "'";
}

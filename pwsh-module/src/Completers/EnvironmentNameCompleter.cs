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
/// Completes environment names: the public clouds and the custom ones in the store. Results are quoted
/// in single quotes (with any ' doubled) when they hold anything but letters, digits, '-', '_' and '.'.
/// </summary>
public sealed class EnvironmentNameCompleter : IArgumentCompleter
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
            string json = NativeCall.Json((out nint j) => NativeMethods.azctx_environment_list(s, dir, autosave, out j));
            names = (Json.Parse(json) as JsonArray ?? new JsonArray())
                .OfType<JsonObject>()
                .Select(o => Json.Str(o, "Name") ?? "")
                .Where(n => n.Length > 0)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
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

    internal static string Quote(string name) =>
        name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.') ? name : ContextNameCompleter.Quote(name);
}

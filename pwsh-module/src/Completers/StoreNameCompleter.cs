using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using AzContext.Native;

namespace AzContext.Completers;

/// <summary>
/// The shared part of the name completers: ask the store for the names, keep those that start with
/// what was typed (ignoring case), in order, quoted as the derived completer says.
/// </summary>
public abstract class StoreNameCompleter : IArgumentCompleter
{
    /// <summary>The names to complete from, read through the process's session.</summary>
    private protected abstract IEnumerable<string> Names(SessionHandle session, CallSettings settings);

    /// <summary>The text inserted for <paramref name="name"/>.</summary>
    private protected abstract string Quote(string name);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        List<string> names;
        try
        {
            names = Names(Store.Session, CallSettings.FromEnvironment).ToList();
        }
        catch (NativeException)
        {
            // Completion must never fail the user's line: a store that can't be read completes nothing.
            return Array.Empty<CompletionResult>();
        }
        return names
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n))
            .ToList();
    }
}

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
/// what was typed (ignoring case), in order. A name is inserted bare when PowerShell reads it back as the
/// same single word (letters, digits, '-', '_', '.', not starting with '-'), else in single quotes with
/// any ' doubled.
/// </summary>
public abstract class StoreNameCompleter : IArgumentCompleter
{
    /// <summary>The names to complete from, each with its tooltip, read through the process's session.</summary>
    private protected abstract IEnumerable<(string Name, string ToolTip)> Entries(SessionHandle session, CallSettings settings);

    /// <summary>The text inserted for <paramref name="name"/>.</summary>
    internal static string Quote(string name) =>
        name.Length > 0 && name[0] != '-' && name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.')
            ? name
            : "'" + name.Replace("'", "''") + "'";

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        List<(string Name, string ToolTip)> entries;
        try
        {
            entries = Entries(Store.Session, CallSettings.FromEnvironment).ToList();
        }
        catch (NativeException)
        {
            // Completion must never fail the user's line: a store that can't be read completes nothing.
            return Array.Empty<CompletionResult>();
        }
        return entries
            .Where(e => e.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .Select(e => new CompletionResult(Quote(e.Name), e.Name, CompletionResultType.ParameterValue, e.ToolTip))
            .ToList();
    }
}

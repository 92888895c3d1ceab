using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.Commands;

/// <summary>
/// The one error for a context name that is not stored, whichever cmdlet took it (Get-AzContext -Name,
/// Select-, Rename-, Remove-AzContext, Disconnect-AzAccount -ContextName): Az's -Name is a ValidateSet of
/// the stored names, so the message, id (ParameterArgumentValidationError) and category (InvalidData) are
/// ValidateSet's, terminating as a failed parameter binding is, followed by the stored names that are
/// close (a prefix either way, ignoring case).
/// </summary>
internal static class UnknownContextName
{
    internal const string ErrorId = "ParameterArgumentValidationError";

    internal static void Throw(AzContextCmdlet cmdlet, string parameter, string name)
    {
        string json = cmdlet.CallJson((s, c) => (out nint j) => NativeMethods.azctx_context_names(s, c, out j));
        List<string> names = (Json.Parse(json) as JsonArray ?? new JsonArray()).Select(n => n?.ToString() ?? "").ToList();
        cmdlet.ThrowTerminatingError(ErrorMap.Create(new ValidationMetadataException(Message(parameter, name, names)), ErrorId, ErrorCategory.InvalidData, name));
    }

    internal static string Message(string parameter, string name, IReadOnlyList<string> stored)
    {
        string message = $"Cannot validate argument on parameter '{parameter}'. The argument \"{name}\" does not belong to the set \"{string.Join(",", stored)}\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.";
        List<string> close = stored
            .Where(n => n.Length > 0 && name.Length > 0
                && (n.StartsWith(name, StringComparison.OrdinalIgnoreCase) || name.StartsWith(n, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Take(5)
            .Select(n => $"'{n}'")
            .ToList();
        if (close.Count > 0)
        {
            string list = close.Count == 1 ? close[0] : string.Join(", ", close.Take(close.Count - 1)) + " or " + close[^1];
            message += $" Did you mean {list}?";
        }
        return message;
    }
}

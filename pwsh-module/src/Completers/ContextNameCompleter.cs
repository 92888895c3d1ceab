using System.Collections.Generic;
using System.Linq;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Completers;

/// <summary>
/// Completes context names; the tooltip of each shows the subscription (its name and id, or the id) and
/// the account, so two contexts with similar names can be told apart.
/// </summary>
public sealed class ContextNameCompleter : StoreNameCompleter
{
    private protected override IEnumerable<(string Name, string ToolTip)> Entries(SessionHandle session, CallSettings settings) =>
        ContextListCache.Get(session, settings).Select(r => new PSAzureContext(r)).Select(c => (c.Name ?? "", ToolTip(c)));

    /// <summary>"Contoso Prod (5f3e…) · jane@contoso.com"; the parts that are missing are left out.</summary>
    private static string ToolTip(PSAzureContext context)
    {
        string? subName = context.Subscription?.Name, subId = context.Subscription?.Id;
        string? subscription = string.IsNullOrEmpty(subName) ? subId : string.IsNullOrEmpty(subId) ? subName : $"{subName} ({subId})";
        string text = string.Join(" · ", new[] { subscription, context.Account?.Id }.Where(p => !string.IsNullOrEmpty(p)));
        return text.Length > 0 ? text : context.Name ?? "";
    }
}

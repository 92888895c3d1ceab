using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;

namespace AzContext.Completers;

/// <summary>
/// Completes context names; the tooltip of each shows the subscription (its name and id, or the id) and
/// the account, so two contexts with similar names can be told apart.
/// </summary>
public sealed class ContextNameCompleter : StoreNameCompleter
{
    private protected override IEnumerable<(string Name, string ToolTip)> Entries(SessionHandle session, string? dir, string? autosave) =>
        ContextListCache.Get(session, dir, autosave).Select(o => (Json.Str(o, "Name") ?? "", ToolTip(o)));

    /// <summary>"Contoso Prod (5f3e…) · jane@contoso.com"; the parts that are missing are left out.</summary>
    private static string ToolTip(JsonObject context)
    {
        string? subName = null, subId = null, account = null;
        if (context["Subscription"] is JsonObject s)
        {
            subName = Json.Str(s, "Name");
            subId = Json.Str(s, "Id");
        }
        if (context["Account"] is JsonObject a)
        {
            account = Json.Str(a, "Id");
        }
        string? subscription = string.IsNullOrEmpty(subName) ? subId : subId is null ? subName : $"{subName} ({subId})";
        string text = string.Join(" · ", new[] { subscription, account }.Where(p => !string.IsNullOrEmpty(p)));
        return text.Length > 0 ? text : Json.Str(context, "Name") ?? "";
    }
}

using System.Text.Json.Nodes;

namespace AzContext.Emulator;

// A paged list of this emulator's small provider, for Invoke-AzRestMethod -Paginate:
//   GET /subscriptions/{id}/providers/Microsoft.Emu/gadgets?api-version=...[&$top=N][&shape=odata][&emptyLast=true]
// gadget-0 ... gadget-6, $top (default 3) a page. ARM's shape: { value: [...], nextLink } with
// nextLink ($skiptoken) on every page but the last. shape=odata: { "@odata.context", items: [...],
// "@odata.nextLink" }, as services outside ARM name them. emptyLast=true: the page with the last
// gadgets still has a next link, to a page with an empty list and none.
public static class Paging
{
    public const int Count = 7;

    public static void Map(WebApplication app, State st)
    {
        app.MapGet("/subscriptions/{id}/providers/Microsoft.Emu/gadgets", (HttpContext ctx, string id) =>
            Arm.Guarded(ctx, st, p => Arm.Visible(st, p, id) is null ? Arm.SubscriptionNotFound(id) : Page(ctx, id)));
    }

    private static IResult Page(HttpContext ctx, string id)
    {
        var q = ctx.Request.Query;
        if (!TryInt(q["$skiptoken"], 0, out var skip) || skip < 0 || skip > Count)
            return Arm.Error(400, "InvalidSkipToken", $"The skip token '{q["$skiptoken"]}' is not valid.");
        if (!TryInt(q["$top"], 3, out var top) || top < 1)
            return Arm.Error(400, "InvalidTop", $"The $top '{q["$top"]}' is not valid.");
        var odata = q["shape"] == "odata";
        var emptyLast = q["emptyLast"] == "true";
        var items = new JsonArray();
        for (var i = skip; i < Math.Min(Count, skip + top); i++)
        {
            items.Add(new JsonObject
            {
                ["id"] = $"/subscriptions/{id}/providers/Microsoft.Emu/gadgets/gadget-{i}",
                ["name"] = $"gadget-{i}",
                ["type"] = "Microsoft.Emu/gadgets",
            });
        }
        var next = skip + top;
        var more = next < Count || (emptyLast && skip < Count);
        var body = new JsonObject();
        if (odata) body["@odata.context"] = "https://emu/$metadata#gadgets";
        body[odata ? "items" : "value"] = items;
        if (more)
        {
            // The same query, the next $skiptoken.
            var query = string.Join("&", q.Where(kv => kv.Key != "$skiptoken")
                .Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value.ToString())}"));
            body[odata ? "@odata.nextLink" : "nextLink"] =
                $"{Entra.BaseUri(ctx)}{ctx.Request.Path.Value!.TrimStart('/')}?{query}&%24skiptoken={Math.Min(next, Count)}";
        }
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }

    private static bool TryInt(Microsoft.Extensions.Primitives.StringValues v, int fallback, out int n)
    {
        n = fallback;
        return v.Count == 0 || string.IsNullOrEmpty(v.ToString()) || int.TryParse(v.ToString(), out n);
    }
}

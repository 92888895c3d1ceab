using System.Text;
using System.Text.Json.Nodes;

namespace AzContext.Emulator;

// ARM's long-running operations, after its async-operation guidelines, on a small provider of this
// emulator: Microsoft.Emu/widgets in a resource group.
//   PUT    .../widgets/{name}          201, provisioningState Creating, Azure-AsyncOperation + Retry-After
//   GET    .../widgets/{name}          the widget (Creating until its operation ends)
//   POST   .../widgets/{name}/restart  202, Location + Azure-AsyncOperation + Retry-After
//   DELETE .../widgets/{name}          202, Location + Retry-After
//   GET    /subscriptions/{id}/providers/Microsoft.Emu/locations/{loc}/operationStatuses/{op}
//          200 { status: InProgress | Succeeded | Failed | Canceled, error }
//   GET    /subscriptions/{id}/providers/Microsoft.Emu/locations/{loc}/operationResults/{op}
//          202 while running; then the result (200 or 204), or ARM's error status when it failed
// Settings LroPendingPolls, LroOutcome and LroRetryAfter say how operations go; every poll is in the
// request log, so tests count them.
public static class Lro
{
    private const string Widgets = "/subscriptions/{id}/resourcegroups/{rg}/providers/Microsoft.Emu/widgets/{name}";
    private const string Location = "westeurope";

    public static void Map(WebApplication app, State st)
    {
        app.MapPut(Widgets, async (HttpContext ctx, string id, string rg, string name) =>
        {
            var body = await Arm.ReadJson(ctx);
            return Arm.Guarded(ctx, st, p => Start(ctx, st, p, id, rg, name, "put", body));
        });
        app.MapGet(Widgets, (HttpContext ctx, string id, string rg, string name) =>
            Arm.Guarded(ctx, st, p => GetWidget(st, p, id, rg, name)));
        app.MapPost(Widgets + "/restart", (HttpContext ctx, string id, string rg, string name) =>
            Arm.Guarded(ctx, st, p => Start(ctx, st, p, id, rg, name, "post", null)));
        app.MapDelete(Widgets, (HttpContext ctx, string id, string rg, string name) =>
            Arm.Guarded(ctx, st, p => Start(ctx, st, p, id, rg, name, "delete", null)));
        app.MapGet("/subscriptions/{id}/providers/Microsoft.Emu/locations/{loc}/operationStatuses/{op}", (HttpContext ctx, string id, string op) =>
            Arm.Guarded(ctx, st, p => Status(ctx, st, p, id, op)));
        app.MapGet("/subscriptions/{id}/providers/Microsoft.Emu/locations/{loc}/operationResults/{op}", (HttpContext ctx, string id, string op) =>
            Arm.Guarded(ctx, st, p => Result(ctx, st, p, id, op)));
    }

    private static string ResourceId(string id, string rg, string name) =>
        $"/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Emu/widgets/{name}";

    private static IResult Start(HttpContext ctx, State st, Principal p, string id, string rg, string name, string kind, JsonNode? body)
    {
        if (Arm.Visible(st, p, id) is null) return Arm.SubscriptionNotFound(id);
        var resourceId = ResourceId(id, rg, name);
        lock (st.Lock)
        {
            if (kind == "put")
            {
                if (body is not JsonObject obj)
                    return Arm.Error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
                st.Widgets[resourceId] = new JsonObject
                {
                    ["id"] = resourceId,
                    ["name"] = name,
                    ["type"] = "Microsoft.Emu/widgets",
                    ["location"] = Location,
                    ["tags"] = obj["tags"]?.DeepClone() ?? new JsonObject(),
                    ["properties"] = new JsonObject { ["provisioningState"] = "Creating", ["restartCount"] = 0 },
                };
            }
            else if (!st.Widgets.ContainsKey(resourceId))
            {
                return Arm.Error(404, "ResourceNotFound", $"The Resource 'Microsoft.Emu/widgets/{name}' under resource group '{rg}' was not found.");
            }
            var op = new LroOperation
            {
                Id = Guid.NewGuid().ToString(),
                Kind = kind,
                SubscriptionId = id,
                ResourceId = resourceId,
                Outcome = st.Settings.LroOutcome,
                PollsLeft = Math.Max(0, st.Settings.LroPendingPolls),
            };
            st.Operations[op.Id] = op;
            var apiVersion = Uri.EscapeDataString(ctx.Request.Query["api-version"].ToString());
            var monitor = $"{Entra.BaseUri(ctx)}subscriptions/{id}/providers/Microsoft.Emu/locations/{Location}";
            var h = ctx.Response.Headers;
            h.RetryAfter = st.Settings.LroRetryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (kind != "delete") h["Azure-AsyncOperation"] = $"{monitor}/operationStatuses/{op.Id}?api-version={apiVersion}";
            if (kind != "put") h.Location = $"{monitor}/operationResults/{op.Id}?api-version={apiVersion}";
            return kind == "put"
                ? Results.Content(st.Widgets[resourceId].ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, 201)
                : Results.StatusCode(202);
        }
    }

    private static IResult GetWidget(State st, Principal p, string id, string rg, string name)
    {
        if (Arm.Visible(st, p, id) is null) return Arm.SubscriptionNotFound(id);
        lock (st.Lock)
        {
            return st.Widgets.TryGetValue(ResourceId(id, rg, name), out var w)
                ? Results.Content(w.ToJsonString(), "application/json; charset=utf-8")
                : Arm.Error(404, "ResourceNotFound", $"The Resource 'Microsoft.Emu/widgets/{name}' under resource group '{rg}' was not found.");
        }
    }

    // One poll: counts down, and ends the operation (applying its effect once) when none are left.
    private static LroOperation? Poll(State st, Principal p, string id, string op)
    {
        if (Arm.Visible(st, p, id) is null || !st.Operations.TryGetValue(op, out var o) || !o.SubscriptionId.Equals(id, StringComparison.OrdinalIgnoreCase))
            return null;
        if (o.PollsLeft > 0)
        {
            o.PollsLeft--;
            return o;
        }
        if (!o.Done)
        {
            o.Done = true;
            var succeeded = o.Outcome == "Succeeded";
            st.Widgets.TryGetValue(o.ResourceId, out var w);
            if (o.Kind == "put" && w?["properties"] is JsonObject props) props["provisioningState"] = o.Outcome;
            if (o.Kind == "post" && succeeded && w?["properties"] is JsonObject rp) rp["restartCount"] = (rp["restartCount"]?.GetValue<int>() ?? 0) + 1;
            if (o.Kind == "delete" && succeeded) st.Widgets.Remove(o.ResourceId);
        }
        return o;
    }

    private static IResult OperationNotFound(string op) => Arm.Error(404, "OperationNotFound", $"The operation '{op}' was not found.");

    private static JsonObject OperationError(LroOperation o) => o.Outcome == "Failed"
        ? new JsonObject { ["code"] = "WidgetOperationFailed", ["message"] = $"The {o.Kind} of the widget failed: the emulator was told to fail it." }
        : new JsonObject { ["code"] = "OperationCanceled", ["message"] = "The operation was canceled." };

    private static IResult Status(HttpContext ctx, State st, Principal p, string id, string op)
    {
        lock (st.Lock)
        {
            if (Poll(st, p, id, op) is not { } o) return OperationNotFound(op);
            var body = new JsonObject
            {
                ["id"] = $"/subscriptions/{id}/providers/Microsoft.Emu/locations/{Location}/operationStatuses/{op}",
                ["name"] = op,
                ["status"] = o.Done ? o.Outcome : "InProgress",
            };
            if (o.Done && o.Outcome != "Succeeded") body["error"] = OperationError(o);
            if (!o.Done) ctx.Response.Headers.RetryAfter = st.Settings.LroRetryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
        }
    }

    private static IResult Result(HttpContext ctx, State st, Principal p, string id, string op)
    {
        lock (st.Lock)
        {
            if (Poll(st, p, id, op) is not { } o) return OperationNotFound(op);
            if (!o.Done)
            {
                ctx.Response.Headers.RetryAfter = st.Settings.LroRetryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ctx.Response.Headers.Location = $"{Entra.BaseUri(ctx)}{ctx.Request.Path.Value!.TrimStart('/')}{ctx.Request.QueryString}";
                return Results.StatusCode(202);
            }
            if (o.Outcome != "Succeeded")
            {
                var error = OperationError(o);
                return Arm.Error(400, error["code"]!.ToString(), error["message"]!.ToString());
            }
            if (o.Kind == "delete") return Results.StatusCode(204);
            var widget = st.Widgets.TryGetValue(o.ResourceId, out var w) ? w : new JsonObject();
            var result = o.Kind == "post"
                ? new JsonObject { ["name"] = widget["name"]?.DeepClone(), ["restarted"] = true, ["restartCount"] = widget["properties"]?["restartCount"]?.DeepClone() }
                : widget.DeepClone();
            return Results.Content(result.ToJsonString(), "application/json; charset=utf-8");
        }
    }
}

using System.Text;
using System.Text.Json.Nodes;

namespace AzContext.Emulator;

// Azure Resource Manager: tenants, subscriptions (paged) and resource groups, for tokens of this emulator.
public static class Arm
{
    private static readonly string[] Audiences =
    [
        "https://management.core.windows.net/", "https://management.core.windows.net",
        "https://management.azure.com/", "https://management.azure.com",
    ];

    public static void Map(WebApplication app, State st)
    {
        app.MapGet("/tenants", (HttpContext ctx) => Guarded(ctx, st, p => ListTenants(ctx, st, p)));
        app.MapGet("/subscriptions", (HttpContext ctx) => Guarded(ctx, st, p => ListSubscriptions(ctx, st, p)));
        app.MapGet("/subscriptions/{id}", (HttpContext ctx, string id) =>
            Guarded(ctx, st, p => Visible(st, p, id) is { } s ? Json(SubscriptionJson(s)) : SubscriptionNotFound(id)));
        app.MapGet("/subscriptions/{id}/resourcegroups", (HttpContext ctx, string id) =>
            Guarded(ctx, st, p => ListGroups(st, p, id)));
        app.MapGet("/subscriptions/{id}/resourcegroups/{rg}", (HttpContext ctx, string id, string rg) =>
            Guarded(ctx, st, p => GetGroup(st, p, id, rg)));
        app.MapPut("/subscriptions/{id}/resourcegroups/{rg}", async (HttpContext ctx, string id, string rg) =>
        {
            var body = await ReadJson(ctx);
            return Guarded(ctx, st, p => PutGroup(st, p, id, rg, body));
        });
        app.MapDelete("/subscriptions/{id}/resourcegroups/{rg}", (HttpContext ctx, string id, string rg) =>
            Guarded(ctx, st, p => DeleteGroup(st, p, id, rg)));
        Lro.Map(app, st);
        Paging.Map(app, st);
    }

    public static IResult Error(int status, string code, string message, string? wwwAuthenticate = null) =>
        new ArmError(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, wwwAuthenticate);

    private sealed class ArmError(int status, JsonObject body, string? wwwAuthenticate) : IResult
    {
        public Task ExecuteAsync(HttpContext ctx)
        {
            ctx.Response.StatusCode = status;
            if (wwwAuthenticate is not null) ctx.Response.Headers.WWWAuthenticate = wwwAuthenticate;
            ctx.Response.ContentType = "application/json; charset=utf-8";
            return ctx.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
        }
    }

    private static IResult Json(JsonNode node) => Results.Content(node.ToJsonString(), "application/json; charset=utf-8");

    internal static IResult SubscriptionNotFound(string id) =>
        Error(404, "SubscriptionNotFound", $"The subscription '{id}' could not be found.");

    // ---- authentication ------------------------------------------------------------------------------

    internal static IResult Guarded(HttpContext ctx, State st, Func<Principal, IResult> handler)
    {
        if (string.IsNullOrEmpty(ctx.Request.Query["api-version"]))
            return Error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        var auth = Authenticate(ctx, out var failure);
        if (auth is null) return failure!;
        if (ctx.Items["record"] is RequestRecord r) r.Tenant = auth.TenantId;
        return handler(auth);
    }

    private static Principal? Authenticate(HttpContext ctx, out IResult? failure)
    {
        const string challenge = "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", error_description=\"{0}\"";
        failure = null;
        var header = ctx.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            failure = Error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                string.Format(challenge, "The authentication failed because of missing 'Authorization' header."));
            return null;
        }
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        var claims = Jwt.ReadOwn(token);
        if (claims is null)
        {
            failure = Error(401, "InvalidAuthenticationToken", "The access token is invalid.",
                string.Format(challenge, "The access token is invalid."));
            return null;
        }
        var now = DateTimeOffset.UtcNow;
        var exp = DateTimeOffset.FromUnixTimeSeconds(Jwt.Number(claims, "exp") ?? 0);
        if (exp <= now)
        {
            failure = Error(401, "ExpiredAuthenticationToken",
                $"The access token expiry UTC time '{exp.UtcDateTime:M/d/yyyy h:mm:ss tt}' is earlier than current UTC time '{now.UtcDateTime:M/d/yyyy h:mm:ss tt}'.",
                string.Format(challenge, "The access token has expired."));
            return null;
        }
        var aud = Jwt.Text(claims, "aud") ?? "";
        var own = Entra.BaseUri(ctx);
        if (!Audiences.Contains(aud, StringComparer.OrdinalIgnoreCase) && !aud.TrimEnd('/').Equals(own.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            failure = Error(401, "InvalidAuthenticationTokenAudience",
                $"The access token has been obtained for wrong audience or resource '{aud}'. It should exactly match with one of the allowed audiences '{string.Join("','", Audiences)}'.",
                string.Format(challenge, "The access token has been obtained for wrong audience or resource."));
            return null;
        }
        var kind = Jwt.Text(claims, "idtyp") == "user" ? "user" : claims["xms_mirid"] is not null ? "managedIdentity" : "app";
        return new Principal(kind, Jwt.Text(claims, "oid") ?? "", Jwt.Text(claims, "tid") ?? "",
            Jwt.Text(claims, "upn"), Jwt.Text(claims, "name"), Jwt.Text(claims, "appid"));
    }

    // The tenants a principal belongs to: a user's memberships; an application's or identity's own tenant.
    private static IEnumerable<TenantSeed> TenantsOf(State st, Principal p)
    {
        if (p.Kind == "user" && st.FindUser(p.ObjectId) is { } user)
            return st.Seed.Tenants.Where(t => State.IsMember(user, t.Id));
        return st.Seed.Tenants.Where(t => string.Equals(t.Id, p.TenantId, StringComparison.OrdinalIgnoreCase));
    }

    // The subscriptions a token sees: those of its tenant, when its principal belongs to that tenant.
    private static IEnumerable<SubscriptionSeed> SubscriptionsOf(State st, Principal p)
    {
        if (!TenantsOf(st, p).Any(t => string.Equals(t.Id, p.TenantId, StringComparison.OrdinalIgnoreCase))) return [];
        return st.Seed.Subscriptions.Where(s => string.Equals(s.TenantId, p.TenantId, StringComparison.OrdinalIgnoreCase));
    }

    internal static SubscriptionSeed? Visible(State st, Principal p, string id) =>
        SubscriptionsOf(st, p).FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    // ---- lists ---------------------------------------------------------------------------------------

    // One page of a list, with ARM's nextLink ($skiptoken) when more follow.
    private static IResult Page<T>(HttpContext ctx, State st, IEnumerable<T> items, Func<T, JsonNode> toJson)
    {
        int pageSize;
        lock (st.Lock) pageSize = Math.Max(1, st.Settings.PageSize);
        var skipText = ctx.Request.Query["$skiptoken"].ToString();
        var skip = 0;
        if (skipText.Length > 0 && (!int.TryParse(skipText, out skip) || skip < 0))
            return Error(400, "InvalidSkipToken", $"The skip token '{skipText}' is not valid.");
        var all = items.ToList();
        var page = new JsonArray(all.Skip(skip).Take(pageSize).Select(toJson).ToArray());
        var body = new JsonObject { ["value"] = page };
        if (skip + pageSize < all.Count)
        {
            var apiVersion = Uri.EscapeDataString(ctx.Request.Query["api-version"].ToString());
            body["nextLink"] = $"{Entra.BaseUri(ctx)}{ctx.Request.Path.Value!.TrimStart('/')}?api-version={apiVersion}&%24skiptoken={skip + pageSize}";
        }
        return Json(body);
    }

    private static IResult ListTenants(HttpContext ctx, State st, Principal p) => Page(ctx, st, TenantsOf(st, p), t => new JsonObject
    {
        ["id"] = $"/tenants/{t.Id}",
        ["tenantId"] = t.Id,
        ["countryCode"] = t.CountryCode,
        ["displayName"] = t.DisplayName,
        ["domains"] = new JsonArray(t.Domain),
        ["tenantCategory"] = "Home",
        ["defaultDomain"] = t.Domain,
        ["tenantType"] = "AAD",
    });

    private static IResult ListSubscriptions(HttpContext ctx, State st, Principal p) =>
        Page(ctx, st, SubscriptionsOf(st, p), SubscriptionJson);

    public static JsonObject SubscriptionJson(SubscriptionSeed s) => new()
    {
        ["id"] = $"/subscriptions/{s.Id}",
        ["authorizationSource"] = "RoleBased",
        ["managedByTenants"] = new JsonArray(),
        ["tags"] = new JsonObject(),
        ["subscriptionId"] = s.Id,
        ["tenantId"] = s.TenantId,
        ["displayName"] = s.DisplayName,
        ["state"] = s.State,
        ["subscriptionPolicies"] = new JsonObject
        {
            ["locationPlacementId"] = "Public_2014-09-01",
            ["quotaId"] = "PayAsYouGo_2014-09-01",
            ["spendingLimit"] = "Off",
        },
    };

    // ---- resource groups (in memory) -----------------------------------------------------------------

    internal static async Task<JsonNode?> ReadJson(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create("\u0000invalid");
        }
    }

    private static IResult ListGroups(State st, Principal p, string id)
    {
        if (Visible(st, p, id) is null) return SubscriptionNotFound(id);
        lock (st.Lock)
        {
            var groups = st.ResourceGroups.TryGetValue(id, out var g) ? g.Values.Select(v => v.DeepClone()).ToArray() : [];
            return Json(new JsonObject { ["value"] = new JsonArray(groups) });
        }
    }

    private static IResult GetGroup(State st, Principal p, string id, string rg)
    {
        if (Visible(st, p, id) is null) return SubscriptionNotFound(id);
        lock (st.Lock)
        {
            return st.ResourceGroups.TryGetValue(id, out var g) && g.TryGetValue(rg, out var group)
                ? Json(group.DeepClone())
                : Error(404, "ResourceGroupNotFound", $"Resource group '{rg}' could not be found.");
        }
    }

    private static IResult PutGroup(State st, Principal p, string id, string rg, JsonNode? body)
    {
        if (Visible(st, p, id) is null) return SubscriptionNotFound(id);
        if (body is not JsonObject obj)
            return Error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
        if (obj["location"] is not JsonValue location || string.IsNullOrEmpty(location.ToString()))
            return Error(400, "LocationRequired", "The location property is required for this definition.");
        lock (st.Lock)
        {
            if (!st.ResourceGroups.TryGetValue(id, out var groups))
                st.ResourceGroups[id] = groups = new Dictionary<string, JsonObject>(StringComparer.OrdinalIgnoreCase);
            var created = !groups.ContainsKey(rg);
            var group = new JsonObject
            {
                ["id"] = $"/subscriptions/{id}/resourceGroups/{rg}",
                ["name"] = rg,
                ["type"] = "Microsoft.Resources/resourceGroups",
                ["location"] = location.ToString(),
                ["tags"] = obj["tags"]?.DeepClone() ?? new JsonObject(),
                ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
            };
            groups[rg] = group;
            return Results.Content(group.ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, created ? 201 : 200);
        }
    }

    private static IResult DeleteGroup(State st, Principal p, string id, string rg)
    {
        if (Visible(st, p, id) is null) return SubscriptionNotFound(id);
        lock (st.Lock)
        {
            return st.ResourceGroups.TryGetValue(id, out var g) && g.Remove(rg)
                ? Results.StatusCode(200)
                : Error(404, "ResourceGroupNotFound", $"Resource group '{rg}' could not be found.");
        }
    }
}

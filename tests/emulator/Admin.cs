using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AzContext.Emulator;

// The tests' knobs under /_emu (no auth: the emulator listens on loopback only), the request log and the
// failure injection that runs before every other endpoint.
public static class Admin
{
    private static readonly JsonSerializerOptions Camel = new(JsonSerializerDefaults.Web);

    public static void Map(WebApplication app, State st)
    {
        app.MapGet("/_emu/settings", () => Results.Json(st.Settings, Camel));
        app.MapPost("/_emu/settings", async (HttpContext ctx) =>
        {
            if (await ReadObject(ctx) is not { } body) return BadInput("the body must be a JSON object");
            lock (st.Lock)
            {
                var merged = JsonSerializer.SerializeToNode(st.Settings, Camel)!.AsObject();
                foreach (var (key, value) in body)
                {
                    var name = merged.Select(kv => kv.Key).FirstOrDefault(k => k.Equals(key, StringComparison.OrdinalIgnoreCase));
                    if (name is null) return BadInput($"unknown setting '{key}'; known: {string.Join(", ", merged.Select(kv => kv.Key))}");
                    merged[name] = value?.DeepClone();
                }
                try
                {
                    st.ReplaceSettings(merged.Deserialize<Settings>(Camel)!);
                }
                catch (JsonException e)
                {
                    return BadInput($"a setting has the wrong type: {e.Message}");
                }
                return Results.Json(st.Settings, Camel);
            }
        });
        app.MapPost("/_emu/fail", async (HttpContext ctx) =>
        {
            if (await ReadObject(ctx) is not { } body) return BadInput("the body must be a JSON object");
            var prefix = body["pathPrefix"]?.ToString();
            if (string.IsNullOrEmpty(prefix) || !prefix.StartsWith('/')) return BadInput("pathPrefix must be a path starting with '/'");
            var rule = new FailRule
            {
                // '*' stands for one path segment (a tenant, a subscription id).
                Path = new Regex("^" + Regex.Escape(prefix).Replace(@"\*", "[^/]*"), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
                Method = body["method"]?.ToString(),
                Status = Int(body, "status") ?? 200,
                Count = Int(body, "count") ?? 1,
                // Seconds, or any text (an HTTP date) sent as it is.
                RetryAfter = body["retryAfter"]?.ToString(),
                Body = body["body"]?.DeepClone(),
                Size = Int(body, "size") ?? 64 * 1024 * 1024,
            };
            if (rule.Status is < 200 or > 599) return BadInput($"status {rule.Status} is not an HTTP status");
            if (rule.Body is null && rule.Status < 400) return BadInput("give a failing status (4xx, 5xx) or a body ('malformed', 'huge', 'html' or JSON)");
            lock (st.Lock) st.FailRules.Add(rule);
            return Results.Json(new { queued = st.FailRules.Count });
        });
        app.MapPost("/_emu/fail/clear", () =>
        {
            lock (st.Lock) st.FailRules.Clear();
            return Results.Json(new { queued = 0 });
        });
        app.MapPost("/_emu/revoke", async (HttpContext ctx) =>
        {
            if (await ReadObject(ctx) is not { } body) return BadInput("the body must be a JSON object");
            var name = body["user"]?.ToString();
            var expire = body["expire"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            lock (st.Lock)
            {
                var user = st.FindUser(name);
                if (user is null) return BadInput($"no seeded user '{name}'");
                var n = 0;
                foreach (var g in st.RefreshTokens.Values.Where(g => g.User == user))
                {
                    if (expire) g.Expired = true; else g.Revoked = true;
                    n++;
                }
                return Results.Json(new { user = user.UserName, refreshTokens = n });
            }
        });
        app.MapGet("/_emu/requests", () =>
        {
            lock (st.Lock) return Results.Json(st.Requests.ToArray(), Camel);
        });
        app.MapPost("/_emu/requests/clear", () =>
        {
            lock (st.Lock) st.Requests.Clear();
            return Results.Json(new { cleared = true });
        });
        app.MapGet("/_emu/seed", () => Results.Json(st.Seed, Camel));
        app.MapPost("/_emu/shutdown", (IHostApplicationLifetime life) =>
        {
            life.StopApplication();
            return Results.Json(new { stopping = true });
        });
    }

    private static IResult BadInput(string message) =>
        Results.Json(new { error = message }, statusCode: 400);

    private static int? Int(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<int>(out var n) ? n
        : o[name] is JsonValue s && int.TryParse(s.ToString(), out var m) ? m : null;

    private static async Task<JsonObject?> ReadObject(HttpContext ctx)
    {
        try
        {
            return await JsonNode.ParseAsync(ctx.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // ---- middleware ----------------------------------------------------------------------------------

    private static bool IsManagedIdentity(PathString p) =>
        p.StartsWithSegments("/msi") || p.StartsWithSegments("/metadata");

    // Logs every request but the knobs; keeps the plain http port to managed identity and the knobs;
    // applies the first queued failure whose path (and method) matches.
    public static async Task Middleware(HttpContext ctx, RequestDelegate next, State st, int httpsPort)
    {
        var path = ctx.Request.Path;
        if (path.StartsWithSegments("/_emu"))
        {
            await next(ctx);
            return;
        }
        var record = new RequestRecord
        {
            Method = ctx.Request.Method,
            Path = path.Value ?? "/",
            Scheme = ctx.Request.Scheme,
            Time = DateTimeOffset.UtcNow,
        };
        ctx.Items["record"] = record;
        lock (st.Lock) st.Requests.Add(record);
        try
        {
            if (ctx.Connection.LocalPort != httpsPort && !IsManagedIdentity(path))
            {
                ctx.Response.StatusCode = 404;
                return;
            }
            FailRule? rule;
            lock (st.Lock)
            {
                rule = st.FailRules.FirstOrDefault(r => r.Count > 0 && r.Path.IsMatch(path.Value ?? "") &&
                    (r.Method is null || r.Method.Equals(ctx.Request.Method, StringComparison.OrdinalIgnoreCase)));
                if (rule is not null && --rule.Count == 0) st.FailRules.Remove(rule);
            }
            if (rule is null)
            {
                await next(ctx);
                return;
            }
            record.Injected = true;
            await Fail(ctx, rule);
        }
        finally
        {
            record.Status = ctx.Response.StatusCode;
        }
    }

    private static async Task Fail(HttpContext ctx, FailRule rule)
    {
        var res = ctx.Response;
        res.StatusCode = rule.Status;
        if (rule.RetryAfter is { } after) res.Headers.RetryAfter = after;
        var isEntra = ctx.Request.Path.Value?.Contains("/oauth2/", StringComparison.OrdinalIgnoreCase) == true;
        switch (rule.Body)
        {
            case JsonValue v when v.ToString() == "malformed":
                res.ContentType = "application/json; charset=utf-8";
                await res.WriteAsync("{\"value\":[{\"id\":\"/subscriptions/", Encoding.UTF8);
                return;
            case JsonValue v when v.ToString() == "html":
                res.ContentType = "text/html";
                await res.WriteAsync("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>", Encoding.UTF8);
                return;
            case JsonValue v when v.ToString() == "huge":
                await WriteHuge(ctx, rule.Size);
                return;
            case JsonNode custom:
                res.ContentType = "application/json; charset=utf-8";
                await res.WriteAsync(custom is JsonValue s && s.TryGetValue<string>(out var text) ? text : custom.ToJsonString(), Encoding.UTF8);
                return;
        }
        if (isEntra)
        {
            var (error, code, message) = rule.Status switch
            {
                429 => ("temporarily_unavailable", 50196, "The server terminated an operation because it encountered a client request loop."),
                >= 500 => ("server_error", 90033, "A transient error has occurred. Please try again."),
                401 => ("invalid_client", 7000215, "Invalid client secret provided."),
                _ => ("invalid_request", 90000, "The request was rejected (injected failure)."),
            };
            await Entra.Error(rule.Status, error, code, message, ctx).ExecuteAsync(ctx);
            return;
        }
        var (armCode, armMessage) = rule.Status switch
        {
            401 => ("InvalidAuthenticationToken", "The access token is invalid."),
            403 => ("AuthorizationFailed", $"The client does not have authorization to perform action 'Microsoft.Resources/{ctx.Request.Method.ToLowerInvariant()}' over scope '{ctx.Request.Path}' or the scope is invalid. If access was recently granted, please refresh your credentials."),
            404 => ("NotFound", $"The resource '{ctx.Request.Path}' was not found."),
            409 => ("Conflict", "The operation conflicts with another operation in progress on the resource."),
            429 => ("TooManyRequests", "The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. For more information, see - https://aka.ms/srpthrottlinglimits"),
            503 => ("ServiceUnavailable", "The service is temporarily unavailable. Please try again later."),
            >= 500 => ("InternalServerError", $"Encountered internal server error. Diagnostic information: timestamp '{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}', tracking id '{Guid.NewGuid()}'."),
            _ => ("BadRequest", "The request was rejected (injected failure)."),
        };
        await Arm.Error(rule.Status, armCode, armMessage,
            rule.Status == 401 ? "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", error_description=\"The access token is invalid.\"" : null)
            .ExecuteAsync(ctx);
    }

    // A valid JSON list of at least `size` bytes, streamed in 64 KiB writes: subscriptions with made-up ids.
    private static async Task WriteHuge(HttpContext ctx, long size)
    {
        ctx.Response.ContentType = "application/json; charset=utf-8";
        var stream = ctx.Response.Body;
        var chunk = new StringBuilder("{\"value\":[");
        long written = 0;
        for (long i = 0; written + chunk.Length < size; i++)
        {
            if (i > 0) chunk.Append(',');
            var id = $"00000000-0000-4000-9000-{i:x12}";
            chunk.Append(Arm.SubscriptionJson(new SubscriptionSeed { Id = id, DisplayName = $"Huge {i}", TenantId = "00000000-0000-0000-0000-000000000000" }).ToJsonString());
            if (chunk.Length >= 64 * 1024)
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()));
                written += chunk.Length;
                chunk.Clear();
            }
        }
        chunk.Append("]}");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()));
    }
}

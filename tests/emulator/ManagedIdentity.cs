using System.Text.Json.Nodes;

namespace AzContext.Emulator;

// The managed identity endpoints MSAL's ManagedIdentityApplication calls, in three styles: App Service
// (IDENTITY_ENDPOINT + IDENTITY_HEADER), IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST) and Cloud Shell
// (MSI_ENDPOINT). Served on the plain http port too, as the real ones are.
public static class ManagedIdentity
{
    public static void Map(WebApplication app, State st)
    {
        app.MapGet("/msi/token", (HttpContext ctx) =>
        {
            var mi = st.Seed.ManagedIdentity;
            if (mi is null) return Error(404, "invalid_request", "No managed identity is configured.");
            if (ctx.Request.Headers["X-IDENTITY-HEADER"] != mi.IdentityHeader)
                return Error(401, "invalid_request", "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
            return Issue(ctx, st, ctx.Request.Query["resource"], ctx.Request.Query["client_id"], appService: true);
        });
        app.MapGet("/metadata/identity/oauth2/token", (HttpContext ctx) =>
        {
            if (ctx.Request.Headers["Metadata"] != "true")
                return Error(400, "invalid_request", "Required metadata header not specified");
            return Issue(ctx, st, ctx.Request.Query["resource"], ctx.Request.Query["client_id"], appService: false);
        });
        app.MapPost("/msi/cloudshell", async (HttpContext ctx) =>
        {
            if (ctx.Request.Headers["Metadata"] != "true")
                return Error(400, "invalid_request", "Required metadata header not specified");
            if (!ctx.Request.HasFormContentType) return Error(400, "invalid_request", "The form field 'resource' is required.");
            var form = await ctx.Request.ReadFormAsync();
            return Issue(ctx, st, form["resource"], form["client_id"], appService: false);
        });
    }

    private static IResult Error(int status, string error, string description) =>
        Results.Json(new JsonObject { ["error"] = error, ["error_description"] = description }, statusCode: status);

    private static IResult Issue(HttpContext ctx, State st, string? resource, string? clientId, bool appService)
    {
        var mi = st.Seed.ManagedIdentity;
        if (mi is null) return Error(404, "invalid_request", "No managed identity is configured.");
        if (string.IsNullOrEmpty(resource)) return Error(400, "invalid_request", "Required query variable 'resource' is missing");
        string principalId, appId;
        if (string.IsNullOrEmpty(clientId) || string.Equals(clientId, mi.SystemAssignedClientId, StringComparison.OrdinalIgnoreCase))
            (principalId, appId) = (mi.SystemAssignedPrincipalId, mi.SystemAssignedClientId);
        else if (string.Equals(clientId, mi.UserAssignedClientId, StringComparison.OrdinalIgnoreCase))
            (principalId, appId) = (mi.UserAssignedPrincipalId, mi.UserAssignedClientId);
        else
            return Error(400, "invalid_request", "Identity not found");
        if (ctx.Items["record"] is RequestRecord r) { r.GrantType = "managed_identity"; r.Tenant = mi.TenantId; }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        int expiresIn;
        lock (st.Lock) expiresIn = st.Settings.ExpiresIn;
        // The audience is the resource as asked (a v1 resource, not a scope).
        var token = Entra.AccessToken(new Principal("managedIdentity", principalId, mi.TenantId, AppId: appId), resource, appId, now, expiresIn, null);
        var body = new JsonObject
        {
            ["access_token"] = token,
            ["expires_on"] = (now + expiresIn).ToString(),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
        };
        if (appService)
        {
            body["client_id"] = appId;
        }
        else
        {
            body["refresh_token"] = "";
            body["expires_in"] = expiresIn.ToString();
            body["ext_expires_in"] = expiresIn.ToString();
            body["not_before"] = now.ToString();
        }
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace AzContext.Emulator;

// Entra ID's v2.0 endpoints as MSAL.NET uses them with an AAD authority at https://127.0.0.1:PORT/{tenant}.
public static class Entra
{
    private static readonly HashSet<string> OidcScopes = new(StringComparer.OrdinalIgnoreCase) { "openid", "profile", "offline_access", "email" };
    private const string JwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static void Map(WebApplication app, State st)
    {
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (HttpContext ctx, string tenant) => Authorize(ctx, st, tenant));
        app.MapPost("/{tenant}/oauth2/v2.0/devicecode", (HttpContext ctx, string tenant) => DeviceCodeRequest(ctx, st, tenant));
        app.MapPost("/{tenant}/oauth2/v2.0/token", (HttpContext ctx, string tenant) => Token(ctx, st, tenant));
        // User realm discovery, which MSAL does before a password grant: seeded users are managed
        // (cloud) accounts; anyone else is unknown.
        app.MapGet("/{tenant}/userrealm/{user}", (HttpContext ctx, string tenant, string user) =>
        {
            Note(ctx, "userrealm", tenant);
            var known = st.FindUser(user) is not null;
            return Results.Json(new JsonObject
            {
                ["ver"] = "1.0",
                ["account_type"] = known ? "Managed" : "Unknown",
                ["domain_name"] = user.Contains('@') ? user[(user.IndexOf('@') + 1)..] : "",
                ["cloud_instance_name"] = "microsoftonline.com",
                ["cloud_audience_urn"] = "urn:federation:MicrosoftOnline",
            });
        });
        // Where the device code message sends the user; the emulator approves codes by itself.
        app.MapGet("/devicelogin", () => Results.Content("<html><body>AzContext emulator: device codes are approved automatically.</body></html>", "text/html"));
    }

    // ---- errors --------------------------------------------------------------------------------------

    // An error as Entra ID shapes it; the description starts with the AADSTS code and ends with the
    // trace, correlation and time lines, as the real service's do.
    public static IResult Error(int status, string error, int code, string message, HttpContext? ctx = null)
    {
        var trace = Guid.NewGuid().ToString();
        var correlation = ctx?.Request.Query["client-request-id"].FirstOrDefault()
            ?? ctx?.Request.Headers["client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow;
        var stamp = now.ToString("yyyy-MM-dd HH:mm:ss'Z'");
        var body = new JsonObject
        {
            ["error"] = error,
            ["error_description"] = $"AADSTS{code}: {message} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {now:yyyy-MM-dd HH:mm:ss.fffffff}Z",
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = stamp,
            ["trace_id"] = trace,
            ["correlation_id"] = correlation,
            ["error_uri"] = $"https://login.microsoftonline.com/error?code={code}",
        };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, status);
    }

    private static IResult TenantNotFound(string tenant, HttpContext ctx) =>
        Error(400, "invalid_request", 90002, $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", ctx);

    private static bool IsAlias(string tenant) =>
        tenant.Equals("common", StringComparison.OrdinalIgnoreCase) || tenant.Equals("organizations", StringComparison.OrdinalIgnoreCase);

    // The tenant a user signs in to: the path's tenant, or the user's home for /common and /organizations.
    private static string? UserTenant(State st, string tenant, UserSeed user) =>
        IsAlias(tenant) ? user.HomeTenantId : st.FindTenant(tenant)?.Id;

    private static void Note(HttpContext ctx, string? grantType, string tenant)
    {
        if (ctx.Items["record"] is RequestRecord r)
        {
            r.GrantType = grantType;
            r.Tenant = tenant;
        }
    }

    // ---- tokens --------------------------------------------------------------------------------------

    public static string BaseUri(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}/";

    // The resource (audience) and the scopes that are not OpenID Connect's.
    public static (string Resource, string[] Scopes) ParseScope(string scope)
    {
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !OidcScopes.Contains(s)).ToArray();
        var first = scopes.FirstOrDefault() ?? "https://management.core.windows.net//.default";
        string resource;
        if (first.EndsWith("/.default", StringComparison.OrdinalIgnoreCase)) resource = first[..^"/.default".Length];
        else
        {
            var slash = first.LastIndexOf('/');
            resource = slash > "https://".Length ? first[..slash] : first;
        }
        return (resource, scopes);
    }

    public static string AccessToken(Principal p, string resource, string clientId, long now, int expiresIn, string? scp)
    {
        var claims = new JsonObject
        {
            ["aud"] = resource,
            ["iss"] = $"https://sts.windows.net/{p.TenantId}/",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + expiresIn,
            ["appid"] = clientId,
            ["idtyp"] = p.Kind == "user" ? "user" : "app",
            ["oid"] = p.ObjectId,
            ["sub"] = p.ObjectId,
            ["tid"] = p.TenantId,
            ["ver"] = "1.0",
            ["uti"] = State.NewOpaque(12),
        };
        if (p.Kind == "user")
        {
            claims["upn"] = p.UserName;
            claims["unique_name"] = p.UserName;
            claims["name"] = p.DisplayName;
            claims["scp"] = scp ?? "user_impersonation";
        }
        if (p.Kind == "managedIdentity") claims["xms_mirid"] = $"/managedIdentity/{p.ObjectId}";
        return Jwt.Issue(claims);
    }

    private static IResult UserTokens(HttpContext ctx, State st, UserSeed user, string tenantId, string clientId, string scope)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var expiresIn = st.Settings.ExpiresIn;
        var (resource, scopes) = ParseScope(scope);
        var scp = scopes.Length > 0 && !scopes[0].EndsWith("/.default", StringComparison.OrdinalIgnoreCase)
            ? string.Join(' ', scopes.Select(s => s[(s.LastIndexOf('/') + 1)..]))
            : null;
        var principal = new Principal("user", user.ObjectId, tenantId, user.UserName, user.DisplayName, clientId);
        var idToken = Jwt.Issue(new JsonObject
        {
            ["aud"] = clientId,
            ["iss"] = $"{BaseUri(ctx)}{tenantId}/v2.0",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 3600,
            ["name"] = user.DisplayName,
            ["oid"] = user.ObjectId,
            ["preferred_username"] = user.UserName,
            ["sub"] = Jwt.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(user.ObjectId + clientId)))[..43],
            ["tid"] = tenantId,
            ["ver"] = "2.0",
        });
        // client_info names the HOME tenant whatever tenant was asked: MSAL keys accounts by it.
        var clientInfo = Jwt.Base64Url(new JsonObject { ["uid"] = user.ObjectId, ["utid"] = user.HomeTenantId }.ToJsonString());
        var refresh = State.NewOpaque(48);
        lock (st.Lock)
        {
            st.RefreshTokens[refresh] = new RefreshGrant { User = user, ClientId = clientId, IssuedAt = DateTimeOffset.UtcNow };
        }
        var body = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["scope"] = string.Join(' ', scopes.Length > 0 ? scopes : [$"{resource}/.default"]),
            ["expires_in"] = expiresIn,
            ["ext_expires_in"] = expiresIn,
            ["access_token"] = AccessToken(principal, resource, clientId, now, expiresIn, scp),
            ["refresh_token"] = refresh,
            ["id_token"] = idToken,
            ["client_info"] = clientInfo,
        };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }

    private static IResult AppTokens(State st, ServicePrincipalSeed sp, string scope)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var expiresIn = st.Settings.ExpiresIn;
        var (resource, _) = ParseScope(scope);
        var principal = new Principal("app", sp.ObjectId, sp.TenantId, AppId: sp.AppId);
        var body = new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = expiresIn,
            ["ext_expires_in"] = expiresIn,
            ["access_token"] = AccessToken(principal, resource, sp.AppId, now, expiresIn, null),
        };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }

    // ---- authorize -----------------------------------------------------------------------------------

    private static IResult Authorize(HttpContext ctx, State st, string tenant)
    {
        Note(ctx, "authorize", tenant);
        var q = ctx.Request.Query;
        var redirectUri = q["redirect_uri"].ToString();
        var clientId = q["client_id"].ToString();
        if (string.IsNullOrEmpty(clientId))
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", ctx);
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var redirect) || !redirect.IsLoopback)
            return Error(400, "invalid_request", 50011, $"The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{clientId}'.", ctx);
        if (q["response_type"] != "code")
            return Error(400, "unsupported_response_type", 70005, "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: code.", ctx);
        UserSeed? user;
        lock (st.Lock) user = st.FindUser(q["login_hint"]) ?? st.DefaultUser();
        if (user is null) return Error(400, "invalid_request", 50034, "The user account does not exist in the directory.", ctx);
        if (!IsAlias(tenant) && st.FindTenant(tenant) is null) return TenantNotFound(tenant, ctx);
        var tenantId = UserTenant(st, tenant, user)!;
        if (!State.IsMember(user, tenantId))
            return Error(400, "invalid_request", 50020, $"User account '{user.UserName}' does not exist in tenant '{tenantId}' and cannot access the application '{clientId}' in that tenant.", ctx);
        var challenge = q["code_challenge"].FirstOrDefault();
        if (challenge is not null && q["code_challenge_method"] != "S256")
            return Error(400, "invalid_request", 501491, "Invalid size of Code_Challenge parameter or unsupported code_challenge_method: only S256 is accepted.", ctx);
        var code = State.NewOpaque(48);
        lock (st.Lock)
        {
            st.AuthCodes[code] = new AuthCode(user, tenantId, clientId, redirectUri, challenge, q["scope"].ToString());
        }
        var fields = new Dictionary<string, string?>
        {
            ["code"] = code,
            ["client_info"] = Jwt.Base64Url(new JsonObject { ["uid"] = user.ObjectId, ["utid"] = user.HomeTenantId }.ToJsonString()),
            ["state"] = q["state"].FirstOrDefault(),
            ["session_state"] = Guid.NewGuid().ToString(),
        };
        if (q["response_mode"] != "form_post")
        {
            var query = string.Join('&', fields.Where(f => f.Value is not null).Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value!)}"));
            return Results.Redirect($"{redirectUri}{(redirectUri.Contains('?') ? '&' : '?')}{query}");
        }
        // Entra ID's form_post page: a hidden form that the page submits on load.
        var inputs = string.Concat(fields.Where(f => f.Value is not null).Select(f =>
            $"<input type=\"hidden\" name=\"{f.Key}\" value=\"{WebUtility.HtmlEncode(f.Value)}\" />"));
        var html = "<html><head><title>Working...</title></head><body onload=\"javascript:document.forms[0].submit()\">" +
            $"<form method=\"POST\" name=\"hiddenform\" action=\"{WebUtility.HtmlEncode(redirectUri)}\">{inputs}" +
            "<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\" /></noscript>" +
            "</form></body></html>";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    // ---- device code ---------------------------------------------------------------------------------

    private static async Task<IResult> DeviceCodeRequest(HttpContext ctx, State st, string tenant)
    {
        Note(ctx, "devicecode", tenant);
        if (!ctx.Request.HasFormContentType)
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", ctx);
        var form = await ctx.Request.ReadFormAsync();
        var clientId = form["client_id"].ToString();
        if (string.IsNullOrEmpty(clientId))
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", ctx);
        if (!IsAlias(tenant) && st.FindTenant(tenant) is null) return TenantNotFound(tenant, ctx);
        var deviceCode = State.NewOpaque(48);
        var userCode = string.Concat(RandomNumberGenerator.GetItems<char>("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 9));
        int interval;
        lock (st.Lock)
        {
            st.DeviceCodes[deviceCode] = new DeviceCode
            {
                TenantId = tenant,
                ClientId = clientId,
                Scope = form["scope"].ToString(),
                PendingPollsLeft = Math.Max(0, st.Settings.DeviceCodePendingPolls),
            };
            interval = st.Settings.DeviceCodeInterval;
        }
        var verification = $"{BaseUri(ctx)}devicelogin";
        var body = new JsonObject
        {
            ["user_code"] = userCode,
            ["device_code"] = deviceCode,
            ["verification_uri"] = verification,
            ["expires_in"] = 900,
            ["interval"] = interval,
            ["message"] = $"To sign in, use a web browser to open the page {verification} and enter the code {userCode} to authenticate.",
        };
        return Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }

    // ---- token ---------------------------------------------------------------------------------------

    private static async Task<IResult> Token(HttpContext ctx, State st, string tenant)
    {
        if (!ctx.Request.HasFormContentType)
        {
            Note(ctx, null, tenant);
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.", ctx);
        }
        var form = await ctx.Request.ReadFormAsync();
        var grant = form["grant_type"].ToString();
        Note(ctx, grant, tenant);
        var clientId = form["client_id"].ToString();
        if (string.IsNullOrEmpty(grant))
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.", ctx);
        if (string.IsNullOrEmpty(clientId))
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.", ctx);
        if (!IsAlias(tenant) && st.FindTenant(tenant) is null) return TenantNotFound(tenant, ctx);
        return grant switch
        {
            "device_code" or "urn:ietf:params:oauth:grant-type:device_code" => DeviceCodeGrant(ctx, st, tenant, form),
            "authorization_code" => AuthorizationCodeGrant(ctx, st, form),
            "refresh_token" => RefreshTokenGrant(ctx, st, tenant, form),
            "password" => PasswordGrant(ctx, st, tenant, form),
            "client_credentials" => ClientCredentialsGrant(ctx, st, tenant, form),
            _ => Error(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grant}'.", ctx),
        };
    }

    // Tokens for a user in the tenant the path names, or an error when the user is not a member.
    private static IResult ForUser(HttpContext ctx, State st, string tenant, UserSeed user, string clientId, string scope)
    {
        var tenantId = UserTenant(st, tenant, user);
        if (tenantId is null) return TenantNotFound(tenant, ctx);
        if (!State.IsMember(user, tenantId))
            return Error(400, "invalid_grant", 50020, $"User account '{user.UserName}' from identity provider 'live.com' does not exist in tenant '{tenantId}' and cannot access the application '{clientId}' in that tenant. The account needs to be added as an external user in the tenant first.", ctx);
        return UserTokens(ctx, st, user, tenantId, clientId, scope);
    }

    private static IResult DeviceCodeGrant(HttpContext ctx, State st, string tenant, IFormCollection form)
    {
        var code = form["device_code"].ToString();
        UserSeed? user;
        DeviceCode? dc;
        string outcome;
        lock (st.Lock)
        {
            if (!st.DeviceCodes.TryGetValue(code, out dc) || dc.Used)
                return Error(400, "invalid_grant", 70000, "The provided value for the input parameter 'device_code' is not valid.", ctx);
            if (dc.PendingPollsLeft > 0)
            {
                dc.PendingPollsLeft--;
                return Error(400, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.", ctx);
            }
            outcome = st.Settings.DeviceCodeOutcome;
            dc.Used = true;
            user = st.DefaultUser();
        }
        if (outcome == "decline")
            return Error(400, "authorization_declined", 70000, "The request was denied because one or more scopes requested are unauthorized or expired. The user must first sign in and grant the client application access to the requested scope.", ctx);
        if (outcome == "expire")
            return Error(400, "expired_token", 70019, "Verification code expired.", ctx);
        if (user is null) return Error(400, "invalid_grant", 50034, "The user account does not exist in the directory.", ctx);
        return ForUser(ctx, st, dc.TenantId, user, dc.ClientId, string.IsNullOrEmpty(form["scope"]) ? dc.Scope : form["scope"].ToString());
    }

    private static IResult AuthorizationCodeGrant(HttpContext ctx, State st, IFormCollection form)
    {
        var code = form["code"].ToString();
        AuthCode? ac;
        lock (st.Lock)
        {
            if (!st.AuthCodes.Remove(code, out ac))
                return Error(400, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid. The code has expired or was already redeemed.", ctx);
        }
        if (ac.ClientId != form["client_id"])
            return Error(400, "invalid_grant", 70000, "The provided authorization code was issued to a different client.", ctx);
        if (ac.RedirectUri != form["redirect_uri"])
            return Error(400, "invalid_grant", 50148, "The redirect_uri in the token request does not match the one used in the authorization request.", ctx);
        if (ac.Challenge is not null)
        {
            var verifier = form["code_verifier"].ToString();
            var computed = Jwt.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (string.IsNullOrEmpty(verifier) || computed != ac.Challenge)
                return Error(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.", ctx);
        }
        var scope = string.IsNullOrEmpty(form["scope"]) ? ac.Scope : form["scope"].ToString();
        return UserTokens(ctx, st, ac.User, ac.TenantId, ac.ClientId, scope);
    }

    private static IResult RefreshTokenGrant(HttpContext ctx, State st, string tenant, IFormCollection form)
    {
        var token = form["refresh_token"].ToString();
        RefreshGrant? g;
        int lifetime;
        lock (st.Lock)
        {
            st.RefreshTokens.TryGetValue(token, out g);
            lifetime = st.Settings.RefreshTokenLifetime;
        }
        if (g is null)
            return Error(400, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid. The refresh token is not one this service issued.", ctx);
        if (g.Revoked)
            return Error(400, "invalid_grant", 50173, $"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{g.IssuedAt:yyyy-MM-ddTHH:mm:ss.fffffffZ}'.", ctx);
        var age = DateTimeOffset.UtcNow - g.IssuedAt;
        if (g.Expired || (lifetime > 0 && age.TotalSeconds > lifetime))
            return Error(400, "invalid_grant", 700082, $"The refresh token has expired due to inactivity. The token was issued on {g.IssuedAt:yyyy-MM-ddTHH:mm:ss.fffffffZ} and was inactive for {(int)age.TotalSeconds} seconds.", ctx);
        if (g.ClientId != form["client_id"])
            return Error(400, "invalid_grant", 70000, "The provided refresh token was issued to a different client.", ctx);
        return ForUser(ctx, st, tenant, g.User, g.ClientId, form["scope"].ToString());
    }

    private static IResult PasswordGrant(HttpContext ctx, State st, string tenant, IFormCollection form)
    {
        UserSeed? user;
        lock (st.Lock) user = st.FindUser(form["username"]);
        if (user is null)
            return Error(400, "invalid_grant", 50034, $"The user account {form["username"]} does not exist in the {tenant} directory. To sign into this application, the account must be added to the directory.", ctx);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.Password), Encoding.UTF8.GetBytes(form["password"].ToString())))
            return Error(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.", ctx);
        return ForUser(ctx, st, tenant, user, form["client_id"].ToString(), form["scope"].ToString());
    }

    private static IResult ClientCredentialsGrant(HttpContext ctx, State st, string tenant, IFormCollection form)
    {
        var clientId = form["client_id"].ToString();
        if (IsAlias(tenant))
            return Error(400, "invalid_request", 900023, $"Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain.", ctx);
        var tenantId = st.FindTenant(tenant)!.Id;
        var sp = st.ServicePrincipals().FirstOrDefault(s =>
            string.Equals(s.AppId, clientId, StringComparison.OrdinalIgnoreCase) &&
            string.Equals(s.TenantId, tenantId, StringComparison.OrdinalIgnoreCase));
        if (sp is null)
            return Error(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", ctx);
        var secret = form["client_secret"].FirstOrDefault();
        var assertion = form["client_assertion"].FirstOrDefault();
        if (secret is not null)
        {
            if (sp.Secret is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sp.Secret), Encoding.UTF8.GetBytes(secret)))
                return Error(401, "invalid_client", 7000215, $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.", ctx);
            return AppTokens(st, sp, form["scope"].ToString());
        }
        if (assertion is not null)
        {
            if (form["client_assertion_type"] != JwtBearerAssertion)
                return Error(400, "invalid_request", 700023, $"The client_assertion_type must be '{JwtBearerAssertion}'.", ctx);
            var failure = sp.Assertion is not null ? CheckFederated(sp, assertion)
                : sp.CertPath is not null ? CheckCertificateAssertion(sp, assertion)
                : (7000215, "The application has no certificate or federated credential; it authenticates with a client secret.");
            if (failure is { } f) return Error(401, "invalid_client", f.Code, f.Message, ctx);
            return AppTokens(st, sp, form["scope"].ToString());
        }
        return Error(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", ctx);
    }

    private static (int Code, string Message)? CheckFederated(ServicePrincipalSeed sp, string assertion) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sp.Assertion!), Encoding.UTF8.GetBytes(assertion))
            ? null
            : (70021, "No matching federated identity record found for presented assertion.");

    // A client assertion signed with the service principal's certificate, as MSAL makes it: PS256 (or
    // RS256) over header.claims, the certificate named by x5t#S256 (or x5t), aud the token endpoint,
    // iss = sub = the client id, and inside its validity.
    private static (int Code, string Message)? CheckCertificateAssertion(ServicePrincipalSeed sp, string assertion)
    {
        if (Jwt.Split(assertion) is not { } jwt) return (50027, "JWT token is invalid or malformed.");
        using var cert = X509CertificateLoader.LoadCertificateFromFile(sp.CertPath!);
        var x5tS256 = Jwt.Text(jwt.Header, "x5t#S256");
        var x5t = Jwt.Text(jwt.Header, "x5t");
        var matches = (x5tS256 is not null && x5tS256 == Jwt.Base64Url(cert.GetCertHash(HashAlgorithmName.SHA256))) ||
            (x5t is not null && x5t == Jwt.Base64Url(cert.GetCertHash(HashAlgorithmName.SHA1)));
        if (!matches)
            return (700027, $"Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '{x5tS256 ?? x5t}']");
        var padding = Jwt.Text(jwt.Header, "alg") switch
        {
            "PS256" => RSASignaturePadding.Pss,
            "RS256" => RSASignaturePadding.Pkcs1,
            _ => null,
        };
        using var rsa = cert.GetRSAPublicKey();
        if (padding is null || rsa is null ||
            !rsa.VerifyData(Encoding.ASCII.GetBytes(jwt.SigningInput), jwt.Signature, HashAlgorithmName.SHA256, padding))
            return (700027, "Client assertion failed signature validation.");
        if (Jwt.Text(jwt.Claims, "iss") != sp.AppId || Jwt.Text(jwt.Claims, "sub") != sp.AppId)
            return (700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
        var aud = Jwt.Text(jwt.Claims, "aud") ?? "";
        if (!aud.EndsWith("/oauth2/v2.0/token", StringComparison.OrdinalIgnoreCase))
            return (700212, $"No matching federated identity record found for presented assertion audience '{aud}'.");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var exp = Jwt.Number(jwt.Claims, "exp");
        var nbf = Jwt.Number(jwt.Claims, "nbf") ?? 0;
        if (exp is null || exp < now || nbf > now + 300)
            return (700024, "Client assertion is not within its valid time range.");
        return null;
    }
}

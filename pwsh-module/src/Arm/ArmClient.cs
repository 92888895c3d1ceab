using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace AzContext.Arm;

/// <summary>Bearer tokens for ARM calls; the module's implementation is <c>AzContext.SignIn.EngineTokenProvider</c>.</summary>
internal interface IArmTokenProvider
{
    /// <summary>A bearer token for the environment's ARM resource in that tenant (null tenant = the context's tenant).</summary>
    string GetToken(string? tenantId, CancellationToken cancel);
}

/// <summary>No token can be had silently for a tenant (it needs interaction, MFA, consent): callers that walk tenants skip it.</summary>
internal sealed class ArmTokenUnavailableException : Exception
{
    internal ArmTokenUnavailableException(string? tenantId, string message) : base(message) => TenantId = tenantId;

    internal string? TenantId { get; }
}

/// <summary>
/// ARM answered with an error status (after the retries it earns), or with a body that cannot be used
/// (malformed, too large, a looping or foreign nextLink). Carries ARM's error code and message; never a token.
/// </summary>
internal sealed class ArmException : Exception
{
    internal ArmException(int statusCode, string? code, string message, Exception? inner = null) : base(message, inner)
    {
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>The HTTP status (0 when no answer came: network or TLS failure, or the answer was unusable before a status).</summary>
    internal int StatusCode { get; }

    /// <summary>ARM's error code (e.g. AuthorizationFailed), or the client's own word for an unusable answer (InvalidResponse, ResponseTooLarge, PagingLoop).</summary>
    internal string? Code { get; }
}

/// <summary>One HTTP answer, as Invoke-AzRestMethod returns it.</summary>
internal sealed class ArmResponse
{
    internal ArmResponse(int statusCode, IReadOnlyDictionary<string, IReadOnlyList<string>> headers, Version version, string method, Uri requestUri, string content)
    {
        StatusCode = statusCode;
        Headers = headers;
        Version = version;
        Method = method;
        RequestUri = requestUri;
        Content = content;
    }

    internal int StatusCode { get; }
    internal IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; }
    internal Version Version { get; }
    internal string Method { get; }
    internal Uri RequestUri { get; }
    internal string Content { get; }
    internal bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>
/// A small Azure Resource Manager client over one process-wide HttpClient (TLS through the OS trust:
/// SSL_CERT_FILE on Linux; no switch skips validation). Requests carry a bearer token from
/// <see cref="IArmTokenProvider"/>; 408, 429, 500, 502, 503 and 504 are retried as Az retries them
/// (3 times by default, AZURE_PS_HTTP_MAX_RETRIES and AZURE_PS_HTTP_MAX_RETRIES_FOR_429 change that),
/// honouring Retry-After within bounds; nothing else is retried. Lists follow nextLink within the ARM
/// host, with a guard against loops and a cap on pages. Answers over 64 MiB and malformed JSON are an
/// <see cref="ArmException"/>. Cancellation (Ctrl+C) stops requests and waits at once.
/// </summary>
internal sealed class ArmClient
{
    internal const string TenantsApiVersion = "2022-12-01";
    internal const string SubscriptionsApiVersion = "2022-12-01";
    internal const long MaxResponseBytes = 64L * 1024 * 1024;
    internal const int MaxPages = 10_000;
    internal const int DefaultRetries = 3;
    internal static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(60);
    internal static readonly TimeSpan MaxTotalRetryWait = TimeSpan.FromSeconds(180);
    internal static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    private static readonly Lazy<HttpClient> s_http = new(() => new HttpClient(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    private readonly Uri _base;
    private readonly IArmTokenProvider _tokens;
    private readonly Action<string> _verbose;

    internal ArmClient(Uri resourceManagerUrl, IArmTokenProvider tokens, Action<string> verbose)
    {
        if (!resourceManagerUrl.IsAbsoluteUri || resourceManagerUrl.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The ResourceManagerUrl '{resourceManagerUrl}' is not an absolute https URL.", nameof(resourceManagerUrl));
        }
        _base = resourceManagerUrl.AbsoluteUri.EndsWith('/') ? resourceManagerUrl : new Uri(resourceManagerUrl.AbsoluteUri + "/");
        _tokens = tokens;
        _verbose = verbose;
    }

    internal Uri BaseUri => _base;

    /// <summary>A URI under the ARM endpoint: <paramref name="pathAndQuery"/> is relative to it ('/subscriptions?api-version=...').</summary>
    internal Uri Resolve(string pathAndQuery) => new(_base, pathAndQuery.TrimStart('/'));

    /// <summary>GET /tenants (every page) with the context tenant's token: the tenants the account belongs to.</summary>
    internal IReadOnlyList<JsonObject> ListTenants(CancellationToken cancel) =>
        List(Resolve($"tenants?api-version={TenantsApiVersion}"), null, cancel);

    /// <summary>GET /subscriptions (every page) with <paramref name="tenantId"/>'s token: the subscriptions of that tenant the account sees.</summary>
    internal IReadOnlyList<JsonObject> ListSubscriptions(string tenantId, CancellationToken cancel) =>
        List(Resolve($"subscriptions?api-version={SubscriptionsApiVersion}"), tenantId, cancel);

    /// <summary>GET /subscriptions/{id} with <paramref name="tenantId"/>'s token; null when ARM answers 404 (not there, or not visible to that token).</summary>
    internal JsonObject? GetSubscription(string tenantId, string subscriptionId, CancellationToken cancel)
    {
        Uri uri = Resolve($"subscriptions/{Uri.EscapeDataString(subscriptionId)}?api-version={SubscriptionsApiVersion}");
        ArmResponse r = Send(HttpMethod.Get, uri, null, tenantId, cancel);
        if (r.StatusCode == 404)
        {
            return null;
        }
        return ParseObject(Checked(r), r);
    }

    /// <summary>Every item of a paged ARM list ({ value: [...], nextLink }).</summary>
    internal IReadOnlyList<JsonObject> List(Uri first, string? tenantId, CancellationToken cancel)
    {
        var items = new List<JsonObject>();
        int pages = 0;
        foreach (ArmPage page in Pages(Send(HttpMethod.Get, first, null, tenantId, cancel), "value", "nextLink", tenantId, cancel))
        {
            items.AddRange(page.Items.OfType<JsonObject>());
            if (++pages >= MaxPages && page.Next is not null)
            {
                throw new ArmException(0, "TooManyPages", $"ARM's list at '{Display(first)}' has more than {MaxPages} pages; the list was not read.");
            }
        }
        _verbose($"ARM list {Display(first)}: {items.Count} item(s) in {pages} page(s).");
        return items;
    }

    /// <summary>
    /// Invoke-AzRestMethod -Paginate: <paramref name="first"/> (a successful GET's answer) with the items
    /// of every page after it, following <paramref name="nextLinkName"/> for at most
    /// <paramref name="maxPages"/> pages in all. The answer is the first page's JSON object whose
    /// <paramref name="itemName"/> list holds every item read, without <paramref name="nextLinkName"/>;
    /// when <paramref name="maxPages"/> stopped the reading, it keeps the link of the first page not read.
    /// Status, headers and URI are the first answer's. An answer that is not a JSON object with a next
    /// link is returned as it is (one page). A page answered with an error status, not JSON, without the
    /// list, a next link already followed or outside this client's endpoint is an <see cref="ArmException"/>.
    /// </summary>
    internal ArmResponse Paginate(ArmResponse first, string itemName, string nextLinkName, int maxPages, CancellationToken cancel)
    {
        if (!first.IsSuccess || ObjectWithLink(first.Content, nextLinkName) is not JsonObject firstBody)
        {
            return first;
        }
        JsonObject? combined = null;
        Uri? notRead = null;
        var all = new JsonArray();
        int pages = 0;
        foreach (ArmPage page in Pages(first, itemName, nextLinkName, null, cancel, firstBody))
        {
            combined ??= page.Body;
            foreach (JsonNode? item in page.Items)
            {
                all.Add(item?.DeepClone());
            }
            if (++pages >= maxPages && page.Next is not null)
            {
                notRead = page.Next;
                _verbose($"-MaxPageSize {maxPages}: {Display(notRead)} and the pages after it were not read.");
                break;
            }
        }
        combined![itemName] = all;
        combined.Remove(nextLinkName);
        if (notRead is not null)
        {
            combined[nextLinkName] = notRead.AbsoluteUri;
        }
        _verbose($"{Display(first.RequestUri)}: {all.Count} item(s) in {pages} page(s).");
        return new ArmResponse(first.StatusCode, first.Headers, first.Version, first.Method, first.RequestUri, combined.ToJsonString());
    }

    /// <summary>One page of a list: its answer, its JSON, its items, and the link to the next page (null on the last).</summary>
    internal sealed record ArmPage(ArmResponse Response, JsonObject Body, JsonArray Items, Uri? Next);

    /// <summary>
    /// The pages of a list from the answer <paramref name="first"/> on, each fetched (GET) only when the
    /// one before it has been used. Each page must be a successful JSON object with an
    /// <paramref name="itemName"/> list; a next link is followed within this client's endpoint only (a
    /// relative one against the page's URI), and never twice. <paramref name="firstBody"/>: the first
    /// answer's JSON when the caller has already parsed it.
    /// </summary>
    private IEnumerable<ArmPage> Pages(ArmResponse first, string itemName, string nextLinkName, string? tenantId, CancellationToken cancel, JsonObject? firstBody = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { first.RequestUri.AbsoluteUri };
        ArmResponse r = first;
        JsonObject? parsed = firstBody;
        while (true)
        {
            JsonObject body = parsed ?? ParseObject(Checked(r), r);
            parsed = null;
            if (body[itemName] is not JsonArray items)
            {
                throw new ArmException(r.StatusCode, "InvalidResponse", $"ARM's answer to GET {Display(r.RequestUri)} has no '{itemName}' list.");
            }
            Uri? next = NextLink(body, nextLinkName, r, first.RequestUri);
            yield return new ArmPage(r, body, items, next);
            if (next is null)
            {
                yield break;
            }
            if (!seen.Add(next.AbsoluteUri))
            {
                throw new ArmException(0, "PagingLoop", $"ARM's list at '{Display(first.RequestUri)}' sent a {nextLinkName} it had already sent ('{Display(next)}'); the list was not read.");
            }
            r = Send(HttpMethod.Get, next, null, tenantId, cancel);
        }
    }

    /// <summary>The page's next link (null when absent, null or empty); one outside this client's endpoint is an <see cref="ArmException"/> naming its host.</summary>
    private Uri? NextLink(JsonObject body, string nextLinkName, ArmResponse r, Uri list)
    {
        if (LinkText(body, nextLinkName) is not string text)
        {
            return null;
        }
        if (!Uri.TryCreate(r.RequestUri, text, out Uri? u) || !SameOrigin(u))
        {
            string where = u is null ? $"'{text}' (not a URI)" : $"to {u.Scheme}://{u.Authority}";
            throw new ArmException(r.StatusCode, "InvalidNextLink",
                $"ARM's list at '{Display(list)}' sent a {nextLinkName} {where}, outside {_base.GetLeftPart(UriPartial.Authority)}; it was not followed (no token is sent there).");
        }
        return u;
    }

    /// <summary>The page's next link as sent: a non-empty string, else null.</summary>
    private static string? LinkText(JsonObject body, string nextLinkName) =>
        body[nextLinkName] is JsonValue link && link.TryGetValue(out string? text) && !string.IsNullOrEmpty(text) ? text : null;

    /// <summary>The answer's JSON object when it is one with a next link (parsed once, for <see cref="Pages"/> too); else null.</summary>
    private static JsonObject? ObjectWithLink(string content, string nextLinkName)
    {
        try
        {
            return JsonNode.Parse(content) is JsonObject o && LinkText(o, nextLinkName) is not null ? o : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// One request with the retries Az makes; the last answer is returned whatever its status (an error
    /// status is not thrown). Network and TLS failures, an answer over the size cap and cancellation throw.
    /// </summary>
    internal ArmResponse Send(HttpMethod method, Uri uri, string? body, string? tenantId, CancellationToken cancel)
    {
        if (!SameOrigin(uri))
        {
            throw new ArgumentException($"'{Display(uri)}' is not under the environment's ResourceManagerUrl {_base}; no token is sent there.", nameof(uri));
        }
        int retries = 0;
        TimeSpan waited = TimeSpan.Zero;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            string token = _tokens.GetToken(tenantId, cancel);
            ArmResponse r = SendOnce(method, uri, body, token, cancel);
            _verbose($"ARM {method.Method} {Display(uri)}: {r.StatusCode}.");
            int allowed = r.StatusCode == 429 ? MaxRetriesFromEnv("AZURE_PS_HTTP_MAX_RETRIES_FOR_429") : MaxRetriesFromEnv("AZURE_PS_HTTP_MAX_RETRIES");
            if (!IsRetried(r.StatusCode) || retries >= allowed)
            {
                return r;
            }
            TimeSpan wait = RetryWait(r, retries);
            if (waited + wait > MaxTotalRetryWait)
            {
                _verbose($"ARM asked to wait {wait.TotalSeconds:0.#} s more; the total wait would pass {MaxTotalRetryWait.TotalSeconds} s, so no more retries.");
                return r;
            }
            retries++;
            _verbose($"Retry {retries} of {allowed} in {wait.TotalSeconds:0.#} s.");
            if (wait > TimeSpan.Zero)
            {
                Task.Delay(wait, cancel).GetAwaiter().GetResult();
            }
            waited += wait;
        }
    }

    /// <summary>
    /// Whether ARM's tenant <paramref name="tenant"/> (a /tenants item) is <paramref name="idOrDomain"/>:
    /// its tenantId, its default domain or one of its domains, ignoring case.
    /// </summary>
    internal static bool IsTenant(JsonObject tenant, string idOrDomain) =>
        string.Equals(tenant["tenantId"]?.ToString(), idOrDomain, StringComparison.OrdinalIgnoreCase)
        || string.Equals(tenant["defaultDomain"]?.ToString(), idOrDomain, StringComparison.OrdinalIgnoreCase)
        || (tenant["domains"] is JsonArray domains && domains.Any(d => string.Equals(d?.ToString(), idOrDomain, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The statuses Az's HTTP pipeline retries.</summary>
    internal static bool IsRetried(int status) => status is 408 or 429 or 500 or 502 or 503 or 504;

    private static int MaxRetriesFromEnv(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0 ? Math.Min(n, 20) : DefaultRetries;

    /// <summary>Retry-After (seconds or an HTTP date, also x-ms-retry-after-ms) within <see cref="MaxRetryWait"/>; else 1, 2, 4 ... seconds.</summary>
    private static TimeSpan RetryWait(ArmResponse r, int retries)
    {
        TimeSpan? asked = null;
        if (Header(r, "x-ms-retry-after-ms") is string ms && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m >= 0)
        {
            asked = TimeSpan.FromMilliseconds(m);
        }
        else if (Header(r, "Retry-After") is string ra)
        {
            if (double.TryParse(ra, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0)
            {
                asked = TimeSpan.FromSeconds(s);
            }
            else if (DateTimeOffset.TryParse(ra, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
            {
                TimeSpan d = at - DateTimeOffset.UtcNow;
                asked = d > TimeSpan.Zero ? d : TimeSpan.Zero;
            }
        }
        TimeSpan wait = asked ?? TimeSpan.FromSeconds(Math.Pow(2, retries));
        return wait > MaxRetryWait ? MaxRetryWait : wait;
    }

    private static string? Header(ArmResponse r, string name) =>
        r.Headers.TryGetValue(name, out IReadOnlyList<string>? v) && v.Count > 0 ? v[0] : null;

    private ArmResponse SendOnce(HttpMethod method, Uri uri, string? body, string token, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("x-ms-client-request-id", Guid.NewGuid().ToString());
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using HttpResponseMessage response = s_http.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).GetAwaiter().GetResult();
            string content = ReadCapped(response, method, uri, timeout.Token);
            var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, IEnumerable<string>> h in response.Headers)
            {
                headers[h.Key] = new List<string>(h.Value);
            }
            foreach (KeyValuePair<string, IEnumerable<string>> h in response.Content.Headers)
            {
                headers[h.Key] = new List<string>(h.Value);
            }
            return new ArmResponse((int)response.StatusCode, headers, response.Version, method.Method, uri, content);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new ArmException(0, "Timeout", $"ARM did not answer {method.Method} {Display(uri)} within {RequestTimeout.TotalSeconds} s.");
        }
        catch (HttpRequestException e)
        {
            string why = e.InnerException is System.Security.Authentication.AuthenticationException
                ? "the TLS handshake failed (the server's certificate is not trusted by this system)"
                : e.Message;
            throw new ArmException(0, e.InnerException is System.Security.Authentication.AuthenticationException ? "TlsFailure" : "NetworkError",
                $"ARM could not be reached for {method.Method} {Display(uri)}: {why}", e);
        }
    }

    private static string ReadCapped(HttpResponseMessage response, HttpMethod method, Uri uri, CancellationToken cancel)
    {
        if (response.Content.Headers.ContentLength is long declared && declared > MaxResponseBytes)
        {
            throw TooLarge(method, uri, (int)response.StatusCode);
        }
        using Stream stream = response.Content.ReadAsStreamAsync(cancel).GetAwaiter().GetResult();
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int n;
        while ((n = stream.ReadAsync(chunk, cancel).AsTask().GetAwaiter().GetResult()) > 0)
        {
            if (buffer.Length + n > MaxResponseBytes)
            {
                throw TooLarge(method, uri, (int)response.StatusCode);
            }
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static ArmException TooLarge(HttpMethod method, Uri uri, int status) =>
        new(status, "ResponseTooLarge", $"ARM's answer to {method.Method} {Display(uri)} is larger than {MaxResponseBytes / (1024 * 1024)} MiB; it was not read.");

    /// <summary>The answer's text when its status is a success; else an <see cref="ArmException"/> with ARM's code and message.</summary>
    internal static string Checked(ArmResponse r)
    {
        if (r.IsSuccess)
        {
            return r.Content;
        }
        (string? code, string? message) = ErrorOf(r.Content);
        string reason = Enum.IsDefined(typeof(HttpStatusCode), r.StatusCode) ? ((HttpStatusCode)r.StatusCode).ToString() : "";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"ARM answered {r.Method} {Display(r.RequestUri)} with {r.StatusCode}");
        if (reason.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({reason})");
        }
        if (code is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $": {code}");
        }
        if (message is not null)
        {
            text.Append(code is null ? ": " : " - ").Append(message);
        }
        if (text[^1] != '.')
        {
            text.Append('.');
        }
        throw new ArmException(r.StatusCode, code, text.ToString());
    }

    /// <summary>ARM's { error: { code, message } } (or the older top-level { code, message }), when the body has it.</summary>
    internal static (string? Code, string? Message) ErrorOf(string content)
    {
        try
        {
            if (JsonNode.Parse(content) is JsonObject o)
            {
                JsonObject e = o["error"] as JsonObject ?? o;
                return (e["code"]?.ToString(), e["message"]?.ToString());
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page): no code.
        }
        return (null, null);
    }

    private static JsonObject ParseObject(string content, ArmResponse r)
    {
        try
        {
            if (JsonNode.Parse(content) is JsonObject o)
            {
                return o;
            }
        }
        catch (JsonException e)
        {
            throw new ArmException(r.StatusCode, "InvalidResponse", $"ARM's answer to {r.Method} {Display(r.RequestUri)} is not valid JSON ({e.Message})", e);
        }
        throw new ArmException(r.StatusCode, "InvalidResponse", $"ARM's answer to {r.Method} {Display(r.RequestUri)} is not a JSON object.");
    }

    private bool SameOrigin(Uri u) =>
        u.IsAbsoluteUri && u.Scheme == Uri.UriSchemeHttps && string.Equals(u.Host, _base.Host, StringComparison.OrdinalIgnoreCase) && u.Port == _base.Port;

    /// <summary>A URI for messages: path and query only (no host noise; ARM URIs carry no secret).</summary>
    internal static string Display(Uri u) => u.IsAbsoluteUri ? u.PathAndQuery : u.ToString();
}

using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using AzContext.Arm;

namespace Microsoft.Azure.Commands.Profile.Models;

/// <summary>An HTTP answer (Az's PSHttpResponse, what Invoke-AzRestMethod returns, whatever its status).</summary>
public sealed class PSHttpResponse
{
    public PSHttpResponse() => Headers = new HttpResponseMessage().Headers;

    internal PSHttpResponse(ArmResponse r)
    {
        // A real HttpResponseHeaders, as in Az (content headers such as Content-Type are not among them).
        Headers = new HttpResponseMessage().Headers;
        foreach (KeyValuePair<string, IReadOnlyList<string>> h in r.Headers)
        {
            Headers.TryAddWithoutValidation(h.Key, h.Value);
        }
        Version = r.Version;
        StatusCode = (HttpStatusCode)r.StatusCode;
        Method = new HttpMethod(r.Method);
        RequestUri = r.RequestUri;
        Content = r.Content;
    }

    public HttpResponseHeaders Headers { get; }

    public Version? Version { get; set; }

    public HttpStatusCode StatusCode { get; set; }

    public HttpMethod? Method { get; set; }

    public Uri? RequestUri { get; set; }

    public string? Content { get; set; }

    public override string ToString() => $"{(int)StatusCode} {Method} {RequestUri}";
}

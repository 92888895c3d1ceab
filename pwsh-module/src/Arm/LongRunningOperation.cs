using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace AzContext.Arm;

/// <summary>Where a long-running operation is polled, or its final result fetched (Invoke-AzRestMethod -PollFrom, -FinalResultFrom).</summary>
internal enum LroSource
{
    /// <summary>The Azure-AsyncOperation header (ARM's operation status monitor).</summary>
    AzureAsyncOperation,

    /// <summary>The Location header (202 while running, then the result).</summary>
    Location,

    /// <summary>The Operation-Location header (a status monitor, as data-plane services send it).</summary>
    OperationLocation,

    /// <summary>The URI of the request itself (a PUT or PATCH's resource, with its provisioningState).</summary>
    OriginalUri,
}

/// <summary>
/// A long-running operation ended Failed (or a poll was answered with an error status): the operation's
/// error code and message, and the answer that said so. Never a token.
/// </summary>
internal sealed class LroFailedException : Exception
{
    internal LroFailedException(string message, string? status, string? code, ArmResponse response) : base(message)
    {
        Status = status;
        Code = code;
        Response = response;
    }

    /// <summary>The operation's status (Failed), or null when a poll was answered with an error status.</summary>
    internal string? Status { get; }

    /// <summary>The operation's error code, when its answer has one.</summary>
    internal string? Code { get; }

    /// <summary>The answer that ended the wait.</summary>
    internal ArmResponse Response { get; }
}

/// <summary>
/// The operation cannot be followed: -PollFrom or -FinalResultFrom names a header the answer lacks, or an
/// operation URI is outside the endpoint (no token is sent there). <see cref="ErrorId"/> tells which.
/// </summary>
internal sealed class LroUnusableException : Exception
{
    internal LroUnusableException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;

    internal string ErrorId { get; }
}

/// <summary>
/// Waits for an ARM long-running operation as Az's Invoke-AzRestMethod -WaitForCompletion does, following
/// ARM's async-operation guidelines: after a 201 or 202 (or a 200 with an operation header, or a PUT/PATCH
/// whose resource is still provisioning) it polls with GET, honouring Retry-After (30 s when absent, as
/// Az), until the status is terminal; then fetches the final result. Polls go through
/// <see cref="ArmClient.Send"/> (its retries, its same-origin rule: no token leaves the endpoint).
/// Cancellation stops the wait at once.
/// </summary>
internal sealed class LongRunningOperation
{
    /// <summary>Az's wait between polls when the answer has no Retry-After.</summary>
    internal static readonly TimeSpan DefaultPollWait = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait honoured from one Retry-After.</summary>
    internal static readonly TimeSpan MaxPollWait = TimeSpan.FromMinutes(10);

    private static readonly string[] Terminal = { "Succeeded", "Failed", "Canceled", "Cancelled" };

    private readonly ArmClient _client;
    private readonly HttpMethod _method;
    private readonly Uri _original;
    private readonly Action<string> _verbose;
    private readonly Action<string> _warn;

    internal LongRunningOperation(ArmClient client, HttpMethod method, Uri original, Action<string> verbose, Action<string> warn)
    {
        _client = client;
        _method = method;
        _original = original;
        _verbose = verbose;
        _warn = warn;
    }

    /// <summary>The header name of a source (null for the original URI).</summary>
    internal static string? HeaderName(LroSource s) => s switch
    {
        LroSource.AzureAsyncOperation => "Azure-AsyncOperation",
        LroSource.Location => "Location",
        LroSource.OperationLocation => "Operation-Location",
        _ => null,
    };

    /// <summary>
    /// A -PollFrom or -FinalResultFrom value: the header names, and the spellings of Az's completers
    /// (AzureAsyncLocation, OriginalUri); FinalStateVia (and null) is the default rule.
    /// </summary>
    internal static LroSource? Parse(string? value) => value?.ToUpperInvariant() switch
    {
        null or "" or "FINALSTATEVIA" => null,
        "AZURE-ASYNCOPERATION" or "AZUREASYNCOPERATION" or "AZUREASYNCLOCATION" => LroSource.AzureAsyncOperation,
        "LOCATION" => LroSource.Location,
        "OPERATION-LOCATION" or "OPERATIONLOCATION" => LroSource.OperationLocation,
        "ORIGINALURI" or "ORIGINAL-URI" => LroSource.OriginalUri,
        _ => throw new ArgumentException($"'{value}' is not a polling source: use Azure-AsyncOperation, Location, Operation-Location or OriginalUri."),
    };

    /// <summary>
    /// Whether <paramref name="r"/> starts a long-running operation: a 201 or 202; a 200 with an
    /// Azure-AsyncOperation or Operation-Location header; or a PUT/PATCH answered 200 whose resource's
    /// provisioningState is not terminal.
    /// </summary>
    internal static bool IsLongRunning(HttpMethod method, ArmResponse r)
    {
        if (r.StatusCode is 201 or 202)
        {
            return true;
        }
        if (r.StatusCode != 200)
        {
            return false;
        }
        if (Header(r, "Azure-AsyncOperation") is not null || Header(r, "Operation-Location") is not null)
        {
            return true;
        }
        return (method == HttpMethod.Put || method == HttpMethod.Patch) && StateOf(r) is string s && !IsTerminal(s);
    }

    /// <summary>
    /// Polls until the operation ends and returns the final answer: the GET of <paramref name="finalFrom"/>
    /// when given; else, as ARM's guidelines and Az: for PUT/PATCH the original URI, for POST/DELETE the
    /// initial answer's Location (when it was not what was polled), else the last poll's answer. A Failed
    /// status, or a poll answered with an error status, is an <see cref="LroFailedException"/>.
    /// </summary>
    internal ArmResponse Wait(ArmResponse initial, LroSource? pollFrom, LroSource? finalFrom, CancellationToken cancel)
    {
        (LroSource source, Uri pollUri) = PollTarget(initial, pollFrom);
        _verbose($"Long-running operation: polling {ArmClient.Display(pollUri)} ({SourceText(source)}).");
        ArmResponse last = initial;
        int polls = 0;
        string? state;
        while (true)
        {
            TimeSpan wait = PollWait(last);
            if (wait > TimeSpan.Zero)
            {
                Task.Delay(wait, cancel).GetAwaiter().GetResult();
            }
            cancel.ThrowIfCancellationRequested();
            last = Get(pollUri, cancel);
            polls++;
            if (last.StatusCode is 201 or 202)
            {
                // Location polling: the header may move the monitor (RFC 9110); an operation header stays.
                if (source == LroSource.Location && Uri.TryCreate(pollUri, Header(last, "Location") ?? "", out Uri? moved) && moved.IsAbsoluteUri)
                {
                    pollUri = moved;
                }
                _verbose($"Long-running operation: {last.StatusCode} after poll {polls}; still running.");
                continue;
            }
            if (!last.IsSuccess)
            {
                (string? code, string? message) = ArmClient.ErrorOf(last.Content);
                throw new LroFailedException(
                    $"Azure Service operation failed: polling {ArmClient.Display(pollUri)} was answered with {last.StatusCode}{Detail(code, message)}",
                    null, code, last);
            }
            state = StateOf(last);
            if (state is null || IsTerminal(state))
            {
                break;
            }
            _verbose($"Long-running operation: status {state} after poll {polls}.");
        }
        _verbose($"Long-running operation: {(state is null ? "done" : "status " + state)} after {polls} poll(s).");
        if (string.Equals(state, "Failed", StringComparison.OrdinalIgnoreCase))
        {
            (string? code, string? message) = ArmClient.ErrorOf(last.Content);
            throw new LroFailedException($"Azure Service operation failed: the operation's status is Failed{Detail(code, message)}", state, code, last);
        }
        if (state is not null && state.StartsWith("Cancel", StringComparison.OrdinalIgnoreCase))
        {
            _warn($"The long-running operation was canceled (status {state}).");
        }
        Uri? final = FinalUri(initial, last, source, finalFrom);
        if (final is null)
        {
            return last;
        }
        _verbose($"Long-running operation: final result from {ArmClient.Display(final)}.");
        return Get(final, cancel);
    }

    private ArmResponse Get(Uri uri, CancellationToken cancel)
    {
        try
        {
            return _client.Send(HttpMethod.Get, uri, null, null, cancel);
        }
        catch (ArgumentException e)
        {
            throw new LroUnusableException("LongRunningOperationForeignUri",
                $"The operation's URI {uri.GetLeftPart(UriPartial.Path)} is not under the endpoint {_client.BaseUri}; it was not called (no token is sent there).", e);
        }
    }

    /// <summary>-PollFrom's header (an error when the answer has none), else Azure-AsyncOperation, Operation-Location, Location, then the original URI.</summary>
    private (LroSource, Uri) PollTarget(ArmResponse initial, LroSource? pollFrom)
    {
        if (pollFrom is LroSource chosen)
        {
            return (chosen, UriOf(initial, chosen) ?? throw new LroUnusableException("LongRunningOperationHeaderMissing", $"Polling header `{HeaderName(chosen)}` is not present in the response."));
        }
        foreach (LroSource s in new[] { LroSource.AzureAsyncOperation, LroSource.OperationLocation, LroSource.Location })
        {
            if (UriOf(initial, s) is Uri u)
            {
                return (s, u);
            }
        }
        return (LroSource.OriginalUri, _original);
    }

    private Uri? FinalUri(ArmResponse initial, ArmResponse last, LroSource polled, LroSource? finalFrom)
    {
        if (finalFrom is LroSource f)
        {
            return UriOf(initial, f) ?? UriOf(last, f)
                ?? throw new LroUnusableException("LongRunningOperationHeaderMissing", $"The final result header `{HeaderName(f)}` is not present in the response.");
        }
        if (_method == HttpMethod.Put || _method == HttpMethod.Patch)
        {
            // Polling the resource itself already gave its final state.
            return polled == LroSource.OriginalUri ? null : _original;
        }
        // POST and DELETE: the Location's result when another header was polled; else the last answer is the result.
        return polled != LroSource.Location && UriOf(initial, LroSource.Location) is Uri location ? location : null;
    }

    /// <summary>The URI a source names in <paramref name="r"/> (relative ones resolved against the request's).</summary>
    private Uri? UriOf(ArmResponse r, LroSource s)
    {
        if (s == LroSource.OriginalUri)
        {
            return _original;
        }
        string? value = Header(r, HeaderName(s)!);
        return !string.IsNullOrWhiteSpace(value) && Uri.TryCreate(r.RequestUri, value.Trim(), out Uri? u) ? u : null;
    }

    private static string SourceText(LroSource s) => HeaderName(s) ?? "the original URI";

    /// <summary>Retry-After in seconds (or an HTTP date), within <see cref="MaxPollWait"/>; Az's 30 s when absent.</summary>
    internal static TimeSpan PollWait(ArmResponse r)
    {
        if (Header(r, "Retry-After") is not string ra)
        {
            return DefaultPollWait;
        }
        TimeSpan wait = DefaultPollWait;
        if (double.TryParse(ra, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0)
        {
            wait = TimeSpan.FromSeconds(s);
        }
        else if (DateTimeOffset.TryParse(ra, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
        {
            wait = at > DateTimeOffset.UtcNow ? at - DateTimeOffset.UtcNow : TimeSpan.Zero;
        }
        return wait > MaxPollWait ? MaxPollWait : wait;
    }

    /// <summary>The operation's status in an answer: properties.provisioningState, else status (as Az reads it); null when neither is there.</summary>
    internal static string? StateOf(ArmResponse r)
    {
        try
        {
            if (JsonNode.Parse(r.Content) is JsonObject o)
            {
                string? state = (o["properties"] as JsonObject)?["provisioningState"] is JsonValue p && p.TryGetValue(out string? ps) ? ps : null;
                return state ?? (o["status"] is JsonValue v && v.TryGetValue(out string? st) ? st : null);
            }
        }
        catch (JsonException)
        {
            // Not JSON (an empty 200 or 204): no state.
        }
        return null;
    }

    private static bool IsTerminal(string state) => Array.Exists(Terminal, t => string.Equals(t, state, StringComparison.OrdinalIgnoreCase));

    private static string Detail(string? code, string? message) =>
        code is null && message is null ? "." : $": {code}{(code is not null && message is not null ? " - " : "")}{message}";

    private static string? Header(ArmResponse r, string name) =>
        r.Headers.TryGetValue(name, out IReadOnlyList<string>? v) && v.Count > 0 ? v[0] : null;
}

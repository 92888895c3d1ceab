using System.Text.Json.Nodes;
using AzContext.Models;

namespace AzContext.Native;

/// <summary>
/// The last context list, parsed, with the view version the library gave it. While the library reports
/// the same version (nothing changed on disk or in the session), -ListAvailable reuses it instead of
/// receiving and parsing the list again — at 10,000 contexts that is ~20 MB of JSON per call.
/// </summary>
internal static class ContextListCache
{
    private static readonly object s_lock = new();
    private static SessionHandle? s_session;
    private static ulong s_version;
    private static JsonObject[]? s_items;

    /// <summary>The contexts of the session's current view, each a JSON object with "Name". Never modify them.</summary>
    internal static JsonObject[] Get(SessionHandle session, CallSettings settings)
    {
        lock (s_lock)
        {
            bool mine = ReferenceEquals(s_session, session) && s_items is not null;
            ulong known = mine ? s_version : 0;
            ulong version = 0;
            nint json = 0;
            AzctxStatus status = settings.Run(c => NativeMethods.azctx_context_list_if_changed(session, c, known, out version, out json));
            NativeCall.Check(status);
            if (json == 0 && mine)
            {
                return s_items!;
            }
            string text = NativeCall.Take(json) ?? "[]";
            JsonObject[] items = Parse(text);
            s_session = session;
            s_version = version;
            s_items = items;
            return items;
        }
    }

    private static JsonObject[] Parse(string text)
    {
        if (Json.Parse(text) is not JsonArray list)
        {
            return System.Array.Empty<JsonObject>();
        }
        var items = new JsonObject[list.Count];
        int n = 0;
        foreach (JsonNode? node in list)
        {
            if (node is JsonObject o)
            {
                // Shared by every runspace of the process: build every node's lookup now, while only this
                // thread can see them, so that later concurrent reads never race to build it.
                Touch(o);
                items[n++] = o;
            }
        }
        System.Array.Resize(ref items, n);
        return items;
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var kv in o)
                {
                    Touch(kv.Value);
                }
                _ = o.ContainsKey("Name");
                break;
            case JsonArray a:
                foreach (JsonNode? item in a)
                {
                    Touch(item);
                }
                break;
        }
    }
}

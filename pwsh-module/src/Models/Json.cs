using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AzContext.Models;

/// <summary>Small helpers over System.Text.Json nodes, in Az's case-insensitive member lookup.</summary>
internal static class Json
{
    internal static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    internal static JsonNode? Parse(string text) => JsonNode.Parse(text, NodeOptions);

    /// <summary>
    /// Whether <paramref name="utf8"/> is a JSON object, and its member <paramref name="name"/> (case
    /// ignored, the first one) as <see cref="Str"/> gives it: read with a reader, no tree built. A process's
    /// first command reads its answers so, and never pays for System.Text.Json.Nodes (some milliseconds of
    /// start-up) unless a member of what it returns is read.
    /// </summary>
    internal static bool TryTopLevelString(ReadOnlySpan<byte> utf8, string name, out string? value)
    {
        value = null;
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        bool found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool match = !found && string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase);
            reader.Read();
            if (match)
            {
                found = true;
                value = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    JsonTokenType.StartObject or JsonTokenType.StartArray => null,
                    _ => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                };
            }
            reader.Skip();
        }
        return true;
    }

    internal static JsonObject? Obj(JsonObject? o, string name) => o is not null && o.TryGetPropertyValue(name, out JsonNode? n) ? n as JsonObject : null;

    internal static string? Str(JsonObject? o, string name)
    {
        if (o is null || !o.TryGetPropertyValue(name, out JsonNode? n) || n is null)
        {
            return null;
        }
        return n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : n.ToJsonString();
    }

    internal static bool Bool(JsonObject? o, string name) =>
        o is not null && o.TryGetPropertyValue(name, out JsonNode? n) && n is not null && n.GetValueKind() == JsonValueKind.True;

    /// <summary>A string map (ExtendedProperties), case-insensitive as in Az, optionally without some keys.</summary>
    internal static Dictionary<string, string> Map(JsonObject? o, string name, ISet<string>? exclude = null)
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Obj(o, name) is JsonObject m)
        {
            foreach (KeyValuePair<string, JsonNode?> kv in m)
            {
                if (exclude is not null && exclude.Contains(kv.Key))
                {
                    continue;
                }
                d[kv.Key] = kv.Value is null ? "" : kv.Value.GetValueKind() == JsonValueKind.String ? kv.Value.GetValue<string>() : kv.Value.ToJsonString();
            }
        }
        return d;
    }

    internal static string[] List(JsonObject? o, string name) =>
        o is not null && o.TryGetPropertyValue(name, out JsonNode? n) && n is JsonArray a
            ? a.Select(x => x?.ToString() ?? "").ToArray()
            : Array.Empty<string>();

    internal static JsonObject MapToJson(IDictionary<string, string>? map)
    {
        var o = new JsonObject();
        if (map is not null)
        {
            foreach (KeyValuePair<string, string> kv in map)
            {
                o[kv.Key] = kv.Value;
            }
        }
        return o;
    }

    /// <summary>Sets a member, replacing one whose name differs only in case (keeps Az's spelling).</summary>
    internal static void Set(JsonObject o, string name, JsonNode? value)
    {
        string? existing = o.Select(kv => kv.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        o[existing ?? name] = value;
    }

    /// <summary>
    /// Builds the lookup of every object in <paramref name="node"/> (System.Text.Json builds it on the first
    /// read, which is not safe while other threads read too): call it before other threads can see the node.
    /// </summary>
    internal static void Prepare(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (KeyValuePair<string, JsonNode?> kv in o)
                {
                    Prepare(kv.Value);
                }
                _ = o.ContainsKey("Name");
                break;
            case JsonArray a:
                foreach (JsonNode? item in a)
                {
                    Prepare(item);
                }
                break;
        }
    }

    internal static JsonObject CloneObj(JsonObject? o) => o is null ? new JsonObject() : (JsonObject)o.DeepClone();

    // ---- Deserialized objects (CLIXML from jobs and remoting) ------------------------------------------

    internal static object? Prop(PSObject? o, string name) => o?.Properties[name]?.Value is object v ? (v is PSObject p && p.BaseObject is not PSCustomObject ? p.BaseObject : v) : null;

    internal static string? PropStr(PSObject? o, string name) => Prop(o, name)?.ToString();

    internal static PSObject? PropObj(PSObject? o, string name) => o?.Properties[name]?.Value is object v ? PSObject.AsPSObject(v) : null;

    internal static JsonObject PropMap(PSObject? o, string name)
    {
        var result = new JsonObject();
        object? v = o?.Properties[name]?.Value;
        if (v is PSObject p)
        {
            v = p.BaseObject;
        }
        if (v is IDictionary d)
        {
            foreach (DictionaryEntry e in d)
            {
                result[e.Key.ToString()!] = e.Value?.ToString();
            }
        }
        return result;
    }
}

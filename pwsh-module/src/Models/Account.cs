using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Models;

namespace Microsoft.Azure.Commands.Profile.Models;

/// <summary>An account (Az's PSAzureRmAccount). Secrets never appear in its properties or ToString.</summary>
public sealed class PSAzureRmAccount
{
    /// <summary>
    /// ExtendedProperties keys that hold secrets: kept for the round trip, never shown. The library's
    /// list, the one it leaves out of secret-free files.
    /// </summary>
    internal static readonly HashSet<string> SecretKeys = new(AzContext.Native.NativeCall.SecretPropertyNames(), StringComparer.OrdinalIgnoreCase);

    private readonly JsonObject _raw;

    public PSAzureRmAccount() : this(new JsonObject()) { }

    internal PSAzureRmAccount(JsonObject raw)
    {
        _raw = raw;
        Id = Json.Str(raw, "Id");
        Type = Json.Str(raw, "Type");
        Credential = Json.Str(raw, "Credential");
        TenantMap = Json.Map(raw, "TenantMap");
        ExtendedProperties = Json.Map(raw, "ExtendedProperties", SecretKeys);
    }

    public string? Id { get; set; }

    public string? Type { get; set; }

    /// <summary>The account's tenants (ExtendedProperties 'Tenants', a comma list), as Az's List&lt;string&gt;.</summary>
    public List<string> Tenants => ExtendedProperties.TryGetValue("Tenants", out string? t) && t.Length > 0
        ? new List<string>(t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        : new List<string>();

    /// <summary>
    /// Az's AccessToken property, kept so that scripts reading it (also under Set-StrictMode) run; it is
    /// always null: AzContext never hands a token to PowerShell.
    /// </summary>
    public string? AccessToken => null;

    public string? Credential { get; set; }

    public IDictionary<string, string> TenantMap { get; }

    public string? CertificateThumbprint => ExtendedProperties.TryGetValue("CertificateThumbprint", out string? t) ? t : null;

    /// <summary>Extended properties, without secrets (tokens, SP secrets, certificate passwords).</summary>
    public IDictionary<string, string> ExtendedProperties { get; }

    /// <summary>True when a secret (an access token, SP secret, ...) is held for this account; the value is never shown.</summary>
    public bool HasSecret => Json.Obj(_raw, "ExtendedProperties") is JsonObject e && e.Any(kv => SecretKeys.Contains(kv.Key) && kv.Value is not null && kv.Value.ToString().Length > 0);

    public override string ToString() => Id ?? string.Empty;

    internal JsonObject ToJson()
    {
        JsonObject o = Json.CloneObj(_raw);
        Json.Set(o, "Id", Id);
        Json.Set(o, "Credential", Credential);
        Json.Set(o, "Type", Type);
        Json.Set(o, "TenantMap", Json.MapToJson(TenantMap));
        JsonObject ext = Json.MapToJson(ExtendedProperties);
        // Secrets held internally go back to the library untouched; users never saw them.
        if (Json.Obj(_raw, "ExtendedProperties") is JsonObject old)
        {
            foreach (KeyValuePair<string, JsonNode?> kv in old.Where(kv => SecretKeys.Contains(kv.Key)))
            {
                ext[kv.Key] = kv.Value?.DeepClone();
            }
        }
        Json.Set(o, "ExtendedProperties", ext);
        return o;
    }

    internal static PSAzureRmAccount? FromPSObject(PSObject? p)
    {
        if (p is null) return null;
        if (p.BaseObject is PSAzureRmAccount a) return a;
        var raw = new JsonObject
        {
            ["Id"] = Json.PropStr(p, "Id"),
            ["Credential"] = Json.PropStr(p, "Credential"),
            ["Type"] = Json.PropStr(p, "Type"),
            ["TenantMap"] = Json.PropMap(p, "TenantMap"),
            ["ExtendedProperties"] = Json.PropMap(p, "ExtendedProperties"),
        };
        return new PSAzureRmAccount(raw);
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzContext.Models;

namespace Microsoft.Azure.Commands.Profile.Models;

/// <summary>Az's subscription policies, parsed from the (misspelt) 'SubscriptionPolices' extended property.</summary>
public sealed class PSAzureSubscriptionPolicy
{
    public string? LocationPlacementId { get; set; }
    public string? QuotaId { get; set; }
    public string? SpendingLimit { get; set; }

    public override string ToString() => $"{{LocationPlacementId: {LocationPlacementId}, QuotaId: {QuotaId}, SpendingLimit: {SpendingLimit}}}";
}

/// <summary>A subscription (Az's PSAzureSubscription).</summary>
public sealed class PSAzureSubscription
{
    private readonly JsonObject _raw;

    public PSAzureSubscription() : this(new JsonObject()) { }

    internal PSAzureSubscription(JsonObject raw)
    {
        _raw = raw;
        Id = Json.Str(raw, "Id");
        Name = Json.Str(raw, "Name");
        State = Json.Str(raw, "State");
        ExtendedProperties = Json.Map(raw, "ExtendedProperties");
        // A storage connection string may carry the account key: shown redacted, kept for the round trip.
        if (ExtendedProperties.TryGetValue(StorageAccountKey, out string? cs))
        {
            _storageAccountRaw = cs;
            ExtendedProperties[StorageAccountKey] = RedactConnectionString(cs);
        }
    }

    private const string StorageAccountKey = "StorageAccount";
    private readonly string? _storageAccountRaw;

    /// <summary>A connection string with the values of its secret parts (AccountKey, SharedAccessSignature) replaced.</summary>
    internal static string RedactConnectionString(string connectionString)
    {
        string[] parts = connectionString.Split(';');
        for (int i = 0; i < parts.Length; i++)
        {
            int eq = parts[i].IndexOf('=');
            string key = eq > 0 ? parts[i].Substring(0, eq).Trim() : "";
            if (key.Equals("AccountKey", StringComparison.OrdinalIgnoreCase) || key.Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = parts[i].Substring(0, eq + 1) + "***";
            }
        }
        return string.Join(";", parts);
    }

    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? State { get; set; }

    public string? SubscriptionId => Id;

    public string? TenantId => Ext("Tenants");

    public string? HomeTenantId => Ext("HomeTenant");

    public string[] ManagedByTenantIds => Ext("ManagedByTenants") is { Length: > 0 } m
        ? m.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : Array.Empty<string>();

    public string? AuthorizationSource => Ext("AuthorizationSource");

    public string? CurrentStorageAccountName => Ext("StorageAccount") is { Length: > 0 } s && s.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
        ? s.Split(';', StringSplitOptions.RemoveEmptyEntries).Select1("AccountName=")
        : Ext("StorageAccount");

    public string? CurrentStorageAccount => Ext("StorageAccount");

    public PSAzureSubscriptionPolicy? SubscriptionPolicies
    {
        get
        {
            if (Ext("SubscriptionPolices") is not { Length: > 0 } text) return null;
            try
            {
                JsonObject? o = Json.Parse(text) as JsonObject;
                return o is null ? null : new PSAzureSubscriptionPolicy
                {
                    LocationPlacementId = Json.Str(o, "locationPlacementId"),
                    QuotaId = Json.Str(o, "quotaId"),
                    SpendingLimit = Json.Str(o, "spendingLimit"),
                };
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public IDictionary<string, string>? Tags
    {
        get
        {
            if (Ext("Tags") is not { Length: > 0 } text) return null;
            try
            {
                return Json.Parse(text) is JsonObject o ? Json.Map(new JsonObject { ["t"] = o.DeepClone() }, "t") : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public IDictionary<string, string> ExtendedProperties { get; }

    private string? Ext(string key) => ExtendedProperties.TryGetValue(key, out string? v) ? v : null;

    public override string ToString() => Id ?? string.Empty;

    internal JsonObject ToJson()
    {
        JsonObject o = Json.CloneObj(_raw);
        Json.Set(o, "Id", Id);
        Json.Set(o, "Name", Name);
        Json.Set(o, "State", State);
        JsonObject ext = Json.MapToJson(ExtendedProperties);
        // The redacted connection string stands for the stored one unless the user changed it.
        if (_storageAccountRaw is not null && ExtendedProperties.TryGetValue(StorageAccountKey, out string? shown)
            && shown == RedactConnectionString(_storageAccountRaw))
        {
            Json.Set(ext, StorageAccountKey, _storageAccountRaw);
        }
        Json.Set(o, "ExtendedProperties", ext);
        return o;
    }

    internal static PSAzureSubscription? FromPSObject(PSObject? p)
    {
        if (p is null) return null;
        if (p.BaseObject is PSAzureSubscription s) return s;
        return new PSAzureSubscription(new JsonObject
        {
            ["Id"] = Json.PropStr(p, "Id"),
            ["Name"] = Json.PropStr(p, "Name"),
            ["State"] = Json.PropStr(p, "State"),
            ["ExtendedProperties"] = Json.PropMap(p, "ExtendedProperties"),
        });
    }
}

internal static class StringArrayExtensions
{
    internal static string? Select1(this string[] parts, string prefix)
    {
        foreach (string part in parts)
        {
            if (part.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return part.Substring(prefix.Length);
        }
        return null;
    }
}

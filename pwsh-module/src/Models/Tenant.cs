using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Models;

namespace Microsoft.Azure.Commands.Profile.Models;

/// <summary>A tenant (Az's PSAzureTenant). The internal Directory and IsHome are not exposed, as in Az.</summary>
public sealed class PSAzureTenant
{
    private readonly JsonObject _raw;

    public PSAzureTenant() : this(new JsonObject()) { }

    internal PSAzureTenant(JsonObject raw)
    {
        _raw = raw;
        Id = Json.Str(raw, "Id");
        ExtendedProperties = Json.Map(raw, "ExtendedProperties");
    }

    public string? Id { get; set; }

    public string? TenantId => Id;

    public string? Name => Ext("DisplayName");

    public string? TenantCategory => Ext("TenantCategory");

    public string? Country => Ext("Country");

    public string? CountryCode => Ext("CountryCode");

    public string[] Domains => Ext("Domains") is { Length: > 0 } d ? d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : Array.Empty<string>();

    public string? DefaultDomain => Ext("DefaultDomain");

    public string? TenantType => Ext("TenantType");

    public string? TenantBrandingLogoUrl => Ext("TenantBrandingLogoUrl");

    public IDictionary<string, string> ExtendedProperties { get; }

    private string? Ext(string key) => ExtendedProperties.TryGetValue(key, out string? v) ? v : null;

    public override string ToString() => Id ?? string.Empty;

    internal JsonObject ToJson()
    {
        JsonObject o = Json.CloneObj(_raw);
        Json.Set(o, "Id", Id);
        Json.Set(o, "ExtendedProperties", Json.MapToJson(ExtendedProperties));
        return o;
    }

    internal static PSAzureTenant? FromPSObject(PSObject? p)
    {
        if (p is null) return null;
        if (p.BaseObject is PSAzureTenant t) return t;
        return new PSAzureTenant(new JsonObject
        {
            ["Id"] = Json.PropStr(p, "Id") ?? Json.PropStr(p, "TenantId"),
            ["ExtendedProperties"] = Json.PropMap(p, "ExtendedProperties"),
        });
    }
}

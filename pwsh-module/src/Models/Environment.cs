using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Models;

namespace Microsoft.Azure.Commands.Profile.Models;

/// <summary>An Azure cloud's endpoints (Az's PSAzureEnvironment).</summary>
public sealed class PSAzureEnvironment
{
    private readonly JsonObject _raw;

    public PSAzureEnvironment() : this(new JsonObject()) { }

    internal PSAzureEnvironment(JsonObject raw)
    {
        _raw = raw;
        Name = Json.Str(raw, "Name");
        Type = Json.Str(raw, "Type");
        OnPremise = Json.Bool(raw, "OnPremise");
        ServiceManagementUrl = Json.Str(raw, "ServiceManagementUrl");
        ResourceManagerUrl = Json.Str(raw, "ResourceManagerUrl");
        ManagementPortalUrl = Json.Str(raw, "ManagementPortalUrl");
        PublishSettingsFileUrl = Json.Str(raw, "PublishSettingsFileUrl");
        ActiveDirectoryAuthority = Json.Str(raw, "ActiveDirectoryAuthority");
        GalleryUrl = Json.Str(raw, "GalleryUrl");
        GraphUrl = Json.Str(raw, "GraphUrl");
        ActiveDirectoryServiceEndpointResourceId = Json.Str(raw, "ActiveDirectoryServiceEndpointResourceId");
        StorageEndpointSuffix = Json.Str(raw, "StorageEndpointSuffix");
        SqlDatabaseDnsSuffix = Json.Str(raw, "SqlDatabaseDnsSuffix");
        TrafficManagerDnsSuffix = Json.Str(raw, "TrafficManagerDnsSuffix");
        AzureKeyVaultDnsSuffix = Json.Str(raw, "AzureKeyVaultDnsSuffix");
        AzureKeyVaultServiceEndpointResourceId = Json.Str(raw, "AzureKeyVaultServiceEndpointResourceId");
        GraphEndpointResourceId = Json.Str(raw, "GraphEndpointResourceId");
        DataLakeEndpointResourceId = Json.Str(raw, "DataLakeEndpointResourceId");
        BatchEndpointResourceId = Json.Str(raw, "BatchEndpointResourceId");
        AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix = Json.Str(raw, "AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix");
        AzureDataLakeStoreFileSystemEndpointSuffix = Json.Str(raw, "AzureDataLakeStoreFileSystemEndpointSuffix");
        AdTenant = Json.Str(raw, "AdTenant");
        ContainerRegistryEndpointSuffix = Json.Str(raw, "ContainerRegistryEndpointSuffix");
        VersionProfiles = new List<string>(Json.List(raw, "VersionProfiles"));
        ExtendedProperties = Json.Map(raw, "ExtendedProperties");
    }

    public string? Name { get; set; }
    public string? Type { get; set; }
    public bool OnPremise { get; set; }
    public bool EnableAdfsAuthentication { get => OnPremise; set => OnPremise = value; }
    public string? ServiceManagementUrl { get; set; }
    public string? ResourceManagerUrl { get; set; }
    public string? ManagementPortalUrl { get; set; }
    public string? PublishSettingsFileUrl { get; set; }
    public string? ActiveDirectoryAuthority { get; set; }
    public string? GalleryUrl { get; set; }
    public string? GraphUrl { get; set; }
    public string? ActiveDirectoryServiceEndpointResourceId { get; set; }
    public string? StorageEndpointSuffix { get; set; }
    public string? SqlDatabaseDnsSuffix { get; set; }
    public string? TrafficManagerDnsSuffix { get; set; }
    public string? AzureKeyVaultDnsSuffix { get; set; }
    public string? AzureKeyVaultServiceEndpointResourceId { get; set; }
    public string? GraphEndpointResourceId { get; set; }
    public string? DataLakeEndpointResourceId { get; set; }
    public string? BatchEndpointResourceId { get; set; }
    public string? AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix { get; set; }
    public string? AzureDataLakeStoreFileSystemEndpointSuffix { get; set; }
    public string? AdTenant { get; set; }
    public string? ContainerRegistryEndpointSuffix { get; set; }
    public string? AzureOperationalInsightsEndpoint => Ext("OperationalInsightsEndpoint");
    public string? AzureOperationalInsightsEndpointResourceId => Ext("OperationalInsightsEndpointResourceId");
    public string? AzureAnalysisServicesEndpointSuffix => Ext("AzureAnalysisServicesEndpointSuffix");
    public string? AzureAnalysisServicesEndpointResourceId => Ext("AnalysisServicesEndpointResourceId");
    public string? AzureAttestationServiceEndpointSuffix => Ext("AzureAttestationServiceEndpointSuffix");
    public string? AzureAttestationServiceEndpointResourceId => Ext("AzureAttestationServiceEndpointResourceId");
    public string? AzureSynapseAnalyticsEndpointSuffix => Ext("AzureSynapseAnalyticsEndpointSuffix");
    public string? AzureSynapseAnalyticsEndpointResourceId => Ext("AzureSynapseAnalyticsEndpointResourceId");
    public string? ManagedHsmServiceEndpointSuffix => Ext("ManagedHsmServiceEndpointSuffix");
    public string? ManagedHsmServiceEndpointResourceId => Ext("ManagedHsmServiceEndpointResourceId");
    public string? MicrosoftGraphUrl => Ext("MicrosoftGraphUrl");
    public string? MicrosoftGraphEndpointResourceId => Ext("MicrosoftGraphEndpointResourceId");
    public string? ContainerRegistryEndpointResourceId => Ext("ContainerRegistryEndpointResourceId");
    public string? AzurePurviewEndpointSuffix => Ext("AzurePurviewEndpointSuffix");
    public string? AzurePurviewEndpointResourceId => Ext("AzurePurviewEndpointResourceId");
    public string? AzureAppConfigurationEndpointSuffix => Ext("AzureAppConfigurationEndpointSuffix");
    public string? AzureAppConfigurationEndpointResourceId => Ext("AzureAppConfigurationEndpointResourceId");
    public string? AzureCommunicationEmailEndpointSuffix => Ext("AzureCommunicationEmailEndpointSuffix");
    public string? AzureCommunicationEmailEndpointResourceId => Ext("AzureCommunicationEmailEndpointResourceId");
    public string? AzureSshAuthScope => Ext("AzureSshAuthScope");
    public IList<string> VersionProfiles { get; }
    public IDictionary<string, string> ExtendedProperties { get; }

    private string? Ext(string key) => ExtendedProperties.TryGetValue(key, out string? v) ? v : null;

    public override string ToString() => Name ?? string.Empty;

    internal static readonly string[] StringFields =
    {
        "ServiceManagementUrl", "ResourceManagerUrl", "ManagementPortalUrl", "PublishSettingsFileUrl", "ActiveDirectoryAuthority",
        "GalleryUrl", "GraphUrl", "ActiveDirectoryServiceEndpointResourceId", "StorageEndpointSuffix", "SqlDatabaseDnsSuffix",
        "TrafficManagerDnsSuffix", "AzureKeyVaultDnsSuffix", "AzureKeyVaultServiceEndpointResourceId", "GraphEndpointResourceId",
        "DataLakeEndpointResourceId", "BatchEndpointResourceId", "AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix",
        "AzureDataLakeStoreFileSystemEndpointSuffix", "AdTenant", "ContainerRegistryEndpointSuffix",
    };

    internal JsonObject ToJson()
    {
        JsonObject o = Json.CloneObj(_raw);
        Json.Set(o, "Name", Name);
        if (Type is not null || o.ContainsKey("Type")) Json.Set(o, "Type", Type);
        Json.Set(o, "OnPremise", OnPremise);
        foreach (string f in StringFields)
        {
            string? v = (string?)typeof(PSAzureEnvironment).GetProperty(f)!.GetValue(this);
            if (v is not null || o.ContainsKey(f)) Json.Set(o, f, v);
        }
        var profiles = new JsonArray();
        foreach (string p in VersionProfiles) profiles.Add(p);
        Json.Set(o, "VersionProfiles", profiles);
        Json.Set(o, "ExtendedProperties", Json.MapToJson(ExtendedProperties));
        return o;
    }

    internal static PSAzureEnvironment? FromPSObject(PSObject? p)
    {
        if (p is null) return null;
        if (p.BaseObject is PSAzureEnvironment e) return e;
        var raw = new JsonObject
        {
            ["Name"] = Json.PropStr(p, "Name"),
            ["Type"] = Json.PropStr(p, "Type"),
            ["OnPremise"] = string.Equals(Json.PropStr(p, "OnPremise"), "True", StringComparison.OrdinalIgnoreCase),
        };
        foreach (string f in StringFields) raw[f] = Json.PropStr(p, f);
        raw["VersionProfiles"] = new JsonArray();
        raw["ExtendedProperties"] = Json.PropMap(p, "ExtendedProperties");
        return new PSAzureEnvironment(raw);
    }
}

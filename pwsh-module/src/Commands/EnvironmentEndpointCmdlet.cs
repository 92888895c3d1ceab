using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.Json.Nodes;
using AzContext.Models;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models;

namespace AzContext.Commands;

/// <summary>
/// The parameters Add-AzEnvironment and Set-AzEnvironment share (Az's Name set, with Az's positions and
/// aliases, so a PSAzureEnvironment pipes in by property name) and the one native call both make: the
/// given endpoints are merged into the custom environment of that name, or a new one is added; contexts
/// using it get the merged copy.
/// </summary>
public abstract class EnvironmentEndpointCmdlet : AzContextCmdlet
{
    protected const string NameSet = "Name";
    protected const string ArmEndpointSet = "ARMEndpoint";
    protected const string DiscoverySet = "Discovery";

    /// <summary>The environment's name. Public names (AzureCloud, AzureChinaCloud, AzureUSGovernment) are refused.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = DiscoverySet, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string? Name { get; set; }

    /// <summary>PublishSettingsFileUrl.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string? PublishSettingsFileUrl { get; set; }

    /// <summary>ServiceManagementUrl.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceManagement", "ServiceManagementUrl")]
    public string? ServiceEndpoint { get; set; }

    /// <summary>ManagementPortalUrl.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 3, ValueFromPipelineByPropertyName = true)]
    public string? ManagementPortalUrl { get; set; }

    /// <summary>StorageEndpointSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 4, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 2)]
    [Alias("StorageEndpointSuffix")]
    public string? StorageEndpoint { get; set; }

    /// <summary>ActiveDirectoryAuthority.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 5, ValueFromPipelineByPropertyName = true)]
    [Alias("AdEndpointUrl", "ActiveDirectory", "ActiveDirectoryAuthority")]
    public string? ActiveDirectoryEndpoint { get; set; }

    /// <summary>ResourceManagerUrl.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 6, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceManager", "ResourceManagerUrl")]
    public string? ResourceManagerEndpoint { get; set; }

    /// <summary>GalleryUrl.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 7, ValueFromPipelineByPropertyName = true)]
    [Alias("Gallery", "GalleryUrl")]
    public string? GalleryEndpoint { get; set; }

    /// <summary>ActiveDirectoryServiceEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 8, ValueFromPipelineByPropertyName = true)]
    public string? ActiveDirectoryServiceEndpointResourceId { get; set; }

    /// <summary>GraphUrl.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 9, ValueFromPipelineByPropertyName = true)]
    [Alias("Graph", "GraphUrl")]
    public string? GraphEndpoint { get; set; }

    /// <summary>AzureKeyVaultDnsSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 10, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 3, ValueFromPipelineByPropertyName = true)]
    public string? AzureKeyVaultDnsSuffix { get; set; }

    /// <summary>AzureKeyVaultServiceEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 11, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 4, ValueFromPipelineByPropertyName = true)]
    public string? AzureKeyVaultServiceEndpointResourceId { get; set; }

    /// <summary>TrafficManagerDnsSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 12, ValueFromPipelineByPropertyName = true)]
    public string? TrafficManagerDnsSuffix { get; set; }

    /// <summary>SqlDatabaseDnsSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 13, ValueFromPipelineByPropertyName = true)]
    public string? SqlDatabaseDnsSuffix { get; set; }

    /// <summary>AzureDataLakeStoreFileSystemEndpointSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 14, ValueFromPipelineByPropertyName = true)]
    public string? AzureDataLakeStoreFileSystemEndpointSuffix { get; set; }

    /// <summary>AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 15, ValueFromPipelineByPropertyName = true)]
    public string? AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix { get; set; }

    /// <summary>AdTenant.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 17, ValueFromPipelineByPropertyName = true)]
    public string? AdTenant { get; set; }

    /// <summary>GraphEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 18, ValueFromPipelineByPropertyName = true)]
    [Alias("GraphEndpointResourceId", "GraphResourceId")]
    public string? GraphAudience { get; set; }

    /// <summary>DataLakeEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 19, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 19, ValueFromPipelineByPropertyName = true)]
    [Alias("DataLakeEndpointResourceId", "DataLakeResourceId")]
    public string? DataLakeAudience { get; set; }

    /// <summary>BatchEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 20, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 20, ValueFromPipelineByPropertyName = true)]
    [Alias("BatchResourceId", "BatchAudience")]
    public string? BatchEndpointResourceId { get; set; }

    /// <summary>ExtendedProperties OperationalInsightsEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 21, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 21, ValueFromPipelineByPropertyName = true)]
    public string? AzureOperationalInsightsEndpointResourceId { get; set; }

    /// <summary>ExtendedProperties OperationalInsightsEndpoint.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 22, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 22, ValueFromPipelineByPropertyName = true)]
    public string? AzureOperationalInsightsEndpoint { get; set; }

    /// <summary>OnPremise: the environment authenticates with AD FS.</summary>
    [Parameter(ParameterSetName = NameSet, Position = 16, ValueFromPipelineByPropertyName = true)]
    [Alias("OnPremise")]
    public SwitchParameter EnableAdfsAuthentication { get; set; }

    /// <summary>ExtendedProperties AzureAnalysisServicesEndpointSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, ValueFromPipelineByPropertyName = true)]
    public string? AzureAnalysisServicesEndpointSuffix { get; set; }

    /// <summary>ExtendedProperties AnalysisServicesEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, ValueFromPipelineByPropertyName = true)]
    public string? AzureAnalysisServicesEndpointResourceId { get; set; }

    /// <summary>ExtendedProperties AzureAttestationServiceEndpointSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, ValueFromPipelineByPropertyName = true)]
    public string? AzureAttestationServiceEndpointSuffix { get; set; }

    /// <summary>ExtendedProperties AzureAttestationServiceEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, ValueFromPipelineByPropertyName = true)]
    public string? AzureAttestationServiceEndpointResourceId { get; set; }

    /// <summary>ExtendedProperties AzureSynapseAnalyticsEndpointSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, ValueFromPipelineByPropertyName = true)]
    public string? AzureSynapseAnalyticsEndpointSuffix { get; set; }

    /// <summary>ExtendedProperties AzureSynapseAnalyticsEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, ValueFromPipelineByPropertyName = true)]
    public string? AzureSynapseAnalyticsEndpointResourceId { get; set; }

    /// <summary>ContainerRegistryEndpointSuffix.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ArmEndpointSet, ValueFromPipelineByPropertyName = true)]
    public string? ContainerRegistryEndpointSuffix { get; set; }

    /// <summary>ExtendedProperties MicrosoftGraphEndpointResourceId.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    public string? MicrosoftGraphEndpointResourceId { get; set; }

    /// <summary>ExtendedProperties MicrosoftGraphUrl.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    public string? MicrosoftGraphUrl { get; set; }

    /// <summary>ExtendedProperties AzureSshAuthScope.</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    public string? SshAuthScope { get; set; }

    /// <summary>Reads the endpoints from Azure Resource Manager metadata (needs the network: not available yet).</summary>
    [Parameter(ParameterSetName = ArmEndpointSet, Position = 1, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ArmUrl")]
    public string? ARMEndpoint { get; set; }

    /// <summary>Discovers environments from a metadata URL (needs the network: not available yet).</summary>
    [Parameter(ParameterSetName = DiscoverySet, Mandatory = true)]
    public SwitchParameter AutoDiscover { get; set; }

    /// <summary>The metadata URL for -AutoDiscover.</summary>
    [Parameter(ParameterSetName = DiscoverySet)]
    [Alias("Url")]
    public Uri? Uri { get; set; }

    /// <summary>Process: this session only, nothing written; CurrentUser: saved for later sessions.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    /// <summary>Parameter → top-level environment member (Add-AzEnvironment's parameters whose member
    /// name differs; the others keep their names).</summary>
    private static readonly (string Parameter, string Member)[] Fields =
    {
        (nameof(PublishSettingsFileUrl), "PublishSettingsFileUrl"),
        (nameof(ServiceEndpoint), "ServiceManagementUrl"),
        (nameof(ManagementPortalUrl), "ManagementPortalUrl"),
        (nameof(StorageEndpoint), "StorageEndpointSuffix"),
        (nameof(ActiveDirectoryEndpoint), "ActiveDirectoryAuthority"),
        (nameof(ResourceManagerEndpoint), "ResourceManagerUrl"),
        (nameof(GalleryEndpoint), "GalleryUrl"),
        (nameof(ActiveDirectoryServiceEndpointResourceId), "ActiveDirectoryServiceEndpointResourceId"),
        (nameof(GraphEndpoint), "GraphUrl"),
        (nameof(AzureKeyVaultDnsSuffix), "AzureKeyVaultDnsSuffix"),
        (nameof(AzureKeyVaultServiceEndpointResourceId), "AzureKeyVaultServiceEndpointResourceId"),
        (nameof(TrafficManagerDnsSuffix), "TrafficManagerDnsSuffix"),
        (nameof(SqlDatabaseDnsSuffix), "SqlDatabaseDnsSuffix"),
        (nameof(AzureDataLakeStoreFileSystemEndpointSuffix), "AzureDataLakeStoreFileSystemEndpointSuffix"),
        (nameof(AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix), "AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix"),
        (nameof(AdTenant), "AdTenant"),
        (nameof(GraphAudience), "GraphEndpointResourceId"),
        (nameof(DataLakeAudience), "DataLakeEndpointResourceId"),
        (nameof(BatchEndpointResourceId), "BatchEndpointResourceId"),
        (nameof(ContainerRegistryEndpointSuffix), "ContainerRegistryEndpointSuffix"),
    };

    /// <summary>Parameter → ExtendedProperties key (the endpoints Az keeps in the environment's
    /// ExtendedProperties).</summary>
    private static readonly (string Parameter, string Key)[] Extended =
    {
        (nameof(AzureOperationalInsightsEndpointResourceId), "OperationalInsightsEndpointResourceId"),
        (nameof(AzureOperationalInsightsEndpoint), "OperationalInsightsEndpoint"),
        (nameof(AzureAnalysisServicesEndpointSuffix), "AzureAnalysisServicesEndpointSuffix"),
        (nameof(AzureAnalysisServicesEndpointResourceId), "AnalysisServicesEndpointResourceId"),
        (nameof(AzureAttestationServiceEndpointSuffix), "AzureAttestationServiceEndpointSuffix"),
        (nameof(AzureAttestationServiceEndpointResourceId), "AzureAttestationServiceEndpointResourceId"),
        (nameof(AzureSynapseAnalyticsEndpointSuffix), "AzureSynapseAnalyticsEndpointSuffix"),
        (nameof(AzureSynapseAnalyticsEndpointResourceId), "AzureSynapseAnalyticsEndpointResourceId"),
        (nameof(MicrosoftGraphEndpointResourceId), "MicrosoftGraphEndpointResourceId"),
        (nameof(MicrosoftGraphUrl), "MicrosoftGraphUrl"),
        (nameof(SshAuthScope), "AzureSshAuthScope"),
    };

    /// <summary>Az's ShouldProcess action for this cmdlet ("adding environment", "updating environment").</summary>
    protected abstract string Action { get; }

    /// <summary>
    /// Whether a non-blank -ActiveDirectoryEndpoint gets a trailing '/' when it lacks one: Add-AzEnvironment
    /// does this, Set-AzEnvironment stores the value as given.
    /// </summary>
    protected virtual bool AppendSlashToActiveDirectoryEndpoint => false;

    protected override void ProcessRecord()
    {
        if (ParameterSetName != NameSet)
        {
            string form = ParameterSetName == ArmEndpointSet ? "-ARMEndpoint" : "-AutoDiscover";
            WriteError(ErrorMap.Create(new PSNotSupportedException(
                $"{MyInvocation.MyCommand.Name} {form} reads the endpoints from Azure over the network, which AzContext cannot do yet. Give the endpoints as parameters instead. Nothing was changed."),
                "NotSupportedOffline", ErrorCategory.NotImplemented, Name));
            return;
        }
        string? name = NativeCall.Arg(Name, nameof(Name));
        if (!ShouldProcess(name, Action))
        {
            return;
        }
        string body = EnvironmentJson(name!).ToJsonString();
        uint scope = ScopeArgument(Scope);
        string? json = CallChangeOrWriteError((s, c) => (out nint j) => NativeMethods.azctx_environment_set(s, c, body, scope, out j), name);
        if (json is not null && Json.Parse(json) is JsonObject env)
        {
            WriteObject(new PSAzureEnvironment(env));
        }
    }

    /// <summary>The environment as Az JSON: the name, and only the endpoints that were given.</summary>
    private JsonObject EnvironmentJson(string name)
    {
        IDictionary<string, object> bound = MyInvocation.BoundParameters;
        var o = new JsonObject { ["Name"] = name };
        if (bound.ContainsKey(nameof(EnableAdfsAuthentication)))
        {
            o["OnPremise"] = EnableAdfsAuthentication.IsPresent;
        }
        foreach ((string parameter, string member) in Fields)
        {
            if (bound.TryGetValue(parameter, out object? v) && Text(v, parameter) is string s)
            {
                if (AppendSlashToActiveDirectoryEndpoint && parameter == nameof(ActiveDirectoryEndpoint)
                    && !string.IsNullOrWhiteSpace(s) && !s.EndsWith('/'))
                {
                    s += "/";
                }
                o[member] = s;
            }
        }
        var ext = new JsonObject();
        foreach ((string parameter, string key) in Extended)
        {
            if (bound.TryGetValue(parameter, out object? v) && Text(v, parameter) is string s)
            {
                ext[key] = s;
            }
        }
        o["ExtendedProperties"] = ext;
        return o;
    }

    private static string? Text(object? value, string parameter) =>
        NativeCall.Arg(value is PSObject p ? p.BaseObject?.ToString() : value?.ToString(), parameter);
}

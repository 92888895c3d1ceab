using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.Json.Nodes;
using AzContext.Models;

namespace AzContext.SignIn;

/// <summary>
/// Az's resource type names (Get-AzAccessToken -ResourceTypeName, Connect-AzAccount -AuthScope) and the
/// environment member each one reads; also their tab completion.
/// </summary>
public sealed class AuthScopeCompleter : IArgumentCompleter
{
    /// <summary>Name → environment member (an ExtendedProperties key when it starts with "ext:"), or a fixed resource.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["AadGraph"] = "GraphEndpointResourceId",
        ["AnalysisServices"] = "ext:AnalysisServicesEndpointResourceId",
        ["AppConfiguration"] = "ext:AzureAppConfigurationEndpointResourceId",
        ["Arm"] = "ActiveDirectoryServiceEndpointResourceId",
        ["Attestation"] = "ext:AzureAttestationServiceEndpointResourceId",
        ["Batch"] = "BatchEndpointResourceId",
        ["DataLake"] = "DataLakeEndpointResourceId",
        ["KeyVault"] = "AzureKeyVaultServiceEndpointResourceId",
        ["ManagedHsm"] = "ext:ManagedHsmServiceEndpointResourceId",
        ["MSGraph"] = "ext:MicrosoftGraphEndpointResourceId",
        ["OperationalInsights"] = "ext:OperationalInsightsEndpointResourceId",
        ["ResourceManager"] = "ActiveDirectoryServiceEndpointResourceId",
        ["Storage"] = "fixed:https://storage.azure.com",
        ["Synapse"] = "ext:AzureSynapseAnalyticsEndpointResourceId",
    };

    /// <summary>
    /// The resource for a name of <see cref="Names"/> in <paramref name="environment"/>, or the value itself
    /// when it is not such a name (a resource id). An environment without that endpoint is an error.
    /// </summary>
    internal static string Resource(string value, JsonObject environment)
    {
        if (!Names.TryGetValue(value, out string? member))
        {
            return value;
        }
        string? resource = member.StartsWith("fixed:", StringComparison.Ordinal) ? member["fixed:".Length..]
            : member.StartsWith("ext:", StringComparison.Ordinal) ? Json.Str(Json.Obj(environment, "ExtendedProperties"), member["ext:".Length..])
            : Json.Str(environment, member);
        if (string.IsNullOrEmpty(resource))
        {
            throw new PSArgumentException($"The environment '{Json.Str(environment, "Name")}' has no endpoint for '{value}'.");
        }
        return resource;
    }

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Names.Keys.Where(n => n.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase)).OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
}

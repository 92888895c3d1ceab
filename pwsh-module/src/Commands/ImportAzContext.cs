using System;
using System.IO;
using System.Management.Automation;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Common;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Import-AzContext: merges a saved profile (a file from Save-AzContext, or a profile or context object)
/// into the session, or into the user's store: its contexts under their keys, its custom environments,
/// and its default context. A file that is not a profile is an error and imports nothing (Az imports
/// nothing silently).
/// </summary>
[Cmdlet(VerbsData.Import, "AzContext", DefaultParameterSetName = ProfileFromDisk, SupportsShouldProcess = true)]
[OutputType(typeof(PSAzureProfile))]
public sealed class ImportAzContextCommand : AzContextCmdlet
{
    private const string ProfileFromDisk = "ProfileFromDisk";
    private const string InMemoryProfile = "InMemoryProfile";

    /// <summary>The file to import, resolved against the current PowerShell location.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ProfileFromDisk)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>
    /// The profile or context to import (a PSAzureProfile, a PSAzureContext, or a deserialized copy of
    /// either).
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = InMemoryProfile)]
    [Alias("Profile")]
    [ValidateNotNull]
    public object AzureContext { get; set; } = null!;

    /// <summary>Process: this session only; CurrentUser: also the user's store on disk.</summary>
    [Parameter]
    public ContextModificationScope Scope { get; set; }

    protected override void ProcessRecord()
    {
        string? path = null;
        string? profileJson = null;
        object target;
        string action;
        if (ParameterSetName == ProfileFromDisk)
        {
            path = NativeCall.Arg(GetUnresolvedProviderPathFromPSPath(Path), nameof(Path));
            target = path!;
            action = $"Set the target account, tenant, and subscription of cmdlets executed in this session to the context stored in {path}";
        }
        else
        {
            profileJson = PSAzureProfile.ProfileJsonFromObject(AzureContext);
            if (profileJson is null)
            {
                string type = PSObject.AsPSObject(AzureContext).BaseObject.GetType().Name;
                WriteError(ErrorMap.Create(
                    new PSArgumentException($"The value given to -AzureContext (of type {type}) is not a context or profile, such as the output of Get-AzContext or Connect-AzAccount.", nameof(AzureContext)),
                    "InvalidProfile", ErrorCategory.InvalidArgument, AzureContext));
                return;
            }
            target = AzureContext;
            action = "Set the target account, tenant, and subscription of cmdlets executed in this session to the provided context";
        }

        if (!ShouldProcess("Current context", action))
        {
            return;
        }

        uint scope = ScopeArgument(Scope);
        // A missing file is Az's "Cannot find file" (AZCTX_STATUS_FILE_NOT_FOUND); a file that cannot be
        // read says why.
        string? json = CallChangeOrWriteError((s, c) => (out nint j) => NativeMethods.azctx_profile_import(s, c, path, profileJson, scope, out j), target);
        if (json is null || PSAzureProfile.FromJson(json) is not PSAzureProfile result)
        {
            return;
        }
        string? state = result.Context?.Subscription?.State;
        if (!string.IsNullOrEmpty(state) && !string.Equals(state, "Enabled", StringComparison.OrdinalIgnoreCase))
        {
            WriteWarning($"Selected subscription is in '{state}' state. ");
        }
        WriteObject(result);
    }
}

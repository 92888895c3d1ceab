using System.Management.Automation;
using Microsoft.Azure.Commands.Profile.Models;

namespace AzContext.Commands;

/// <summary>
/// Add-AzEnvironment: adds a custom environment (cloud) with the given endpoints, or merges them into the
/// custom one of that name; every context using it gets the merged copy. It is kept in EnvironmentTable
/// (CurrentUser scope) and usable by Connect-AzAccount -Environment. Public environments are refused
/// with Az's message. The -ARMEndpoint and -AutoDiscover forms need the network and are not available yet.
/// </summary>
[Cmdlet(VerbsCommon.Add, "AzEnvironment", DefaultParameterSetName = NameSet, SupportsShouldProcess = true)]
[OutputType(typeof(PSAzureEnvironment))]
public sealed class AddAzEnvironmentCommand : EnvironmentEndpointCmdlet
{
    protected override string Action => "adding environment";

    protected override bool AppendSlashToActiveDirectoryEndpoint => true;
}

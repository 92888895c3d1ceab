using System.Management.Automation;
using Microsoft.Azure.Commands.Profile.Models;

namespace AzContext.Commands;

/// <summary>
/// Set-AzEnvironment: sets endpoints of a custom environment (cloud); endpoints not given keep their
/// values, and every context using the environment gets the updated copy. As in Az, a name not yet
/// known is added. Public environments are refused with Az's message. The -ARMEndpoint and
/// -AutoDiscover forms need the network and are not available yet.
/// </summary>
[Cmdlet(VerbsCommon.Set, "AzEnvironment", DefaultParameterSetName = NameSet, SupportsShouldProcess = true)]
[OutputType(typeof(PSAzureEnvironment))]
public sealed class SetAzEnvironmentCommand : EnvironmentEndpointCmdlet
{
    protected override string Action => "updating environment";
}

using System;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Threading;
using Microsoft.Azure.Commands.Profile.Models;

namespace AzContext.Commands;

/// <summary>
/// Get-AzTenant: the tenants of the current context's account, as Azure Resource Manager lists them
/// (GET /tenants); -TenantId (an id or a domain) picks one, and, as in Az, names none silently when it
/// is not one of them. Nothing is stored.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AzTenant")]
[Alias("Get-AzDomain")] // as Az.Accounts
[OutputType(typeof(PSAzureTenant))]
public sealed class GetAzTenantCommand : AzContextCmdlet
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The tenant's id or one of its domains.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Domain", "Tenant")]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    protected override void StopProcessing() => _cancel.Cancel();

    protected override void ProcessRecord()
    {
        ArmAccess arm = ArmAccess.For(this, ArmAccess.CurrentContext(this));
        try
        {
            var tenants = arm.Tenants(_cancel.Token);
            JsonObject? only = TenantId is null ? null : ArmAccess.FindTenant(tenants, TenantId);
            foreach (JsonObject t in tenants)
            {
                if (TenantId is null || ReferenceEquals(t, only))
                {
                    WriteObject(new PSAzureTenant(ArmAccess.StoredTenant(t)));
                }
            }
        }
        catch (Exception e) when (ArmAccess.IsArmFailure(e))
        {
            ThrowTerminatingError(ArmAccess.ToErrorRecord(e, TenantId));
        }
    }
}

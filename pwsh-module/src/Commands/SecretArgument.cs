using System;
using System.Management.Automation;
using System.Security;

namespace AzContext.Commands;

/// <summary>
/// Binds a secret given as a string (or a SecureString, or either wrapped in a PSObject) as a read-only
/// SecureString, during parameter binding. What PowerShell keeps of the binding (BoundParameters, which
/// every ErrorRecord's InvocationInfo carries, including the record of a later parameter that fails to
/// bind) then holds a SecureString, never the secret's text. Other values pass unchanged and are refused
/// by the cmdlet with a message that does not repeat them.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class SecretArgumentTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject p ? p.BaseObject : inputData;
        if (value is not string text)
        {
            return value;
        }
        var secure = new SecureString();
        foreach (char c in text)
        {
            secure.AppendChar(c);
        }
        secure.MakeReadOnly();
        return secure;
    }
}

using System;
using System.IO;
using System.Management.Automation;
using AzContext.Native;
using Microsoft.Azure.Commands.Profile.Models.Core;

namespace AzContext.Commands;

/// <summary>
/// Save-AzContext (alias Save-AzProfile): writes the current profile, or the given profile or context, to a
/// file that Import-AzContext reads. The file is written atomically with mode 0600; secrets (service
/// principal secrets, certificate passwords, access tokens) are written only with -WithCredential.
/// Writes nothing to the pipeline, as in Az.
/// </summary>
[Cmdlet(VerbsData.Save, "AzContext", SupportsShouldProcess = true)]
[Alias("Save-AzProfile")]
[OutputType(typeof(PSAzureProfile))]
public sealed class SaveAzContextCommand : AzContextCmdlet
{
    /// <summary>
    /// The profile or context to save (a PSAzureProfile, a PSAzureContext, or a deserialized copy of
    /// either). Without it, the current profile is saved.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [AllowNull]
    public object? Profile { get; set; }

    /// <summary>The file to write, resolved against the current PowerShell location.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Overwrites an existing file without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Also writes service principal secrets, certificate passwords and access tokens (with a warning).</summary>
    [Parameter]
    public SwitchParameter WithCredential { get; set; }

    protected override void ProcessRecord()
    {
        string path = GetUnresolvedProviderPathFromPSPath(Path);
        bool given = MyInvocation.BoundParameters.ContainsKey(nameof(Profile));
        string? profileJson = null;
        if (given)
        {
            profileJson = PSAzureProfile.ProfileJsonFromObject(Profile);
            if (profileJson is null)
            {
                string message = Profile is null
                    ? "Selected profile must not be null."
                    : $"Selected profile must not be null. The value given to -Profile (of type {PSObject.AsPSObject(Profile).BaseObject.GetType().Name}) is not a context or profile, such as the output of Get-AzContext or Connect-AzAccount.";
                WriteError(ErrorMap.Create(new PSArgumentException(message, nameof(Profile)), "ProfileNull", ErrorCategory.InvalidArgument, Profile));
                return;
            }
        }

        string description = given
            ? $"save the profile argument to the file system at '{path}'"
            : $"save the current profile to the file system at '{path}'";
        string warning = $"Personally identifiable information and secrets may be written to the file at '{path}'.  Please ensure that the saved file is assigned appropriate access controls";
        if (!ShouldProcess(description, warning, string.Empty))
        {
            return;
        }
        if (Directory.Exists(path))
        {
            // No prompt first: no answer could make a directory a file.
            WriteError(ErrorMap.Create(new IOException($"Cannot save the profile to '{path}': it is a directory. Give the path of a file."),
                "ContextStoreIOError", ErrorCategory.WriteError, path));
            return;
        }
        if (WithCredential)
        {
            WriteWarning($"Personally identifiable information and confidential data may be written to the file located at '{path}'. Please ensure that the saved file is assigned appropriate access controls.");
        }

        // The library decides about what is at the path: a directory, FIFO, socket or device is an error
        // with or without -Force; only an existing file asks for confirmation (unless -Force).
        bool? saved = TrySave(path, profileJson, overwrite: Force);
        if (saved is null)
        {
            if (!ShouldContinue($"Overwrite existing file at '{path}'?", "Overwrite File?"))
            {
                return;
            }
            saved = TrySave(path, profileJson, overwrite: true);
        }
        if (saved == true)
        {
            WriteVerbose($"The current profile was saved to the file system at '{path}'. This file may include personally identifiable information and secrets.  Please ensure that the saved file is assigned appropriate access controls.");
        }
    }

    /// <summary>
    /// One native save: true when written; false when it failed (the error is written); null when the file
    /// exists and <paramref name="overwrite"/> was false (nothing written, no error).
    /// </summary>
    private bool? TrySave(string path, string? profileJson, bool overwrite)
    {
        uint withCredential = WithCredential ? 1u : 0u;
        uint replace = overwrite ? 1u : 0u;
        bool exists = false;
        string? saved = NativeOrWriteError(() =>
        {
            SessionHandle session = Session;
            string file = NativeCall.Arg(path, nameof(Path))!;
            try
            {
                NativeCall.Check(Settings.Run(c => NativeMethods.azctx_profile_save(session, c, profileJson, file, withCredential, replace)), path);
                return path;
            }
            catch (NativeException e) when (e.Status == AzctxStatus.FileAlreadyExists && !overwrite)
            {
                exists = true;
                return string.Empty;
            }
        });
        return exists ? null : saved is not null;
    }
}

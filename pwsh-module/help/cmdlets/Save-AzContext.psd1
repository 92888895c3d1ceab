# Help text for Save-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Saves the current profile, or a given profile or context, to a file.'
    Description = 'Save-AzContext writes the current profile (every context, the custom environments and the default context), or the profile or context given with -Profile or piped in, to a file in the format of AzureRmContext.json, which Import-AzContext reads on this or another machine. The path is resolved against the current location. The file is written atomically and readable by its owner only (mode 0600). Secrets (service principal secrets, certificate passwords, access tokens) are left out unless -WithCredential is given, which warns. An existing file is replaced only after confirmation, or with -Force. Nothing is written to the pipeline.'
    Parameters = @{
        Profile = 'The profile or context to save: the output of Connect-AzAccount, Import-AzContext or Get-AzContext, or a deserialized copy of one (from a job). Without it, the current profile is saved.'
        Path = 'The file to write, resolved against the current location.'
        Force = 'Replaces an existing file without asking.'
        WithCredential = 'Also writes service principal secrets, certificate passwords and access tokens. Anyone who can read the file can then use them.'
        DefaultProfile = 'A context or profile to save instead of the current one when -Profile is not given (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is read from the store.'
    }
    Examples = @(
        @{ Code = 'Save-AzContext -Path current-context.json'; Remarks = 'Saves the current profile.' }
        @{ Code = 'Save-AzContext -Profile $profileObject -Path other-context.json'; Remarks = 'Saves a profile object, such as the output of Connect-AzAccount.' }
        @{ Code = 'Get-AzContext -Name "mycontext" | Save-AzContext -Path mycontext.json -Force'; Remarks = 'Saves one context, replacing the file if it exists.' }
    )
}

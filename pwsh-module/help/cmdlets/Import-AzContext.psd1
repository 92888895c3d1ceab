# Help text for Import-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Loads contexts from a file saved by Save-AzContext, or from a profile or context object.'
    Description = 'Import-AzContext merges a saved profile into the session: each context under the key it has in the file (an existing context with the same account, tenant and subscription is updated), the custom environments, and the file''s default context, which becomes the current one (a file without DefaultContextKey makes its context named Default current). With autosave on, or -Scope CurrentUser, the contexts are also stored for later sessions; with -Scope Process they stay in this session. A missing file is an error ("Cannot find file"), and so is a file that is not a profile: unlike Az, which imports nothing without a word, AzContext names the problem (line and column) and changes nothing. Writes the resulting profile.'
    Parameters = @{
        Path = 'The file to import, resolved against the current location.'
        AzureContext = 'The profile or context to import (alias -Profile): the output of Connect-AzAccount or Get-AzContext, or a deserialized copy of one.'
        Scope = 'Process: this session only; CurrentUser: also the user''s store on disk. Without it, the autosave setting decides (and the AzContextAutoSave environment variable).'
        DefaultProfile = 'A context or profile to import into instead of the session''s (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Import-AzContext -Path other-context.json'; Remarks = 'Loads the contexts saved in the file and makes its default context current.' }
        @{ Code = 'Import-AzContext -Path ./ci-context.json -Scope Process'; Remarks = 'Loads the contexts for this session only.' }
        @{ Code = 'Import-AzContext -AzureContext $profileObject'; Remarks = 'Loads a profile object.' }
    )
}

# Help text for Clear-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Removes every Azure context, for this session or for the current user.'
    Description = @'
Clear-AzContext removes all contexts. In Process scope only this session is cleared; in CurrentUser scope the store on disk (AzureRmContext.json in ~/.Azure, or $env:AZCONTEXT_DIR) is emptied too, including contexts that other sessions wrote. Custom environments are kept.

In CurrentUser scope, when the context file exists, you are asked "Remove all accounts and subscriptions in all sessions for the current user?" first; -Force clears without asking.

It always succeeds: a context file that does not parse is not deleted but moved aside as AzureRmContext.json.corrupt-<timestamp>, with a warning naming the copy, and an empty store takes its place.
'@
    Parameters = @{
        PassThru = 'Writes $true when the contexts were cleared.'
        Force = 'Clears the user''s stored contexts without asking. It does not suppress -Confirm.'
        Scope = 'Process clears this session only; CurrentUser also clears the store on disk. Without it, the autosave setting decides.'
        DefaultProfile = 'A context or profile to act on instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Only that copy changes; nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Clear-AzContext -Scope CurrentUser -Force'; Remarks = 'Removes every stored context for the current user without asking.' }
        @{ Code = 'Clear-AzContext -Scope Process -PassThru'; Remarks = 'Clears this session only and writes $true; the files on disk are unchanged.' }
    )
}

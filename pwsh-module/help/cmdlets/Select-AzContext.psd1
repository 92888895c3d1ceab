# Help text for Select-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Makes a stored Azure context the current (default) one.'
    Description = @'
Select-AzContext makes the context stored under -Name (ignoring case), or under the Name of a piped context, the default for the Azure cmdlets that follow, and writes the resulting default context.

-Name must be one of the stored names (press Tab to complete them); any other value gives the error "Cannot validate argument on parameter 'Name'. The argument "<name>" does not belong to the set "<names>" specified by the ValidateSet attribute. ..." (error id ParameterArgumentValidationError). A piped context whose Name is not stored leaves the default as it is and writes it, without error.

The selected context becomes the current context of this session (this runspace) only: other sessions, and other runspaces of this process, keep theirs. In CurrentUser scope (the default with autosave on) it also becomes the stored default, which new sessions start on, unless the command runs in a runspace other than the one that first imported the module. With -Scope Process only this session changes; the store on disk keeps its default.
'@
    Parameters = @{
        InputObject = 'A context, such as the output of Get-AzContext, whose Name is selected. Accepts pipeline input by value.'
        Name = 'The name of a stored context (ignoring case). Press Tab to complete stored names.'
        Scope = 'Process changes this session only; CurrentUser also changes the store on disk (~/.Azure, or $env:AZCONTEXT_DIR). Without it, the autosave setting decides.'
        DefaultProfile = 'A context or profile to act on instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Only that copy changes; nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Get-AzContext -Name "mycontext" | Select-AzContext'; Remarks = 'Makes the piped context the default.' }
        @{ Code = 'Get-AzContext -Name "mycontext" | Select-AzContext -Scope Process'; Remarks = 'Makes it the default for this session only.' }
        @{ Code = 'Select-AzContext -Name "mycontext"'; Remarks = 'Selects a context by name.' }
    )
}

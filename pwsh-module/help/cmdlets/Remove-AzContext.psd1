# Help text for Remove-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Removes a stored Azure context.'
    Description = @'
Remove-AzContext removes the context stored under -Name (ignoring case), or under the Name of a piped context. A -Name that is not stored stops with the ValidateSet error ParameterArgumentValidationError, which lists the stored names and suggests close ones; a piped context that is no longer stored does nothing.

Removing the current (default) context asks first: "'<name>' is the default context used for communicating with Azure.  Are you sure you want to remove the default context?"; -Force removes it without asking. The new default is then the remaining context whose name sorts first in ordinal (byte) order, so the choice is always the same; when no context remains, there is no default until you sign in or select one. (Az.Accounts picks an arbitrary remaining context.)

When the last context of a User account is removed, the warning "No contexts remain for user '<id>'; this user has been removed from the shared token cache." is written, as Az does. AzContext keeps no token cache of its own, so nothing else is removed.
'@
    Parameters = @{
        InputObject = 'The context to remove, such as the output of Get-AzContext. Accepts pipeline input by value.'
        Name = 'The name of the context to remove (ignoring case). Press Tab to complete stored names.'
        Force = 'Removes the context even if it is the default, without asking. It does not suppress -Confirm.'
        PassThru = 'Writes the removed context.'
        Scope = 'Process changes this session only; CurrentUser also changes the store on disk (~/.Azure, or $env:AZCONTEXT_DIR). Without it, the autosave setting decides.'
        DefaultProfile = 'A context or profile to act on instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Only that copy changes; nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Remove-AzContext -Name "mycontext"'; Remarks = 'Removes a context by name.' }
        @{ Code = 'Get-AzContext -Name "mycontext" | Remove-AzContext'; Remarks = 'Removes the piped context.' }
        @{ Code = 'Get-AzContext | Remove-AzContext -Force -PassThru'; Remarks = 'Removes the current context without asking and writes it; the ordinal-first remaining context becomes the default.' }
    )
}

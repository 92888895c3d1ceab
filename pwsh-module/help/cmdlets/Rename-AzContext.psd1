# Help text for Rename-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Renames a stored Azure context.'
    Description = @'
Rename-AzContext stores the context -SourceName (or a piped context) under -TargetName. If it was the default, the default follows it to the new name.

When a context named -TargetName exists, you are asked "Overwrite context '<target>' with context '<source>'" first; -Force replaces it without asking. A -TargetName equal to the source ignoring case does nothing, and so does a piped context that is no longer stored; a -SourceName that is not stored stops with the ValidateSet error ParameterArgumentValidationError, which lists the stored names. The name Default is reserved.
'@
    Parameters = @{
        InputObject = 'The context to rename, such as the output of Get-AzContext. Accepts pipeline input by value.'
        SourceName = 'The name of the stored context to rename (ignoring case). Press Tab to complete stored names.'
        TargetName = 'The new name. Press Tab to complete stored names.'
        Force = 'Replaces an existing context named -TargetName without asking. It does not suppress -Confirm.'
        PassThru = 'Writes the renamed context.'
        Scope = 'Process changes this session only; CurrentUser also changes the store on disk (~/.Azure, or $env:AZCONTEXT_DIR). Without it, the autosave setting decides.'
        DefaultProfile = 'A context or profile to act on instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Only that copy changes; nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Rename-AzContext "Contoso Prod (5f3e0c2a-7d41-4b8e-9a60-2c1d8e4f7b90) - c0ffee00-1234-4abc-9def-000000000042 - jane@contoso.com" "prod"'; Remarks = 'Gives a generated context name a short one.' }
        @{ Code = 'Get-AzContext | Rename-AzContext -TargetName "work" -PassThru'; Remarks = 'Renames the current context; it stays the default.' }
    )
}

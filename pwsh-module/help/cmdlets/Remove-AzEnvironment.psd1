# Help text for Remove-AzEnvironment (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Removes a custom Azure environment (cloud).'
    Description = 'Remove-AzEnvironment removes the custom environment of that name (ignoring case) and writes it. The public environments cannot be removed ("Removing public environment is not supported."); an unknown name writes the error "The environment name ''<name>'' is not found.". Contexts keep their own copy of the environment, as in Az.'
    Parameters = @{
        Name = 'The name of the custom environment to remove. Press Tab to complete known names. Accepts the Name property of piped objects.'
        Scope = 'Process: the environment is removed in this session only and nothing is written to disk. CurrentUser: it is also removed from EnvironmentTable of the context file. Without -Scope, the autosave setting decides.'
        DefaultProfile = 'A context or profile to change instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Remove-AzEnvironment -Name ContosoCloud'; Remarks = 'Removes a custom environment.' }
    )
}

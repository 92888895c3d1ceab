# Help text for Get-AzContextAutosaveSetting (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Shows whether contexts are saved for later sessions, and where.'
    Description = 'Get-AzContextAutosaveSetting writes the autosave settings. Without -Scope (or with -Scope Process) it shows this session''s mode, after the AzContextAutoSave environment variable; in Process mode every path reads "None". With -Scope CurrentUser it shows the settings file of the store, with the paths in use.'
    Parameters = @{
        Scope = 'Process (this session) or CurrentUser (the settings file).'
        DefaultProfile = 'A context or profile to use instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential).'
    }
    Examples = @(
        @{ Code = 'Get-AzContextAutosaveSetting'; Remarks = 'Shows whether this session saves its contexts.' }
        @{ Code = 'Get-AzContextAutosaveSetting -Scope CurrentUser'; Remarks = 'Shows the user''s settings file.' }
    )
}

# Help text for Enable-AzContextAutosave (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Saves contexts for later sessions from now on.'
    Description = 'Enable-AzContextAutosave turns autosave on: context changes are written to the store (AzureRmContext.json in ~/.Azure or $env:AZCONTEXT_DIR) and later sessions see them. Without -Scope, or with -Scope CurrentUser, the settings file is rewritten so every new session of the user saves too; with -Scope Process only this session does. The contexts this session holds in memory are saved at once (Az discards them: #14757), and the output reports the scope asked for (Az reports CurrentUser even for -Scope Process: #10607).'
    Parameters = @{
        Scope = 'Process: this session only; CurrentUser (the default): this and every new session of the user.'
        DefaultProfile = 'A context or profile to act on instead of the session''s (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is changed or written then.'
    }
    Examples = @(
        @{ Code = 'Enable-AzContextAutosave'; Remarks = 'Saves contexts for this and every later session.' }
        @{ Code = 'Enable-AzContextAutosave -Scope Process'; Remarks = 'Saves the contexts of this session, and its later changes, without changing the setting for new sessions.' }
    )
}

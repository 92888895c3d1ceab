# Help text for Disable-AzContextAutosave (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Keeps contexts in memory only from now on.'
    Description = 'Disable-AzContextAutosave turns autosave off: context changes stay in the session''s memory. Without -Scope, or with -Scope CurrentUser, the settings file is rewritten with Mode Process, so new sessions start with no contexts; with -Scope Process only this session stops saving. The contexts in memory are kept, and no file is deleted: stored contexts stay in AzureRmContext.json until Clear-AzContext removes them.'
    Parameters = @{
        Scope = 'Process: this session only; CurrentUser (the default): this and every new session of the user.'
        DefaultProfile = 'A context or profile to act on instead of the session''s (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is changed or written then.'
    }
    Examples = @(
        @{ Code = 'Disable-AzContextAutosave'; Remarks = 'Stops saving contexts, in this and every new session.' }
        @{ Code = "Disable-AzContextAutosave -Scope Process`n`$context2 = Set-AzContext -Subscription 'sub-id' -Tenant 'other-tenant'"; Remarks = 'Changes contexts in this session only.' }
    )
}

# Help text for Get-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Gets the current Azure context, a stored context by name, or every stored context.'
    Description = 'Get-AzContext writes the current context of this session (runspace): the account, subscription, tenant and environment that Azure cmdlets use. It is decided when the module is first used ($env:AZCONTEXT_NAME, else the stored default) and changed only by the commands of this session; a select in another process does not move it. If another process removed or renamed it, Get-AzContext writes the copy this session kept and warns once. With -Name it writes the stored context of that name (names match ignoring case; a name that is not stored stops with the ValidateSet error ParameterArgumentValidationError, which lists the stored names and suggests close ones). With -ListAvailable it writes every stored context, sorted by tenant and then subscription name. Contexts are read from the store in ~/.Azure (or $env:AZCONTEXT_DIR); a change made by another process (a context added, changed or removed) is seen at once.'
    Parameters = @{
        Name = 'The name of a stored context. Press Tab to complete stored names.'
        ListAvailable = 'Writes every stored context instead of the current one.'
        RefreshContextFromTokenCache = 'Az refreshes contexts from the token cache, which needs the network. AzContext does not sign in yet: it warns and lists the stored contexts.'
        DefaultProfile = 'A context or profile to use instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is read from or written to disk.'
    }
    Examples = @(
        @{ Code = 'Get-AzContext'; Remarks = 'Shows the current context.' }
        @{ Code = 'Get-AzContext -ListAvailable'; Remarks = 'Lists every stored context.' }
        @{ Code = '$context = Get-AzContext -Name "mycontext"'; Remarks = 'Gets one context by name.' }
    )
}

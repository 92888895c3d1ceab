# Help text for Get-AzContext (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Gets the current Azure context, a stored context by name, or every stored context.'
    Description = 'Get-AzContext writes the current context of this session (runspace): the account, subscription, tenant and environment that Azure cmdlets use. It is decided when the module is first used ($env:AZCONTEXT_NAME, else the stored default) and changed only by the commands of this session; a select in another process does not move it. If another process removed or renamed it, Get-AzContext writes the copy this session kept and warns once. With -Name it writes the stored context of that name (names match ignoring case; a name that is not stored stops with the ValidateSet error ParameterArgumentValidationError, which lists the stored names and suggests close ones). With -ListAvailable it writes every stored context, sorted by tenant and then subscription name. Contexts are read from the store in ~/.Azure (or $env:AZCONTEXT_DIR); a change made by another process (a context added, changed or removed) is seen at once.'
    Parameters = @{
        Name = 'The name of a stored context. Press Tab to complete stored names.'
        ListAvailable = 'Writes every stored context instead of the current one.'
        RefreshContextFromTokenCache = 'With -ListAvailable: first rebuilds the contexts from the user accounts in the token cache, as Az does. A User context of that environment whose account is no longer in its cache is removed (other clouds'' users are not judged by it, and nothing is removed when the cache holds no account at all: a warning says so); an account in the cache that has no context gets one per subscription, listed through Azure Resource Manager with its cached tokens (never a prompt), in the current context''s environment. The current context stays current unless its account left the cache. Problems (an unreadable cache, a tenant that needs interaction, an ARM failure) are warnings; the stored contexts are then listed as they are.'
        DefaultProfile = 'A context or profile to use instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is read from or written to disk.'
    }
    Examples = @(
        @{ Code = 'Get-AzContext'; Remarks = 'Shows the current context.' }
        @{ Code = 'Get-AzContext -ListAvailable'; Remarks = 'Lists every stored context.' }
        @{ Code = '$context = Get-AzContext -Name "mycontext"'; Remarks = 'Gets one context by name.' }
    )
}

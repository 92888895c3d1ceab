# Help text for Disconnect-AzAccount (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Signs an account out: removes every context of that account.'
    Description = 'Disconnect-AzAccount (aliases Logout-AzAccount, Remove-AzAccount) removes every context whose account Id matches the account (ignoring case) in the chosen scope, and writes the account, without any token or secret. Without arguments it signs out the account of the current context; with no current context it writes $null (verbose: "No accounts were found to disconnect from. Ending call to Disconnect-AzAccount."). The account can also be given by user name, by the name of a context, by a context object or an account object (both from the pipeline), or as a service principal (-ApplicationId with -TenantId). When nothing names an account, it writes the error "Provide a valid account or context".'
    Parameters = @{
        ContextName = 'The name of a stored context whose account signs out. Press Tab to complete stored names.'
        Username = 'The account Id (user name) to sign out (aliases -Id, -UserId).'
        ApplicationId = 'The application id of a service principal to sign out (aliases -SPN, -ServicePrincipal); use with -TenantId.'
        TenantId = 'The tenant of the service principal given by -ApplicationId.'
        InputObject = 'An account object, such as (Get-AzContext).Account. Accepts pipeline input.'
        AzureContext = 'A context object, such as the output of Get-AzContext, whose account signs out. Accepts pipeline input.'
        Scope = 'Process: the contexts are removed in this session only and nothing is written to disk. CurrentUser: they are also removed from the saved contexts. Without -Scope, the autosave setting decides.'
        DefaultProfile = 'A context or profile to act on instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Disconnect-AzAccount'; Remarks = 'Signs out the account of the current context.' }
        @{ Code = 'Disconnect-AzAccount -Username "user@contoso.com"'; Remarks = 'Signs out an account by name.' }
        @{ Code = 'Disconnect-AzAccount -ContextName "subscription2"'; Remarks = 'Signs out the account of a named context.' }
        @{ Code = 'Disconnect-AzAccount -AzureContext $contextObject'; Remarks = 'Signs out the account of a context object.' }
    )
}

# Help text for Get-AzEnvironment (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Gets the Azure environments (clouds): the public ones and the custom ones.'
    Description = 'Get-AzEnvironment writes AzureCloud, AzureChinaCloud and AzureUSGovernment with their built-in endpoints, and the custom environments added with Add-AzEnvironment (kept in EnvironmentTable of the context file). It needs no network. With -Name it writes the environment of that name (ignoring case); an unknown name writes nothing.'
    Parameters = @{
        Name = 'The name of an environment. Press Tab to complete known names. Accepts the Name property of piped objects.'
        DefaultProfile = 'A context or profile whose environments to list instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential).'
    }
    Examples = @(
        @{ Code = 'Get-AzEnvironment'; Remarks = 'Lists every environment.' }
        @{ Code = 'Get-AzEnvironment -Name AzureChinaCloud'; Remarks = 'Gets one environment.' }
    )
}

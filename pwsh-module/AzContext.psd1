@{
    RootModule           = 'AzContext.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '5b0f3c8e-2a4d-4f61-9c57-0d2e8a9b7c14'
    Author               = 'AzContext developers'
    CompanyName          = 'AzContext'
    Copyright            = '(c) AzContext developers. MIT license.'
    Description          = 'Fast, crash-safe, secret-safe Azure PowerShell contexts: a drop-in replacement for the context cmdlets of Az.Accounts, reading and writing the same ~/.Azure files.'
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('AzContext.format.ps1xml')
    TypesToProcess       = @('AzContext.types.ps1xml')
    CmdletsToExport      = @(
        'Add-AzEnvironment'
        'Clear-AzContext'
        'Connect-AzAccount'
        'Disable-AzContextAutosave'
        'Disconnect-AzAccount'
        'Enable-AzContextAutosave'
        'Get-AzAccessToken'
        'Get-AzContext'
        'Get-AzContextAutosaveSetting'
        'Get-AzEnvironment'
        'Get-AzSubscription'
        'Get-AzTenant'
        'Import-AzContext'
        'Invoke-AzRestMethod'
        'Remove-AzContext'
        'Remove-AzEnvironment'
        'Rename-AzContext'
        'Save-AzContext'
        'Select-AzContext'
        'Set-AzContext'
        'Set-AzEnvironment'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @(
        'Add-AzAccount'
        'Get-AzDomain'
        'Get-Context'
        'Login-AzAccount'
        'Logout-AzAccount'
        'Remove-AzAccount'
        'Save-AzProfile'
        'Select-AzSubscription'
    )
    PrivateData          = @{
        PSData = @{
            Tags       = @('Azure', 'Az', 'Context', 'Accounts', 'Linux', 'macOS')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}

# Help text for Add-AzEnvironment (New-MamlHelp.ps1 adds the parameter metadata).
@{
    Synopsis = 'Adds a custom Azure environment (cloud) with its endpoints.'
    Description = 'Add-AzEnvironment adds a custom environment with the endpoints given, or, when a custom environment of that name exists, merges the endpoints given into it (the others keep their values); every context whose environment has that name gets the merged copy. Custom environments are kept in EnvironmentTable of the context file (CurrentUser scope) and can be used with Connect-AzAccount -Environment. The endpoint parameters follow the name by position, in Az''s order. The public environments cannot be changed (''Changing public environment is not supported.''). The -ARMEndpoint and -AutoDiscover forms read metadata from Azure and are not available yet (NotSupportedOffline). Writes the resulting environment.'
    Parameters = @{
        Name = 'The name of the environment. Public names (AzureCloud, AzureChinaCloud, AzureUSGovernment) are refused with ''Changing public environment is not supported.'''
        PublishSettingsFileUrl = 'The URL of the publish settings file (PublishSettingsFileUrl).'
        ServiceEndpoint = 'The service management URL (ServiceManagementUrl; aliases -ServiceManagement, -ServiceManagementUrl).'
        ManagementPortalUrl = 'The management portal URL (ManagementPortalUrl).'
        StorageEndpoint = 'The storage endpoint suffix, such as core.windows.net (StorageEndpointSuffix; alias -StorageEndpointSuffix).'
        ActiveDirectoryEndpoint = 'The Azure AD authority URL (ActiveDirectoryAuthority; aliases -AdEndpointUrl, -ActiveDirectory, -ActiveDirectoryAuthority).'
        ResourceManagerEndpoint = 'The Azure Resource Manager URL (ResourceManagerUrl; aliases -ResourceManager, -ResourceManagerUrl).'
        GalleryEndpoint = 'The gallery URL (GalleryUrl; aliases -Gallery, -GalleryUrl).'
        ActiveDirectoryServiceEndpointResourceId = 'The resource id (audience) of the management API (ActiveDirectoryServiceEndpointResourceId).'
        GraphEndpoint = 'The Azure AD Graph URL (GraphUrl; aliases -Graph, -GraphUrl).'
        AzureKeyVaultDnsSuffix = 'The Key Vault DNS suffix (AzureKeyVaultDnsSuffix).'
        AzureKeyVaultServiceEndpointResourceId = 'The Key Vault resource id (AzureKeyVaultServiceEndpointResourceId).'
        TrafficManagerDnsSuffix = 'The Traffic Manager DNS suffix (TrafficManagerDnsSuffix).'
        SqlDatabaseDnsSuffix = 'The SQL Database DNS suffix (SqlDatabaseDnsSuffix).'
        AzureDataLakeStoreFileSystemEndpointSuffix = 'The Data Lake Store file system suffix (AzureDataLakeStoreFileSystemEndpointSuffix).'
        AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix = 'The Data Lake Analytics catalog and job suffix (AzureDataLakeAnalyticsCatalogAndJobEndpointSuffix).'
        AdTenant = 'The default Azure AD tenant (AdTenant).'
        GraphAudience = 'The Azure AD Graph resource id (GraphEndpointResourceId; aliases -GraphEndpointResourceId, -GraphResourceId).'
        DataLakeAudience = 'The Data Lake resource id (DataLakeEndpointResourceId; aliases -DataLakeEndpointResourceId, -DataLakeResourceId).'
        BatchEndpointResourceId = 'The Batch resource id (BatchEndpointResourceId; aliases -BatchResourceId, -BatchAudience).'
        AzureOperationalInsightsEndpointResourceId = 'The Operational Insights resource id (ExtendedProperties OperationalInsightsEndpointResourceId).'
        AzureOperationalInsightsEndpoint = 'The Operational Insights endpoint (ExtendedProperties OperationalInsightsEndpoint).'
        EnableAdfsAuthentication = 'The environment signs in through AD FS (OnPremise; alias -OnPremise).'
        AzureAnalysisServicesEndpointSuffix = 'The Analysis Services endpoint suffix (ExtendedProperties AzureAnalysisServicesEndpointSuffix).'
        AzureAnalysisServicesEndpointResourceId = 'The Analysis Services resource id (ExtendedProperties AnalysisServicesEndpointResourceId).'
        AzureAttestationServiceEndpointSuffix = 'The Attestation service endpoint suffix (ExtendedProperties AzureAttestationServiceEndpointSuffix).'
        AzureAttestationServiceEndpointResourceId = 'The Attestation service resource id (ExtendedProperties AzureAttestationServiceEndpointResourceId).'
        AzureSynapseAnalyticsEndpointSuffix = 'The Synapse Analytics endpoint suffix (ExtendedProperties AzureSynapseAnalyticsEndpointSuffix).'
        AzureSynapseAnalyticsEndpointResourceId = 'The Synapse Analytics resource id (ExtendedProperties AzureSynapseAnalyticsEndpointResourceId).'
        ContainerRegistryEndpointSuffix = 'The Container Registry endpoint suffix, such as azurecr.io (ContainerRegistryEndpointSuffix).'
        MicrosoftGraphEndpointResourceId = 'The Microsoft Graph resource id (ExtendedProperties MicrosoftGraphEndpointResourceId).'
        MicrosoftGraphUrl = 'The Microsoft Graph URL (ExtendedProperties MicrosoftGraphUrl).'
        SshAuthScope = 'The scope for SSH certificate authentication (ExtendedProperties AzureSshAuthScope).'
        ARMEndpoint = 'Reads every endpoint from the metadata of this Azure Resource Manager URL (alias -ArmUrl). This needs the network, which AzContext does not use yet: the command fails with NotSupportedOffline.'
        AutoDiscover = 'Discovers environments from a metadata URL. This needs the network: the command fails with NotSupportedOffline.'
        Uri = 'The metadata URL for -AutoDiscover (alias -Url).'
        Scope = 'Process: the change applies to this session only and nothing is written to disk. CurrentUser: it is saved in EnvironmentTable of the context file for later sessions. Without -Scope, the autosave setting decides.'
        DefaultProfile = 'A context or profile to change instead of the stored ones (aliases -AzContext, -AzureRmContext, -AzureCredential). Nothing is written to disk.'
    }
    Examples = @(
        @{ Code = 'Add-AzEnvironment -Name ContosoCloud -ResourceManagerEndpoint https://management.contoso.example/ -ActiveDirectoryEndpoint https://login.contoso.example/'; Remarks = 'Adds a custom environment with two endpoints.' }
        @{ Code = 'Get-AzEnvironment ContosoCloud | Add-AzEnvironment -Name ContosoCopy'; Remarks = 'Copies the endpoints of an environment into a new one (the endpoints bind by property name).' }
    )
}

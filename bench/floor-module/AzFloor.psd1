@{
    RootModule      = 'AzFloor.dll'
    ModuleVersion   = '1.0.0'
    CmdletsToExport = @('Invoke-AzFloorNoOp')
}

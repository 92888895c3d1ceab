# Shared by the suites that run commands against the tests' emulator (SignIn, Arm): dot-source it in
# BeforeAll after common.ps1. It starts one emulator for the file ($Emu; stop it in AfterAll) and sets
# $EmuEnv (what a child process needs to trust it) and $EnvParams (the 'Emu' environment), which the
# functions below read from the caller's scope.
Set-StrictMode -Version Latest

Import-Module (Join-Path $RepoRoot 'tests/emulator/Emulator.psm1') -Force
$Emu = Start-AzEmulator
$EmuEnv = Get-AzEmulatorProcessEnv $Emu
$EnvParams = Get-AzEmulatorEnvironment $Emu

# Runs $Script in a fresh pwsh with the module imported, the store $Store, the emulator's environment
# added (CurrentUser, so later processes see it) and $Environment (e.g. managed identity variables)
# set. The script gets $Emu's seed as $args[0] and $Extra as $args[1]. Output comes back deserialized,
# with warnings and errors as records: { Out, Warnings, Errors }.
function Invoke-Emu([scriptblock]$Script, [string]$Store, [hashtable]$Environment = @{}, [object]$Extra = $null, [switch]$NoCa) {
    $envs = @{} + $EmuEnv
    if ($NoCa) { $envs.SSL_CERT_FILE = $null }
    foreach ($k in $Environment.Keys) { $envs[$k] = $Environment[$k] }
    $envs.AZCONTEXT_DIR = $Store
    $wrapper = {
        param($envParams, $seed, $extra, $body)
        $ErrorActionPreference = 'Stop'
        Import-Module AzContext
        if (-not (Get-AzEnvironment -Name $envParams.Name)) { $null = Add-AzEnvironment @envParams }
        $out = [System.Collections.Generic.List[object]]::new()
        $warnings = [System.Collections.Generic.List[string]]::new()
        $errors = [System.Collections.Generic.List[object]]::new()
        $record = { param($e) $errors.Add([pscustomobject]@{ Id = $e.FullyQualifiedErrorId; Message = $e.Exception.Message; Category = "$($e.CategoryInfo.Category)" }) }
        try {
            & ([scriptblock]::Create($body)) $seed $extra *>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.WarningRecord]) { $warnings.Add($_.Message) }
                elseif ($_ -is [System.Management.Automation.ErrorRecord]) { & $record $_ }
                elseif ($_ -isnot [System.Management.Automation.InformationalRecord]) { $out.Add($_) }
            }
        } catch {
            & $record $_
        }
        [pscustomobject]@{ Out = $out.ToArray(); Warnings = $warnings.ToArray(); Errors = $errors.ToArray() }
    }
    $r = Invoke-InNewPwsh -ScriptBlock $wrapper -Environment $envs -ArgumentList @($EnvParams, $Emu.Seed, $Extra, $Script.ToString())
    $r | Select-Object -Last 1
}

function Get-EmuRequests { @(Invoke-AzEmulatorAdmin $Emu -Path '/_emu/requests') }
function Clear-EmuRequests { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/requests/clear' }
function Set-EmuSettings([hashtable]$Settings) { $null = Invoke-AzEmulatorAdmin $Emu -Method POST -Path '/_emu/settings' -Body $Settings }

# Every file of a store, as text: secrets must appear in none of them except MSAL's token cache.
function Get-StoreText([string]$Store, [switch]$WithTokenCache) {
    Get-ChildItem -LiteralPath $Store -Recurse -File -Force |
        Where-Object { $WithTokenCache -or $_.FullName -notlike '*.IdentityService*' } |
        ForEach-Object { Get-Content -LiteralPath $_.FullName -Raw }
}

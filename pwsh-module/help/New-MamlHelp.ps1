#Requires -Version 7.4
<#
.SYNOPSIS
    Writes the module's MAML help (en-US/AzContext.dll-Help.xml) from help text in cmdlets/<Name>.psd1 and
    the parameter metadata of the built cmdlets (types, positions, pipeline binding, sets), so the two can
    never disagree. platyPS is not available here; this is its small, sufficient subset.
#>
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$OutFile
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$text = @{}
foreach ($f in Get-ChildItem (Join-Path $PSScriptRoot 'cmdlets') -Filter *.psd1) {
    $text[$f.BaseName] = Import-PowerShellDataFile $f.FullName
}
$module = Import-Module $ModulePath -PassThru -Force
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Esc([string]$s) { [System.Security.SecurityElement]::Escape($s) }
function Para([string]$s) {
    ($s -split "`n`n" | ForEach-Object { "<maml:para>$(Esc $_.Trim())</maml:para>" }) -join ''
}

$sb = [System.Text.StringBuilder]::new()
$null = $sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
$null = $sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
foreach ($cmd in ($module.ExportedCmdlets.Values | Sort-Object Name)) {
    $h = $text[$cmd.Name]
    if (-not $h) { throw "pwsh-module/help/cmdlets/$($cmd.Name).psd1 is missing" }
    $verb, $noun = $cmd.Name -split '-', 2
    $null = $sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    $null = $sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><maml:description>$(Para $h.Synopsis)</maml:description><command:verb>$verb</command:verb><command:noun>$noun</command:noun></command:details>")
    $null = $sb.AppendLine("<maml:description>$(Para $h.Description)</maml:description>")
    $params = $cmd.Parameters.Values | Where-Object { $_.Name -notin $common }
    $null = $sb.AppendLine('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        $null = $sb.AppendLine("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        foreach ($p in ($set.Parameters | Where-Object { $_.Name -notin $common })) {
            $pos = if ($p.Position -ge 0) { $p.Position } else { 'named' }
            $null = $sb.AppendLine("<command:parameter required=`"$($p.IsMandatory.ToString().ToLower())`" position=`"$pos`"><maml:name>$($p.Name)</maml:name><command:parameterValue required=`"true`">$(Esc $p.ParameterType.Name)</command:parameterValue></command:parameter>")
        }
        $null = $sb.AppendLine('</command:syntaxItem>')
    }
    $null = $sb.AppendLine('</command:syntax><command:parameters>')
    foreach ($p in $params) {
        $desc = $h.Parameters[$p.Name]
        if (-not $desc) { throw "pwsh-module/help/cmdlets/$($cmd.Name).psd1 has no text for -$($p.Name)" }
        $attrs = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $required = [bool]($attrs | Where-Object Mandatory)
        $positions = @($attrs | Where-Object { $_.Position -ge 0 } | ForEach-Object Position)
        # (A test of the array itself would take @(0) for false.)
        $pos = if ($positions.Count -gt 0) { $positions[0] } else { 'named' }
        $pipe = @()
        if ($attrs | Where-Object ValueFromPipeline) { $pipe += 'ByValue' }
        if ($attrs | Where-Object ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
        $pipeText = if ($pipe) { "true ($($pipe -join ', '))" } else { 'false' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'None' }
        $null = $sb.AppendLine("<command:parameter required=`"$($required.ToString().ToLower())`" globbing=`"false`" pipelineInput=`"$pipeText`" position=`"$pos`" aliases=`"$(Esc $aliases)`"><maml:name>$($p.Name)</maml:name><maml:description>$(Para $desc)</maml:description><command:parameterValue required=`"true`">$(Esc $p.ParameterType.Name)</command:parameterValue><dev:type><maml:name>$(Esc $p.ParameterType.FullName)</maml:name></dev:type></command:parameter>")
    }
    $null = $sb.AppendLine('</command:parameters><command:examples>')
    $i = 0
    foreach ($ex in $h.Examples) {
        $i++
        $null = $sb.AppendLine("<command:example><maml:title>-------------------------- Example $i --------------------------</maml:title><dev:code>$(Esc $ex.Code)</dev:code><dev:remarks>$(Para $ex.Remarks)</dev:remarks></command:example>")
    }
    $null = $sb.AppendLine('</command:examples>')
    # INPUTS: the types that bind from the pipeline; OUTPUTS: the cmdlet's OutputType.
    $inputs = @($params | Where-Object {
            $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) }
        } | ForEach-Object { $_.ParameterType.FullName } | Sort-Object -Unique)
    $null = $sb.AppendLine('<command:inputTypes>')
    foreach ($t in $inputs) {
        $null = $sb.AppendLine("<command:inputType><dev:type><maml:name>$(Esc $t)</maml:name></dev:type><maml:description><maml:para /></maml:description></command:inputType>")
    }
    $null = $sb.AppendLine('</command:inputTypes><command:returnValues>')
    foreach ($t in @($cmd.OutputType | ForEach-Object Name | Sort-Object -Unique)) {
        $null = $sb.AppendLine("<command:returnValue><dev:type><maml:name>$(Esc $t)</maml:name></dev:type><maml:description><maml:para /></maml:description></command:returnValue>")
    }
    # The first link is what Get-Help -Online opens: Az.Accounts' reference page of the same cmdlet.
    $online = "https://learn.microsoft.com/powershell/module/az.accounts/$($cmd.Name.ToLowerInvariant())"
    $null = $sb.AppendLine("</command:returnValues><maml:relatedLinks><maml:navigationLink><maml:linkText>Online Version:</maml:linkText><maml:uri>$online</maml:uri></maml:navigationLink><maml:navigationLink><maml:linkText>about_AzContext</maml:linkText><maml:uri /></maml:navigationLink></maml:relatedLinks>")
    $null = $sb.AppendLine('</command:command>')
}
$null = $sb.AppendLine('</helpItems>')
Set-Content -Path $OutFile -Value $sb.ToString() -Encoding utf8NoBOM

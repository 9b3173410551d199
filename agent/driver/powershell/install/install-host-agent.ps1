<#
.SYNOPSIS
Installs, re-installs or removes the avma-agent host agent as the Windows service "avma-agent" on a
Hyper-V host where the avma command is not on PATH.

.DESCRIPTION
Finds node.exe and the built agent this script belongs to, then runs
  node.exe <AgentRoot>\agent\bin\avma.mjs service install|uninstall|status [options]
so the script and `avma service ...` do exactly the same thing (see README, "Install on a Hyper-V host").
Every value is passed to node.exe as its own process argument, never as script text.

The service runs as the virtual account NT SERVICE\avma-agent (added to Hyper-V Administrators and
Event Log Readers), starts automatically (delayed) at boot, is restarted after a failure (10 s, 30 s,
then every 2 minutes) and keeps its configuration, database and logs in %ProgramData%\avma-agent
(Administrators and the service account only). Running it again re-installs the service and keeps
agent.json, the database and the logs. -Uninstall removes the service and keeps the data folder
unless -RemoveData is given. -DryRun prints every step, command and file and changes nothing.
Runs on Windows PowerShell 5.1 (Windows Server 2012 R2 and later) and PowerShell 7, elevated.

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\avma-agent\agent\driver\powershell\install\install-host-agent.ps1"

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\avma-agent\agent\driver\powershell\install\install-host-agent.ps1" -Uninstall -RemoveData
#>
[CmdletBinding()]
param(
    # Folder of the built agent (agent\bin\avma.mjs, dist\, node_modules\); defaults to the checkout this script is in.
    [string]$AgentRoot = (Join-Path -Path $PSScriptRoot -ChildPath '..\..\..\..'),
    # node.exe (Node.js 20.19 or later); defaults to the one on PATH.
    [string]$NodePath = '',
    [ValidateSet('virtual', 'LocalSystem')][string]$Account = 'virtual',
    # Another data folder than %ProgramData%\avma-agent.
    [string]$DataFolder = '',
    [switch]$Uninstall,
    [switch]$RemoveData,
    [switch]$Status,
    [switch]$DryRun
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

function Resolve-Node {
    if ($NodePath -ne '') { return (Resolve-Path -LiteralPath $NodePath).Path }
    $command = Get-Command -Name 'node.exe' -CommandType Application -ErrorAction SilentlyContinue
    if ($null -eq $command) { throw 'node.exe was not found: install Node.js 20.19 or later, or pass -NodePath "C:\Program Files\nodejs\node.exe".' }
    return @($command)[0].Source
}

$root = (Resolve-Path -LiteralPath $AgentRoot).Path
$bin = Join-Path -Path $root -ChildPath 'agent\bin\avma.mjs'
if (-not (Test-Path -LiteralPath $bin -PathType Leaf)) {
    throw "$bin is missing: copy the built agent (after 'npm ci') to $root, or pass -AgentRoot."
}
$node = Resolve-Node

$arguments = @($bin, 'service')
if ($Status) {
    $arguments += @('status')
}
elseif ($Uninstall) {
    $arguments += @('uninstall')
    if ($RemoveData) { $arguments += @('--remove-data') }
}
else {
    $arguments += @('install', '--account', $Account, '--node', $node, '--agent-root', $root)
}
if ($DataFolder -ne '') { $arguments += @('--data-folder', $DataFolder) }
if ($DryRun -and (-not $Status)) { $arguments += @('--dry-run') }

# node.exe writes its progress on stderr; under 'Stop', Windows PowerShell 5.1 could turn a redirected
# stderr line into a terminating error, so the exit code decides instead.
$ErrorActionPreference = 'Continue'
& $node @arguments
exit $LASTEXITCODE

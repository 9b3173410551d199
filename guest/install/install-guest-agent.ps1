<#
.SYNOPSIS
Installs (or removes) the avma-agent guest agent on a Windows Server guest.

.DESCRIPTION
Registers a Task Scheduler task "avma-guest-agent" that runs
  node.exe <AgentRoot>\dist\guest\main.js --interval-minutes 5 --log %ProgramData%\avma-agent\guest-agent.log
as SYSTEM at every boot.

This is a SCHEDULED TASK, NOT A WINDOWS SERVICE, on purpose: a service binary must answer the
Service Control Manager (StartServiceCtrlDispatcher), which neither node.exe nor powershell.exe does, so
`sc.exe create` / New-Service with node.exe would be killed by the SCM after its start timeout.
A real service needs a wrapper such as WinSW (bundled by the npm package node-windows), which is a
new dependency the project has not taken yet. The task gives the same guarantees with built-in parts:
  - runs at boot: an AtStartup trigger, as SYSTEM (the registry keys and slmgr need it);
  - a crash restarts it: RestartOnFailure (1 minute, up to 255 times, documented as "if the task fails
    for any reason"), and, because restart-on-failure is not relied on alone, a second trigger that
    repeats every 5 minutes with MultipleInstances IgnoreNew: a dead agent is started again within
    5 minutes, a running one is left alone;
  - no time limit (ExecutionTimeLimit 0).
Runs on Windows PowerShell 5.1 (Windows Server 2012 R2 and later) and PowerShell 7.

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\avma-agent\guest\install\install-guest-agent.ps1"

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\install-guest-agent.ps1 -Uninstall
#>
[CmdletBinding()]
param(
    # Folder holding the built agent (dist\guest\main.js); defaults to the checkout this script is in.
    [string]$AgentRoot = (Join-Path -Path $PSScriptRoot -ChildPath '..\..'),
    # node.exe (Node.js 20 or later); defaults to the one on PATH.
    [string]$NodePath = '',
    [ValidateRange(1, 1440)][int]$IntervalMinutes = 5,
    [switch]$Uninstall
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$TaskName = 'avma-guest-agent'
$StateFolder = Join-Path -Path $env:ProgramData -ChildPath 'avma-agent'

function Assert-Administrator {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object System.Security.Principal.WindowsPrincipal($identity)
    if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'Run this from an elevated PowerShell: the task runs as SYSTEM and writes HKLM.'
    }
}

# The state folder holds what the agent remembers (last intent, ring position). ProgramData lets any
# user create folders, so the folder gets an explicit ACL: SYSTEM and Administrators only.
function Initialize-StateFolder {
    if (-not (Test-Path -LiteralPath $StateFolder)) { New-Item -ItemType Directory -Path $StateFolder | Out-Null }
    $acl = New-Object System.Security.AccessControl.DirectorySecurity
    $acl.SetAccessRuleProtection($true, $false)
    foreach ($sid in @('S-1-5-18', 'S-1-5-32-544')) {
        $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule($identity, 'FullControl', 'ContainerInherit,ObjectInherit', 'None', 'Allow')
        $acl.AddAccessRule($rule)
    }
    Set-Acl -LiteralPath $StateFolder -AclObject $acl
}

function Resolve-Node {
    if ($NodePath -ne '') { return (Resolve-Path -LiteralPath $NodePath).Path }
    $command = Get-Command -Name 'node.exe' -CommandType Application -ErrorAction SilentlyContinue
    if ($null -eq $command) { throw 'node.exe was not found; pass -NodePath "C:\Program Files\nodejs\node.exe".' }
    return @($command)[0].Source
}

function Register-AgentTask {
    $root = (Resolve-Path -LiteralPath $AgentRoot).Path
    $main = Join-Path -Path $root -ChildPath 'dist\guest\main.js'
    if (-not (Test-Path -LiteralPath $main)) { throw "$main is missing; run 'npm run build' in $root first." }
    $node = Resolve-Node
    $log = Join-Path -Path $StateFolder -ChildPath 'guest-agent.log'
    $arguments = '"' + $main + '" --interval-minutes ' + $IntervalMinutes + ' --log "' + $log + '"'
    $action = New-ScheduledTaskAction -Execute $node -Argument $arguments -WorkingDirectory $root
    $atStartup = New-ScheduledTaskTrigger -AtStartup
    # Ten years rather than "indefinitely": Windows Server 2012 R2 needs a duration, and the
    # [TimeSpan]::MaxValue it used to accept is refused by Windows Server 2016 and later.
    $watchdog = New-ScheduledTaskTrigger -Once -At (Get-Date) -RepetitionInterval (New-TimeSpan -Minutes 5) -RepetitionDuration (New-TimeSpan -Days 3650)
    $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    $settings = New-ScheduledTaskSettingsSet -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -MultipleInstances IgnoreNew -RestartCount 255 -RestartInterval (New-TimeSpan -Minutes 1) -ExecutionTimeLimit ([TimeSpan]::Zero)
    Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger @($atStartup, $watchdog) -Principal $principal -Settings $settings -Description 'avma-agent guest agent: installs the AVMA key the host pushes over KVP and reports licence status.' -Force | Out-Null
    Start-ScheduledTask -TaskName $TaskName
}

Assert-Administrator
if ($Uninstall) {
    if ($null -ne (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue)) {
        Stop-ScheduledTask -TaskName $TaskName
        Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false
    }
    Write-Output "Removed the $TaskName task. The agent's AvmaAgent.* KVP items stay until the host removes its intent or the guest wipes them."
} else {
    Initialize-StateFolder
    Register-AgentTask
    Write-Output "Installed and started the $TaskName task (SYSTEM, at boot, restarted within 5 minutes if it stops)."
}

<#
.SYNOPSIS
Installs (or removes) the avma-agent guest agent as the Windows service "avma-guest-agent".

.DESCRIPTION
Creates the Windows service "avma-guest-agent", which runs
  node.exe <AgentRoot>\dist\guest\main.js --interval-minutes 5 --log %ProgramData%\avma-agent\guest-agent.log
as LocalSystem, starts automatically at boot, and is restarted by the Service Control Manager (SCM)
when it crashes.

node.exe cannot answer the SCM itself, so the service binary is WinSW 1.17, the wrapper bundled by the
optional, Windows-only dependency node-windows@0.1.14 (node_modules\node-windows\bin\winsw\winsw.exe,
version resource 1.17.0.0). It is copied to %ProgramData%\avma-agent\service\avma-guest-agent.exe,
next to avma-guest-agent.exe.config (the package's .NET 4 runtime switch) and avma-guest-agent.xml.
The XML is written by node.exe dist\guest\install\service-config-cli.js (guest/install/service-config.ts),
which escapes every value; this script passes the paths to it as process arguments.

A crash is handled in two layers:
  - WinSW: when node.exe exits with a non-zero code, WinSW exits without reporting "stopped", so the
    SCM counts a failure and runs the recovery actions WinSW registered from the XML's <onfailure>:
    restart after 10 s, after 10 s, then after 60 s for every further failure; the count resets after
    an hour without failure. A crash of WinSW itself is a failure the same way.
  - sc.exe: this script then sets the same actions itself (sc.exe failure) and turns on
    sc.exe failureflag 1, so a stop that reports a non-zero exit code counts as a failure too.
It then checks the service runs as LocalSystem with automatic start, and starts it.

Logs, all in %ProgramData%\avma-agent (SYSTEM and Administrators only): guest-agent.log (the agent's
JSON lines), avma-guest-agent.out.log and avma-guest-agent.err.log (node.exe's output, rolled at 1 MiB,
4 kept), avma-guest-agent.wrapper.log (WinSW's start and stop lines).

Running it again reinstalls the service (stop, delete, install). It also removes the scheduled task of
the same name that earlier versions of this script registered, so two agents never run at once.
Runs on Windows PowerShell 5.1 (Windows Server 2012 R2 and later) and PowerShell 7.

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\avma-agent\guest\install\install-guest-agent.ps1"

.EXAMPLE
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\Program Files\avma-agent\guest\install\install-guest-agent.ps1" -Uninstall
#>
[CmdletBinding()]
param(
    # Folder holding the built agent (dist\guest\main.js) and its node_modules; defaults to the checkout this script is in.
    [string]$AgentRoot = (Join-Path -Path $PSScriptRoot -ChildPath '..\..'),
    # node.exe (Node.js 20 or later); defaults to the one on PATH.
    [string]$NodePath = '',
    [ValidateRange(1, 1440)][int]$IntervalMinutes = 5,
    [switch]$Uninstall
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$ServiceId = 'avma-guest-agent'
$StateFolder = Join-Path -Path $env:ProgramData -ChildPath 'avma-agent'
# Inside the state folder, so the binary that runs as LocalSystem inherits its SYSTEM/Administrators ACL.
$WrapperFolder = Join-Path -Path $StateFolder -ChildPath 'service'
$ServiceExe = Join-Path -Path $WrapperFolder -ChildPath "$ServiceId.exe"
$ServiceXml = Join-Path -Path $WrapperFolder -ChildPath "$ServiceId.xml"
$ScExe = Join-Path -Path $env:SystemRoot -ChildPath 'System32\sc.exe'

function Assert-Administrator {
    $identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
    $principal = New-Object System.Security.Principal.WindowsPrincipal($identity)
    if (-not $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'Run this from an elevated PowerShell: it creates a service that runs as LocalSystem and writes HKLM.'
    }
}

# The state folder holds what the agent remembers (last intent, ring position), its logs and the
# service wrapper. ProgramData lets any user create folders, so the folder gets an explicit ACL:
# SYSTEM and Administrators only.
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

# Runs a program with each argument passed as its own process argument and fails on a non-zero exit
# code. Its stderr is collected as text: under 'Stop', Windows PowerShell 5.1 would turn the first
# stderr line of a native program into a terminating error before the exit code could be read.
function Invoke-Native {
    param([Parameter(Mandatory = $true)][string]$FilePath, [string[]]$ArgumentList = @())
    $ErrorActionPreference = 'Continue'
    $output = @(& $FilePath @ArgumentList 2>&1 | ForEach-Object { "$_" })
    if ($LASTEXITCODE -ne 0) {
        throw ('{0} {1} failed with exit code {2}: {3}' -f $FilePath, ($ArgumentList -join ' '), $LASTEXITCODE, ($output -join ' '))
    }
    return $output
}

function Resolve-Node {
    if ($NodePath -ne '') { return (Resolve-Path -LiteralPath $NodePath).Path }
    $command = Get-Command -Name 'node.exe' -CommandType Application -ErrorAction SilentlyContinue
    if ($null -eq $command) { throw 'node.exe was not found: install Node.js 20 or later, or pass -NodePath "C:\Program Files\nodejs\node.exe".' }
    return @($command)[0].Source
}

function Assert-File {
    param([Parameter(Mandatory = $true)][string]$Path, [Parameter(Mandatory = $true)][string]$Remedy)
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { throw "$Path is missing: $Remedy" }
}

# Earlier versions of this script registered a scheduled task of the same name; left in place it
# would start a second agent next to the service.
function Remove-LegacyTask {
    if ($null -eq (Get-Command -Name 'Get-ScheduledTask' -ErrorAction SilentlyContinue)) { return }
    if ($null -ne (Get-ScheduledTask -TaskName $ServiceId -ErrorAction SilentlyContinue)) {
        Stop-ScheduledTask -TaskName $ServiceId
        Unregister-ScheduledTask -TaskName $ServiceId -Confirm:$false
    }
}

# Deleted through sc.exe rather than the wrapper, so removal works even when the wrapper files are gone.
function Remove-AgentService {
    $service = Get-Service -Name $ServiceId -ErrorAction SilentlyContinue
    if ($null -eq $service) { return }
    if ($service.Status -ne 'Stopped') {
        Stop-Service -Name $ServiceId -Force
        $service.WaitForStatus('Stopped', (New-TimeSpan -Seconds 60))
    }
    Invoke-Native -FilePath $ScExe -ArgumentList @('delete', $ServiceId) | Out-Null
    # The SCM deletes a service only once the last handle to it is closed (an open services.msc holds one).
    $deadline = (Get-Date).AddSeconds(30)
    while ($null -ne (Get-Service -Name $ServiceId -ErrorAction SilentlyContinue)) {
        if ((Get-Date) -gt $deadline) {
            throw "The $ServiceId service is marked for deletion but still exists: close the Services console (services.msc) and run this again."
        }
        Start-Sleep -Milliseconds 500
    }
}

# The second layer of crash recovery: the same actions as the XML's <onfailure>, set through the SCM's
# own tool, and failureflag 1 so a stop with a non-zero exit code also triggers them.
function Set-ServiceRecovery {
    Invoke-Native -FilePath $ScExe -ArgumentList @('failure', $ServiceId, 'reset=', '3600', 'actions=', 'restart/10000/restart/10000/restart/60000') | Out-Null
    Invoke-Native -FilePath $ScExe -ArgumentList @('failureflag', $ServiceId, '1') | Out-Null
}

function Assert-ServiceShape {
    $service = Get-CimInstance -ClassName Win32_Service -Filter "Name='$ServiceId'"
    if ($null -eq $service) { throw "$ServiceExe install reported success, but the $ServiceId service does not exist." }
    if ($service.StartName -ne 'LocalSystem') { throw "The $ServiceId service runs as $($service.StartName), expected LocalSystem." }
    if ($service.StartMode -ne 'Auto') { Set-Service -Name $ServiceId -StartupType Automatic }
}

function Install-AgentService {
    $root = (Resolve-Path -LiteralPath $AgentRoot).Path
    $main = Join-Path -Path $root -ChildPath 'dist\guest\main.js'
    $configCli = Join-Path -Path $root -ChildPath 'dist\guest\install\service-config-cli.js'
    $winswFolder = Join-Path -Path $root -ChildPath 'node_modules\node-windows\bin\winsw'
    $npmHint = "the service wrapper comes from the optional, Windows-only dependency node-windows: run 'npm ci --omit=dev --ignore-scripts' in $root on this guest, then run this script again."
    foreach ($built in @($main, $configCli)) {
        Assert-File -Path $built -Remedy "build the project ('npm ci' then 'npm run build') and copy it, with its dist folder, to $root."
    }
    Assert-File -Path (Join-Path -Path $winswFolder -ChildPath 'winsw.exe') -Remedy $npmHint
    Assert-File -Path (Join-Path -Path $winswFolder -ChildPath 'winsw.exe.config') -Remedy $npmHint
    $node = Resolve-Node

    Initialize-StateFolder
    Remove-LegacyTask
    Remove-AgentService
    if (-not (Test-Path -LiteralPath $WrapperFolder)) { New-Item -ItemType Directory -Path $WrapperFolder | Out-Null }
    # WinSW finds its configuration as the .xml of the same base name next to the renamed executable.
    Copy-Item -LiteralPath (Join-Path -Path $winswFolder -ChildPath 'winsw.exe') -Destination $ServiceExe -Force
    Copy-Item -LiteralPath (Join-Path -Path $winswFolder -ChildPath 'winsw.exe.config') -Destination "$ServiceExe.config" -Force
    Invoke-Native -FilePath $node -ArgumentList @($configCli, '--node', $node, '--main', $main, '--interval-minutes', [string]$IntervalMinutes, '--log-dir', $StateFolder, '--working-dir', $root, '--out', $ServiceXml) | Out-Null
    Invoke-Native -FilePath $ServiceExe -ArgumentList @('install') | Out-Null
    Set-ServiceRecovery
    Assert-ServiceShape
    Start-Service -Name $ServiceId
    # A node.exe that dies at once (wrong Node.js version, broken dist) shows up here, not only in the logs.
    Start-Sleep -Seconds 5
    if ((Get-Service -Name $ServiceId).Status -ne 'Running') {
        Write-Warning "The $ServiceId service is not running 5 seconds after it started; see $StateFolder\$ServiceId.err.log. The SCM keeps restarting it."
    }
}

Assert-Administrator
if ($Uninstall) {
    Remove-LegacyTask
    Remove-AgentService
    if (Test-Path -LiteralPath $WrapperFolder) { Remove-Item -LiteralPath $WrapperFolder -Recurse -Force }
    Write-Output "Removed the $ServiceId service. Its state and logs stay in $StateFolder; the agent's AvmaAgent.* KVP items stay until the host removes its intent or the guest wipes them."
} else {
    Install-AgentService
    Write-Output "Installed and started the $ServiceId service (LocalSystem, automatic start at boot, restarted by the SCM after a crash). Logs: $StateFolder"
}

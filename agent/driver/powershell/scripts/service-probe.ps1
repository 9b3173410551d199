# service-probe: what this host has for `avma service install|uninstall|status`; reads only.
# Arguments: Name (the service), Source (its Event Log source), DataFolder ('' means
# %ProgramData%\avma-agent), Files (paths the service needs: node.exe, the built agent, WinSW).
# Win32_Service is filtered in PowerShell, not in WQL, so no argument is ever put into a query text.
$ErrorActionPreference = 'Stop';
$serviceName = [string]$Arguments.Name;
$dataFolder = [string]$Arguments.DataFolder;
if ($dataFolder -eq '') {
    $dataFolder = Join-Path -Path $env:ProgramData -ChildPath 'avma-agent';
}
$identity = [System.Security.Principal.WindowsIdentity]::GetCurrent();
$principal = New-Object System.Security.Principal.WindowsPrincipal($identity);
$isAdministrator = $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator);
$services = @(Get-CimInstance -ClassName Win32_Service | Where-Object { $_.Name -eq $serviceName });
$serviceInfo = $null;
if ($services.Count -gt 0) {
    $serviceInfo = New-Object -TypeName PSObject -Property @{
        State = [string]$services[0].State;
        StartMode = [string]$services[0].StartMode;
        DelayedAutoStart = [string]$services[0].DelayedAutoStart;
        StartName = [string]$services[0].StartName;
        PathName = [string]$services[0].PathName;
    };
}
$missing = @(foreach ($file in @($Arguments.Files)) {
    if (-not (Test-Path -LiteralPath ([string]$file) -PathType Leaf)) {
        [string]$file;
    }
});
# SourceExists searches every log, the Security log included, which a non-administrator cannot read.
$eventSource = 'unknown';
try {
    if ([System.Diagnostics.EventLog]::SourceExists([string]$Arguments.Source)) {
        $eventSource = 'registered';
    }
    else {
        $eventSource = 'missing';
    }
}
catch {
    $eventSource = 'unknown';
}
$facts = New-Object -TypeName PSObject -Property @{
    ProgramData = [string]$env:ProgramData;
    SystemRoot = [string]$env:SystemRoot;
    DataFolder = $dataFolder;
    IsAdministrator = [bool]$isAdministrator;
    Service = $serviceInfo;
    DataFolderExists = [bool](Test-Path -LiteralPath $dataFolder -PathType Container);
    ConfigExists = [bool](Test-Path -LiteralPath (Join-Path -Path $dataFolder -ChildPath 'agent.json') -PathType Leaf);
    DatabaseExists = [bool](Test-Path -LiteralPath (Join-Path -Path $dataFolder -ChildPath 'avma.sqlite') -PathType Leaf);
    EventSource = $eventSource;
    MissingFiles = [string[]]$missing;
};
return (ConvertTo-Json -InputObject $facts -Depth 4 -Compress);

# service-step: one step of `avma service install|uninstall`, chosen by Arguments.Action. Every value
# (paths, account and group names, a file's text) arrives as data in the request and is passed to
# cmdlets and programs as arguments, never evaluated. Works on Windows PowerShell 5.1 and 7 (Set-Acl
# and the .NET EventLog class exist in both; New-EventLog and the LocalAccounts module do not).
$ErrorActionPreference = 'Stop';
$action = [string]$Arguments.Action;
$detail = '';
function Invoke-AvmaNative {
    param([string]$FilePath, [string[]]$ArgumentList, [string[]]$Tolerated);
    $ErrorActionPreference = 'Continue';
    $output = @(& $FilePath @ArgumentList 2>&1 | ForEach-Object { [string]$_ });
    $text = ($output -join ' ');
    if ($LASTEXITCODE -ne 0) {
        $known = @($Tolerated | Where-Object { $text.Contains($_) });
        if ($known.Count -eq 0) {
            throw ($FilePath + ' ' + ($ArgumentList -join ' ') + ' exited with ' + $LASTEXITCODE + ': ' + $text);
        }
    }
    return $text;
}
function Get-AvmaSid {
    param([string]$Account);
    if ($Account.StartsWith('S-1-')) {
        return (New-Object System.Security.Principal.SecurityIdentifier($Account));
    }
    return (New-Object System.Security.Principal.NTAccount($Account)).Translate([System.Security.Principal.SecurityIdentifier]);
}
# A group's local name from its well-known SID: the names are translated on non-English Windows.
function Get-AvmaGroupName {
    param([string]$Sid);
    $name = (Get-AvmaSid -Account $Sid).Translate([System.Security.Principal.NTAccount]).Value;
    return $name.Substring($name.IndexOf('\') + 1);
}
if ($action -eq 'stop-service') {
    $service = Get-Service -Name ([string]$Arguments.Name) -ErrorAction SilentlyContinue;
    if (($null -ne $service) -and ($service.Status -ne 'Stopped')) {
        Stop-Service -Name ([string]$Arguments.Name) -Force;
        $service.WaitForStatus('Stopped', (New-TimeSpan -Seconds 60));
    }
}
elseif ($action -eq 'delete-service') {
    $detail = Invoke-AvmaNative -FilePath ([string]$Arguments.ScExe) -ArgumentList @('delete', [string]$Arguments.Name) -Tolerated @('1060');
    # The SCM deletes a service once the last handle to it closes (an open services.msc holds one).
    $deadline = (Get-Date).AddSeconds(30);
    while ($null -ne (Get-Service -Name ([string]$Arguments.Name) -ErrorAction SilentlyContinue)) {
        if ((Get-Date) -gt $deadline) {
            throw ('the service ' + [string]$Arguments.Name + ' is marked for deletion but still exists: close the Services console (services.msc) and run this again');
        }
        Start-Sleep -Milliseconds 500;
    }
}
elseif ($action -eq 'create-folder') {
    [System.IO.Directory]::CreateDirectory([string]$Arguments.Path) | Out-Null;
}
elseif ($action -eq 'write-file') {
    $encoding = New-Object System.Text.UTF8Encoding -ArgumentList $false;
    [System.IO.File]::WriteAllText([string]$Arguments.Path, [string]$Arguments.Text, $encoding);
}
elseif ($action -eq 'copy-file') {
    Copy-Item -LiteralPath ([string]$Arguments.From) -Destination ([string]$Arguments.To) -Force;
}
elseif ($action -eq 'run') {
    $detail = Invoke-AvmaNative -FilePath ([string]$Arguments.FilePath) -ArgumentList @($Arguments.Arguments | ForEach-Object { [string]$_ }) -Tolerated @();
}
elseif ($action -eq 'add-group-member') {
    $group = Get-AvmaGroupName -Sid ([string]$Arguments.GroupSid);
    # 1378: already a member (a re-install).
    $detail = Invoke-AvmaNative -FilePath ([string]$Arguments.NetExe) -ArgumentList @('localgroup', $group, [string]$Arguments.Member, '/add') -Tolerated @('1378');
}
elseif ($action -eq 'remove-group-member') {
    $group = Get-AvmaGroupName -Sid ([string]$Arguments.GroupSid);
    # 1377: not a member; 1332: the account is already gone.
    $detail = Invoke-AvmaNative -FilePath ([string]$Arguments.NetExe) -ArgumentList @('localgroup', $group, [string]$Arguments.Member, '/delete') -Tolerated @('1377', '1332');
}
elseif ($action -eq 'protect-folder') {
    $acl = New-Object System.Security.AccessControl.DirectorySecurity;
    $acl.SetAccessRuleProtection($true, $false);
    foreach ($grant in @($Arguments.Grants)) {
        $sid = Get-AvmaSid -Account ([string]$grant.Account);
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule($sid, ([string]$grant.Rights), 'ContainerInherit,ObjectInherit', 'None', 'Allow');
        $acl.AddAccessRule($rule);
    }
    Set-Acl -LiteralPath ([string]$Arguments.Path) -AclObject $acl;
}
elseif ($action -eq 'create-event-source') {
    if (-not [System.Diagnostics.EventLog]::SourceExists([string]$Arguments.Source)) {
        [System.Diagnostics.EventLog]::CreateEventSource([string]$Arguments.Source, 'Application');
    }
}
elseif ($action -eq 'remove-event-source') {
    if ([System.Diagnostics.EventLog]::SourceExists([string]$Arguments.Source)) {
        [System.Diagnostics.EventLog]::DeleteEventSource([string]$Arguments.Source);
    }
}
elseif ($action -eq 'start-service') {
    Start-Service -Name ([string]$Arguments.Name);
    # A node.exe that dies at once (wrong Node.js, a broken build) shows here, not only in the logs.
    Start-Sleep -Seconds 5;
    $detail = [string](Get-Service -Name ([string]$Arguments.Name)).Status;
}
elseif ($action -eq 'remove-folder') {
    if (Test-Path -LiteralPath ([string]$Arguments.Path)) {
        Remove-Item -LiteralPath ([string]$Arguments.Path) -Recurse -Force;
    }
}
else {
    throw ('unknown service step ' + $action);
}
$result = New-Object -TypeName PSObject -Property @{ Status = 'done'; Action = $action; Detail = $detail };
return (ConvertTo-Json -InputObject $result -Compress);

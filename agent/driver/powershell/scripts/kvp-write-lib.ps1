# AddKvpItems / ModifyKvpItems / RemoveKvpItems on Msvm_VirtualSystemManagementService, with the
# Msvm_ConcreteJob polling the Hyper-V WMI docs describe. DataItems arrive ready-made: the agent encodes
# each Msvm_KvpExchangeDataItem with hyperv-kvp's encoder and sends the strings inside the base64
# request, so no tenant text is ever spliced into this script.
# Two ways to call the method, chosen by Arguments.Api:
#   'wmi'  Get-WmiObject (WMI v1), the documented sample; exists only in Windows PowerShell 5.1.
#   'cim'  Invoke-CimMethod with the CIM-XML strings: no public example of this was found, so it is
#          UNCONFIRMED; it is the only way on PowerShell 7, where Get-WmiObject does not exist.
#   'auto' 'wmi' when Get-WmiObject exists, else 'cim'.
# The result is data: Status done | no-vm | no-kvp-component | key-exists | key-not-found | failed |
# job-timeout, with every number projected as a string.
function ConvertTo-AvmaWriteResult {
    param([string]$Status, [string]$ReturnValue, $Job, [string[]]$Keys);
    $jobState = '';
    $errorCode = '';
    $errorText = '';
    if ($null -ne $Job) {
        $jobState = [string]$Job.JobState;
        $errorCode = [string]$Job.ErrorCode;
        $errorText = [string]$Job.ErrorDescription;
        if ([string]::IsNullOrEmpty($errorText)) {
            $errorText = [string]$Job.ErrorSummaryDescription;
        }
    }
    $result = New-Object -TypeName PSObject -Property @{
        Status = $Status;
        ReturnValue = $ReturnValue;
        JobState = $jobState;
        ErrorCode = $errorCode;
        ErrorDescription = $errorText;
        Keys = [string[]]@($Keys);
    };
    return (ConvertTo-Json -InputObject $result -Depth 3 -Compress);
}
# Polls a job until it leaves the running states (os-win's terminal set 7, 8, 9, 10, 32768) or the
# deadline passes; $Refresh re-reads it (CIM and WMI v1 refresh differently).
function Wait-AvmaJob {
    param($Job, [scriptblock]$Refresh, [int]$TimeoutSeconds);
    $deadline = (Get-Date).AddSeconds($TimeoutSeconds);
    $current = $Job;
    while (@(7, 8, 9, 10, 32768) -notcontains [int]$current.JobState) {
        if ((Get-Date) -gt $deadline) {
            return $current;
        }
        Start-Sleep -Milliseconds 100;
        $current = & $Refresh $current;
    }
    return $current;
}
function Invoke-AvmaKvpMethodCim {
    param([string]$Method, $VmSystem, [string[]]$Items);
    $service = @(Get-CimInstance -Namespace $avmaNamespace -ClassName Msvm_VirtualSystemManagementService)[0];
    $call = Invoke-CimMethod -InputObject $service -MethodName $Method -Arguments @{ TargetSystem = $VmSystem; DataItems = $Items };
    $refresh = { param($Job); Get-CimInstance -InputObject $Job };
    return New-Object -TypeName PSObject -Property @{ ReturnValue = [int]$call.ReturnValue; Job = $call.Job; Refresh = $refresh };
}
function Invoke-AvmaKvpMethodWmi {
    param([string]$Method, [string]$VmId, [string[]]$Items);
    $service = @(Get-WmiObject -Namespace 'root\virtualization\v2' -Class Msvm_VirtualSystemManagementService)[0];
    $vm = @(Get-WmiObject -Namespace 'root\virtualization\v2' -Class Msvm_ComputerSystem -Filter ("Name='" + $VmId + "'"))[0];
    if ($Method -eq 'AddKvpItems') {
        $call = $service.AddKvpItems($vm, $Items);
    }
    elseif ($Method -eq 'ModifyKvpItems') {
        $call = $service.ModifyKvpItems($vm, $Items);
    }
    else {
        $call = $service.RemoveKvpItems($vm, $Items);
    }
    $job = $null;
    if ([int]$call.ReturnValue -eq 4096) {
        $job = [wmi]$call.Job;
    }
    $refresh = { param($Job); [wmi]$Job.__PATH };
    return New-Object -TypeName PSObject -Property @{ ReturnValue = [int]$call.ReturnValue; Job = $job; Refresh = $refresh };
}
# Checks the VM's current HostExchangeItems first, in the same invocation, so that a refusal names the
# keys (WMI's own failure only says 32768). Keys compare case-insensitively, as the Windows registry
# that stores them in the guest does (UNCONFIRMED how Hyper-V itself compares them). Returns $null when
# the keys fit the method, else the refusal.
function Test-AvmaKvpKeys {
    param($Setting, [string[]]$Names, [string]$KeysMust);
    $existing = @(Get-AvmaItemNames -Items $Setting.HostExchangeItems);
    if ($KeysMust -eq 'absent') {
        $clash = @($Names | Where-Object { $existing -contains $_ });
        if ($clash.Count -gt 0) {
            return (ConvertTo-AvmaWriteResult -Status 'key-exists' -ReturnValue '' -Job $null -Keys $clash);
        }
        return $null;
    }
    $missing = @($Names | Where-Object { $existing -notcontains $_ });
    if ($missing.Count -gt 0) {
        return (ConvertTo-AvmaWriteResult -Status 'key-not-found' -ReturnValue '' -Job $null -Keys $missing);
    }
    return $null;
}
# Calls the method through the chosen API, waits for its job, and returns the result.
function Invoke-AvmaKvpMethod {
    param([string]$Method, [string]$Api, $VmSystem, [string]$VmId, [string[]]$Items, [int]$TimeoutSeconds);
    if ($Api -eq 'auto') {
        $Api = 'cim';
        if (Get-Command -Name Get-WmiObject -ErrorAction SilentlyContinue) {
            $Api = 'wmi';
        }
    }
    if ($Api -eq 'wmi') {
        $call = Invoke-AvmaKvpMethodWmi -Method $Method -VmId $VmId -Items $Items;
    }
    else {
        $call = Invoke-AvmaKvpMethodCim -Method $Method -VmSystem $VmSystem -Items $Items;
    }
    if ($call.ReturnValue -eq 0) {
        return (ConvertTo-AvmaWriteResult -Status 'done' -ReturnValue '0' -Job $null -Keys @());
    }
    if ($call.ReturnValue -ne 4096) {
        return (ConvertTo-AvmaWriteResult -Status 'failed' -ReturnValue ([string]$call.ReturnValue) -Job $null -Keys @());
    }
    $job = Wait-AvmaJob -Job $call.Job -Refresh $call.Refresh -TimeoutSeconds $TimeoutSeconds;
    $state = [int]$job.JobState;
    if (@(7, 8, 9, 10, 32768) -notcontains $state) {
        return (ConvertTo-AvmaWriteResult -Status 'job-timeout' -ReturnValue '4096' -Job $job -Keys @());
    }
    if ((@(7, 32768) -contains $state) -and ([int]$job.ErrorCode -eq 0)) {
        return (ConvertTo-AvmaWriteResult -Status 'done' -ReturnValue '4096' -Job $job -Keys @());
    }
    return (ConvertTo-AvmaWriteResult -Status 'failed' -ReturnValue '4096' -Job $job -Keys @());
}
function Invoke-AvmaKvpWrite {
    param($Arguments, [string]$Method, [string]$KeysMust);
    $vmId = [string]$Arguments.VmId;
    $vmSystem = Get-AvmaVmSystem -VmId $vmId;
    if ($null -eq $vmSystem) {
        return (ConvertTo-AvmaWriteResult -Status 'no-vm' -ReturnValue '' -Job $null -Keys @());
    }
    $setting = Get-AvmaKvpSetting -VmSystem $vmSystem;
    if ($null -eq $setting) {
        return (ConvertTo-AvmaWriteResult -Status 'no-kvp-component' -ReturnValue '' -Job $null -Keys @());
    }
    $names = [string[]]@(foreach ($name in @($Arguments.Names)) { [string]$name });
    $refusal = Test-AvmaKvpKeys -Setting $setting -Names $names -KeysMust $KeysMust;
    if ($null -ne $refusal) {
        return $refusal;
    }
    $items = [string[]]@(foreach ($item in @($Arguments.Items)) { [string]$item });
    # An empty call changes nothing; WMI's answer to an empty DataItems array is not documented.
    if ($items.Count -eq 0) {
        return (ConvertTo-AvmaWriteResult -Status 'done' -ReturnValue '' -Job $null -Keys @());
    }
    return (Invoke-AvmaKvpMethod -Method $Method -Api ([string]$Arguments.Api) -VmSystem $vmSystem -VmId $vmId -Items $items -TimeoutSeconds ([int]$Arguments.JobTimeoutSeconds));
}

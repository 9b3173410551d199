# Shared functions for the KVP operations, placed before the operation script by the runner.
# Class names and the component GUID are localisation-proof, unlike integration-service display names.
$avmaNamespace = 'root/virtualization/v2';
# The Key-Value Pair Exchange integration component: Msvm_KvpExchangeComponent.DeviceID is
# "Microsoft:<this GUID>" and its setting data's InstanceID is "Microsoft:<VM GUID>\<this GUID>".
$avmaKvpComponentId = '2A34B1C2-FD73-4043-8A5B-DD2159BC743F';
$avmaGuidPattern = '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$';
function Assert-AvmaVmId {
    param([string]$VmId);
    if ($VmId -notmatch $avmaGuidPattern) {
        throw ('VmId "' + $VmId + '" is not a GUID');
    }
}
# The VM's Msvm_ComputerSystem (Name is the VM GUID), or $null. The id was checked to be a GUID, so
# the WQL filter holds only hex digits and dashes.
function Get-AvmaVmSystem {
    param([string]$VmId);
    Assert-AvmaVmId -VmId $VmId;
    $found = @(Get-CimInstance -Namespace $avmaNamespace -ClassName Msvm_ComputerSystem -Filter ("Name='" + $VmId + "'"));
    if ($found.Count -eq 0) {
        return $null;
    }
    return $found[0];
}
# Msvm_KvpExchangeComponentSettingData of a VM through its realized Msvm_VirtualSystemSettingData
# (snapshots have their own setting data), or $null.
function Get-AvmaKvpSetting {
    param($VmSystem);
    $realized = @(Get-CimAssociatedInstance -InputObject $VmSystem -ResultClassName Msvm_VirtualSystemSettingData | Where-Object { $_.VirtualSystemType -eq 'Microsoft:Hyper-V:System:Realized' });
    if ($realized.Count -eq 0) {
        return $null;
    }
    $setting = @(Get-CimAssociatedInstance -InputObject $realized[0] -ResultClassName Msvm_KvpExchangeComponentSettingData);
    if ($setting.Count -eq 0) {
        return $null;
    }
    return $setting[0];
}
# The embedded-instance strings of a KVP item list, without nulls (a stopped VM reports $null).
function Get-AvmaItemTexts {
    param($Items);
    foreach ($item in @($Items)) {
        if ($null -ne $item) {
            [string]$item;
        }
    }
}
# The Name property of each embedded instance. The host wrote these items, not a tenant; DTDs and
# external resources are still switched off.
function Get-AvmaItemNames {
    param($Items);
    foreach ($text in @(Get-AvmaItemTexts -Items $Items)) {
        $document = New-Object -TypeName System.Xml.XmlDocument;
        $document.XmlResolver = $null;
        $document.LoadXml($text);
        $node = $document.SelectSingleNode('/INSTANCE/PROPERTY[@NAME=''Name'']/VALUE');
        if ($null -ne $node) {
            [string]$node.InnerText;
        }
    }
}

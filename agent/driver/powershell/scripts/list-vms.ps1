# list-vms: every VM with its three KVP item lists and the Data Exchange switch, in ONE invocation and
# a constant number of queries: Get-VM, then all Msvm_KvpExchangeComponent (keyed by SystemName, the
# VM GUID) and all Msvm_KvpExchangeComponentSettingData (keyed by the VM GUID in InstanceID
# "Microsoft:<VM GUID>\<component GUID>"). A VM whose setting data the bulk query did not match is
# looked up through its realized settings instead (UNCONFIRMED that the InstanceID shape holds on every
# Windows release, so the slow path stays correct).
# State is projected BY NAME ($vm.State.ToString()): the enum's numbers differ between releases.
# Data Exchange comes from the setting data's EnabledState (2 enabled, 3 disabled), the value
# Get-VMIntegrationService shows as Enabled, so no localised service name is involved.
# ProcessorCount (configured virtual processors) and MemoryAssigned (bytes the host assigned now; 0
# when the VM is not running) are Get-VM properties of the same objects, so billing costs no query.
$ErrorActionPreference = 'Stop';
$components = @{};
foreach ($component in @(Get-CimInstance -Namespace $avmaNamespace -ClassName Msvm_KvpExchangeComponent)) {
    $components[([string]$component.SystemName).ToUpperInvariant()] = $component;
}
$settings = @{};
foreach ($setting in @(Get-CimInstance -Namespace $avmaNamespace -ClassName Msvm_KvpExchangeComponentSettingData)) {
    $instanceId = [string]$setting.InstanceID;
    if ($instanceId -match '^Microsoft:([0-9A-Fa-f-]{36})\\') {
        $settings[$Matches[1].ToUpperInvariant()] = $setting;
    }
}
$rows = New-Object -TypeName System.Collections.Generic.List[object];
foreach ($vm in @(Get-VM)) {
    $id = $vm.Id.ToString().ToUpperInvariant();
    $component = $components[$id];
    $setting = $settings[$id];
    if ($null -eq $setting) {
        $vmSystem = Get-AvmaVmSystem -VmId $id;
        if ($null -ne $vmSystem) {
            $setting = Get-AvmaKvpSetting -VmSystem $vmSystem;
        }
    }
    $dataExchange = 'unknown';
    $hostItems = @();
    if ($null -ne $setting) {
        if ([int]$setting.EnabledState -eq 2) {
            $dataExchange = 'true';
        }
        elseif ([int]$setting.EnabledState -eq 3) {
            $dataExchange = 'false';
        }
        $hostItems = @(Get-AvmaItemTexts -Items $setting.HostExchangeItems);
    }
    $intrinsicItems = @();
    $guestItems = @();
    if ($null -ne $component) {
        $intrinsicItems = @(Get-AvmaItemTexts -Items $component.GuestIntrinsicExchangeItems);
        $guestItems = @(Get-AvmaItemTexts -Items $component.GuestExchangeItems);
    }
    $rows.Add((New-Object -TypeName PSObject -Property @{
        Id = $vm.Id.ToString();
        Name = [string]$vm.Name;
        State = $vm.State.ToString();
        DataExchange = $dataExchange;
        IntrinsicItems = [string[]]$intrinsicItems;
        GuestItems = [string[]]$guestItems;
        HostItems = [string[]]$hostItems;
        ProcessorCount = [string]$vm.ProcessorCount;
        MemoryAssigned = [string]$vm.MemoryAssigned;
    }));
}
$inventory = New-Object -TypeName PSObject -Property @{ Vms = $rows.ToArray() };
return (ConvertTo-Json -InputObject $inventory -Depth 4 -Compress);

# add-kvp: AddKvpItems for Arguments.VmId with Arguments.Items (CIM-XML strings, at most 128); refused
# as key-exists when any of Arguments.Names is already a host item (WMI would refuse the whole call).
$ErrorActionPreference = 'Stop';
return (Invoke-AvmaKvpWrite -Arguments $Arguments -Method 'AddKvpItems' -KeysMust 'absent');

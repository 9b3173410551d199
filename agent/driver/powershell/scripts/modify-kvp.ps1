# modify-kvp: ModifyKvpItems; refused as key-not-found when any of Arguments.Names is not a host item.
$ErrorActionPreference = 'Stop';
return (Invoke-AvmaKvpWrite -Arguments $Arguments -Method 'ModifyKvpItems' -KeysMust 'present');

# remove-kvp: RemoveKvpItems ("only the keys need to match": the items carry empty Data); refused as
# key-not-found when any of Arguments.Names is not a host item.
$ErrorActionPreference = 'Stop';
return (Invoke-AvmaKvpWrite -Arguments $Arguments -Method 'RemoveKvpItems' -KeysMust 'present');

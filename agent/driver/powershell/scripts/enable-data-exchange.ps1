# enable-data-exchange: turns the Key-Value Pair Exchange integration service on for Arguments.VmId.
# The service is found by its component GUID in the integration service Id, or by either display name
# ("Key-Value Pair Exchange" on current hosts, "Data Exchange" in newer documentation); other display
# names are localised, which is why the GUID comes first.
$ErrorActionPreference = 'Stop';
return (Set-AvmaDataExchange -VmId ([string]$Arguments.VmId) -Enabled $true);

# disable-data-exchange: turns the Key-Value Pair Exchange integration service off for Arguments.VmId.
$ErrorActionPreference = 'Stop';
return (Set-AvmaDataExchange -VmId ([string]$Arguments.VmId) -Enabled $false);

# Set-AvmaDataExchange: Enable-/Disable-VMIntegrationService on the VM's KVP integration service.
# Result: Status done | no-vm | no-service, Enabled as 'true' / 'false' after the change.
function Set-AvmaDataExchange {
    param([string]$VmId, [bool]$Enabled);
    Assert-AvmaVmId -VmId $VmId;
    $vm = @(Get-VM | Where-Object { $_.Id.ToString() -eq $VmId });
    $status = 'no-vm';
    $now = '';
    if ($vm.Count -gt 0) {
        $names = @('Key-Value Pair Exchange', 'Data Exchange');
        $service = @(Get-VMIntegrationService -VM $vm[0] | Where-Object { ([string]$_.Id).ToUpperInvariant().Contains($avmaKvpComponentId) -or ($names -contains $_.Name) });
        $status = 'no-service';
        if ($service.Count -gt 0) {
            if ($Enabled) {
                Enable-VMIntegrationService -VMIntegrationService $service[0];
            }
            else {
                Disable-VMIntegrationService -VMIntegrationService $service[0];
            }
            $status = 'done';
            $now = ([string]$Enabled).ToLowerInvariant();
        }
    }
    $result = New-Object -TypeName PSObject -Property @{ Status = $status; Enabled = $now };
    return (ConvertTo-Json -InputObject $result -Compress);
}

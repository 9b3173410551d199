# The Windows licence as SoftwareLicensingProduct reports it (ApplicationID of Windows, a key
# installed), projected to explicit strings so Windows PowerShell 5.1 and PowerShell 7 print the same
# JSON. Request: {}. Result: {"products":[...]}; the caller skips add-on licences (LicenseIsAddon).
param([Parameter(Mandatory = $true)][string]$RequestBase64)
. (Join-Path -Path $PSScriptRoot -ChildPath 'avma-common.ps1')

Invoke-AvmaScript -Body {
    $filter = "ApplicationID='55c92734-d682-4d71-983e-d6ec3f16059f' AND PartialProductKey IS NOT NULL"
    $products = New-Object System.Collections.ArrayList
    foreach ($product in @(Get-CimInstance -ClassName SoftwareLicensingProduct -Filter $filter)) {
        if ($products.Count -ge 16) { break }
        [void]$products.Add(@{
            name = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'Name') -Max 256)
            description = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'Description') -Max 512)
            partialProductKey = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'PartialProductKey') -Max 16)
            productKeyChannel = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'ProductKeyChannel') -Max 64)
            licenseStatus = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'LicenseStatus') -Max 16)
            licenseStatusReason = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'LicenseStatusReason') -Max 16)
            gracePeriodRemaining = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'GracePeriodRemaining') -Max 16)
            licenseIsAddon = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'LicenseIsAddon') -Max 8)
            avmaHostMachineName = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $product -Name 'AutomaticVMActivationHostMachineName') -Max 256)
            avmaLastActivationTime = (Format-AvmaTime -Value (Get-AvmaCimValue -Instance $product -Name 'AutomaticVMActivationLastActivationTime'))
        })
    }
    return @{ products = $products }
}

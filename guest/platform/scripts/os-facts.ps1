# Build, ProductType and SKU of this Windows installation from Win32_OperatingSystem, as strings.
# Request: {}. Result: {"buildNumber","productType","operatingSystemSku","caption"}.
param([Parameter(Mandatory = $true)][string]$RequestBase64)
. (Join-Path -Path $PSScriptRoot -ChildPath 'avma-common.ps1')

Invoke-AvmaScript -Body {
    $os = @(Get-CimInstance -ClassName Win32_OperatingSystem)[0]
    return @{
        buildNumber = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $os -Name 'BuildNumber') -Max 16)
        productType = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $os -Name 'ProductType') -Max 8)
        operatingSystemSku = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $os -Name 'OperatingSystemSKU') -Max 8)
        caption = (Limit-AvmaText -Value (Get-AvmaCimValue -Instance $os -Name 'Caption') -Max 256)
    }
}

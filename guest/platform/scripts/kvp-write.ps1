# Writes one of the agent's own values to HKLM\SOFTWARE\Microsoft\Virtual Machine\Guest as REG_SZ.
# Request: {"name":"AvmaAgent.…","data":"…"}. Only AvmaAgent.* names of letters, digits and dots (no
# wildcard characters) and data of at most 1022 characters are accepted: defence in depth behind the
# agent's own checks.
param([Parameter(Mandatory = $true)][string]$RequestBase64)
. (Join-Path -Path $PSScriptRoot -ChildPath 'avma-common.ps1')

Invoke-AvmaScript -Body {
    $request = ConvertFrom-AvmaRequest -Encoded $RequestBase64
    $name = [string]$request.name
    $data = [string]$request.data
    if ($name -cnotmatch '^AvmaAgent\.[A-Za-z0-9.]{1,64}$') { throw 'name must be an AvmaAgent.* item name' }
    if ($data.Length -gt 1022) { throw 'data must be at most 1022 characters' }
    $path = Join-Path -Path $script:AvmaKvpRoot -ChildPath 'Guest'
    if (-not (Test-Path -LiteralPath $path)) { New-Item -Path $path -Force | Out-Null }
    Set-ItemProperty -LiteralPath $path -Name $name -Value $data -Type String
    return @{ written = $name }
}

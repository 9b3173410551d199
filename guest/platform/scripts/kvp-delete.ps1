# Deletes one of the agent's own values from HKLM\SOFTWARE\Microsoft\Virtual Machine\Guest.
# Request: {"name":"AvmaAgent.…"}. Deleting a value that does not exist succeeds. The name check
# keeps wildcard characters away from Remove-ItemProperty -Name, which would expand them.
param([Parameter(Mandatory = $true)][string]$RequestBase64)
. (Join-Path -Path $PSScriptRoot -ChildPath 'avma-common.ps1')

Invoke-AvmaScript -Body {
    $request = ConvertFrom-AvmaRequest -Encoded $RequestBase64
    $name = [string]$request.name
    if ($name -cnotmatch '^AvmaAgent\.[A-Za-z0-9.]{1,64}$') { throw 'name must be an AvmaAgent.* item name' }
    $path = Join-Path -Path $script:AvmaKvpRoot -ChildPath 'Guest'
    $deleted = $false
    if (Test-Path -LiteralPath $path) {
        $key = Get-Item -LiteralPath $path
        if ($key.GetValueNames() -contains $name) {
            Remove-ItemProperty -LiteralPath $path -Name $name
            $deleted = $true
        }
    }
    return @{ deleted = $deleted }
}

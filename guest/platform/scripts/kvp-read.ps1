# Reads the string values of one KVP registry pool of this guest:
#   External = HKLM\SOFTWARE\Microsoft\Virtual Machine\External (what the host pushed, Source 0)
#   Guest    = HKLM\SOFTWARE\Microsoft\Virtual Machine\Guest    (what the guest publishes, Source 1)
# Request: {"pool":"External"|"Guest"}. Result: {"items":[{"name","data","length"}]}; data is cut to
# 2049 characters (still over every protocol limit, so the agent refuses it as too large) and at most
# 1024 values are listed. Get-Item + GetValueNames is used instead of Get-ItemProperty so that a value
# named like a PS* note property cannot be confused with one.
param([Parameter(Mandatory = $true)][string]$RequestBase64)
. (Join-Path -Path $PSScriptRoot -ChildPath 'avma-common.ps1')

Invoke-AvmaScript -Body {
    $request = ConvertFrom-AvmaRequest -Encoded $RequestBase64
    $pool = [string]$request.pool
    if (($pool -cne 'External') -and ($pool -cne 'Guest')) { throw 'pool must be External or Guest' }
    $path = Join-Path -Path $script:AvmaKvpRoot -ChildPath $pool
    $items = New-Object System.Collections.ArrayList
    if (Test-Path -LiteralPath $path) {
        $key = Get-Item -LiteralPath $path
        foreach ($name in $key.GetValueNames()) {
            if ($items.Count -ge 1024) { break }
            if ([string]::IsNullOrEmpty($name)) { continue }
            if ($key.GetValueKind($name) -ne [Microsoft.Win32.RegistryValueKind]::String) { continue }
            $data = [string]$key.GetValue($name)
            [void]$items.Add(@{ name = (Limit-AvmaText -Value $name -Max 256); data = (Limit-AvmaText -Value $data -Max 2049); length = $data.Length })
        }
    }
    return @{ items = $items }
}

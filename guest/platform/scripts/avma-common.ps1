# Helpers dot-sourced by every avma-agent guest script.
# Runs on Windows PowerShell 5.1 and PowerShell 7: no '??', '?.', ternary, pipeline chains,
# -AsArray or -EnumsAsStrings. Untrusted text never enters script text: requests arrive as base64 of
# UTF-8 JSON, and the one result leaves as a single marked line of ASCII-only JSON, so the console
# code page cannot mangle it.
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$script:AvmaResultMarker = 'AVMA-AGENT-RESULT '
$script:AvmaKvpRoot = 'HKLM:\SOFTWARE\Microsoft\Virtual Machine'

function ConvertFrom-AvmaRequest {
    param([Parameter(Mandatory = $true)][string]$Encoded)
    $bytes = [System.Convert]::FromBase64String($Encoded)
    $json = [System.Text.Encoding]::UTF8.GetString($bytes)
    return (ConvertFrom-Json -InputObject $json)
}

function Limit-AvmaText {
    param([AllowNull()][object]$Value, [Parameter(Mandatory = $true)][int]$Max)
    if ($null -eq $Value) { return '' }
    $text = [string]$Value
    if ($text.Length -gt $Max) { return $text.Substring(0, $Max) }
    return $text
}

# Property of a CIM instance, or $null when this Windows release does not have it (strict mode
# would otherwise stop on a missing property).
function Get-AvmaCimValue {
    param([Parameter(Mandatory = $true)][object]$Instance, [Parameter(Mandatory = $true)][string]$Name)
    $property = $Instance.CimInstanceProperties[$Name]
    if ($null -eq $property) { return $null }
    return $property.Value
}

# Dates leave as ISO-8601 UTC text ('o'); a WMI DMTF string passes through for the caller to convert.
function Format-AvmaTime {
    param([AllowNull()][object]$Value)
    if ($null -eq $Value) { return '' }
    if ($Value -is [System.DateTime]) { return $Value.ToUniversalTime().ToString('o') }
    return (Limit-AvmaText -Value $Value -Max 64)
}

# ConvertTo-Json keeps non-ASCII characters as they are; escape them so the line is pure ASCII.
function ConvertTo-AvmaAsciiJson {
    param([Parameter(Mandatory = $true)][string]$Json)
    $builder = New-Object System.Text.StringBuilder
    foreach ($character in $Json.ToCharArray()) {
        $code = [int]$character
        if ($code -gt 126) {
            [void]$builder.AppendFormat('\u{0:x4}', $code)
        } else {
            [void]$builder.Append($character)
        }
    }
    return $builder.ToString()
}

function Write-AvmaResult {
    param([Parameter(Mandatory = $true)][hashtable]$Result)
    $json = ConvertTo-Json -InputObject $Result -Depth 6 -Compress
    [Console]::Out.WriteLine($script:AvmaResultMarker + (ConvertTo-AvmaAsciiJson -Json $json))
}

# Runs the body; its hashtable becomes {"ok":true,"value":...}, a terminating error becomes
# {"ok":false,"error":...,"kind":...} and exit code 1.
function Invoke-AvmaScript {
    param([Parameter(Mandatory = $true)][scriptblock]$Body)
    try {
        $value = & $Body
        Write-AvmaResult -Result @{ ok = $true; value = $value }
        exit 0
    } catch {
        $message = Limit-AvmaText -Value $_.Exception.Message -Max 300
        Write-AvmaResult -Result @{ ok = $false; error = $message; kind = $_.Exception.GetType().Name }
        exit 1
    }
}

# Event 12309 records of the Application log after a record-id bookmark, oldest first.
# Request: {"afterRecordId":N,"maxEvents":M}. The XPath is built from the number after a [long] cast,
# never from request text. -ErrorAction SilentlyContinue: Get-WinEvent reports "no events" as an
# error. Result: {"events":[{"recordId","time","message","data":[...]}]}; EventData values are kept
# because the layout of 12309 is not documented.
param([Parameter(Mandatory = $true)][string]$RequestBase64)
. (Join-Path -Path $PSScriptRoot -ChildPath 'avma-common.ps1')

Invoke-AvmaScript -Body {
    $request = ConvertFrom-AvmaRequest -Encoded $RequestBase64
    $after = [long]$request.afterRecordId
    $max = [int]$request.maxEvents
    if ($after -lt 0) { throw 'afterRecordId must be 0 or more' }
    if (($max -lt 1) -or ($max -gt 256)) { throw 'maxEvents must be 1..256' }
    $bookmark = $after.ToString([System.Globalization.CultureInfo]::InvariantCulture)
    $xpath = '*[System[(EventRecordID > ' + $bookmark + ') and (EventID=12309)]]'
    $records = @(Get-WinEvent -LogName Application -FilterXPath $xpath -MaxEvents $max -ErrorAction SilentlyContinue)
    $events = New-Object System.Collections.ArrayList
    foreach ($record in @($records | Sort-Object -Property RecordId)) {
        $data = New-Object System.Collections.ArrayList
        foreach ($property in @($record.Properties)) {
            if ($data.Count -ge 16) { break }
            [void]$data.Add((Limit-AvmaText -Value $property.Value -Max 256))
        }
        [void]$events.Add(@{
            recordId = [string]$record.RecordId
            time = (Format-AvmaTime -Value $record.TimeCreated)
            message = (Limit-AvmaText -Value $record.Message -Max 2048)
            data = $data
        })
    }
    return @{ events = $events }
}

# read-events: Application-log events of Arguments.EventIds with EventRecordID above the bookmark,
# oldest first, at most Arguments.MaxEvents. The XPath filter is built from numbers parsed here
# ([long] / [int]), never from text. -ErrorAction SilentlyContinue hides "NoMatchingEventsFound"
# (Get-WinEvent reports an empty result as an error); every other error is raised.
# Record ids and event ids are projected as strings (Int64 record ids exceed JavaScript's exact range in
# theory), times as ISO-8601 UTC, EventData as name/value pairs (positional index when unnamed).
$ErrorActionPreference = 'Stop';
$after = [long]0;
if (-not [long]::TryParse([string]$Arguments.AfterRecordId, [ref]$after)) {
    throw ('AfterRecordId "' + [string]$Arguments.AfterRecordId + '" is not a whole number');
}
$ids = @(foreach ($eventId in @($Arguments.EventIds)) { [int]$eventId });
if ($ids.Count -eq 0) {
    throw 'EventIds is empty; expected at least one event id';
}
$idClause = (@(foreach ($eventId in $ids) { 'EventID=' + $eventId }) -join ' or ');
$xpath = '*[System[(EventRecordID > ' + $after + ') and (' + $idClause + ')]]';
$readErrors = @();
$records = @(Get-WinEvent -LogName Application -FilterXPath $xpath -MaxEvents ([int]$Arguments.MaxEvents) -Oldest -ErrorAction SilentlyContinue -ErrorVariable readErrors);
foreach ($readError in @($readErrors)) {
    if (-not ([string]$readError.FullyQualifiedErrorId).StartsWith('NoMatchingEventsFound')) {
        throw $readError;
    }
}
$rows = New-Object -TypeName System.Collections.Generic.List[object];
foreach ($record in $records) {
    $document = New-Object -TypeName System.Xml.XmlDocument;
    $document.XmlResolver = $null;
    $document.LoadXml($record.ToXml());
    $data = New-Object -TypeName System.Collections.Generic.List[object];
    $index = 0;
    foreach ($node in @($document.GetElementsByTagName('Data'))) {
        $name = [string]$node.GetAttribute('Name');
        if ([string]::IsNullOrEmpty($name)) {
            $name = [string]$index;
        }
        $data.Add((New-Object -TypeName PSObject -Property @{ Name = $name; Value = [string]$node.InnerText }));
        $index = $index + 1;
    }
    $time = '';
    if ($null -ne $record.TimeCreated) {
        $time = $record.TimeCreated.ToUniversalTime().ToString('o');
    }
    $rows.Add((New-Object -TypeName PSObject -Property @{
        RecordId = [string]$record.RecordId;
        EventId = [string]$record.Id;
        Provider = [string]$record.ProviderName;
        TimeCreated = $time;
        Message = [string]$record.Message;
        Data = $data.ToArray();
    }));
}
$sorted = @($rows | Sort-Object -Property { [long]$_.RecordId });
$result = New-Object -TypeName PSObject -Property @{ Events = $sorted };
return (ConvertTo-Json -InputObject $result -Depth 5 -Compress);

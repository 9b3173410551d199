# write-event-log: one entry in the local Application log under the agent's own event source, through
# .NET's EventLog class (Write-EventLog does not exist in PowerShell 7; the class does, in both).
# The source is registered by `avma service install` (that needs elevation once; writing does not).
# Arguments: Source, EntryType ('Warning' or 'Error'), EventId (1..65535), Message (data only).
$ErrorActionPreference = 'Stop';
$entryType = [System.Diagnostics.EventLogEntryType]::Warning;
if ([string]$Arguments.EntryType -eq 'Error') {
    $entryType = [System.Diagnostics.EventLogEntryType]::Error;
}
[System.Diagnostics.EventLog]::WriteEntry([string]$Arguments.Source, [string]$Arguments.Message, $entryType, [int]$Arguments.EventId);
$result = New-Object -TypeName PSObject -Property @{ Status = 'done' };
return (ConvertTo-Json -InputObject $result -Compress);

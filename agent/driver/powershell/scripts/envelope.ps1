# The envelope around every operation: the runner joins this file into ONE line (comment lines dropped,
# lines trimmed and joined with a space) and sends it to `powershell -NoProfile -NonInteractive
# -ExecutionPolicy Bypass -Command -`. Wrapping the request in `& { ... }` makes it one statement, so
# PowerShell's stdin reader never waits for more input and `$ErrorActionPreference` applies to all of it
# (preferences set on earlier stdin lines do not carry over).
# Placeholders, replaced by the runner with text it generated itself, never with tenant data:
#   __AVMA_MARKER__    per-call result marker, "avma:" + 32 hex digits + ":"
#   __AVMA_REQUEST__   base64 of the UTF-8 JSON request {"ComputerName": ..., "Arguments": {...}}
#   __AVMA_OPERATION__ the operation script, itself joined into one line
# Arguments travel only inside the base64 text, which holds no quote, `$`, backtick or semicolon.
& {
    $ErrorActionPreference = 'Stop';
    $ProgressPreference = 'SilentlyContinue';
    $WarningPreference = 'SilentlyContinue';
    $VerbosePreference = 'SilentlyContinue';
    $avmaMarker = '__AVMA_MARKER__';
    try {
        # Without a console (a service host), setting the encoding can fail; the result line still
        # parses, and only non-ASCII text may be mangled, so the call goes on.
        try {
            [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding -ArgumentList $false;
        }
        catch {
            $avmaEncodingError = $_.Exception.Message;
        }
        $avmaRequest = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('__AVMA_REQUEST__')) | ConvertFrom-Json;
        $avmaOperation = { param($Arguments); __AVMA_OPERATION__ };
        if ($avmaRequest.ComputerName) {
            # One PSSession per shell process (the runner keeps one shell per host), reused across calls.
            if ((-not $global:AvmaSession) -or ($global:AvmaSession.State -ne 'Opened')) {
                $global:AvmaSession = New-PSSession -ComputerName ([string]$avmaRequest.ComputerName);
            }
            $avmaOutput = @(Invoke-Command -Session $global:AvmaSession -ScriptBlock $avmaOperation -ArgumentList $avmaRequest.Arguments);
        }
        else {
            $avmaOutput = @(& $avmaOperation $avmaRequest.Arguments);
        }
        # Anything else an operation writes to the pipeline would corrupt the result, so refuse it.
        if (($avmaOutput.Count -ne 1) -or (-not ($avmaOutput[0] -is [string]))) {
            throw ('the operation wrote ' + $avmaOutput.Count + ' objects; expected exactly one JSON string');
        }
        [Console]::Out.WriteLine($avmaMarker + '{"ok":' + $avmaOutput[0] + '}');
    }
    catch {
        $avmaError = New-Object -TypeName PSObject -Property @{
            message = [string]$_.Exception.Message;
            type = [string]$_.Exception.GetType().FullName;
            id = [string]$_.FullyQualifiedErrorId;
        };
        [Console]::Out.WriteLine($avmaMarker + '{"error":' + (ConvertTo-Json -InputObject $avmaError -Compress) + '}');
    }
}

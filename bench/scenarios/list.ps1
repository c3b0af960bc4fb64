# Get-CloudImage in a fresh PowerShell: every image (time to the first object and in total), or only the
# first (Select-Object -First 1), noting when the pipeline stopped so the caller can count the calls the
# emulator received after that. Writes its figures as JSON to -ResultPath.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $StateDir,
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $ResultPath,
    [switch] $FirstOnly,
    # How long to stay alive after a stopped pipeline, so that calls it failed to stop would show.
    [double] $LingerSeconds = 2
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
. (Join-Path $StateDir 'emulators.ps1')
$target = Get-Variable -Name $Provider -ValueOnly
$clock = [Diagnostics.Stopwatch]::StartNew()
if ($FirstOnly) {
    $first = Get-CloudImage @target | Select-Object -First 1
    $seconds = $clock.Elapsed.TotalSeconds
    $stoppedAt = [DateTimeOffset]::UtcNow
    Start-Sleep -Seconds $LingerSeconds
    $result = @{ Seconds = $seconds; FirstSeconds = $seconds; Listed = @($first).Count; StoppedAt = $stoppedAt.ToString('o') }
}
else {
    $firstSeconds = $null
    $listed = 0
    Get-CloudImage @target | ForEach-Object {
        if ($listed -eq 0) { $firstSeconds = $clock.Elapsed.TotalSeconds }
        $listed++
    }
    $result = @{ Seconds = $clock.Elapsed.TotalSeconds; FirstSeconds = $firstSeconds; Listed = $listed }
}
[pscustomobject]$result | ConvertTo-Json -Compress | Set-Content $ResultPath

# One Remove-CloudImage measurement in a fresh PowerShell (so session-wide limits start from scratch and
# peak memory is this scenario's own). Writes its figures as JSON to -ResultPath.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $StateDir,
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $IdsPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Batched: every id piped into one Remove-CloudImage. Naive: a PowerShell loop, one command per id.
    [ValidateSet('Batched', 'Naive')] [string] $Mode = 'Batched'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
. (Join-Path $StateDir 'emulators.ps1')
$target = Get-Variable -Name $Provider -ValueOnly
$ids = [string[]](Get-Content $IdsPath)
$self = [Diagnostics.Process]::GetCurrentProcess()
$cpuBefore = $self.TotalProcessorTime
$clock = [Diagnostics.Stopwatch]::StartNew()
$errors = @()
if ($Mode -eq 'Batched') {
    $results = $ids | Remove-CloudImage @target -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable +errors
}
else {
    # A command that cannot start (a failed sign-in) ends with a terminating error: count it and go on, as a loop in a script would.
    $results = foreach ($id in $ids) {
        try { Remove-CloudImage @target -ImageId $id -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable +errors }
        catch { $errors += $_ }
    }
}
$clock.Stop()
$self.Refresh()
[pscustomobject]@{
    Seconds    = $clock.Elapsed.TotalSeconds
    CpuSeconds = ($self.TotalProcessorTime - $cpuBefore).TotalSeconds
    Removed    = @($results | Where-Object Status -in 'Deleted', 'Deleting').Count
    Errors     = @($errors).Count
    ErrorCodes = @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId)".Split(',')[0] } | Sort-Object -Unique)
    FirstError = @($errors | ForEach-Object { "$_" } | Select-Object -First 1)
} | ConvertTo-Json -Compress | Set-Content $ResultPath

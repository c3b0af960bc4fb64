# One Remove-CloudImage measurement in a fresh PowerShell (so session-wide limits start from scratch and
# peak memory is this scenario's own). Writes its figures as JSON to -ResultPath.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $StateDir,
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $IdsPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Batched: every id piped into one Remove-CloudImage. Naive: a PowerShell loop, one command per id.
    [ValidateSet('Batched', 'Naive')] [string] $Mode = 'Batched',
    # The emulator's call-log position before this scenario: the warm-up's calls are left out of the count.
    [Parameter(Mandatory)] [long] $CallsSince
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
. (Join-Path $StateDir 'emulators.ps1')
$target = Get-Variable -Name $Provider -ValueOnly
$ids = [string[]](Get-Content $IdsPath)

# Warm up as an interactive session would be: one -WhatIf check of an id that does not exist (module code
# compiled, connection open, signer run). What a fresh PowerShell pays for that once is reported on its own.
$warmUp = [Diagnostics.Stopwatch]::StartNew()
$example = [ImageCmdlets.Providers.ProviderRegistry]::Find($Provider).Capabilities.ImageIdExample
$null = Remove-CloudImage @target -ImageId $example -WhatIf -ErrorAction SilentlyContinue 6>$null
$warmUp.Stop()
$endpoint = ((Get-Content -Raw (Join-Path $StateDir 'emulators.json') | ConvertFrom-Json) | Where-Object provider -eq $Provider).endpoint
$callsFrom = (Invoke-RestMethod "$($endpoint.TrimEnd('/'))/_emulator/calls?since=$CallsSince").next

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
    WarmUpSeconds = $warmUp.Elapsed.TotalSeconds
    CallsFrom  = $callsFrom
    CpuSeconds = ($self.TotalProcessorTime - $cpuBefore).TotalSeconds
    Removed    = @($results | Where-Object Status -in 'Deleted', 'Deleting').Count
    Errors     = @($errors).Count
    ErrorCodes = @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId)".Split(',')[0] } | Sort-Object -Unique)
    FirstError = @($errors | ForEach-Object { "$_" } | Select-Object -First 1)
} | ConvertTo-Json -Compress | Set-Content $ResultPath

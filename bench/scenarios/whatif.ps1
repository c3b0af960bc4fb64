# 100,000 ids under -WhatIf in a fresh PowerShell: Remove-CloudImage, or the floor (a compiled cmdlet that
# only calls ShouldProcess, bench/ShouldProcessOnly.cs). CPU time of this process per image, and how far
# its peak working set grew over the scenario. Writes its figures as JSON to -ResultPath.
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $StateDir,
    [Parameter(Mandatory)] [string] $Provider,
    [Parameter(Mandatory)] [string] $IdsPath,
    [Parameter(Mandatory)] [string] $ResultPath,
    [ValidateSet('Cmdlet', 'CmdletByParameter', 'Floor')] [string] $Subject = 'Cmdlet'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Add-Type -Path (Join-Path $PSScriptRoot '../ShouldProcessOnly.cs') -ReferencedAssemblies ([System.Management.Automation.PSCmdlet].Assembly.Location)
Import-Module -Assembly ([ImageCmdlets.Bench.ShouldProcessOnlyCommand].Assembly)
. (Join-Path $StateDir 'emulators.ps1')
$target = Get-Variable -Name $Provider -ValueOnly
$ids = [string[]](Get-Content $IdsPath)

function Invoke-Subject([string[]] $someIds) {
    if ($Subject -eq 'Floor') { $null = $someIds | Invoke-ShouldProcessOnly -WhatIf }
    elseif ($Subject -eq 'CmdletByParameter') { $null = Remove-CloudImage @target -ImageId $someIds -WhatIf -ErrorAction SilentlyContinue }
    else { $null = $someIds | Remove-CloudImage @target -WhatIf -ErrorAction SilentlyContinue }
}

# Warm up (first JIT, connection, the session's call gate). The first pass over all the ids still pays the
# runtime's tiered re-compilation of whatever became hot (a one-time cost of the process, measured: ~2 s
# for the cmdlet); a second pass over the same ids gives the steady cost per image. Both are reported.
Invoke-Subject $ids[0..999]
[GC]::Collect()
[GC]::WaitForPendingFinalizers()
$self = [Diagnostics.Process]::GetCurrentProcess()
$self.Refresh()
$workingSetBefore = $self.WorkingSet64
$heapBefore = [GC]::GetTotalMemory($true)
$cpuBefore = $self.TotalProcessorTime
$clock = [Diagnostics.Stopwatch]::StartNew()
Invoke-Subject $ids
$clock.Stop()
$self.Refresh()
# What stays reachable once the command is over (the peak above includes garbage not yet collected).
$heapAfter = [GC]::GetTotalMemory($true)
$cpuSteady = $self.TotalProcessorTime
$steadyClock = [Diagnostics.Stopwatch]::StartNew()
Invoke-Subject $ids
$steadyClock.Stop()
$self.Refresh()
[pscustomobject]@{
    Seconds            = $clock.Elapsed.TotalSeconds
    CpuSeconds         = ($cpuSteady - $cpuBefore).TotalSeconds
    SteadySeconds      = $steadyClock.Elapsed.TotalSeconds
    SteadyCpuSeconds   = ($self.TotalProcessorTime - $cpuSteady).TotalSeconds
    Images             = $ids.Count
    PeakGrowthBytes    = [Math]::Max(0, $self.PeakWorkingSet64 - $workingSetBefore)
    HeapGrowthBytes    = [Math]::Max(0, $heapAfter - $heapBefore)
} | ConvertTo-Json -Compress | Set-Content $ResultPath

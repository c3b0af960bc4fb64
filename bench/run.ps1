#requires -Version 7.4
<#
.SYNOPSIS
    ImageCmdlets' benchmark: the real cmdlets in real PowerShell, over real HTTP, against the in-repo
    emulators with added latency and each provider's documented limits; then BenchmarkDotNet
    microbenchmarks. Prints a Markdown report (and writes it to -ReportPath) for docs/benchmarks.md.
.DESCRIPTION
    Every provider in ProviderRegistry that has an emulator is measured; a provider added later is
    measured without changing this script. Each scenario runs in its own fresh PowerShell process
    (bench/scenarios/*.ps1), so the session-wide call gates start from scratch and peak memory is the
    scenario's own. Call counts are read from the emulator's call log (GET /_emulator/calls).
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./bench/run.ps1
.EXAMPLE
    dotnet pwsh ./bench/run.ps1 -Provider Tencent -SkipNaive -SkipMicro
#>
[CmdletBinding()]
param(
    # Images per provider for the deletion rows.
    [int] $Count = 1000,
    # Added to every API request by the emulators.
    [int] $LatencyMs = 50,
    # Images for the naive loop (one Remove-CloudImage per id, sequential); 0 = $Count.
    [int] $NaiveCount = 0,
    # Images listed for the listing rows.
    [int] $ListCount = 10000,
    # Ids for the per-image CPU and memory rows (-WhatIf).
    [int] $WhatIfCount = 100000,
    # The provider for the -WhatIf rows (ids are checked by a describe; no latency there, CPU is the point).
    [string] $WhatIfProvider = 'Volcengine',
    # Each -WhatIf subject runs this many times (each in a fresh process); every figure is the median.
    [ValidateRange(1, 9)] [int] $WhatIfRepeat = 3,
    # Only these providers (default: every registered one with an emulator).
    [string[]] $Provider,
    [switch] $SkipBuild,
    [switch] $SkipNaive,
    [switch] $SkipMicro,
    [string] $ReportPath = (Join-Path $PSScriptRoot '../out/bench/report.md'),
    # Another build of the module to measure (e.g. an older commit's, for a before/after); default: this one.
    [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$repo = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path
if (-not $ModulePath) { $ModulePath = Join-Path $repo 'out/ImageCmdlets/ImageCmdlets.psd1' }
$ModulePath = [IO.Path]::GetFullPath($ModulePath)
$work = Join-Path ([IO.Path]::GetTempPath()) ('imagecmdlets-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $work | Out-Null
if ($NaiveCount -le 0) { $NaiveCount = $Count }

function Invoke-Native([string] $what, [scriptblock] $command) {
    & $command
    if ($LASTEXITCODE -ne 0) { throw "$what failed with exit code $LASTEXITCODE" }
}

if (-not $SkipBuild) {
    Write-Host '== Building the module, the emulators and the microbenchmarks (Release)'
    Invoke-Native 'build.ps1' { & (Join-Path $repo 'build.ps1') -SkipXunit -SkipPester }
}

# Runs a scenario script in a fresh PowerShell of the same kind as this one; returns its JSON result.
function Invoke-Scenario([string] $script, [hashtable] $arguments) {
    $resultPath = Join-Path $work ([guid]::NewGuid().ToString('N') + '.json')
    $process = [Environment]::ProcessPath
    [string[]] $prefix = if ((Split-Path -Leaf $process) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' } else { @() }
    $argv = [Collections.Generic.List[string]]::new()
    foreach ($a in $arguments.GetEnumerator()) {
        if ($a.Value -is [switch] -or $a.Value -is [bool]) { if ($a.Value) { $argv.Add("-$($a.Key)") } }
        else { $argv.Add("-$($a.Key)"); $argv.Add([string]$a.Value) }
    }
    & $process @prefix -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot "scenarios/$script.ps1") `
        -ModulePath $modulePath -StateDir $script:emulatorState -ResultPath $resultPath @argv > (Join-Path $work "$script.log")
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $resultPath)) {
        throw "Scenario $script failed ($LASTEXITCODE): $(Get-Content -Raw (Join-Path $work "$script.log"))"
    }
    Get-Content -Raw $resultPath | ConvertFrom-Json
}

# --- the emulators ---------------------------------------------------------------------------------
$emulatorState = Join-Path $work 'emulators'
$hostDll = Join-Path $repo 'tests/ImageCmdlets.Emulators/bin/Release/net10.0/ImageCmdlets.Emulators.dll'
$info = [Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in @($hostDll, '--random-ports', '--no-sample', '--latency-ms', "$LatencyMs", '--state-dir', $emulatorState, '--exit-on-stdin-close')) { $info.ArgumentList.Add($a) }
$info.RedirectStandardInput = $true
$info.RedirectStandardOutput = $true
$info.UseShellExecute = $false
$emulatorHost = [Diagnostics.Process]::Start($info)

try {
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while (-not (Test-Path (Join-Path $emulatorState 'emulators.json'))) {
        if ($emulatorHost.HasExited -or [DateTime]::UtcNow -gt $deadline) { throw 'The emulator host did not start.' }
        Start-Sleep -Milliseconds 200
    }
    $emulators = @{}
    foreach ($e in (Get-Content -Raw (Join-Path $emulatorState 'emulators.json') | ConvertFrom-Json)) { $emulators[$e.provider] = $e }

    # The module's own description of each provider (ProviderCapabilities), read from the built engine.
    Add-Type -Path (Join-Path (Split-Path $modulePath) 'ImageCmdlets.Engine.dll')
    $providers = [ImageCmdlets.Providers.ProviderRegistry]::All | Where-Object { $emulators.ContainsKey($_.Name) -and (-not $Provider -or $_.Name -in $Provider) }

    function Invoke-Control($name, [string] $method, [string] $path, $body) {
        $uri = $emulators[$name].endpoint.TrimEnd('/') + '/_emulator' + $path
        if ($null -eq $body) { Invoke-RestMethod -Method $method -Uri $uri }
        else { Invoke-RestMethod -Method $method -Uri $uri -ContentType 'application/json' -Body ($body | ConvertTo-Json -Depth 5 -Compress) }
    }

    # Fresh images: one entry per condition run ({condition, count}); returns their ids in order.
    function New-Images($name, [object[]] $runs) {
        $null = Invoke-Control $name DELETE '/images'
        $seeds = foreach ($r in $runs) { @{ name = 'bench'; count = $r.count; condition = $r.condition } }
        $ids = [Collections.Generic.List[string]]::new()
        # The control API takes at most 10,000 images per entry and a modest body: seed in parts.
        foreach ($part in $seeds) { foreach ($i in (Invoke-Control $name POST '/images' @{ images = @($part) }).images) { $ids.Add($i.id) } }
        $ids
    }

    function Get-CallsSince($name, [long] $since) { (Invoke-Control $name GET "/calls?since=$since" $null) }
    # The number of the emulator's last logged call (read incrementally: the log only grows).
    $lastSeq = @{}
    function Get-LastSeq($name) {
        $next = (Get-CallsSince $name ($lastSeq[$name] ?? 0)).next
        $lastSeq[$name] = $next
        $next
    }

    # The documented limits, enforced by each emulator where it has a setting for them.
    function Set-DocumentedLimits($p) {
        $c = $p.Capabilities
        foreach ($setting in @(
                @{ maxIdsPerDeleteCall = $c.MaxIdsPerDelete },
                @{ callsPerSecond = if ($c.DeleteCallsPerSecond) { [int]$c.DeleteCallsPerSecond } else { $null } },
                @{ deleteCallsPerSecond = if ($c.DeleteCallsPerSecond) { [int]$c.DeleteCallsPerSecond } else { 0 } })) {
            try { $null = Invoke-Control $p.Name POST '/settings' $setting } catch { Write-Verbose "$($p.Name) has no setting $($setting.Keys)" }
        }
    }

    function Measure-Removal($p, [string[]] $ids, [string] $mode) {
        $idsPath = Join-Path $work "$($p.Name)-ids.txt"
        Set-Content $idsPath $ids
        $since = Get-LastSeq $p.Name
        $r = Invoke-Scenario remove @{ Provider = $p.Name; IdsPath = $idsPath; Mode = $mode; CallsSince = $since }
        $calls = @((Get-CallsSince $p.Name $r.CallsFrom).calls)
        [pscustomobject]@{
            Result    = $r
            Calls     = $calls.Count
            Refused   = @($calls | Where-Object { $_.status -eq 429 -or $_.status -ge 500 -or $_.action -match 'Throttl' }).Count
            ByAction  = ($calls | Group-Object action | ForEach-Object { "$($_.Name) $($_.Count)" }) -join ', '
        }
    }

    $rows = [Collections.Generic.List[object]]::new()
    $lines = [Collections.Generic.List[string]]::new()
    $latency = $LatencyMs / 1000.0

    # --- N deletions per provider: batched, one bad image per batch, naive loop ---------------------
    foreach ($p in $providers) {
        $c = $p.Capabilities
        Write-Host "== $($p.Name): $Count deletions"
        Set-DocumentedLimits $p
        $deleteCalls = [Math]::Ceiling($Count / $c.MaxIdsPerDelete)
        $describeCalls = if ($c.DeleteIgnoresMissingIds) { [Math]::Ceiling($Count / $c.MaxIdsPerDescribe) } else { 0 }
        $minimum = $deleteCalls + $describeCalls
        [double] $rateFloor = if ($c.DeleteCallsPerSecond) { $deleteCalls / $c.DeleteCallsPerSecond } else { 0 }
        [double] $latencyFloor = $minimum * $latency / $c.MaxConcurrentCalls
        $floor = [Math]::Max($rateFloor, $latencyFloor)

        $ids = New-Images $p.Name @(@{ count = $Count; condition = 'deletable' })
        $batched = Measure-Removal $p $ids Batched

        $bad = $null
        $badCondition = $emulators[$p.Name].conditions.PSObject.Properties | Where-Object { $_.Value -and $_.Name  -in 'inUse', 'sharedToOthers', 'protected', 'busy' } | Select-Object -First 1
        if ($c.MaxIdsPerDelete -gt 1 -and $badCondition) {
            $size = $c.MaxIdsPerDelete
            $runs = for ($i = 0; $i -lt $Count; $i += $size) {
                $n = [Math]::Min($size, $Count - $i)
                @{ count = [Math]::Floor($n / 2); condition = 'deletable' }
                @{ count = 1; condition = $badCondition.Name }
                if ($n - [Math]::Floor($n / 2) - 1 -gt 0) { @{ count = $n - [Math]::Floor($n / 2) - 1; condition = 'deletable' } }
            }
            $ids = New-Images $p.Name @($runs | Where-Object { $_.count -gt 0 })
            $bad = Measure-Removal $p $ids Batched
            $bad | Add-Member BadImages ([Math]::Ceiling($Count / $size))
            $bad | Add-Member Condition "$($badCondition.Name) ($($badCondition.Value))"
        }

        $naive = $null
        if (-not $SkipNaive) {
            Write-Host "   naive loop over $NaiveCount ids"
            $ids = New-Images $p.Name @(@{ count = $NaiveCount; condition = 'deletable' })
            $naive = Measure-Removal $p $ids Naive
        }
        # The same loop over the provider's official Node SDK, where tools/sdk-check has one (npm ci there first).
        $sdk = $null
        $sdkLoop = Join-Path $repo "tools/sdk-check/delete-loop-$($p.Name.ToLowerInvariant()).mjs"
        if (-not $SkipNaive -and (Test-Path $sdkLoop) -and (Test-Path (Join-Path $repo 'tools/sdk-check/node_modules')) -and (Get-Command node -ErrorAction SilentlyContinue)) {
            Write-Host "   official SDK loop over $NaiveCount ids"
            $ids = New-Images $p.Name @(@{ count = $NaiveCount; condition = 'deletable' })
            $idsPath = Join-Path $work "$($p.Name)-sdk-ids.txt"
            Set-Content $idsPath $ids
            $e = $emulators[$p.Name]
            $env:EMULATOR_PORT = ([Uri]$e.endpoint).Port; $env:EMULATOR_KEY = $e.accessKeyId; $env:EMULATOR_SECRET = $e.secret
            $env:EMULATOR_REGION = $e.defaultRegion; $env:IMAGE_IDS_FILE = $idsPath
            $since = Get-LastSeq $p.Name
            $answer = node $sdkLoop | Select-Object -Last 1
            if ($LASTEXITCODE -ne 0) { throw "The official SDK loop failed: $answer" }
            $sdk = [pscustomobject]@{ Result = ($answer | ConvertFrom-Json); Calls = @((Get-CallsSince $p.Name $since).calls).Count }
        }
        $rows.Add([pscustomobject]@{ Provider = $p; Minimum = $minimum; Floor = $floor; Batched = $batched; Bad = $bad; Naive = $naive; Sdk = $sdk })
    }

    $lines.Add("### $Count deletions per provider ($LatencyMs ms added latency per request)")
    $lines.Add('')
    $lines.Add('Each scenario runs in a fresh PowerShell that first makes one -WhatIf check of an absent id, as an interactive session would have (its time: "first command s", a fresh process pays it once; its call is not counted); "wall s" is the measured command alone.')
    $lines.Add('')
    $lines.Add('| provider | ids/call | rate limit | max concurrency | calls (min) | calls by action | refused | wall s | floor s | × floor | first command s | naive s/image | speed-up | bad batch: calls (extra / bad images) | bad batch s |')
    $lines.Add('| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    foreach ($row in $rows) {
        $c = $row.Provider.Capabilities
        $b = $row.Batched
        $ok = if ($b.Result.Removed -ne $Count) { " (removed $($b.Result.Removed), $($b.Result.Errors) errors $($b.Result.ErrorCodes -join ' '))" } else { '' }
        $perImage = $b.Result.Seconds / $Count
        $naive = if ($row.Naive) { $row.Naive.Result.Seconds / $NaiveCount } else { $null }
        $badCells = if ($row.Bad) { "$($row.Bad.Calls) ($($row.Bad.Calls - $row.Minimum) / $($row.Bad.BadImages)) | $('{0:N2}' -f $row.Bad.Result.Seconds)" } else { 'n/a (one id per call) | n/a' }
        $lines.Add(('| {0} | {1} | {2} | {3} | {4} ({5}){6} | {7} | {8} | {9:N2} | {10:N2} | {11:N2} | {15:N2} | {12} | {13} | {14} |' -f
                $row.Provider.Name, $c.MaxIdsPerDelete, $(if ($c.DeleteCallsPerSecond) { "$($c.DeleteCallsPerSecond)/s" } else { 'none documented' }),
                $c.MaxConcurrentCalls, $b.Calls, $row.Minimum, $ok, $b.ByAction, $b.Refused, $b.Result.Seconds, $row.Floor, ($b.Result.Seconds / $row.Floor),
                $(if ($null -ne $naive) { '{0:N3} ({1} ids, {2:N1} s, {3} calls)' -f $naive, $NaiveCount, $row.Naive.Result.Seconds, $row.Naive.Calls } else { 'skipped' }),
                $(if ($null -ne $naive) { '{0:N1}×' -f ($naive / $perImage) } else { '' }), $badCells, $b.Result.WarmUpSeconds))
    }
    $lines.Add('')
    $sdkRows = @($rows | Where-Object Sdk)
    if ($sdkRows) {
        $lines.Add("The same ids deleted by a sequential loop over the provider's official Node SDK (tools/sdk-check/delete-loop-*.mjs):")
        $lines.Add('')
        $lines.Add('| provider | ids | SDK loop s | s/image | calls | deleted | module speed-up |')
        $lines.Add('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
        foreach ($row in $sdkRows) {
            $r = $row.Sdk.Result
            $lines.Add(('| {0} | {1} | {2:N1} | {3:N3} | {4} | {5} | {6:N1}× |' -f $row.Provider.Name, $NaiveCount, $r.seconds, ($r.seconds / $NaiveCount),
                    $row.Sdk.Calls, $r.deleted, (($r.seconds / $NaiveCount) / ($row.Batched.Result.Seconds / $Count))))
        }
        $lines.Add('')
    }

    # --- listing ---------------------------------------------------------------------------------------
    $lines.Add("### Listing $ListCount images ($LatencyMs ms added latency per request)")
    $lines.Add('')
    $lines.Add('| provider | page size | pages | list calls | first object s | total s | pages × latency s | -First 1: s | -First 1: list calls | calls after the stop |')
    $lines.Add('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
    foreach ($p in $providers) {
        Write-Host "== $($p.Name): listing $ListCount images"
        $runs = for ($left = $ListCount; $left -gt 0; $left -= 10000) { @{ count = [Math]::Min(10000, $left); condition = 'deletable' } }
        $null = New-Images $p.Name @($runs)
        $pages = [Math]::Ceiling($ListCount / $p.Capabilities.MaxPageSize)
        $since = Get-LastSeq $p.Name
        $all = Invoke-Scenario list @{ Provider = $p.Name }
        $listCalls = @((Get-CallsSince $p.Name $since).calls).Count
        $since = Get-LastSeq $p.Name
        $first = Invoke-Scenario list @{ Provider = $p.Name; FirstOnly = $true }
        $stoppedAt = [DateTimeOffset]::Parse($first.StoppedAt, [Globalization.CultureInfo]::InvariantCulture)
        $firstCalls = @((Get-CallsSince $p.Name $since).calls)
        $after = @($firstCalls | Where-Object { [DateTimeOffset]::Parse($_.receivedAt, [Globalization.CultureInfo]::InvariantCulture) -gt $stoppedAt }).Count
        $check = if ($all.Listed -ne $ListCount) { " (listed $($all.Listed))" } else { '' }
        $lines.Add(('| {0} | {1} | {2} | {3}{4} | {5:N2} | {6:N2} | {7:N2} | {8:N2} | {9} | {10} |' -f $p.Name, $p.Capabilities.MaxPageSize, $pages, $listCalls, $check,
                $all.FirstSeconds, $all.Seconds, ($pages * $latency), $first.Seconds, $firstCalls.Count, $after))
    }
    $lines.Add('')

    # --- per-image CPU and memory under -WhatIf ----------------------------------------------------------
    $w = $providers | Where-Object Name -eq $WhatIfProvider
    if ($w) {
        Write-Host "== $WhatIfCount ids under -WhatIf ($WhatIfProvider, no added latency)"
        $null = Invoke-Control $w.Name POST '/settings' @{ latencyMs = 0 }
        $runs = for ($left = $WhatIfCount; $left -gt 0; $left -= 10000) { @{ count = [Math]::Min(10000, $left); condition = 'deletable' } }
        $ids = New-Images $w.Name @($runs)
        $idsPath = Join-Path $work 'whatif-ids.txt'
        Set-Content $idsPath $ids
        # CPU per image moves with what else the machine does (the emulator shares its two cores): the median
        # of a few fresh processes, figure by figure.
        function Invoke-WhatIfMedian([string] $subject) {
            $runs = @(1..$WhatIfRepeat | ForEach-Object { Invoke-Scenario whatif @{ Provider = $w.Name; IdsPath = $idsPath; Subject = $subject } })
            $median = [ordered]@{}
            foreach ($name in $runs[0].PSObject.Properties.Name) {
                $sorted = @($runs | ForEach-Object { [double]$_.$name } | Sort-Object)
                $median[$name] = $sorted[[Math]::Floor($sorted.Count / 2)]
            }
            [pscustomobject]$median
        }
        $floorRun = Invoke-WhatIfMedian Floor
        $byParameterRun = Invoke-WhatIfMedian CmdletByParameter
        $since = Get-LastSeq $w.Name
        $cmdletRun = Invoke-WhatIfMedian Cmdlet
        $whatIfCalls = @((Get-CallsSince $w.Name $since).calls).Count / $WhatIfRepeat
        $null = Invoke-Control $w.Name POST '/settings' @{ latencyMs = $LatencyMs }
        $us = { param($run) 1e6 * $run.CpuSeconds / $run.Images }
        $steady = { param($run) 1e6 * $run.SteadyCpuSeconds / $run.Images }
        $lines.Add("### $WhatIfCount ids under -WhatIf in PowerShell ($WhatIfProvider emulator, no added latency)")
        $lines.Add('')
        $lines.Add("CPU of the whole PowerShell process (every thread: pipeline, HTTP, JSON, GC, JIT) per image. First pass: after a 1,000-id warm-up, so it still carries the runtime re-compiling what became hot; next pass: the same ids again, the steady cost. Memory from the first pass. API calls per run: warm-up and both passes. Each figure is the median of $WhatIfRepeat runs, each in a fresh process.")
        $lines.Add('')
        $lines.Add('| subject | CPU µs/image, first pass | CPU µs/image, next pass | wall s (first / next) | peak working-set growth MB | live heap growth MB | API calls |')
        $lines.Add('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
        $row = {
            param($label, $run, $calls)
            $floorText = if ($run -eq $floorRun) { '' } else { ' ({0:N2}× floor)' }
            ('| {0} | {1:N1}' + ($floorText -f ((& $us $run) / (& $us $floorRun))) + ' | {2:N1}' + ($floorText -f ((& $steady $run) / (& $steady $floorRun))) + ' | {3:N2} / {4:N2} | {5:N1} | {6:N1} | {7} |') -f
                $label, (& $us $run), (& $steady $run), $run.Seconds, $run.SteadySeconds, ($run.PeakGrowthBytes / 1MB), ($run.HeapGrowthBytes / 1MB), $calls
        }
        $lines.Add((& $row '`$ids \| Invoke-ShouldProcessOnly -WhatIf` (compiled floor)' $floorRun 0))
        $lines.Add((& $row '`$ids \| Remove-CloudImage -WhatIf`' $cmdletRun $whatIfCalls))
        $lines.Add((& $row '`Remove-CloudImage -ImageId $ids -WhatIf` (no pipeline binding per id)' $byParameterRun ''))
        $lines.Add('')
    }
}
finally {
    $emulatorHost.StandardInput.Close()
    if (-not $emulatorHost.WaitForExit(10000)) { $emulatorHost.Kill() }
}

# --- microbenchmarks -----------------------------------------------------------------------------------
if (-not $SkipMicro) {
    Write-Host '== BenchmarkDotNet microbenchmarks'
    $artifacts = Join-Path $work 'micro'
    Invoke-Native 'microbenchmarks' { dotnet run -c Release --project (Join-Path $PSScriptRoot 'ImageCmdlets.Bench') --no-build -- --filter '*' --artifacts $artifacts --join | Out-Host }
    $lines.Add('### Microbenchmarks (BenchmarkDotNet)')
    $lines.Add('')
    foreach ($report in Get-ChildItem (Join-Path $artifacts 'results') -Filter '*-report-github.md') {
        $lines.AddRange([string[]](Get-Content $report | Where-Object { $_ -notmatch '^```' }))
        $lines.Add('')
    }
}

$memoryKiB = [double]((Get-Content /proc/meminfo -ErrorAction SilentlyContinue | Select-Object -First 1) -replace '\D', '')
$machine = "$([Environment]::ProcessorCount) cores, $([Math]::Round($memoryKiB / 1MB)) GiB, $([Runtime.InteropServices.RuntimeInformation]::OSDescription), .NET $([Environment]::Version), PowerShell $($PSVersionTable.PSVersion)"
$header = @("## Run of $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm')) UTC", '', "Machine: $machine", '',
    "Command: ``dotnet pwsh ./bench/run.ps1 $($PSBoundParameters.GetEnumerator() | ForEach-Object { if ($_.Value -is [switch]) { "-$($_.Key)" } else { "-$($_.Key) $($_.Value)" } })``", '')
$report = ($header + $lines) -join "`n"
New-Item -ItemType Directory -Force (Split-Path $ReportPath) | Out-Null
Set-Content $ReportPath $report
$report
Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue

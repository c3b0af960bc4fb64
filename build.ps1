#requires -Version 5.1
<#
.SYNOPSIS
    Builds ImageCmdlets into a loadable module folder and tests it: xunit, then the Pester suite in a
    fresh PowerShell process against the built module and the in-repo cloud emulators.
.DESCRIPTION
    Everything it needs comes with the repository: PowerShell from the local tool manifest
    (dotnet tool restore), Pester restored from NuGet (tools/pester), the emulators built from source.
    Run it as: dotnet tool restore; dotnet pwsh ./build.ps1
.EXAMPLE
    dotnet pwsh ./build.ps1                 # build out/ImageCmdlets, run xunit and Pester
.EXAMPLE
    dotnet pwsh ./build.ps1 -Demo           # build, then list, check and delete images against the emulators
.EXAMPLE
    dotnet pwsh ./build.ps1 -SkipXunit      # build and run Pester only
.EXAMPLE
    dotnet pwsh ./build.ps1 -Package -SkipXunit -SkipPester   # build, then out/package: versioned folder and .nupkg
.EXAMPLE
    dotnet pwsh ./build.ps1 -BenchSmoke -SkipXunit -SkipPester   # build, then the benchmark at small counts
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [string] $OutputPath = (Join-Path $PSScriptRoot 'out/ImageCmdlets'),
    [switch] $SkipBuild,
    [switch] $SkipXunit,
    [switch] $SkipPester,
    # Build, then show the module's main job in a fresh PowerShell against the emulator host.
    [switch] $Demo,
    # Also make the package (always under CI): out/package/ImageCmdlets/<version>/ and a .nupkg in the local
    # repository out/package/repository, published with Publish-PSResource, then installed from there with
    # Install-PSResource and imported in a fresh PowerShell.
    [switch] $Package,
    [string] $PackagePath = (Join-Path $PSScriptRoot 'out/package'),
    # Also run the benchmark at small counts (always under CI): every scenario must run and every provider be
    # reported, so the documented benchmark command keeps working. No figure is judged here.
    [switch] $BenchSmoke
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$underCI = $env:CI -eq 'true'

function Invoke-Native([string] $what, [scriptblock] $command) {
    & $command
    if ($LASTEXITCODE -ne 0) { throw "$what failed with exit code $LASTEXITCODE" }
}

# A fresh PowerShell of the same kind as this one (the pinned dotnet tool runs as 'dotnet pwsh.dll').
function Invoke-FreshPowerShell([string] $script) {
    $process = [Environment]::ProcessPath
    if ($PSVersionTable.PSEdition -ne 'Core') { $process = 'powershell.exe'; $prefix = @() }
    elseif ((Split-Path -Leaf $process) -like 'dotnet*') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
    else { $prefix = @() }
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
    & $process @prefix -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand $encoded
}

# A fresh PowerShell whose home is a new empty folder: a repository registered or a module installed there
# (PSResourceGet keeps both under the home folder) leaves the user's own PowerShell untouched.
function Invoke-IsolatedPowerShell([string] $what, [string] $script) {
    $isolatedHome = Join-Path ([IO.Path]::GetTempPath()) ('imagecmdlets-home-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory $isolatedHome
    $names = 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath'
    $saved = @{}
    foreach ($name in $names) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    try {
        foreach ($name in $names) { [Environment]::SetEnvironmentVariable($name, $null) }
        $env:HOME = $isolatedHome
        Invoke-FreshPowerShell $script
        if ($LASTEXITCODE -ne 0) { throw "$what failed (exit code $LASTEXITCODE)" }
    } finally {
        foreach ($name in $names) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Remove-Item -Recurse -Force $isolatedHome -ErrorAction SilentlyContinue
    }
}

# The files of a module folder (or package), relative and with forward slashes, sorted.
function Get-RelativeFile([string] $folder) {
    $root = (Resolve-Path $folder).Path.TrimEnd('/', '\')
    @(Get-ChildItem -Recurse -File $folder | ForEach-Object { $_.FullName.Substring($root.Length + 1).Replace('\', '/') } | Sort-Object)
}

# A module folder holds exactly the manifest's FileList: what Import-Module needs, nothing more (no .pdb,
# no deps.json, no XML documentation).
function Assert-ModuleFolder([string] $folder) {
    $expected = @((Import-PowerShellDataFile (Join-Path $folder 'ImageCmdlets.psd1')).FileList | ForEach-Object { $_.Replace('\', '/') } | Sort-Object)
    $difference = Compare-Object $expected (Get-RelativeFile $folder)
    $missing = @($difference | Where-Object SideIndicator -eq '<=' | ForEach-Object InputObject)
    $extra = @($difference | Where-Object SideIndicator -eq '=>' | ForEach-Object InputObject)
    if ($missing -or $extra) { throw "The module folder $folder does not hold exactly the manifest's FileList. Missing: $($missing -join ', '). Not listed: $($extra -join ', ')." }
}

# The Pester module restored from NuGet by tools/pester/Pester.csproj, imported by path.
function Get-PesterManifest {
    $project = Join-Path $PSScriptRoot 'tools/pester/Pester.csproj'
    Invoke-Native 'Pester restore' { dotnet restore $project --nologo -v quiet }
    $version = ([xml](Get-Content -Raw $project)).Project.PropertyGroup.PesterVersion
    $assets = Get-Content -Raw (Join-Path $PSScriptRoot 'tools/pester/obj/project.assets.json') | ConvertFrom-Json
    foreach ($folder in $assets.packageFolders.PSObject.Properties.Name) {
        $manifest = Join-Path $folder "pester/$version/tools/Pester.psd1"
        if (Test-Path $manifest) { return $manifest }
    }
    throw "Pester $version was restored but its module was not found under $($assets.packageFolders.PSObject.Properties.Name -join ', ')"
}

# Starts every cloud emulator on 127.0.0.1 (random ports); returns the process and its state folder.
function Start-EmulatorHost {
    $stateDir = Join-Path ([IO.Path]::GetTempPath()) ("imagecmdlets-emulators-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $hostDll = Join-Path $PSScriptRoot "tests/ImageCmdlets.Emulators/bin/$Configuration/net10.0/ImageCmdlets.Emulators.dll"
    if (-not (Test-Path $hostDll)) { throw "The emulator host is not built ($hostDll); run without -SkipBuild." }
    $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($hostDll, '--random-ports', '--state-dir', $stateDir, '--exit-on-stdin-close')) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)
    $deadline = [DateTime]::UtcNow.AddSeconds(120)
    while (-not (Test-Path (Join-Path $stateDir 'emulators.json'))) {
        if ($process.HasExited) { throw "The emulator host exited with code $($process.ExitCode): $($process.StandardOutput.ReadToEnd())" }
        if ([DateTime]::UtcNow -gt $deadline) { $process.Kill(); throw 'The emulator host did not start within 120 s.' }
        Start-Sleep -Milliseconds 200
    }
    [pscustomobject]@{ Process = $process; StateDir = $stateDir }
}

function Stop-EmulatorHost($emulators) {
    if (-not $emulators) { return }
    $emulators.Process.StandardInput.Close()
    if (-not $emulators.Process.WaitForExit(10000)) { $emulators.Process.Kill() }
}

if (-not $SkipBuild) {
    Write-Host "== Building the module folder $OutputPath ($Configuration)"
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $PSScriptRoot 'ImageCmdlets.sln') -c $Configuration --nologo -v quiet }
    # Published into an empty folder, so that nothing an earlier build left there passes the check below.
    if (Test-Path $OutputPath) { Remove-Item -Recurse -Force $OutputPath }
    Invoke-Native 'dotnet publish' { dotnet publish (Join-Path $PSScriptRoot 'src/ImageCmdlets/ImageCmdlets.csproj') -c $Configuration -o $OutputPath --no-build --nologo -v quiet }
    Assert-ModuleFolder $OutputPath
}

if ($Package -or $underCI) {
    Write-Host "== Package ($PackagePath): versioned module folder, .nupkg, Install-PSResource in a fresh PowerShell"
    $version = (Import-PowerShellDataFile (Join-Path $OutputPath 'ImageCmdlets.psd1')).ModuleVersion
    $versioned = Join-Path $PackagePath "ImageCmdlets/$version"
    $repository = Join-Path $PackagePath 'repository'
    if (Test-Path $PackagePath) { Remove-Item -Recurse -Force $PackagePath }
    $null = New-Item -ItemType Directory -Force $versioned, $repository
    Copy-Item -Recurse (Join-Path $OutputPath '*') $versioned
    Assert-ModuleFolder $versioned
    Invoke-IsolatedPowerShell 'Publish-PSResource' @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name ImageCmdletsBuild -Uri '$repository' -Trusted
Publish-PSResource -Path '$versioned' -Repository ImageCmdletsBuild
"@
    $nupkg = Join-Path $repository "ImageCmdlets.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource made no $nupkg" }
    # The package holds the FileList and NuGet's own bookkeeping, nothing else.
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    $zip = [IO.Compression.ZipFile]::OpenRead($nupkg)
    try { $entries = @($zip.Entries | ForEach-Object { [Uri]::UnescapeDataString($_.FullName) }) } finally { $zip.Dispose() }
    $nugetOwn = '^(ImageCmdlets\.nuspec|\[Content_Types\]\.xml|_rels/.*|package/services/metadata/.*)$'
    $fileList = (Import-PowerShellDataFile (Join-Path $versioned 'ImageCmdlets.psd1')).FileList
    if (Compare-Object ($fileList | Sort-Object) ($entries | Where-Object { $_ -notmatch $nugetOwn } | Sort-Object)) {
        throw "$nupkg does not hold exactly the manifest's FileList: $($entries -join ', ')"
    }
    Invoke-IsolatedPowerShell 'Installing the package' @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name ImageCmdletsBuild -Uri '$repository' -Trusted
Install-PSResource -Name ImageCmdlets -Version '$version' -Repository ImageCmdletsBuild -Scope CurrentUser -TrustRepository -Quiet
Import-Module ImageCmdlets
`$module = Get-Module ImageCmdlets
if (-not `$module.ModuleBase.StartsWith(`$HOME)) { throw "ImageCmdlets was imported from `$(`$module.ModuleBase), not from the installed package" }
if ("`$(`$module.Version)" -ne '$version') { throw "The installed module is version `$(`$module.Version), not $version" }
`$commands = (Get-Command -Module ImageCmdlets | Sort-Object Name).Name -join ', '
if (`$commands -ne 'Get-CloudImage, Remove-CloudImage, Test-CloudImageDeletable') { throw "The installed module exports `$commands" }
if (-not (Get-Help about_ImageCmdlets | Out-String).Contains('RETENTION RECIPE')) { throw 'about_ImageCmdlets is not found in the installed module' }
Write-Host "Installed ImageCmdlets `$(`$module.Version) in `$(`$module.ModuleBase): `$commands"
"@
}

if ($Demo) {
    $emulators = Start-EmulatorHost
    try {
        Invoke-FreshPowerShell "& '$(Join-Path $PSScriptRoot 'tools/demo.ps1')' -ModulePath '$OutputPath' -EmulatorState '$($emulators.StateDir)'"
        if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE" }
    } finally { Stop-EmulatorHost $emulators }
    return
}

if (-not $SkipXunit) {
    # The clouds' official Node SDKs, which the emulator tests run against the emulators.
    if (Get-Command npm -ErrorAction SilentlyContinue) {
        Write-Host '== Official cloud SDKs (npm ci tools/sdk-check)'
        Invoke-Native 'npm ci' { npm ci --prefix (Join-Path $PSScriptRoot 'tools/sdk-check') --no-audit --no-fund --loglevel=error }
    } elseif ($underCI) { throw 'npm is needed under CI: the emulators are checked against the clouds'' official Node SDKs.' }
    Write-Host '== xunit'
    $log = Join-Path ([IO.Path]::GetTempPath()) 'imagecmdlets-xunit.log'
    dotnet test (Join-Path $PSScriptRoot 'ImageCmdlets.sln') -c $Configuration --no-build --nologo --logger 'console;verbosity=normal' 2>&1 | Tee-Object -FilePath $log
    if ($LASTEXITCODE -ne 0) { throw "xunit failed with exit code $LASTEXITCODE" }
    # Under CI a skipped test (the real-Glance ones skip without a server) would hide a broken set-up.
    if ($underCI -and (Select-String -Path $log -Pattern '^\s*Skipped ' -Quiet)) { throw 'xunit tests were skipped under CI.' }
}

if (-not $SkipPester) {
    Write-Host '== Pester (fresh PowerShell, built module, emulator host)'
    $pester = Get-PesterManifest
    $emulators = Start-EmulatorHost
    try {
        Invoke-FreshPowerShell @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$pester'
`$env:IMAGECMDLETS_MODULE = '$OutputPath'
`$env:IMAGECMDLETS_EMULATORS = '$($emulators.StateDir)'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $PSScriptRoot 'tests/Pester')'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$result = Invoke-Pester -Configuration `$config
Write-Host "Pester: `$(`$result.PassedCount) passed, `$(`$result.FailedCount) failed, `$(`$result.SkippedCount) skipped, `$(`$result.NotRunCount) not run"
if (`$result.Result -ne 'Passed') { exit 1 }
# Under CI a skipped test would hide a broken set-up (the real-Glance tests skip without a server).
if ('$underCI' -eq 'True' -and (`$result.SkippedCount + `$result.NotRunCount) -gt 0) { Write-Host 'Pester tests were skipped under CI.'; exit 1 }
exit 0
"@
        if ($LASTEXITCODE -ne 0) { throw "Pester failed (exit code $LASTEXITCODE)" }
    } finally { Stop-EmulatorHost $emulators }
}

if ($BenchSmoke -or $underCI) {
    Write-Host '== Benchmark smoke (bench/run.ps1 at small counts: every scenario runs, every provider is reported)'
    $report = Join-Path $PSScriptRoot 'out/bench/smoke.md'
    if (Test-Path $report) { Remove-Item $report }
    Invoke-FreshPowerShell "& '$(Join-Path $PSScriptRoot 'bench/run.ps1')' -SkipBuild -SkipMicro -Count 40 -NaiveCount 2 -ListCount 200 -WhatIfCount 2000 -WhatIfRepeat 1 -ReportPath '$report'"
    if ($LASTEXITCODE -ne 0) { throw "The benchmark failed (exit code $LASTEXITCODE)" }
    $text = Get-Content -Raw $report
    Add-Type -Path (Join-Path $OutputPath 'ImageCmdlets.Engine.dll')
    foreach ($name in [ImageCmdlets.Providers.ProviderRegistry]::Names) {
        # A row in the deletion table and one in the listing table.
        if (([regex]::Matches($text, "(?m)^\| $name \|")).Count -lt 2) { throw "The benchmark report has no deletion and listing rows for $name ($report)." }
    }
    if ($text -notmatch 'Remove-CloudImage -WhatIf` \| \d') { throw "The benchmark report has no -WhatIf figures ($report)." }
    Write-Host "Benchmark smoke: every provider reported ($report)"
}

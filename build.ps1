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
    [switch] $Demo
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
    Invoke-Native 'dotnet publish' { dotnet publish (Join-Path $PSScriptRoot 'src/ImageCmdlets/ImageCmdlets.csproj') -c $Configuration -o $OutputPath --no-build --nologo -v quiet }
    # The module folder holds exactly what Import-Module needs: manifest, assemblies, format and help.
    $expected = 'ImageCmdlets.psd1', 'ImageCmdlets.dll', 'ImageCmdlets.Engine.dll', 'ImageCmdlets.format.ps1xml', 'en-US/ImageCmdlets.dll-Help.xml'
    foreach ($file in $expected) {
        if (-not (Test-Path (Join-Path $OutputPath $file))) { throw "The module folder lacks $file" }
    }
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

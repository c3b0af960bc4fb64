#requires -Version 5.1
<#
.SYNOPSIS
    Builds ImageCmdlets into a loadable module folder, runs the xunit tests, then the Pester tests
    against the built module in a fresh PowerShell process.
.EXAMPLE
    ./build.ps1                 # build out/ImageCmdlets, run xunit and Pester
.EXAMPLE
    ./build.ps1 -SkipXunit      # build and run Pester only
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    [string] $OutputPath = (Join-Path $PSScriptRoot 'out/ImageCmdlets'),
    [switch] $SkipBuild,
    [switch] $SkipXunit,
    [switch] $SkipPester
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Invoke-Native([string] $what, [scriptblock] $command) {
    & $command
    if ($LASTEXITCODE -ne 0) { throw "$what failed with exit code $LASTEXITCODE" }
}

if (-not $SkipBuild) {
    Write-Host "== Building $OutputPath ($Configuration)"
    Invoke-Native 'dotnet publish' { dotnet publish (Join-Path $PSScriptRoot 'src/ImageCmdlets/ImageCmdlets.csproj') -c $Configuration -o $OutputPath --nologo -v quiet }
    # The module folder holds exactly what Import-Module needs: manifest, assemblies, format and help.
    $expected = 'ImageCmdlets.psd1', 'ImageCmdlets.dll', 'ImageCmdlets.Engine.dll', 'ImageCmdlets.format.ps1xml', 'en-US/ImageCmdlets.dll-Help.xml'
    foreach ($file in $expected) {
        if (-not (Test-Path (Join-Path $OutputPath $file))) { throw "The module folder lacks $file" }
    }
}

if (-not $SkipXunit) {
    Write-Host '== xunit'
    Invoke-Native 'dotnet test' { dotnet test (Join-Path $PSScriptRoot 'ImageCmdlets.sln') -c $Configuration --nologo }
}

if (-not $SkipPester) {
    Write-Host '== Pester (fresh process, built module)'
    $pesterScript = @"
`$ErrorActionPreference = 'Stop'
if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge ([version]'5.0'))) {
    Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser -Force -SkipPublisherCheck
}
Import-Module Pester -MinimumVersion 5.0
`$env:IMAGECMDLETS_MODULE = '$OutputPath'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $PSScriptRoot 'tests')'
`$config.Run.Exit = `$true
`$config.Output.Verbosity = 'Detailed'
Invoke-Pester -Configuration `$config
"@
    $shell = if (Get-Command pwsh -ErrorAction SilentlyContinue) { 'pwsh' } else { 'powershell' }
    Invoke-Native 'Pester' { & $shell -NoProfile -NonInteractive -Command $pesterScript }
}

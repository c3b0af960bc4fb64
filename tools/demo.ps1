#requires -Version 5.1
<#
.SYNOPSIS
    The module's main job, shown against the emulator host (no cloud account needed): for every emulated
    provider, list the images, check which can be deleted and why not, dry-run a clean-up, then delete
    the temporary images. Run by `dotnet pwsh ./build.ps1 -Demo`, which starts and stops the emulators.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    # The emulator host's state folder (emulators.json, emulators.ps1).
    [Parameter(Mandatory)] [string] $EmulatorState
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module (Join-Path $ModulePath 'ImageCmdlets.psd1')
# Defines $Tencent, $Alibaba, ...: @{ Provider; Region; Endpoint; Credential } for splatting (OpenStack: no
# Endpoint, and OS_AUTH_URL and the other variables it needs are set).
. (Join-Path $EmulatorState 'emulators.ps1')

function Show([string] $title, [string] $command) {
    Write-Host ''
    Write-Host "PS> $command" -ForegroundColor Cyan
    Write-Host "    # $title" -ForegroundColor DarkGray
    Invoke-Expression $command | Out-Host
}

foreach ($emulator in (Get-Content -Raw (Join-Path $EmulatorState 'emulators.json') | ConvertFrom-Json)) {
    $provider = $emulator.provider
    Write-Host ''
    Write-Host "==== $provider (emulated at $($emulator.endpoint))" -ForegroundColor Yellow
    Show 'the account''s own images' "Get-CloudImage @$provider | Sort-Object CreatedAt | Format-Table ImageId, Name, State, CreatedAt"
    Show 'which could be deleted, and why not' "Get-CloudImage @$provider | Test-CloudImageDeletable | Format-Table ImageId, Name, IsDeletable, @{ n = 'Why not'; e = { `$_.Reasons.Code -join ', ' } }"
    Show 'a dry run: nothing is deleted' "Get-CloudImage @$provider -Name 'ci-build-*' -CreatedBefore (Get-Date).AddDays(-90) | Remove-CloudImage -WhatIf -ErrorAction Continue | Format-Table ImageId, Name, Status"
    Show 'the real thing, unattended (-Wait: until each is really gone, where a cloud deletes asynchronously)' "Get-CloudImage @$provider -Name 'tmp-*' | Remove-CloudImage -Force -Wait | Format-Table ImageId, Name, Status, RequestId"
    Show 'what is left' "Get-CloudImage @$provider -Name 'tmp-*' | Measure-Object | Select-Object Count"
}
Write-Host ''
Write-Host 'Try it yourself: dotnet run --project tests/ImageCmdlets.Emulators -c Release  (prints the lines to paste)' -ForegroundColor Green

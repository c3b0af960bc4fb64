# Helpers shared by the Pester tests. Windows PowerShell 5.1 and PowerShell 7.4+ compatible.

function Get-ImageCmdletsModulePath {
    if ($env:IMAGECMDLETS_MODULE) { return $env:IMAGECMDLETS_MODULE }
    return (Join-Path $PSScriptRoot '../../out/ImageCmdlets')
}

# Runs a script block and returns the error record it raised (terminating or, with -ErrorAction Stop, not).
function Get-ErrorRecordOf([scriptblock] $Script) {
    try { & $Script | Out-Null } catch { return $_ }
    return $null
}

# Reads tools/openstack/start.sh's env.sh into this process's environment; $false when there is none.
function Import-OpenStackTestEnvironment {
    $file = if ($env:IMAGECMDLETS_OPENSTACK_ENV) { $env:IMAGECMDLETS_OPENSTACK_ENV } else { '/tmp/imagecmdlets-openstack/env.sh' }
    if (-not (Test-Path $file)) { return $false }
    foreach ($line in Get-Content $file) {
        if ($line -match "^export ([A-Z_0-9]+)=(.*)$") {
            $value = $Matches[2]
            if ($value.Length -ge 2 -and $value.StartsWith("'") -and $value.EndsWith("'")) { $value = $value.Substring(1, $value.Length - 2) }
            Set-Item -Path "env:$($Matches[1])" -Value $value
        }
    }
    return [bool]$env:GLANCE_URL
}

# A Keystone token for seeding test images directly over Glance's API (not through the module).
function Get-GlanceTestToken {
    $body = @{ auth = @{
            identity = @{ methods = @('password'); password = @{ user = @{ name = $env:OS_USERNAME; domain = @{ id = 'default' }; password = $env:OS_PASSWORD } } }
            scope    = @{ project = @{ name = $env:OS_PROJECT_NAME; domain = @{ id = 'default' } } }
        } } | ConvertTo-Json -Depth 10
    $response = Invoke-WebRequest -Method Post -Uri ($env:OS_AUTH_URL.TrimEnd('/') + '/auth/tokens') -Body $body -ContentType 'application/json' -UseBasicParsing
    return [string]($response.Headers['X-Subject-Token'] | Select-Object -First 1)
}

function New-GlanceTestImage([string] $Token, [string] $Name, [switch] $Protected) {
    $body = @{ name = $Name; disk_format = 'raw'; container_format = 'bare'; visibility = 'private'; protected = [bool]$Protected } | ConvertTo-Json
    $image = Invoke-RestMethod -Method Post -Uri ($env:GLANCE_URL.TrimEnd('/') + '/v2/images') -Headers @{ 'X-Auth-Token' = $Token } -Body $body -ContentType 'application/json'
    return $image.id
}

function Test-GlanceTestImage([string] $Token, [string] $Id) {
    try {
        Invoke-RestMethod -Uri ($env:GLANCE_URL.TrimEnd('/') + "/v2/images/$Id") -Headers @{ 'X-Auth-Token' = $Token } | Out-Null
        return $true
    } catch { return $false }
}

function Remove-GlanceTestImage([string] $Token, [string] $Id) {
    $headers = @{ 'X-Auth-Token' = $Token }
    $base = $env:GLANCE_URL.TrimEnd('/') + "/v2/images/$Id"
    try {
        Invoke-RestMethod -Method Patch -Uri $base -Headers $headers -ContentType 'application/openstack-images-v2.1-json-patch' -Body '[{"op":"replace","path":"/protected","value":false}]' | Out-Null
        Invoke-RestMethod -Method Delete -Uri $base -Headers $headers | Out-Null
    } catch { }
}

Export-ModuleMember -Function *

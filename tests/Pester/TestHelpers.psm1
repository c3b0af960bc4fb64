# The Pester suite's shared test language: every provider under test is a "test cloud" with the same
# verbs (list its splat, seed an image in a condition, inject a fault, read its call log), so a test is
# written once and runs for every provider. Emulated providers come from the emulator host's
# emulators.json (tools/emulators, started by build.ps1); OpenStack is the real Glance + Keystone that
# tools/openstack/start.sh runs. A provider added to the emulator host joins every test by itself.
# Windows PowerShell 5.1 and PowerShell 7.4+ compatible.

function Get-ImageCmdletsModulePath {
    if ($env:IMAGECMDLETS_MODULE) { return $env:IMAGECMDLETS_MODULE }
    return (Join-Path $PSScriptRoot '../../out/ImageCmdlets')
}

# Runs a script block and returns the error record it raised (terminating or, with -ErrorAction Stop, not).
function Get-ErrorRecordOf([scriptblock] $Script) {
    try { & $Script | Out-Null } catch { return $_ }
    return $null
}

function New-TestCredential([string] $User, [string] $Secret) {
    New-Object System.Management.Automation.PSCredential($User, (ConvertTo-SecureString $Secret -AsPlainText -Force))
}

# Every provider under test, as test clouds.
function Get-TestCloud {
    $clouds = @()
    if ($env:IMAGECMDLETS_EMULATORS) {
        $file = Join-Path $env:IMAGECMDLETS_EMULATORS 'emulators.json'
        foreach ($e in (Get-Content -Raw $file | ConvertFrom-Json)) {
            $conditions = @{}
            foreach ($p in $e.conditions.PSObject.Properties) { $conditions[$p.Name] = $p.Value }
            $environment = @{}
            foreach ($p in $e.environment.PSObject.Properties) { $environment[$p.Name] = $p.Value }
            $clouds += [pscustomobject]@{
                Name              = $e.provider
                Kind              = 'Emulator'
                Endpoint          = $e.endpoint
                # False where the provider finds its endpoint itself (OpenStack: the Keystone catalog).
                EndpointParameter = $e.endpointParameter -ne $false
                Environment       = $environment
                Region            = $e.defaultRegion
                Regions           = @($e.regions)
                Key               = $e.accessKeyId
                Secret            = $e.secret
                Conditions        = $conditions
                HasCallLog        = $true
            }
        }
    }
    $glance = Import-OpenStackTestEnvironment
    if ($glance) {
        $clouds += [pscustomobject]@{
            Name              = 'OpenStack'
            Kind              = 'Glance'
            Endpoint          = $null
            EndpointParameter = $false
            Environment       = $glance
            Region            = $env:OS_REGION_NAME
            Regions           = @($env:OS_REGION_NAME)
            Key               = $env:OS_USERNAME
            Secret            = $env:OS_PASSWORD
            Conditions        = @{ deletable = $null; protected = 'ImageProtected' }
            HasCallLog        = $false
        }
    }
    $clouds
}

# The parameters that reach a test cloud, for splatting: @{ Provider; Region; Endpoint; Credential }. The
# environment variables its clients need besides (OpenStack: OS_AUTH_URL, OS_PROJECT_NAME, ...) are set.
function Get-CloudSplat($Cloud, [switch] $NoRegion) {
    Set-TestCloudEnvironment $Cloud
    $splat = @{ Provider = $Cloud.Name; Credential = (New-TestCredential $Cloud.Key $Cloud.Secret) }
    if ($Cloud.Endpoint -and $Cloud.EndpointParameter) { $splat.Endpoint = $Cloud.Endpoint }
    if ($Cloud.Region -and -not $NoRegion) { $splat.Region = $Cloud.Region }
    $splat
}

# Sets the cloud's environment variables in this process, after removing those another cloud set, so that
# two OpenStacks (the emulator and the real Glance) never mix. The names set are kept in an environment
# variable too, as this module is imported again (-Force) by each test file.
function Set-TestCloudEnvironment($Cloud) {
    foreach ($name in @(([string]$env:IMAGECMDLETS_TEST_CLOUD_VARIABLES).Split(';') | Where-Object { $_ })) {
        Remove-Item "env:$name" -ErrorAction SilentlyContinue
    }
    foreach ($name in $Cloud.Environment.Keys) { Set-Item -Path "env:$name" -Value $Cloud.Environment[$name] }
    $env:IMAGECMDLETS_TEST_CLOUD_VARIABLES = @($Cloud.Environment.Keys) -join ';'
}

function Invoke-Emulator($Cloud, [string] $Method, [string] $Path, $Body) {
    $uri = $Cloud.Endpoint.TrimEnd('/') + '/_emulator' + $Path
    if ($null -ne $Body) {
        Invoke-RestMethod -Method $Method -Uri $uri -Body ($Body | ConvertTo-Json -Depth 8) -ContentType 'application/json'
    } else {
        Invoke-RestMethod -Method $Method -Uri $uri
    }
}

# Runs -Script with verbose, debug and information on and returns, as one text, everything a user could see
# of it: every stream, and $Error as Format-List, Exception.ToString() and Get-Error show it. $Error holds
# the script's errors afterwards. The preferences are set in the caller's scope, where the script runs.
function Get-EverythingShown {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [scriptblock] $Script)
    $caller = $PSCmdlet.SessionState.PSVariable
    $preferences = 'VerbosePreference', 'DebugPreference', 'InformationPreference'
    $saved = @{}
    foreach ($name in $preferences) { $saved[$name] = $caller.GetValue($name); $caller.Set($name, 'Continue') }
    $global:Error.Clear()
    try { $shown = & $Script *>&1 | Out-String }
    finally { foreach ($name in $preferences) { $caller.Set($name, $saved[$name]) } }
    $errors = $global:Error
    $shown + ($errors | Format-List * -Force | Out-String) + ($errors | ForEach-Object { $_.Exception.ToString() }) + ($errors | Get-Error | Out-String)
}

# Registers a temporary (STS) key pair with its session token on the emulator; returns {id, secret, token}.
function New-TestTemporaryKey($Cloud) {
    $suffix = [guid]::NewGuid().ToString('N')
    $key = @{ id = 'STS' + $suffix.Substring(0, 16); secret = "sts-secret-$suffix"; token = "sts-token-$suffix" + ('T' * 48) }
    $null = Invoke-Emulator $Cloud Post '/keys' $key
    $key
}

# A project-scoped Keystone token for an OpenStack test cloud's user (the emulator's Keystone or the real one).
function New-KeystoneTestToken($Cloud) {
    Set-TestCloudEnvironment $Cloud
    $domain = if ($env:OS_USER_DOMAIN_NAME) { @{ name = $env:OS_USER_DOMAIN_NAME } } else { @{ id = 'default' } }
    $projectDomain = if ($env:OS_PROJECT_DOMAIN_NAME) { @{ name = $env:OS_PROJECT_DOMAIN_NAME } } else { @{ id = 'default' } }
    $body = @{ auth = @{
            identity = @{ methods = @('password'); password = @{ user = @{ name = $Cloud.Key; domain = $domain; password = $Cloud.Secret } } }
            scope    = @{ project = @{ name = $env:OS_PROJECT_NAME; domain = $projectDomain } }
        } } | ConvertTo-Json -Depth 10
    $response = Invoke-WebRequest -Method Post -Uri ($env:OS_AUTH_URL.TrimEnd('/') + '/auth/tokens') -Body $body -ContentType 'application/json' -UseBasicParsing
    [string]($response.Headers['X-Subject-Token'] | Select-Object -First 1)
}

# Seeds images in a condition (deletable, protected, inUse, sharedToOthers, ...); returns {id, name, expectedError}.
# -Tag (emulators only): @{ key = value } tags the images carry.
function New-TestImage($Cloud, [string] $Name, [string] $Condition = 'deletable', [int] $Count = 1, [string] $Region, [hashtable] $Tag) {
    if ($Cloud.Kind -eq 'Glance') {
        $token = Get-GlanceTestToken
        $names = if ($Count -eq 1) { @($Name) } else { 0..($Count - 1) | ForEach-Object { '{0}-{1:d4}' -f $Name, $_ } }
        foreach ($n in $names) {
            [pscustomobject]@{
                id            = New-GlanceTestImage -Token $token -Name $n -Protected:($Condition -eq 'protected')
                name          = $n
                expectedError = $Cloud.Conditions[$Condition]
            }
        }
        return
    }
    $spec = @{ name = $Name; condition = $Condition; count = $Count }
    if ($Region) { $spec.region = $Region }
    if ($Tag) { $spec.tags = $Tag }
    (Invoke-Emulator $Cloud Post '/images' @{ images = @($spec) }).images
}

# Whether the image is still there. An image whose deletion the cloud has accepted but not finished (an emulator
# lists it as deleting) is as good as gone, unless -EvenIfDeleting asks whether it is really gone yet.
function Test-TestImage($Cloud, [string] $Id, [switch] $EvenIfDeleting) {
    if ($Cloud.Kind -eq 'Glance') { return Test-GlanceTestImage -Token (Get-GlanceTestToken) -Id $Id }
    [bool]((Invoke-Emulator $Cloud Get '/images').images | Where-Object { $_.id -eq $Id -and ($EvenIfDeleting -or -not $_.deleting) })
}

# Queues faults for the next matching calls: ServiceUnavailable, ServerError, ConnectionReset, SlowResponse, MalformedBody, ResetAfterProcessing, Throttle.
function Add-TestFault($Cloud, [string] $Kind, [string] $Action, [int] $Count = 1, [int] $DelayMs = 0) {
    $fault = @{ kind = $Kind; count = $Count; delayMs = $DelayMs }
    if ($Action) { $fault.action = $Action }
    $null = Invoke-Emulator $Cloud Post '/faults' @{ faults = @($fault) }
}

function Set-TestLatency($Cloud, [int] $Milliseconds) {
    $null = Invoke-Emulator $Cloud Post '/settings' @{ latencyMs = $Milliseconds }
}

# The calls the cloud received (emulators only): {seq, receivedAt, action, status, fault}.
function Get-TestCall($Cloud) { @((Invoke-Emulator $Cloud Get '/calls').calls) }

# Ids each real deletion removed, in order (emulators only).
function Get-TestDeletion($Cloud) { @((Invoke-Emulator $Cloud Get '/deleted').deleted) }

# Clears the emulator: images, faults, calls, settings. The Glance cloud keeps its images (tests use unique names).
function Reset-TestCloud($Cloud) {
    if ($Cloud.Kind -eq 'Emulator') { $null = Invoke-Emulator $Cloud Post '/reset' $null }
}

# How each provider's own tools keep credentials: the environment variables of its SDKs and a named
# profile in its CLI's files. A provider listed here joins the tests that pipe through profiles and
# environment variables; one that is not is simply not part of them.
$script:CredentialConventions = @{
    Tencent = @{
        Variables = @{ Id = 'TENCENTCLOUD_SECRET_ID'; Secret = 'TENCENTCLOUD_SECRET_KEY'; Region = 'TENCENTCLOUD_REGION' }
        # Temporary (STS) keys come with this token; the emulator refuses a temporary key without its token.
        TokenVariable = 'TENCENTCLOUD_TOKEN'
        WriteProfile = {
            param($HomeDir, $Name, $Key, $Secret, $Region)
            $null = New-Item -ItemType Directory -Force (Join-Path $HomeDir '.tccli')
            @{ secretId = $Key; secretKey = $Secret } | ConvertTo-Json | Set-Content (Join-Path $HomeDir ".tccli/$Name.credential")
            @{ _sys_param = @{ region = $Region } } | ConvertTo-Json | Set-Content (Join-Path $HomeDir ".tccli/$Name.configure")
        }
    }
    Alibaba = @{
        Variables = @{ Id = 'ALIBABA_CLOUD_ACCESS_KEY_ID'; Secret = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'; Region = 'ALIBABA_CLOUD_REGION_ID' }
        # Temporary (STS) keys come with this token; the emulator refuses a temporary key without its token.
        TokenVariable = 'ALIBABA_CLOUD_SECURITY_TOKEN'
        WriteProfile = {
            param($HomeDir, $Name, $Key, $Secret, $Region)
            $file = Join-Path $HomeDir '.aliyun/config.json'
            $config = if (Test-Path $file) { Get-Content -Raw $file | ConvertFrom-Json } else { [pscustomobject]@{ current = 'default'; profiles = @() } }
            $config.profiles = @($config.profiles) + [pscustomobject]@{ name = $Name; mode = 'AK'; access_key_id = $Key; access_key_secret = $Secret; region_id = $Region }
            $null = New-Item -ItemType Directory -Force (Split-Path $file)
            $config | ConvertTo-Json -Depth 5 | Set-Content $file
        }
    }
    Volcengine = @{
        Variables = @{ Id = 'VOLCENGINE_ACCESS_KEY'; Secret = 'VOLCENGINE_SECRET_KEY'; Region = 'VOLCENGINE_REGION' }
        # Temporary (STS) keys come with this token; the emulator refuses a temporary key without its token.
        TokenVariable = 'VOLCENGINE_SESSION_TOKEN'
        WriteProfile = {
            param($HomeDir, $Name, $Key, $Secret, $Region)
            $file = Join-Path $HomeDir '.volcengine/config.json'
            $config = if (Test-Path $file) { Get-Content -Raw $file | ConvertFrom-Json } else { [pscustomobject]@{ current = 'default'; profiles = [pscustomobject]@{} } }
            $config.profiles | Add-Member -Force -NotePropertyName $Name -NotePropertyValue ([pscustomobject]@{ name = $Name; mode = 'ak'; 'access-key' = $Key; 'secret-key' = $Secret; region = $Region })
            $null = New-Item -ItemType Directory -Force (Split-Path $file)
            $config | ConvertTo-Json -Depth 5 | Set-Content $file
        }
    }
    Zenlayer = @{
        # Zenlayer's tools keep no region: a session without -Region covers the whole account.
        Variables = @{ Id = 'ZENLAYERCLOUD_ACCESS_KEY_ID'; Secret = 'ZENLAYERCLOUD_ACCESS_KEY_PASSWORD' }
        WriteProfile = {
            param($HomeDir, $Name, $Key, $Secret, $Region)
            $file = Join-Path $HomeDir '.zenlayer/credentials.json'
            $profiles = if (Test-Path $file) { Get-Content -Raw $file | ConvertFrom-Json } else { New-Object psobject }
            $profiles | Add-Member -Force -NotePropertyName $Name -NotePropertyValue ([pscustomobject]@{ access_key_id = $Key; access_key_secret = $Secret })
            $null = New-Item -ItemType Directory -Force (Split-Path $file)
            $profiles | ConvertTo-Json -Depth 5 | Set-Content $file
        }
    }
    Huawei = @{
        # Huawei's tools keep no region, so -Region is always given; the project id comes from the environment.
        Variables       = @{ Id = 'HUAWEICLOUD_SDK_AK'; Secret = 'HUAWEICLOUD_SDK_SK' }
        TokenVariable   = 'HUAWEICLOUD_SDK_SECURITY_TOKEN'
        # An IAM user of the emulator's demo account (HuaweiEmulator.Account, DemoUser, DemoPassword), and the
        # variable that takes an IAM token as it is.
        IamUser         = 'imagecmdlets-demo\demo'
        IamPassword     = 'ImageCmdlets-Demo-Pass-01'
        IamTokenVariable = 'HUAWEICLOUD_IAM_TOKEN'
        IamEndpointVariable = 'HUAWEICLOUD_SDK_IAM_ENDPOINT'
        RegionParameter = $true
        WriteProfile    = {
            param($HomeDir, $Name, $Key, $Secret, $Region)
            # The SDK's INI credentials file, whose default section is [basic].
            $section = if ($Name -eq 'default') { 'basic' } else { $Name }
            $file = Join-Path $HomeDir '.huaweicloud/credentials'
            $null = New-Item -ItemType Directory -Force (Split-Path $file)
            Add-Content $file "[$section]`nak = $Key`nsk = $Secret`n"
        }
    }
}

function Get-CredentialConvention([string] $Provider) { $script:CredentialConventions[$Provider] }

# Reads tools/openstack/start.sh's env.sh into this process's environment and returns its variables;
# $null when there is none.
function Import-OpenStackTestEnvironment {
    $file = if ($env:IMAGECMDLETS_OPENSTACK_ENV) { $env:IMAGECMDLETS_OPENSTACK_ENV } else { '/tmp/imagecmdlets-openstack/env.sh' }
    if (-not (Test-Path $file)) { return $null }
    $variables = @{}
    foreach ($line in Get-Content $file) {
        if ($line -match "^export ([A-Z_0-9]+)=(.*)$") {
            $value = $Matches[2]
            if ($value.Length -ge 2 -and $value.StartsWith("'") -and $value.EndsWith("'")) { $value = $value.Substring(1, $value.Length - 2) }
            Set-Item -Path "env:$($Matches[1])" -Value $value
            $variables[$Matches[1]] = $value
        }
    }
    if (-not $env:GLANCE_URL) { return $null }
    return $variables
}

# A Keystone token for seeding test images directly over Glance's API (not through the module).
function Get-GlanceTestToken {
    if ($script:GlanceToken) { return $script:GlanceToken }
    $body = @{ auth = @{
            identity = @{ methods = @('password'); password = @{ user = @{ name = $env:OS_USERNAME; domain = @{ id = 'default' }; password = $env:OS_PASSWORD } } }
            scope    = @{ project = @{ name = $env:OS_PROJECT_NAME; domain = @{ id = 'default' } } }
        } } | ConvertTo-Json -Depth 10
    $response = Invoke-WebRequest -Method Post -Uri ($env:OS_AUTH_URL.TrimEnd('/') + '/auth/tokens') -Body $body -ContentType 'application/json' -UseBasicParsing
    $script:GlanceToken = [string]($response.Headers['X-Subject-Token'] | Select-Object -First 1)
    $script:GlanceToken
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

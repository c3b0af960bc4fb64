# Reliability and security as a user meets them, for every provider: bad input refused before any call
# with a specific error, and no secret in any stream, transcript, error record or export — with -Verbose,
# -Debug, failures and retries.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $clouds = @(Get-TestCloud | ForEach-Object { @{ Cloud = $_; Name = $_.Name } })
    # Providers with temporary (STS) keys whose emulator checks the session token.
    $tokenClouds = @($clouds | Where-Object { $_.Cloud.Kind -ne 'Glance' -and (Get-CredentialConvention $_.Name).TokenVariable })
    # Huawei's IAM user (account\user, password) and IAM token (HUAWEICLOUD_IAM_TOKEN) instead of an access key.
    $iamClouds = @($clouds | Where-Object { $_.Cloud.Kind -ne 'Glance' -and (Get-CredentialConvention $_.Name).IamTokenVariable })
    # OpenStack with a Keystone token (OS_TOKEN) instead of a password: the emulator and the real Keystone.
    $keystoneClouds = @($clouds | Where-Object { $_.Name -eq 'OpenStack' } | ForEach-Object { @{ Cloud = $_.Cloud; Name = "$($_.Name) ($($_.Cloud.Kind))" } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force
}

Describe 'Bad input to <Name> is refused before any call' -ForEach $clouds {
    BeforeAll { $splat = Get-CloudSplat $Cloud }

    It 'refuses <Case> with <Id>' -ForEach @(
        @{ Case = 'a time range that cannot match'; Id = 'InvalidTimeRange'; Extra = @{ CreatedBefore = (Get-Date).AddDays(-10); CreatedAfter = (Get-Date).AddDays(-5) } }
        @{ Case = 'a tag filter without a key'; Id = 'InvalidTagFilter'; Extra = @{ Tag = '=x' } }
        @{ Case = 'a state the provider does not have'; Id = 'UnknownState'; Extra = @{ State = 'NoSuchState' } }
        @{ Case = 'a region that would change the host'; Id = 'InvalidRegion'; Extra = @{ Region = 'evil.example/x' } }
        @{ Case = 'a region with a line break'; Id = 'InvalidRegion'; Extra = @{ Region = "r1`r`nX-Evil: injected" } }
        @{ Case = 'a bad wildcard'; Id = 'InvalidWildcardPattern'; Extra = @{ Name = 'ci-[' } }
    ) {
        $before = if ($Cloud.HasCallLog) { (Get-TestCall $Cloud).Count }
        $arguments = $splat.Clone()
        foreach ($key in $Extra.Keys) { $arguments[$key] = $Extra[$key] }
        if ($Id -eq 'UnknownState' -and [ImageCmdlets.Providers.ProviderRegistry]::Find($Cloud.Name).Capabilities.States.Count -eq 0) {
            # The provider documents no fixed set of states: the filter goes to the cloud as given.
            Get-ErrorRecordOf { Get-CloudImage @arguments } | Should -BeNullOrEmpty
            return
        }
        $err = Get-ErrorRecordOf { Get-CloudImage @arguments }
        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Not -Match "`n"
        $err.Exception.Message | Should -Not -Match '\(Parameter '
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        if ($Cloud.HasCallLog) { (Get-TestCall $Cloud).Count | Should -Be $before }
    }

    It 'refuses an endpoint with a password in it, without repeating the password' {
        $arguments = $splat.Clone()
        $arguments.Endpoint = 'http://someone:hunter2-secret@127.0.0.1:1/'
        $err = Get-ErrorRecordOf { Get-CloudImage @arguments }
        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialInEndpoint,*'
        ($err | Out-String) + $err.Exception.ToString() | Should -Not -Match 'hunter2'
    }

    It 'refuses a 5,000-character id for that id alone' {
        $errors = $null
        $null = ('a' * 5000) | Remove-CloudImage @splat -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'MalformedImageId,*'
        $errors[0].Exception.Message.Length | Should -BeLessThan 6000
    }
}

Describe 'No secret of <Name> reaches any stream, record or export' -ForEach $clouds {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud
        $prefix = 'secret-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $transcript = Join-Path ([IO.Path]::GetTempPath()) "$prefix.transcript.txt"
        $clixml = Join-Path ([IO.Path]::GetTempPath()) "$prefix.errors.xml"
    }
    AfterAll { Remove-Item -ErrorAction SilentlyContinue $transcript, $clixml }

    It 'keeps the secret out of verbose, debug, output, errors, Get-Error, Format-List and Export-Clixml' {
        $images = @(New-TestImage $Cloud -Name $prefix -Count 3)
        $blocker = @($Cloud.Conditions.Keys | Where-Object { $null -ne $Cloud.Conditions[$_] })[0]
        $refused = New-TestImage $Cloud -Name "$prefix-refused" -Condition $blocker
        if ($Cloud.HasCallLog) { Add-TestFault $Cloud -Kind ServiceUnavailable -Count 2 }
        $wrong = Get-CloudSplat $Cloud
        $wrong.Credential = New-TestCredential $Cloud.Key ($Cloud.Secret + 'x')
        $null = Start-Transcript -Path $transcript
        $shown = Get-EverythingShown {
            Get-CloudImage @splat -Name "$prefix*"
            $images.id + $refused.id | Test-CloudImageDeletable @splat -ErrorAction Continue
            $images.id + $refused.id | Remove-CloudImage @splat -WhatIf -ErrorAction Continue
            $images.id + $refused.id | Remove-CloudImage @splat -Force -ErrorAction Continue
            try { $images.id | Remove-CloudImage @wrong -Force } catch { $_ }
            $CloudImageLastRun | Format-List * | Out-String
            $CloudImageLastRun.Entries | Format-List * | Out-String
        }
        $null = Stop-Transcript
        $Error | Export-Clixml -Path $clixml -Depth 5
        $all = $shown + (Get-Content -Raw $transcript) + (Get-Content -Raw $clixml)

        $all | Should -Match ([regex]::Escape($images[0].id))                 # the run did happen
        $all | Should -Match "\[$($Cloud.Name)\] "                         # with its verbose and debug lines
        $all | Should -Not -Match ([regex]::Escape($Cloud.Secret))
    }
}

Describe 'No session token of <Name> reaches any stream, record or export' -ForEach $tokenClouds {
    BeforeAll {
        $convention = Get-CredentialConvention $Name
        $variables = @($convention.Variables.Values) + $convention.TokenVariable
        $saved = @{}
        foreach ($variable in $variables) { $saved[$variable] = [Environment]::GetEnvironmentVariable($variable) }
        $splat = Get-CloudSplat $Cloud
        $splat.Remove('Credential') # the temporary key comes from the environment, as a runbook's would
        $key = New-TestTemporaryKey $Cloud
        $prefix = 'sts-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    }
    AfterAll { foreach ($variable in $variables) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) } }

    It 'signs with the token and keeps it and the temporary secret out of verbose, debug, output, errors and the record' {
        [Environment]::SetEnvironmentVariable($convention.Variables.Id, $key.id)
        [Environment]::SetEnvironmentVariable($convention.Variables.Secret, $key.secret)
        [Environment]::SetEnvironmentVariable($convention.TokenVariable, $key.token)
        if ($convention.Variables.Region) { [Environment]::SetEnvironmentVariable($convention.Variables.Region, $Cloud.Region) }
        $images = @(New-TestImage $Cloud -Name $prefix -Count 2)
        $all = Get-EverythingShown {
            Get-CloudImage @splat -Name "$prefix*"
            $images.id | Test-CloudImageDeletable @splat
            $images.id | Remove-CloudImage @splat -WhatIf
            $images.id | Remove-CloudImage @splat -Force
            $CloudImageLastRun | Format-List * | Out-String
            # A token the cloud refuses: the error path must not show it either.
            [Environment]::SetEnvironmentVariable($convention.TokenVariable, $key.token + 'x')
            try { Get-CloudImage @splat -Name "$prefix*" } catch { $_ }
        }

        foreach ($image in $images) { Test-TestImage $Cloud -Id $image.id | Should -BeFalse -Because 'the temporary key and its token were accepted' }
        $refusal = @($Error | Where-Object { $_.CategoryInfo.Category -eq 'AuthenticationError' })
        $refusal.Count | Should -BeGreaterThan 0 -Because "the wrong token is refused: $all"
        $all | Should -Match "\[$($Cloud.Name)\] "
        $all | Should -Not -Match ([regex]::Escape($key.token))
        $all | Should -Not -Match ([regex]::Escape($key.secret))
    }
}

Describe 'No Keystone token of <Name> reaches any stream, record or export' -ForEach $keystoneClouds {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud
        $splat.Remove('Credential') # the token comes from OS_TOKEN, as a runbook's would
        $token = New-KeystoneTestToken $Cloud
        $variables = 'OS_TOKEN', 'OS_PASSWORD', 'OS_USERNAME'
        $saved = @{}
        foreach ($variable in $variables) { $saved[$variable] = [Environment]::GetEnvironmentVariable($variable) }
        $prefix = 'token-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    }
    AfterAll { foreach ($variable in $variables) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) } }

    It 'acts with the token and keeps it out of verbose, debug, output, errors and the record' {
        $images = @(New-TestImage $Cloud -Name $prefix -Count 2)
        Set-TestCloudEnvironment $Cloud
        foreach ($variable in 'OS_PASSWORD', 'OS_USERNAME') { [Environment]::SetEnvironmentVariable($variable, $null) }
        [Environment]::SetEnvironmentVariable('OS_TOKEN', $token)
        $all = Get-EverythingShown {
            Get-CloudImage @splat -Name "$prefix*"
            $images.id | Test-CloudImageDeletable @splat
            $images.id | Remove-CloudImage @splat -WhatIf
            $images.id | Remove-CloudImage @splat -Force
            $CloudImageLastRun | Format-List * | Out-String
            # A token Keystone refuses: the error path must not show it either.
            [Environment]::SetEnvironmentVariable('OS_TOKEN', $token + 'x')
            try { Get-CloudImage @splat -Name "$prefix*" } catch { $_ }
        }

        foreach ($image in $images) { Test-TestImage $Cloud -Id $image.id | Should -BeFalse -Because 'the token was accepted' }
        $refusal = @($Error | Where-Object { $_.CategoryInfo.Category -eq 'AuthenticationError' })
        $refusal.Count | Should -BeGreaterThan 0 -Because "the wrong token is refused: $all"
        $all | Should -Match "\[OpenStack\] "
        $all | Should -Not -Match ([regex]::Escape($token))
    }
}

Describe 'No IAM password or token of <Name> reaches any stream, record or export' -ForEach $iamClouds {
    BeforeAll {
        $convention = Get-CredentialConvention $Name
        $variables = @($convention.Variables.Values) + $convention.TokenVariable + $convention.IamTokenVariable + $convention.IamEndpointVariable
        $saved = @{}
        foreach ($variable in $variables) { $saved[$variable] = [Environment]::GetEnvironmentVariable($variable) }
        $splat = Get-CloudSplat $Cloud
        $splat.Remove('Credential')
        $prefix = 'iam-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        # A token as IAM issues it to the user, scoped to the region's project.
        $account, $user = $convention.IamUser.Split('\')
        $body = @{ auth = @{
                identity = @{ methods = @('password'); password = @{ user = @{ name = $user; password = $convention.IamPassword; domain = @{ name = $account } } } }
                scope    = @{ project = @{ name = $Cloud.Region } }
            } } | ConvertTo-Json -Depth 10
        $answer = Invoke-WebRequest -Method Post -Uri ($Cloud.Endpoint.TrimEnd('/') + '/v3/auth/tokens') -Body $body -ContentType 'application/json' -UseBasicParsing
        $token = [string]($answer.Headers['X-Subject-Token'] | Select-Object -First 1)
    }
    AfterAll { foreach ($variable in $variables) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) } }

    It 'acts as the IAM user and with the IAM token, and keeps the password and the token out of every stream' {
        foreach ($variable in $variables) { [Environment]::SetEnvironmentVariable($variable, $null) }
        # IAM is served beside the emulated IMS: -Endpoint names IMS only, so IAM's endpoint is set as the SDKs take it.
        [Environment]::SetEnvironmentVariable($convention.IamEndpointVariable, $Cloud.Endpoint.TrimEnd('/') + '/v3')
        $byUser = @(New-TestImage $Cloud -Name "$prefix-user")
        $byToken = @(New-TestImage $Cloud -Name "$prefix-token" -Count 2)
        $iamUser = New-TestCredential $convention.IamUser $convention.IamPassword
        $all = Get-EverythingShown {
            $byUser.id | Remove-CloudImage @splat -Credential $iamUser -Force
            [Environment]::SetEnvironmentVariable($convention.IamTokenVariable, $token)
            Get-CloudImage @splat -Name "$prefix*"
            $byToken.id | Test-CloudImageDeletable @splat
            $byToken.id | Remove-CloudImage @splat -WhatIf
            $byToken.id | Remove-CloudImage @splat -Force
            $CloudImageLastRun | Format-List * | Out-String
            # A token the gateway refuses: the error path must not show it either.
            [Environment]::SetEnvironmentVariable($convention.IamTokenVariable, $token + 'x')
            try { Get-CloudImage @splat -Name "$prefix*" } catch { $_ }
        }

        foreach ($image in $byUser + $byToken) { Test-TestImage $Cloud -Id $image.id | Should -BeFalse -Because 'the IAM user and the token were accepted' }
        $refusal = @($Error | Where-Object { $_.CategoryInfo.Category -eq 'AuthenticationError' })
        $refusal.Count | Should -BeGreaterThan 0 -Because "the wrong token is refused: $all"
        $all | Should -Match "\[$($Cloud.Name)\] "
        $all | Should -Not -Match ([regex]::Escape($token))
        $all | Should -Not -Match ([regex]::Escape($convention.IamPassword))
    }
}

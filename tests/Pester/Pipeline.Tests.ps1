# Pipelines as users write them, where the clouds' own call logs can tell what happened: a listing that
# nobody reads any more stops, and images from several providers and regions each go back to the very
# session that listed them. Runs for every emulated provider (their call logs are the evidence).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $emulated = @(Get-TestCloud | Where-Object HasCallLog | ForEach-Object { @{ Cloud = $_; Name = $_.Name } })
    $withConventions = @($emulated | Where-Object { Get-CredentialConvention $_.Name })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force
}

Describe 'A listing nobody reads any more stops (<Name>)' -ForEach $emulated {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud
        $prefix = 'first-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $null = New-TestImage $Cloud -Name $prefix -Count 25
    }
    AfterAll { Set-TestLatency $Cloud 0 }

    It 'makes no list call after Select-Object -First 1 has returned' {
        Set-TestLatency $Cloud 50
        $before = (Get-TestCall $Cloud).Count
        $first = Get-CloudImage @splat -PageSize 1 | Select-Object -First 1
        $first | Should -Not -BeNullOrEmpty
        $atReturn = (Get-TestCall $Cloud).Count
        Start-Sleep -Milliseconds 800
        (Get-TestCall $Cloud).Count | Should -Be $atReturn -Because 'no call may start after the pipeline stopped'
        ($atReturn - $before) | Should -BeLessOrEqual 3
    }
}

Describe 'Images from several providers and regions in one pipeline' {
    BeforeAll {
        $clouds = @(Get-TestCloud | Where-Object HasCallLog)
        $tag = 'mix-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $seeded = foreach ($cloud in $clouds) {
            foreach ($region in $cloud.Regions | Select-Object -First 2) {
                foreach ($image in New-TestImage $cloud -Name "$tag-$($cloud.Name)-$region" -Count 2 -Region $region) {
                    [pscustomobject]@{ Cloud = $cloud; Region = $region; Id = $image.id }
                }
            }
        }
    }

    It 'each image is deleted through the session that listed it' {
        $listed = foreach ($cloud in $clouds) {
            foreach ($region in $cloud.Regions | Select-Object -First 2) {
                $splat = Get-CloudSplat $cloud
                $splat.Region = $region
                Get-CloudImage @splat -Name "$tag-*"
            }
        }
        @($listed).Count | Should -Be @($seeded).Count
        $results = $listed | Remove-CloudImage -Force
        @($results | Where-Object Status -in 'Deleted', 'Deleting').Count | Should -Be @($seeded).Count
        foreach ($s in $seeded) {
            ($results | Where-Object ImageId -eq $s.Id).Region | Should -Be $s.Region
            Test-TestImage $s.Cloud $s.Id | Should -BeFalse
        }
    }
}

Describe 'A piped image keeps the profile or environment that listed it (<Name>)' -ForEach $withConventions {
    BeforeAll {
        $convention = Get-CredentialConvention $Name
        $savedHome = $env:HOME
        $saved = @{}
        foreach ($variable in $convention.Variables.Values) { $saved[$variable] = [Environment]::GetEnvironmentVariable($variable) }
        $testHome = Join-Path ([IO.Path]::GetTempPath()) ('home-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory $testHome
        $env:HOME = $testHome
        # The default profile holds a key the cloud does not know: acting through it deletes nothing.
        & $convention.WriteProfile $testHome 'default' 'AKIDnotKnownToTheCloud000001' 'not-the-secret-0000000000000001' $Cloud.Region
        & $convention.WriteProfile $testHome 'prod' $Cloud.Key $Cloud.Secret $Cloud.Region
        # The cloud's other settings (Huawei: its project id) stay as the emulator gives them.
        Set-TestCloudEnvironment $Cloud
        # A provider whose tools keep no region (Huawei) is always given one.
        $regionSplat = if ($convention.RegionParameter) { @{ Region = $Cloud.Region } } else { @{} }
    }
    AfterAll {
        $env:HOME = $savedHome
        foreach ($variable in $saved.Keys) { [Environment]::SetEnvironmentVariable($variable, $saved[$variable]) }
        Remove-Item -Recurse -Force $testHome
    }

    It 'removes through -ProfileName given only to Get-CloudImage, never the default profile' {
        $image = New-TestImage $Cloud -Name ('profile-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $result = Get-CloudImage -Provider $Name -ProfileName prod -Endpoint $Cloud.Endpoint -ImageId $image.id @regionSplat | Remove-CloudImage -Force
        $result.Status | Should -BeIn @('Deleted', 'Deleting')
        Test-TestImage $Cloud $image.id | Should -BeFalse
    }

    It 'removes through the endpoint that listed the image when the keys come from the environment' {
        $image = New-TestImage $Cloud -Name ('env-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        [Environment]::SetEnvironmentVariable($convention.Variables.Id, $Cloud.Key)
        [Environment]::SetEnvironmentVariable($convention.Variables.Secret, $Cloud.Secret)
        # A provider whose tools keep no region (Zenlayer) has no region variable to set.
        if ($convention.Variables.Region) { [Environment]::SetEnvironmentVariable($convention.Variables.Region, $Cloud.Region) }
        try {
            $result = Get-CloudImage -Provider $Name -Endpoint $Cloud.Endpoint -ImageId $image.id @regionSplat | Remove-CloudImage -Force
        } finally {
            foreach ($variable in $convention.Variables.Values) { [Environment]::SetEnvironmentVariable($variable, $null) }
        }
        $result.Status | Should -BeIn @('Deleted', 'Deleting')
        Test-TestImage $Cloud $image.id | Should -BeFalse
    }
}

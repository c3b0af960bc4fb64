# Tab completion as a user meets it (TabExpansion2, as PSReadLine calls it): -ProfileName offers the profiles
# of the chosen provider's own CLI files, -ImageId the ids this session has listed, and neither ever offers
# file names. Every provider of the module is covered by data.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force
    $providers = @([ImageCmdlets.Providers.ProviderRegistry]::Names | ForEach-Object { @{ Name = $_ } })
    $emulated = @(Get-TestCloud | Where-Object HasCallLog | ForEach-Object { @{ Cloud = $_; Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }

    # A working folder holding files whose names a file-name fallback would offer.
    $decoyFolder = Join-Path ([IO.Path]::GetTempPath()) ('completion-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory $decoyFolder
    foreach ($file in 'decoy-file.txt', 'img-decoy.txt', 'prod-decoy.txt') { $null = New-Item -ItemType File (Join-Path $decoyFolder $file) }
    Push-Location $decoyFolder
}

AfterAll {
    Pop-Location
    Remove-Item -Recurse -Force $decoyFolder
}

Describe '-ProfileName completion for <Name>' -ForEach $providers {
    BeforeAll {
        $convention = Get-CredentialConvention $Name
        $savedHome = $env:HOME
        $testHome = Join-Path ([IO.Path]::GetTempPath()) ('home-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory $testHome
        $env:HOME = $testHome
        if ($convention) {
            & $convention.WriteProfile $testHome 'prod-eu' 'AKIDprofileCompletion0000001' 'secret-0000000000000000000001' 'r1'
            & $convention.WriteProfile $testHome 'staging' 'AKIDprofileCompletion0000002' 'secret-0000000000000000000002' 'r1'
        }
    }
    AfterAll {
        $env:HOME = $savedHome
        Remove-Item -Recurse -Force $testHome
    }

    It 'offers the profiles of its CLI files, and never file names' {
        $offered = Get-Completion "Get-CloudImage -Provider $Name -ProfileName "
        $offered | Where-Object { $_ -like '*decoy*' } | Should -BeNullOrEmpty
        if ($convention) {
            $offered | Should -Be @('prod-eu', 'staging')
        } else {
            # The provider reads no profiles (OpenStack: clouds.yaml is not read yet): nothing to offer.
            $offered | Should -BeNullOrEmpty
        }
    }

    It 'narrows to the word typed, for every command' -ForEach 'Get-CloudImage', 'Test-CloudImageDeletable', 'Remove-CloudImage' {
        $offered = Get-Completion "$_ -Provider $Name -ProfileName pro"
        if ($convention) { $offered | Should -Be @('prod-eu') } else { $offered | Should -BeNullOrEmpty }
    }
}

Describe '-ImageId completion for <Name>' -ForEach $emulated {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud
        $prefix = 'complete-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    }

    It 'offers nothing, not file names, for ids this session has not listed' {
        Get-Completion "Remove-CloudImage -Provider $Name -Region $($Cloud.Region) -ImageId img-decoy" | Should -BeNullOrEmpty
        Get-Completion "Get-CloudImage -Provider $Name -ImageId zz-never-listed" | Should -BeNullOrEmpty
    }

    It 'offers the ids Get-CloudImage listed for that provider and region' {
        $seeded = @(New-TestImage $Cloud -Name $prefix -Count 2)
        $listed = @(Get-CloudImage @splat -Name "$prefix-*")
        $listed.Count | Should -Be 2
        foreach ($command in 'Get-CloudImage', 'Test-CloudImageDeletable', 'Remove-CloudImage') {
            $offered = Get-Completion "$command -Provider $Name -Region $($Cloud.Region) -ImageId "
            foreach ($id in $seeded.id) { $offered | Should -Contain $id }
        }
        $first = $seeded[0].id
        $offered = Get-Completion "Remove-CloudImage -Provider $Name -ImageId $first"
        $offered | Should -Contain $first
        $offered | Where-Object { -not $_.StartsWith($first) } | Should -BeNullOrEmpty
    }

    It 'does not offer one provider''s ids for another' {
        $other = [ImageCmdlets.Providers.ProviderRegistry]::Names | Where-Object { $_ -ne $Name } | Select-Object -First 1
        $image = New-TestImage $Cloud -Name "$prefix-own"
        $null = Get-CloudImage @splat -ImageId $image.id
        Get-Completion "Remove-CloudImage -Provider $other -ImageId $($image.id)" | Should -BeNullOrEmpty
    }
}

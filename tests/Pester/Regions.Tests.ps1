# Many regions at once: Get-CloudImage -Region a,b,c and -Region * against the emulator host, for every
# emulated provider. Each emulator serves every region the module knows for its provider, as the cloud does.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $emulated = @(Get-TestCloud | Where-Object HasCallLog | ForEach-Object { @{ Cloud = $_; Name = $_.Name } })
    $withRegions = @($emulated | Where-Object { @($_.Cloud.Regions).Count -ge 2 })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force
}

Describe 'Get-CloudImage over many regions of <Name>' -ForEach $emulated {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud -NoRegion
        $prefix = 'regions-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $known = @([ImageCmdlets.Providers.ProviderRegistry]::Find($Name).KnownRegions)
        # Up to three regions, each with its own images (a region's images are named after it).
        $regions = @($Cloud.Regions | Select-Object -First 3)
        $seeded = foreach ($region in $regions) {
            foreach ($image in New-TestImage $Cloud -Name "$prefix-$region" -Count 2 -Region $region) {
                [pscustomobject]@{ Region = $region; Id = $image.id }
            }
        }
    }
    AfterAll { Set-TestLatency $Cloud 0 }

    It 'lists the regions given, each image with its own region, one region after the other in the order given' {
        $given = @($regions | Sort-Object -Descending)
        $images = @(Get-CloudImage @splat -Region $given -Name "$prefix-*")
        $images.Count | Should -Be @($seeded).Count
        foreach ($s in $seeded) { ($images | Where-Object ImageId -eq $s.Id).Region | Should -Be $s.Region }
        foreach ($image in $images) { $image.Name | Should -BeLike "$prefix-$($image.Region)-*" }
        # Each region's images together, regions in the order given (so a table groups each region once).
        $order = @($images.Region | Select-Object -Unique)
        $order | Should -Be @($given | Where-Object { $_ -in $images.Region })
        $changes = 0
        for ($i = 1; $i -lt $images.Count; $i++) { if ($images[$i].Region -ne $images[$i - 1].Region) { $changes++ } }
        $changes | Should -Be ($order.Count - 1)
    }

    It 'lists every known region for -Region *, without an error for any of them' {
        $errors = $null
        $images = @(Get-CloudImage @splat -Region * -Name "$prefix-*" -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -BeNullOrEmpty
        if (@($known | Where-Object { $_ -notin $Cloud.Regions }).Count -eq 0) {
            @($images.ImageId | Sort-Object) | Should -Be @($seeded.Id | Sort-Object)
        } else {
            # An emulator of one region (Huawei: the region is only in the host name, which -Endpoint replaces)
            # answers every region's session: the same images then come back under each region.
            @($images.ImageId | Sort-Object -Unique) | Should -Be @($seeded.Id | Sort-Object)
        }
        @($images.Region | Select-Object -Unique | Where-Object { $_ -notin $known }) | Should -BeNullOrEmpty
    }

    It 'reports a region that fails as one error naming it, and lists the others' {
        $errors = $null
        $images = @(Get-CloudImage @splat -Region $regions[0], 'bad.region/x', $regions[-1] -Name "$prefix-*" -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors.Count | Should -Be 1
        $errors[0].TargetObject | Should -Be 'bad.region/x'
        $errors[0].ErrorDetails.Message | Should -Match ([regex]::Escape("$Name region bad.region/x"))
        @($images.ImageId | Sort-Object) | Should -Be @($seeded | Where-Object Region -in $regions[0], $regions[-1] | ForEach-Object Id | Sort-Object)
    }

    It 'stops every region with one terminating error when the key is refused' {
        $bad = Get-CloudSplat $Cloud -NoRegion
        $bad.Credential = New-TestCredential $Cloud.Key 'not-the-secret-0000000000000000'
        $caught = $null
        try { $null = Get-CloudImage @bad -Region $regions -ErrorAction Continue } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError' -Because "the error was $($caught.FullyQualifiedErrorId): $($caught.Exception.GetType().FullName): $($caught.Exception.Message)"
    }
}

Describe 'Get-CloudImage lists several regions of <Name> at once' -ForEach $withRegions {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud -NoRegion
        $prefix = 'together-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $regions = @($Cloud.Regions | Select-Object -First 2)
    }
    AfterAll { Set-TestLatency $Cloud 0 }

    It 'lists the regions at once rather than one after the other' {
        Set-TestLatency $Cloud 600
        try {
            $elapsed = Measure-Command { $null = Get-CloudImage @splat -Region $regions -Name "$prefix-*" }
        } finally { Set-TestLatency $Cloud 0 }
        # One region's listing takes at least 600 ms: two in turn would take 1200 ms.
        $elapsed.TotalMilliseconds | Should -BeLessThan 1100
    }
}

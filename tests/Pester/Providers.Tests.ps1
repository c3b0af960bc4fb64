# The PowerShell face of every provider, written once: each test runs for every test cloud (the emulated
# providers of the emulator host, and OpenStack on the real Glance). Seeded images carry the error code a
# real delete of them gives (their "condition"), so the expected outcome is data, not code.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $clouds = @(Get-TestCloud | ForEach-Object { @{ Cloud = $_; Name = $_.Name; Kind = $_.Kind } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force
}

Describe '<Name> (<Kind>)' -ForEach $clouds {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud
        $prefix = 'pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '-'
        # One image per condition the provider models, each with the code a real delete of it gives.
        function New-ConditionSet([string] $Tag) {
            foreach ($condition in $Cloud.Conditions.Keys) {
                New-TestImage $Cloud -Name "$prefix$Tag-$condition" -Condition $condition
            }
        }
        # An error that stops the command says, on one line, which provider and region refused, and what to do.
        function Assert-StopsEverythingClearly($Record) {
            $message = $Record.ErrorDetails.Message
            $message | Should -Match ('^' + [regex]::Escape("$($Cloud.Name) $($Cloud.Region): "))
            $message | Should -Not -Match '[\r\n]'
            $message | Should -Not -Match 'string to sign'
            $Record.ErrorDetails.RecommendedAction | Should -Match 'credentials'
        }
        function Assert-OutcomeMatches($Seeded, $Outputs, $Errors, [string] $SuccessProperty, $SuccessValue) {
            foreach ($image in $Seeded) {
                $output = @($Outputs | Where-Object ImageId -eq $image.id)
                $failed = @($Errors | Where-Object { $_.TargetObject.ImageId -eq $image.id -or $_.TargetObject -eq $image.id })
                ($output.Count + $failed.Count) | Should -Be 1 -Because "image $($image.name) must have exactly one outcome"
                if ($null -eq $image.expectedError) {
                    $output[0].$SuccessProperty | Should -BeIn $SuccessValue -Because "image $($image.name) is deletable"
                } elseif ($output.Count -eq 1) {
                    # A verdict: not deletable, with the code a real delete would give among its reasons.
                    $output[0].IsDeletable | Should -BeFalse -Because "image $($image.name) cannot be deleted"
                    $output[0].Reasons.Code | Should -Contain $image.expectedError
                } else {
                    $failed[0].FullyQualifiedErrorId | Should -BeLike "$($image.expectedError),ImageCmdlets.Commands.*"
                    $failed[0].CategoryInfo.Category | Should -Not -Be 'NotSpecified'
                    $failed[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty -Because "the error for $($image.name) must say what to do"
                }
            }
        }
    }

    AfterAll {
        if ($Cloud.Kind -eq 'Glance') {
            $token = Get-GlanceTestToken
            Get-CloudImage @splat -Name "$prefix*" -ErrorAction SilentlyContinue | ForEach-Object { Remove-GlanceTestImage -Token $token -Id $_.ImageId }
        }
    }

    It 'lists seeded images as CloudImage objects, filtered by a wildcard name' {
        $seeded = New-TestImage $Cloud -Name "${prefix}list" -Count 3
        $null = New-TestImage $Cloud -Name "${prefix}other"
        $images = @(Get-CloudImage @splat -Name "${prefix}list-*")
        $images.Count | Should -Be 3
        $images[0].PSObject.TypeNames[0] | Should -Be 'ImageCmdlets.CloudImage'
        ($images.ImageId | Sort-Object) | Should -Be ($seeded.id | Sort-Object)
        $images.Provider | Select-Object -Unique | Should -Be $Name
        ($images | Format-Table | Out-String) | Should -Match 'ImageId'
    }

    It 'looks up ids, and a missing one is an ObjectNotFound error that does not stop the rest' {
        $present, $gone = New-TestImage $Cloud -Name "${prefix}lookup" -Count 2
        # -Wait: where the cloud finishes deletions later, the image must really be gone before it is looked up.
        $null = Remove-CloudImage -InputObject (Get-CloudImage @splat -ImageId $gone.id) -Force -Wait
        $errors = $null
        $found = Get-CloudImage @splat -ImageId $gone.id, $present.id -ErrorVariable errors -ErrorAction SilentlyContinue
        @($found).ImageId | Should -Be @($present.id)
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'gives each image a verdict with the code a real delete would give' {
        $seeded = @(New-ConditionSet 'verdict')
        $errors = $null
        $verdicts = $seeded.id | Test-CloudImageDeletable @splat -ErrorVariable errors -ErrorAction SilentlyContinue
        Assert-OutcomeMatches $seeded $verdicts $errors 'IsDeletable' @($true)
    }

    It 'under -WhatIf deletes nothing and reports WouldDelete or the error a delete would give' {
        $seeded = @(New-ConditionSet 'whatif')
        $errors = $null
        $results = $seeded.id | Remove-CloudImage @splat -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue
        Assert-OutcomeMatches $seeded $results $errors 'Status' @('WouldDelete')
        foreach ($image in $seeded) { Test-TestImage $Cloud $image.id | Should -BeTrue }
    }

    It 'honours $WhatIfPreference even with -Force' {
        $image = New-TestImage $Cloud -Name "${prefix}whatifpref"
        $WhatIfPreference = $true
        try { $result = $image.id | Remove-CloudImage @splat -Force } finally { $WhatIfPreference = $false }
        $result.Status | Should -Be 'WouldDelete'
        Test-TestImage $Cloud $image.id | Should -BeTrue
    }

    It 'deletes the deletable images and gives every other image its own non-terminating error' {
        $seeded = @(New-ConditionSet 'remove')
        $errors = $null
        $results = $seeded.id | Remove-CloudImage @splat -Force -ErrorVariable errors -ErrorAction SilentlyContinue
        Assert-OutcomeMatches $seeded $results $errors 'Status' @('Deleted', 'Deleting')
        foreach ($image in $seeded) {
            Test-TestImage $Cloud $image.id | Should -Be ($null -ne $image.expectedError) -Because "only image $($image.name)'s deletion was refused"
        }
        $record = $CloudImageLastRun
        $record.Command | Should -Be 'Remove-CloudImage'
        $record.State | Should -Be 'Completed'
    }

    It 'with -Wait reports each deletion once it has finished, and the images are really gone' {
        $images = @(New-TestImage $Cloud -Name "${prefix}wait" -Count 3)
        $results = @($images.id | Remove-CloudImage @splat -Force -Wait -WaitTimeout 120)
        $results.Count | Should -Be 3
        $results.Status | Select-Object -Unique | Should -Be 'Deleted'
        foreach ($image in $images) { Test-TestImage $Cloud $image.id -EvenIfDeleting | Should -BeFalse }
        $CloudImageLastRun.State | Should -Be 'Completed'
        $CloudImageLastRun.Entries.Status | Select-Object -Unique | Should -Be 'Deleted'
    }

    It 'takes plain ids, objects with ImageId/Provider/Region properties, and CSV rows' {
        $a, $b, $c = New-TestImage $Cloud -Name "${prefix}bind" -Count 3
        $connection = Get-CloudSplat $Cloud
        $connection.Remove('Provider'); $connection.Remove('Region')
        $csv = Join-Path ([IO.Path]::GetTempPath()) "$prefix.csv"
        [pscustomobject]@{ ImageId = $c.id; Provider = $Cloud.Name; Region = $Cloud.Region } | Export-Csv -NoTypeInformation $csv

        $r1 = $a.id | Remove-CloudImage @splat -Force
        $r2 = [pscustomobject]@{ Id = $b.id; Provider = $Cloud.Name; Region = $Cloud.Region } | Remove-CloudImage @connection -Force
        $r3 = Import-Csv $csv | Remove-CloudImage @connection -Force
        @($r1, $r2, $r3).Status | ForEach-Object { $_ | Should -BeIn @('Deleted', 'Deleting') }
        $r1.PSObject.TypeNames[0] | Should -Be 'ImageCmdlets.CloudImageRemoval'
        foreach ($image in $a, $b, $c) { Test-TestImage $Cloud $image.id | Should -BeFalse }
    }

    It 'acts on a piped image through the session that listed it, with credentials given only to Get-CloudImage' {
        $image = New-TestImage $Cloud -Name "${prefix}session"
        $result = Get-CloudImage @splat -ImageId $image.id | Remove-CloudImage -Force
        $result.Status | Should -BeIn @('Deleted', 'Deleting')
        $result.Name | Should -Be $image.name
        Test-TestImage $Cloud $image.id | Should -BeFalse
    }

    It 'refuses a piped image whose region contradicts -Region, and sends nothing for it' {
        $image = New-TestImage $Cloud -Name "${prefix}conflict"
        $errors = $null
        $result = Get-CloudImage @splat -ImageId $image.id | Remove-CloudImage -Region 'elsewhere-1' -Force -ErrorVariable errors -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ImageTargetConflict,*'
        Test-TestImage $Cloud $image.id | Should -BeTrue
    }

    It 'stops at the first error under -ErrorAction Stop, and nothing is deleted after the catch' {
        $blocker = @($Cloud.Conditions.Keys | Where-Object { $null -ne $Cloud.Conditions[$_] })[0]
        $first = New-TestImage $Cloud -Name "${prefix}eas-first" -Condition $blocker
        $rest = @(New-TestImage $Cloud -Name "${prefix}eas-rest" -Count 12)
        $caught = $null
        try {
            @($first.id) + $rest.id | Remove-CloudImage @splat -Force -ErrorAction Stop
        } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike "$($first.expectedError),*"
        $atCatch = @($rest | Where-Object { Test-TestImage $Cloud $_.id }).id
        Start-Sleep -Seconds 1
        @($rest | Where-Object { Test-TestImage $Cloud $_.id }).id | Should -Be $atCatch
        $record = $CloudImageLastRun
        $record.State | Should -Be 'Stopped'
        $record.Received | Should -BeGreaterThan 0
        $record.Entries.Status | Should -Not -Contain 'Pending'
        # The record agrees with the cloud about every image it received.
        foreach ($entry in $record.Entries | Where-Object Status -eq 'Deleted') { $entry.ImageId | Should -Not -BeIn $atCatch }
        foreach ($entry in $record.Entries | Where-Object Status -eq 'NotProcessed') { Test-TestImage $Cloud $entry.ImageId | Should -BeTrue }
    }

    It 'ends with one terminating authentication error for a wrong secret, and deletes nothing' {
        $images = @(New-TestImage $Cloud -Name "${prefix}badkey" -Count 3)
        $bad = Get-CloudSplat $Cloud
        $bad.Credential = New-TestCredential $Cloud.Key 'not-the-secret-0000000000000000'
        $caught = $null
        $output = $null
        try {
            $output = $images.id | Remove-CloudImage @bad -Force -ErrorAction Continue
        } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty -Because 'a wrong secret must stop the command with a terminating error'
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $caught.FullyQualifiedErrorId | Should -Not -BeLike 'NotSpecified*'
        $output | Should -BeNullOrEmpty
        foreach ($image in $images) { Test-TestImage $Cloud $image.id | Should -BeTrue }
        $CloudImageLastRun.State | Should -Be 'Halted'
        ($caught | Out-String) | Should -Not -Match 'not-the-secret'
        Assert-StopsEverythingClearly $caught
    }

    It 'ends a listing with a wrong secret with one terminating error naming the provider and region' {
        $bad = Get-CloudSplat $Cloud
        $bad.Credential = New-TestCredential $Cloud.Key 'not-the-secret-0000000000000000'
        $caught = Get-ErrorRecordOf { Get-CloudImage @bad }
        $caught | Should -Not -BeNullOrEmpty
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'
        Assert-StopsEverythingClearly $caught
    }
}

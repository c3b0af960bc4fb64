# What a user does with the output objects besides reading them: export them to CSV or JSON and read them
# back. Runs for every emulated provider (they can seed tagged images and every condition).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $emulated = @(Get-TestCloud | Where-Object HasCallLog | ForEach-Object { @{ Cloud = $_; Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force

    # Every cell of a CSV file: none may be a .NET type name (what Export-Csv writes for an object without a useful ToString).
    function Assert-NoTypeNameCell([string] $Path) {
        foreach ($row in Import-Csv $Path) {
            foreach ($cell in $row.PSObject.Properties) {
                $cell.Value | Should -Not -Match '^(System|ImageCmdlets)\.[\w.`\[\]]+$' -Because "column $($cell.Name) must hold what a person can read"
            }
        }
    }
}

Describe 'Output of <Name> exported and read back' -ForEach $emulated {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud
        $prefix = 'export-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $csv = Join-Path ([IO.Path]::GetTempPath()) "$prefix.csv"
    }
    AfterAll { Remove-Item $csv -ErrorAction SilentlyContinue }

    It 'writes Tags and Properties of a CloudImage as key=value pairs in CSV, and as an array and an object in JSON' {
        $null = New-TestImage $Cloud -Name "$prefix-tagged" -Tag @{ env = 'prod'; team = 'ci' }
        $image = Get-CloudImage @splat -Name "$prefix-tagged"
        $image | Export-Csv -NoTypeInformation $csv
        Assert-NoTypeNameCell $csv
        $row = Import-Csv $csv
        $row.ImageId | Should -Be $image.ImageId
        @($row.Tags -split ';' | Sort-Object) | Should -Be @('env=prod', 'team=ci')
        if ($image.Properties.Count -gt 0) {
            $pairs = $row.Properties -split ';'
            $pairs.Count | Should -Be $image.Properties.Count
            foreach ($pair in $pairs) {
                $key, $value = $pair -split '=', 2
                $image.Properties[$key] | Should -Be $value
            }
        }

        $json = $image | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        @($json.Tags | Sort-Object) | Should -Be @('env=prod', 'team=ci')
        # (ConvertFrom-Json turns date-like values into dates, so the names are compared, not the values.)
        @($json.Properties.PSObject.Properties.Name | Sort-Object) | Should -Be @($image.Properties.Keys | Sort-Object)
    }

    It 'writes a verdict''s CheckedBy, reasons and their Source and Kind as words' {
        # One image per blocking condition: some are answered with an error rather than a verdict (an id the
        # account cannot see), so the first verdict that says no is the one exported.
        $blocked = foreach ($condition in $Cloud.Conditions.Keys | Where-Object { $null -ne $Cloud.Conditions[$_] }) {
            New-TestImage $Cloud -Name "$prefix-verdict-$condition" -Condition $condition
        }
        $verdict = @($blocked.id | Test-CloudImageDeletable @splat -ErrorAction SilentlyContinue | Where-Object { -not $_.IsDeletable })[0]
        $verdict | Should -Not -BeNullOrEmpty
        $image = $blocked | Where-Object id -eq $verdict.ImageId
        $verdict.CheckedBy -eq 'DryRun' -or $verdict.CheckedBy -eq 'Describe' | Should -BeTrue

        $verdict | Export-Csv -NoTypeInformation $csv
        Assert-NoTypeNameCell $csv
        $row = Import-Csv $csv
        $row.Reasons | Should -Match ([regex]::Escape("$($image.expectedError): "))
        $row.CheckedBy | Should -Be $verdict.CheckedBy

        $json = $verdict | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $json.CheckedBy | Should -Be $verdict.CheckedBy
        $reason = @($json.Reasons | Where-Object Code -eq $image.expectedError)[0]
        $reason.Source | Should -BeIn @('DryRun', 'Describe')
        $reason.Kind | Should -Match '^[A-Za-z]+$' -Because 'an error kind is written by name, not as a number'
        $reason.Message | Should -Not -BeNullOrEmpty
    }

    It 'writes a removal''s Status and the run record''s State and statuses as words' {
        $image = New-TestImage $Cloud -Name "$prefix-removed"
        $removal = $image.id | Remove-CloudImage @splat -Force
        $removal.Status -eq 'Deleted' -or $removal.Status -eq 'Deleting' | Should -BeTrue -Because 'scripts compare the status with a string'

        $removal | Export-Csv -NoTypeInformation $csv
        Assert-NoTypeNameCell $csv
        (Import-Csv $csv).Status | Should -Be $removal.Status
        ($removal | ConvertTo-Json | ConvertFrom-Json).Status | Should -Be $removal.Status

        $record = $CloudImageLastRun | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue | ConvertFrom-Json
        $record.State | Should -Be 'Completed'
        @($record.Entries).Status | Should -Be @($removal.Status)
    }
}

Describe 'The run summary of <Name> is one line on the information stream' -ForEach $emulated {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud
        $prefix = 'summary-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        # "3 deleted, 1 would delete, 0 failed" → @{ deleted = 3; 'would delete' = 1; failed = 0 }
        function ConvertFrom-Summary([string] $Line) {
            $counts = @{}
            foreach ($part in $Line -split ', ') {
                $part | Should -Match '^\d+ [a-z ]+$'
                $number, $words = $part -split ' ', 2
                $counts[$words] = [int]$number
            }
            $counts
        }
        function Get-SummaryRecord($Information) {
            @($Information | Where-Object { $_.Tags -contains 'ImageCmdlets.RunSummary' })
        }
    }

    It 'counts what Remove-CloudImage did, apart from the output objects' {
        $seeded = foreach ($condition in $Cloud.Conditions.Keys) { New-TestImage $Cloud -Name "$prefix-remove-$condition" -Condition $condition }
        $info = $null; $errors = $null
        $results = @($seeded.id | Remove-CloudImage @splat -Force -InformationVariable info -ErrorVariable errors -ErrorAction SilentlyContinue 6>$null)
        $summary = Get-SummaryRecord $info
        $summary.Count | Should -Be 1
        $results | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'ImageCmdlets.CloudImageRemoval' }
        $counts = ConvertFrom-Summary $summary[0].MessageData
        $counts['failed'] | Should -Be @($errors).Count
        foreach ($status in 'Deleted', 'Deleting') {
            $word = $status.ToLowerInvariant()
            [int]$counts[$word] | Should -Be @($results | Where-Object Status -eq $status).Count
        }
    }

    It 'counts "would delete" under -WhatIf and verdicts for Test-CloudImageDeletable' {
        $images = @(New-TestImage $Cloud -Name "$prefix-whatif" -Count 2)
        $info = $null
        $null = $images.id | Remove-CloudImage @splat -WhatIf -InformationVariable info 6>$null
        (Get-SummaryRecord $info)[0].MessageData | Should -Be '2 would delete, 0 failed'

        $info = $null; $errors = $null
        $blocker = @($Cloud.Conditions.Keys | Where-Object { $null -ne $Cloud.Conditions[$_] })[0]
        $blocked = New-TestImage $Cloud -Name "$prefix-blocked" -Condition $blocker
        $verdicts = @(@($images.id) + $blocked.id | Test-CloudImageDeletable @splat -InformationVariable info -ErrorVariable errors -ErrorAction SilentlyContinue 6>$null)
        $counts = ConvertFrom-Summary (Get-SummaryRecord $info)[0].MessageData
        $counts['deletable'] | Should -Be 2
        [int]$counts['not deletable'] | Should -Be @($verdicts | Where-Object { -not $_.IsDeletable }).Count
        $counts['failed'] | Should -Be @($errors).Count
    }
}

Describe 'Default views of <Name> are readable at 80 and 120 columns' -ForEach $emulated {
    BeforeAll {
        $splat = Get-CloudSplat $Cloud
        $prefix = 'v' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        # Names as long as the emulators' sample images (nightly-ubuntu-22.04-20261121: 29 characters).
        $blocker = @($Cloud.Conditions.Keys | Where-Object { $null -ne $Cloud.Conditions[$_] })[0]
        $null = New-TestImage $Cloud -Name "$prefix-ubuntu-2204-nightly-1"
        $null = New-TestImage $Cloud -Name "$prefix-ubuntu-2204-nightly-2"
        $null = New-TestImage $Cloud -Name "$prefix-golden-rocky-9-base" -Condition $blocker
        # -AllVisible: some blocked images (shared to the account, say) are not its own custom images.
        $images = @(Get-CloudImage @splat -AllVisible -Name "$prefix-*")
        $verdicts = @($images | Test-CloudImageDeletable -ErrorAction SilentlyContinue)
        $removals = @($images | Remove-CloudImage -WhatIf -ErrorAction SilentlyContinue 6>$null)
        $run = $CloudImageLastRun
        # What a column shows for an object, as a table cell may wrap it onto the next lines: compared without white space.
        function Get-Flat([string] $Text) { $Text -replace '\s', '' }
        function Assert-Readable([string] $Text, [string[]] $Values) {
            $Text | Should -Not -Match '…' -Because 'no scanned value may be cut'
            foreach ($value in $Values | Where-Object { $_ }) { Get-Flat $Text | Should -Match ([regex]::Escape((Get-Flat $value))) }
        }
    }

    It 'shows every scanned column of each <_>-column table untruncated' -ForEach 80, 120 {
        $width = $_
        $images.Count | Should -BeGreaterOrEqual 2
        $table = $images | Format-Table | Out-String -Width $width
        foreach ($image in $images) {
            $created = if ($image.CreatedAt) { $image.CreatedAt.ToLocalTime().ToString('yyyy-MM-dd') }
            Assert-Readable $table @($image.ImageId, $image.Name, $image.State, $created)
        }
        $table = $verdicts | Format-Table | Out-String -Width $width
        foreach ($verdict in $verdicts) { Assert-Readable $table @($verdict.ImageId, $verdict.Name, ($verdict.Reasons.Code -join ', ')) }
        $table = $removals | Format-Table | Out-String -Width $width
        foreach ($removal in $removals) { Assert-Readable ($table -replace '(?m)…$', '') @($removal.ImageId, $removal.Name, $removal.Status) }
        $table = $run.Entries | Format-Table | Out-String -Width $width
        foreach ($entry in $run.Entries) { Assert-Readable $table @($entry.ImageId, $entry.Status, $entry.ErrorId) }
        if ($width -ge 120) {
            # Nothing needs to wrap at 120 columns: each name is whole on its line.
            foreach ($image in $images) { ($images | Format-Table | Out-String -Width $width) | Should -Match ([regex]::Escape($image.Name)) }
        }
    }

    It 'has a list view for every output type at <_> columns' -ForEach 80, 120 {
        $width = $_
        foreach ($object in @($images[0], $verdicts[0], $removals[0], $run, $run.Entries[0])) {
            $list = $object | Format-List | Out-String -Width $width
            $list | Should -Match '(?m)^\w+\s+: ' -Because "$($object.GetType().Name) has a list view"
            if ($object.PSObject.Properties['ImageId']) { $list | Should -Match "(?m)^ImageId\s+: $([regex]::Escape($object.ImageId))$" }
        }
        ($images[0] | Format-List | Out-String -Width $width) | Should -Match 'SizeGB'
        ($run | Format-List | Out-String -Width $width) | Should -Match '(?m)^Outcomes\s+: \d+ '
    }
}

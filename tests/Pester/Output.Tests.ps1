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
        $blocker = @($Cloud.Conditions.Keys | Where-Object { $null -ne $Cloud.Conditions[$_] })[0]
        $image = New-TestImage $Cloud -Name "$prefix-verdict" -Condition $blocker
        $verdict = $image.id | Test-CloudImageDeletable @splat
        $verdict.IsDeletable | Should -BeFalse
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

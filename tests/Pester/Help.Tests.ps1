# Help as Get-Help shows it, compared with what PowerShell reads from the compiled cmdlets: every
# parameter documented, the help's parameter sets, positions, mandatory flags, pipeline input, aliases and
# wildcards the same as the code's, switches without a value in SYNTAX, inputs and outputs, at least three
# examples, and the about_ImageCmdlets topic with the recipe it gives working against an emulated cloud.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force
    $cmdlets = @(Get-Command -Module ImageCmdlets | ForEach-Object { @{ Name = $_.Name } })
    # A cloud that records creation times (the recipe sorts by them).
    $recipeClouds = @(Get-TestCloud | Where-Object { $_.Kind -eq 'Emulator' -and $_.Name -ne 'Zenlayer' } |
            Select-Object -First 1 | ForEach-Object { @{ Cloud = $_; Name = $_.Name } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    function Get-DocumentedParameter([string] $Command) {
        (Get-Command $Command).Parameters.Values | Where-Object { $_.Name -notin $common }
    }
    function Get-Text($Description) { (@($Description) | ForEach-Object { $_.Text }) -join ' ' }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $parameters = @(Get-DocumentedParameter $Name)
        $syntaxText = ($help.syntax | Out-String -Width 1000) -replace '\s+', ' '
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\w+-\w+ ' # not the syntax line PowerShell makes up when help is missing
        Get-Text $help.description | Should -Not -BeNullOrEmpty
    }

    It 'documents every parameter the cmdlet has, and no other' {
        $documented = @($help.parameters.parameter)
        foreach ($p in $parameters) {
            $entry = $documented | Where-Object name -eq $p.Name
            $entry | Should -Not -BeNullOrEmpty -Because "-$($p.Name) must have help"
            Get-Text $entry.description | Should -Not -BeNullOrEmpty -Because "-$($p.Name) must have a description"
        }
        $documented.name | Should -BeIn $parameters.Name
    }

    It 'gives each parameter the pipeline input, aliases, wildcards and mandatory flag the code has' {
        foreach ($p in $parameters) {
            $entry = $help.parameters.parameter | Where-Object name -eq $p.Name
            $sets = @($p.ParameterSets.Values)
            $expected = @()
            if ($sets.ValueFromPipeline -contains $true) { $expected += 'ByValue' }
            if ($sets.ValueFromPipelineByPropertyName -contains $true) { $expected += 'ByPropertyName' }
            $pipeline = if ($expected) { "True ($($expected -join ', '))" } else { 'False' }
            $entry.pipelineInput | Should -Be $pipeline -Because "-$($p.Name)'s pipeline input"
            $wildcards = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            $entry.globbing | Should -Be $wildcards.ToString().ToLower() -Because "-$($p.Name) accepts wildcards only if the code says so"
            $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
            $entry.aliases | Should -Be $aliases -Because "-$($p.Name)'s aliases"
            $entry.required | Should -Be (@($sets | Where-Object { -not $_.IsMandatory }).Count -eq 0).ToString().ToLower() -Because "-$($p.Name) is mandatory in every set or not"
        }
    }

    It 'has one SYNTAX line per parameter set, with the code''s positions and mandatory flags' {
        $items = @($help.syntax.syntaxItem)
        $items.Count | Should -Be $command.ParameterSets.Count
        foreach ($set in $command.ParameterSets) {
            $inSet = @($set.Parameters | Where-Object { $_.Name -notin $common })
            $item = $items | Where-Object { -not (Compare-Object @($_.parameter.name) @($inSet.Name)) }
            $item | Should -Not -BeNullOrEmpty -Because "the set $($set.Name) must have its syntax line"
            foreach ($p in $inSet) {
                $documented = $item.parameter | Where-Object name -eq $p.Name
                $position = if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }
                $documented.position | Should -Be $position -Because "-$($p.Name)'s position in $($set.Name)"
                $documented.required | Should -Be $p.IsMandatory.ToString().ToLower() -Because "-$($p.Name) in $($set.Name)"
            }
        }
    }

    It 'shows switches without a value and positional parameters with optional names in SYNTAX' {
        foreach ($p in $parameters) {
            if ($p.SwitchParameter) {
                $syntaxText | Should -Match "\[-$($p.Name)\]" -Because "a switch reads [-$($p.Name)]"
                $syntaxText | Should -Not -Match "-$($p.Name) <SwitchParameter>"
            }
            foreach ($set in $p.ParameterSets.Values | Where-Object Position -ge 0) {
                $syntaxText | Should -Match "\[-$($p.Name)\] <" -Because "-$($p.Name) is positional"
            }
        }
    }

    It 'names the output type the cmdlet declares' {
        $help.returnValues.returnValue.type.name | Should -Contain $command.OutputType.Name
        Get-Text $help.returnValues.returnValue.description | Should -Not -BeNullOrEmpty
    }

    It 'names every type the cmdlet takes from the pipeline' {
        $byValue = @($parameters | Where-Object { @($_.ParameterSets.Values.ValueFromPipeline) -contains $true })
        $inputs = @($help.inputTypes.inputType.type.name)
        foreach ($p in $byValue) {
            $type = $p.ParameterType
            if ($type.IsArray) { $type = $type.GetElementType() }
            $inputs | Should -Contain $type.FullName -Because "-$($p.Name) takes $($type.FullName) from the pipeline"
        }
        if (@($parameters | Where-Object { @($_.ParameterSets.Values.ValueFromPipelineByPropertyName) -contains $true })) {
            $inputs | Should -Contain 'System.Management.Automation.PSObject' -Because 'objects with matching properties bind by name'
        }
    }

    It 'has at least three examples, each with code and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 3
        foreach ($example in $examples) {
            $example.code | Should -Not -BeNullOrEmpty
            Get-Text $example.remarks | Should -Not -BeNullOrEmpty
        }
    }

    It 'links to about_ImageCmdlets and claims no online address it does not have' {
        $help.relatedLinks.navigationLink.linkText | Should -Contain 'about_ImageCmdlets'
        @($help.relatedLinks.navigationLink | Where-Object { $_.uri }) | Should -BeNullOrEmpty
        $command.HelpUri | Should -BeNullOrEmpty
    }
}

Describe 'The help file' {
    It 'is what tools/help/generate-help.py writes from the help source' -Skip:(-not (Get-Command python3 -ErrorAction SilentlyContinue)) {
        $generated = Join-Path ([IO.Path]::GetTempPath()) ('imagecmdlets-help-' + [guid]::NewGuid().ToString('N') + '.xml')
        try {
            $null = & python3 (Join-Path $PSScriptRoot '../../tools/help/generate-help.py') $generated
            $LASTEXITCODE | Should -Be 0
            $shipped = Join-Path (Get-Module ImageCmdlets).ModuleBase 'en-US/ImageCmdlets.dll-Help.xml'
            Get-Content -Raw $shipped | Should -BeExactly (Get-Content -Raw $generated) -Because 'the XML is generated: edit tools/help/generate-help.py and run it'
        } finally { Remove-Item $generated -ErrorAction SilentlyContinue }
    }
}

Describe 'Remove-CloudImage help' {
    It 'has an unattended runbook example that needs no answer to any prompt' {
        $codes = @((Get-Help Remove-CloudImage -Full).examples.example.code)
        $runbook = $codes | Where-Object { $_ -match 'try\s*\{' -and $_ -match '-Force' -and $_ -match 'catch' }
        $runbook | Should -Not -BeNullOrEmpty
        # -Confirm:$false still asks the separate questions of -DeleteSnapshot / -EvenIfInUse.
        $codes | Where-Object { $_ -match '-DeleteSnapshot|-EvenIfInUse' -and $_ -notmatch '-Force|-WhatIf' } | Should -BeNullOrEmpty
    }
}

Describe 'about_ImageCmdlets' {
    BeforeAll {
        $about = Get-Help about_ImageCmdlets | Out-String
    }

    It 'is shipped with the module and found by Get-Help' {
        Join-Path (Get-Module ImageCmdlets).ModuleBase 'en-US/about_ImageCmdlets.help.txt' | Should -Exist
        $about | Should -Match 'TOPIC\s+about_ImageCmdlets'
    }

    It 'explains <_>' -ForEach @('PROVIDERS', 'CREDENTIALS AND REGIONS', '-WHATIF AND THE CLOUD''S DRYRUN',
        '-FORCE AND THE PROVIDER SWITCHES', 'OUTCOME STATUSES', 'CTRL\+C', 'RETENTION RECIPE') {
        $about | Should -Match "(?m)^$_"
    }

    It 'names every provider and every outcome status' {
        foreach ($provider in (Get-TestCloud).Name + 'OpenStack') { $about | Should -Match $provider }
        # The statuses are string constants (so ConvertTo-Json writes words): each class lists its values as fields.
        foreach ($type in [ImageCmdlets.RemovalStatus], [ImageCmdlets.CloudImageRunStatus], [ImageCmdlets.CloudImageRunState]) {
            $names = @($type.GetFields('Public, Static').Name)
            $names.Count | Should -BeGreaterThan 2
            foreach ($status in $names) { $about | Should -Match "\b$status\b" }
        }
    }
}

Describe 'The retention recipe of about_ImageCmdlets (<Name>)' -ForEach $recipeClouds {
    BeforeAll {
        Reset-TestCloud $Cloud
        $splat = Get-CloudSplat $Cloud
        $prefix = 'recipe' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        # Two families of five, seeded one after another so that their creation times differ.
        $seeded = foreach ($family in 'ci-build', 'golden') {
            foreach ($i in 1..5) { New-TestImage $Cloud -Name ('{0}-{1}-2025010{2}' -f $prefix, $family, $i); Start-Sleep -Milliseconds 1100 }
        }
        $text = Get-Content -Raw (Join-Path (Get-Module ImageCmdlets).ModuleBase 'en-US/about_ImageCmdlets.help.txt')
        $recipe = [regex]::Match($text, '(?s)RETENTION RECIPE.*?\n\n(.*?)\n\n').Groups[1].Value
    }

    It 'keeps the newest of each name family and would delete the rest, unchanged but for the listing' {
        $recipe | Should -Match 'Get-CloudImage -Provider Tencent -Region ap-guangzhou'
        $script = $recipe -replace 'Get-CloudImage -Provider Tencent -Region ap-guangzhou', 'Get-CloudImage @splat -Name "$prefix*"'
        $script = $script -replace '\$Keep = 3', '$Keep = 2' -replace '\$Days = 30', '$Days = 0'
        $results = @(& ([scriptblock]::Create($script)))
        $results.Status | Sort-Object -Unique | Should -Be 'WouldDelete'
        $expected = $seeded | Where-Object { $_.name -notmatch '-2025010[45]$' }
        @($results.ImageId | Sort-Object) | Should -Be @($expected.id | Sort-Object)
    }
}

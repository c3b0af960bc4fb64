# Pester 5 tests of the module as PowerShell sees it. Run by build.ps1 against the built module
# (out/ImageCmdlets) in a fresh process. The "real Glance" block needs tools/openstack/start.sh.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestHelpers.psm1') -Force
    $script:HaveGlance = Import-OpenStackTestEnvironment
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestHelpers.psm1') -Force
    Import-Module (Join-Path (Get-ImageCmdletsModulePath) 'ImageCmdlets.psd1') -Force
}

Describe 'The module' {
    It 'exports exactly the three cmdlets' {
        (Get-Command -Module ImageCmdlets | Sort-Object Name).Name | Should -Be @('Get-CloudImage', 'Remove-CloudImage', 'Test-CloudImageDeletable')
    }

    It 'has help with a synopsis, parameters and examples for <_>' -ForEach @('Get-CloudImage', 'Test-CloudImageDeletable', 'Remove-CloudImage') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\w+-\w+ ' # not the syntax line PowerShell makes up when help is missing
        @($help.Examples.Example).Count | Should -BeGreaterThan 1
        @($help.Parameters.Parameter).Name | Should -Contain 'Provider'
    }

    It 'declares Remove-CloudImage as high-impact with ShouldProcess' {
        $command = Get-Command Remove-CloudImage
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
    }

    It 'declares the output types' {
        (Get-Command Get-CloudImage).OutputType.Name | Should -Be 'ImageCmdlets.CloudImage'
        (Get-Command Test-CloudImageDeletable).OutputType.Name | Should -Be 'ImageCmdlets.CloudImageDeletability'
        (Get-Command Remove-CloudImage).OutputType.Name | Should -Be 'ImageCmdlets.CloudImageRemoval'
    }

    It 'completes -Provider values' {
        $completion = TabExpansion2 -inputScript 'Get-CloudImage -Provider Open' -cursorColumn 'Get-CloudImage -Provider Open'.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'OpenStack'
    }
}

Describe 'Bad input fails clearly before any call' {
    BeforeAll {
        $saved = @{}
        Get-ChildItem env: | Where-Object Name -like 'OS_*' | ForEach-Object { $saved[$_.Name] = $_.Value; Remove-Item "env:$($_.Name)" }
    }
    AfterAll {
        foreach ($name in $saved.Keys) { Set-Item "env:$name" $saved[$name] }
    }

    It 'refuses an unknown provider' {
        $err = Get-ErrorRecordOf { 'img-12345678' | Remove-CloudImage -Provider Nope -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -BeLike 'UnknownProvider,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'OpenStack'
    }

    It 'refuses plain http to a host that is not loopback' {
        $err = Get-ErrorRecordOf { Get-CloudImage -Provider OpenStack -Endpoint 'http://images.example.com' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InsecureEndpoint,*'
    }

    It 'reports missing credentials as an authentication error' {
        $err = Get-ErrorRecordOf { Get-CloudImage -Provider OpenStack }
        $err.FullyQualifiedErrorId | Should -BeLike 'MissingCredential,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'answers a malformed id with a non-terminating error and goes on' {
        $errors = $null
        $output = 'not-a-uuid', '' | Remove-CloudImage -Provider OpenStack -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 2
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'MalformedImageId,*'
        $errors[1].FullyQualifiedErrorId | Should -BeLike 'EmptyImageId,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses a switch the provider has no flag for' {
        $err = Get-ErrorRecordOf { Remove-CloudImage -Provider OpenStack -ImageId '0b6e5ac5-3b54-4b37-a1b1-0d2f5e8c4f4e' -EvenIfInUse -WhatIf }
        $err.FullyQualifiedErrorId | Should -BeLike 'EvenIfInUseNotSupported,*'
    }

    It 'refuses a bad wildcard pattern' {
        $err = Get-ErrorRecordOf { Get-CloudImage -Provider OpenStack -Name 'ci-[' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidWildcardPattern,*'
    }
}

Describe 'Against the real Glance + Keystone' -Skip:(-not $script:HaveGlance) {
    BeforeAll {
        $null = Import-OpenStackTestEnvironment
        $token = Get-GlanceTestToken
        $prefix = 'pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '-'
        $created = [System.Collections.Generic.List[string]]::new()
        function New-TestImage([string] $Name, [switch] $Protected) {
            $id = New-GlanceTestImage -Token $token -Name ($prefix + $Name) -Protected:$Protected
            $created.Add($id)
            $id
        }
    }
    AfterAll {
        foreach ($id in $created) { Remove-GlanceTestImage -Token $token -Id $id }
    }

    It 'lists images as CloudImage objects with a table view' {
        $ids = 1..3 | ForEach-Object { New-TestImage "list-$_" }
        $images = Get-CloudImage -Provider OpenStack -Name "${prefix}list-*" -PageSize 2
        @($images).Count | Should -Be 3
        $images[0].PSObject.TypeNames[0] | Should -Be 'ImageCmdlets.CloudImage'
        ($images.ImageId | Sort-Object) | Should -Be ($ids | Sort-Object)
        ($images | Format-Table | Out-String) | Should -Match 'ImageId'
    }

    It 'under -WhatIf deletes nothing and reports WouldDelete' {
        $id = New-TestImage 'whatif'
        $result = Get-CloudImage -Provider OpenStack -ImageId $id | Remove-CloudImage -WhatIf
        $result.Status | Should -Be 'WouldDelete'
        Test-GlanceTestImage -Token $token -Id $id | Should -BeTrue
    }

    It 'honours $WhatIfPreference even with -Force' {
        $id = New-TestImage 'whatifpref'
        $WhatIfPreference = $true
        try { $result = $id | Remove-CloudImage -Provider OpenStack -Force } finally { $WhatIfPreference = $false }
        $result.Status | Should -Be 'WouldDelete'
        Test-GlanceTestImage -Token $token -Id $id | Should -BeTrue
    }

    It 'deletes piped CloudImage objects, plain ids and objects with ImageId/Provider properties' {
        $a = New-TestImage 'del-a'; $b = New-TestImage 'del-b'; $c = New-TestImage 'del-c'
        $r1 = Get-CloudImage -Provider OpenStack -ImageId $a | Remove-CloudImage -Confirm:$false
        $r2 = $b | Remove-CloudImage -Provider OpenStack -Confirm:$false
        $r3 = [pscustomobject]@{ ImageId = $c; Provider = 'OpenStack' } | Remove-CloudImage -Confirm:$false
        @($r1, $r2, $r3).Status | Should -Be @('Deleted', 'Deleted', 'Deleted')
        $r1.PSObject.TypeNames[0] | Should -Be 'ImageCmdlets.CloudImageRemoval'
        foreach ($id in $a, $b, $c) { Test-GlanceTestImage -Token $token -Id $id | Should -BeFalse }
    }

    It 'writes a non-terminating error with the provider code for a protected image and continues' {
        $p = New-TestImage 'protected' -Protected
        $ok = New-TestImage 'after-protected'
        $errors = $null
        $results = $p, $ok | Remove-CloudImage -Provider OpenStack -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $results.ImageId | Should -Be $ok
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ImageProtected,*'
        $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errors[0].TargetObject | Should -Be $p
    }

    It 'gives verdicts with reasons' {
        $p = New-TestImage 'verdict-protected' -Protected
        $ok = New-TestImage 'verdict-ok'
        $verdicts = Get-CloudImage -Provider OpenStack -Name "${prefix}verdict-*" | Test-CloudImageDeletable
        ($verdicts | Where-Object ImageId -eq $ok).IsDeletable | Should -BeTrue
        $bad = $verdicts | Where-Object ImageId -eq $p
        $bad.IsDeletable | Should -BeFalse
        $bad.Reasons[0].Code | Should -Be 'ImageProtected'
    }

    It 'never shows the password or token in any stream' {
        $id = New-TestImage 'secret'
        # Preference variables rather than -Debug: in Windows PowerShell 5.1, -Debug means Inquire (a prompt).
        $all = & {
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
            Get-CloudImage -Provider OpenStack -ImageId $id | Remove-CloudImage -Confirm:$false
        } *>&1 | Out-String
        $all | Should -Match 'DeleteImage'
        $all | Should -Not -Match ([regex]::Escape($env:OS_PASSWORD))
    }
}

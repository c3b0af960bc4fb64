# The module as PowerShell sees it, before any cloud is involved: exports, metadata, help, completion,
# and bad input refused before any call.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
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
        $err.ErrorDetails.RecommendedAction | Should -Match '-Provider'
    }

    It 'refuses plain http to a host that is not loopback' {
        $err = Get-ErrorRecordOf { Get-CloudImage -Provider OpenStack -Endpoint 'http://images.example.com' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InsecureEndpoint,*'
        $err.ErrorDetails.RecommendedAction | Should -Match 'https://'
    }

    It 'reports missing credentials as an authentication error' {
        $err = Get-ErrorRecordOf { Get-CloudImage -Provider OpenStack }
        $err.FullyQualifiedErrorId | Should -BeLike 'MissingCredential,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.ErrorDetails.Message | Should -Match '^OpenStack'
        $err.ErrorDetails.RecommendedAction | Should -Match 'credentials'
    }

    It 'answers a malformed id with a non-terminating error and goes on' {
        $errors = $null
        $output = 'not-a-uuid', '' | Remove-CloudImage -Provider OpenStack -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors.Count | Should -Be 2
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'MalformedImageId,*'
        $errors[1].FullyQualifiedErrorId | Should -BeLike 'EmptyImageId,*'
        $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errors[0].ErrorDetails.RecommendedAction | Should -Match 'image id'
        $errors[1].ErrorDetails.RecommendedAction | Should -Match 'non-empty'
    }

    It 'refuses a switch the provider has no flag for' {
        $err = Get-ErrorRecordOf { Remove-CloudImage -Provider OpenStack -ImageId '0b6e5ac5-3b54-4b37-a1b1-0d2f5e8c4f4e' -EvenIfInUse -WhatIf }
        $err.FullyQualifiedErrorId | Should -BeLike 'EvenIfInUseNotSupported,*'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Leave out -EvenIfInUse'
    }

    It 'refuses a bad wildcard pattern' {
        $err = Get-ErrorRecordOf { Get-CloudImage -Provider OpenStack -Name 'ci-[' }
        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidWildcardPattern,*'
        $err.ErrorDetails.RecommendedAction | Should -Match '-Name'
    }
}

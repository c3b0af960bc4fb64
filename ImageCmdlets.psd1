@{
    RootModule           = 'ImageCmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1d3c52-8a0e-4f57-9d7e-2b1c4a9e7d10'
    Author               = 'ImageCmdlets contributors'
    CompanyName          = 'ImageCmdlets'
    Copyright            = '(c) ImageCmdlets contributors. MIT License.'
    Description          = 'Find, check and delete custom machine images on Tencent Cloud, Alibaba Cloud, Volcengine, Zenlayer Cloud, Huawei Cloud and OpenStack Glance clouds, safely and in bulk.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    NestedModules        = @()
    FormatsToProcess     = @('ImageCmdlets.format.ps1xml')
    CmdletsToExport      = @('Get-CloudImage', 'Test-CloudImageDeletable', 'Remove-CloudImage')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Cloud', 'Images', 'OpenStack', 'Glance', 'Tencent', 'Alibaba', 'Volcengine', 'Zenlayer', 'Huawei', 'Cleanup')
            ProjectUri = 'https://example.invalid/ImageCmdlets'
        }
    }
}

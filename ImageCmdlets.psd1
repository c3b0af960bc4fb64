@{
    RootModule           = 'ImageCmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1d3c52-8a0e-4f57-9d7e-2b1c4a9e7d10'
    Author               = 'ImageCmdlets contributors'
    CompanyName          = 'ImageCmdlets'
    Copyright            = '(c) ImageCmdlets contributors. MIT License.'
    Description          = 'Find, check and delete custom machine images on Tencent Cloud, Alibaba Cloud, Volcengine, Zenlayer Cloud and OpenStack Glance clouds, safely and in bulk.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    NestedModules        = @()
    FormatsToProcess     = @('ImageCmdlets.format.ps1xml')
    # Exactly what the module folder and the package hold (build.ps1 checks the folder against it).
    FileList             = @('ImageCmdlets.psd1', 'ImageCmdlets.dll', 'ImageCmdlets.Engine.dll', 'ImageCmdlets.format.ps1xml',
                             'en-US/ImageCmdlets.dll-Help.xml', 'en-US/about_ImageCmdlets.help.txt', 'LICENSE', 'CHANGELOG.md')
    CmdletsToExport      = @('Get-CloudImage', 'Test-CloudImageDeletable', 'Remove-CloudImage')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Cloud', 'Images', 'OpenStack', 'Glance', 'Tencent', 'Alibaba', 'Volcengine', 'Zenlayer', 'Cleanup')
            # The license text ships in the module folder (LICENSE); this is the MIT license's canonical page.
            # There is no ProjectUri: the project has no public address yet.
            LicenseUri   = 'https://opensource.org/license/mit'
            ReleaseNotes = 'See CHANGELOG.md in the module folder.'
        }
    }
}

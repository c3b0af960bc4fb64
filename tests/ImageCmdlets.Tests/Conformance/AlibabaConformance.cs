using System.Collections.Generic;
using ImageCmdlets.Emulators.Alibaba;

namespace ImageCmdlets.Tests.Conformance;

public sealed class AlibabaConformance : ProviderConformance<AlibabaEcsEmulator>
{
    protected override string DeleteAction => "DeleteImage";
    protected override IReadOnlyList<string> ExplicitDeleteFlags { get; } = new[] { "Force=", "DryRun=" };
}

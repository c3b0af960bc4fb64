using System.Collections.Generic;
using ImageCmdlets.Emulators.Tencent;

namespace ImageCmdlets.Tests.Conformance;

public sealed class TencentConformance : ProviderConformance<TencentEmulator>
{
    protected override string DeleteAction => "DeleteImages";
    protected override IReadOnlyList<string> ExplicitDeleteFlags { get; } = new[] { "\"DeleteBindedSnap\"", "\"DryRun\"" };
}

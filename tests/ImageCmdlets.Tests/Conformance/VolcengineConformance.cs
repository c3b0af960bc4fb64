using System.Collections.Generic;
using ImageCmdlets.Emulators.Volcengine;

namespace ImageCmdlets.Tests.Conformance;

public sealed class VolcengineConformance : ProviderConformance<VolcengineEmulator>
{
    protected override string DeleteAction => "DeleteImages";
    // No DryRun exists; the snapshot flag defaults to true at the service, so it is always sent.
    protected override IReadOnlyList<string> ExplicitDeleteFlags { get; } = new[] { "DeleteBindedSnapshots=" };
}

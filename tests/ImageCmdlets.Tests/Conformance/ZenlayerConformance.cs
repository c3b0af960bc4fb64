using System;
using System.Collections.Generic;
using ImageCmdlets.Emulators.Zenlayer;

namespace ImageCmdlets.Tests.Conformance;

public sealed class ZenlayerConformance : ProviderConformance<ZenlayerEmulator>
{
    protected override string DeleteAction => "DeleteImages";
    // DeleteImages has no DryRun, snapshot or force option: there is nothing to send explicitly.
    protected override IReadOnlyList<string> ExplicitDeleteFlags { get; } = Array.Empty<string>();
}

using System;
using System.Collections.Generic;
using ImageCmdlets.Emulators.OpenStack;

namespace ImageCmdlets.Tests.Conformance;

/// <summary>OpenStack against its Keystone + Glance emulator (proved against a real Glance by OpenStackEmulatorVersusGlanceTests).</summary>
public sealed class OpenStackConformance : ProviderConformance<OpenStackEmulator>
{
    protected override string DeleteAction => "DeleteImage";
    // Glance's delete has no DryRun and no options.
    protected override IReadOnlyList<string> ExplicitDeleteFlags { get; } = Array.Empty<string>();
}

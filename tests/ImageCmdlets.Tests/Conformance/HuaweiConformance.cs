using System;
using System.Collections.Generic;
using ImageCmdlets.Emulators.Huawei;
using ImageCmdlets.Providers.Huawei;

namespace ImageCmdlets.Tests.Conformance;

/// <summary>Huawei IMS against its emulator (its OpenStack-native delete is also run against the real Glance: HuaweiOnGlanceTests).</summary>
public sealed class HuaweiConformance : ProviderConformance<HuaweiEmulator>
{
    protected override string DeleteAction => HuaweiSession.DeleteAction;
    // No DryRun, snapshot or force option; delete_backup is sent only with -DeleteBackup (plain Glance refuses a DELETE with a body).
    protected override IReadOnlyList<string> ExplicitDeleteFlags { get; } = Array.Empty<string>();
}

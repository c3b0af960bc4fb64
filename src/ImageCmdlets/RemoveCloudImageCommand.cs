using System.Management.Automation;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Commands;

/// <summary>
/// <para type="synopsis">Deletes custom machine images. -WhatIf asks the cloud to validate instead (DryRun where the API has one).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "CloudImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByInputObjectSet)]
[OutputType(typeof(CloudImageRemoval))]
public sealed class RemoveCloudImageCommand : ImageInputCmdletBase
{
    /// <summary>Also delete the snapshots the image was made from (Tencent DeleteBindedSnap). Asked about separately unless -Force.</summary>
    [Parameter]
    public SwitchParameter DeleteSnapshot { get; set; }

    /// <summary>Delete even when instances use the image (Alibaba's Force flag; not PowerShell's -Force). Asked about separately unless -Force.</summary>
    [Parameter]
    public SwitchParameter EvenIfInUse { get; set; }

    /// <summary>No confirmation prompts (unless -Confirm is given explicitly). Never overrides -WhatIf.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected override ImageInputCore CreateCore() =>
        new RemoveCloudImageCore(this, ConnectionOptions,
            new DeleteOptions { DeleteSnapshots = DeleteSnapshot.IsPresent, EvenIfInUse = EvenIfInUse.IsPresent },
            new ConfirmationSettings { WhatIf = WhatIfInForce(), ConfirmExplicit = ConfirmGivenExplicitly(), Force = Force.IsPresent });
}

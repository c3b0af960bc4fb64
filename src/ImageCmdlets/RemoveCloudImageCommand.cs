using System;
using System.Management.Automation;
using ImageCmdlets.Operations;
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

    /// <summary>Also delete the backups a full-server image was made from (Huawei's delete_backup). Asked about separately unless -Force.</summary>
    [Parameter]
    public SwitchParameter DeleteBackup { get; set; }

    /// <summary>
    /// Huawei only, deprecated: delete with IMS's old v1.1 call, a soft delete (the image's record stays, with
    /// status "deleted"); reported as SoftDeleted.
    /// </summary>
    [Parameter]
    public SwitchParameter SoftDelete { get; set; }

    /// <summary>No confirmation prompts (unless -Confirm is given explicitly). Never overrides -WhatIf.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Where the cloud finishes deletions asynchronously (Zenlayer), wait until each image is gone or
    /// -WaitTimeout passes, and report how each ended. Changes nothing where deletion is synchronous.
    /// </summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Seconds -Wait follows each deletion, from the moment the cloud accepted it (default 600). Implies -Wait.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int WaitTimeout { get; set; } = (int)DeletionWait.DefaultTimeout.TotalSeconds;

    private protected override ImageInputCore CreateCore() =>
        new RemoveCloudImageCore(this, ConnectionOptions,
            new DeleteOptions
            {
                DeleteSnapshots = DeleteSnapshot.IsPresent,
                EvenIfInUse = EvenIfInUse.IsPresent,
                DeleteBackups = DeleteBackup.IsPresent,
                SoftDelete = SoftDelete.IsPresent,
            },
            new ConfirmationSettings { WhatIf = WhatIfInForce(), ConfirmExplicit = ConfirmGivenExplicitly(), Force = Force.IsPresent },
            wait: WaitRequested() ? new DeletionWait(TimeSpan.FromSeconds(WaitTimeout)) : null);

    /// <summary>-Wait, or -WaitTimeout without an explicit -Wait:$false.</summary>
    private bool WaitRequested() =>
        MyInvocation.BoundParameters.ContainsKey(nameof(Wait)) ? Wait.IsPresent : MyInvocation.BoundParameters.ContainsKey(nameof(WaitTimeout));
}

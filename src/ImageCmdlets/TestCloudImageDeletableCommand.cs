using System.Management.Automation;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Commands;

/// <summary>
/// <para type="synopsis">Tells whether each image could be deleted, and why not: the provider's DryRun where it has one, plus what the image's description shows.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CloudImageDeletable", DefaultParameterSetName = ByInputObjectSet)]
[OutputType(typeof(CloudImageDeletability))]
public sealed class TestCloudImageDeletableCommand : ImageInputCmdletBase
{
    /// <summary>Judge as if -DeleteSnapshot were given to Remove-CloudImage.</summary>
    [Parameter]
    public SwitchParameter DeleteSnapshot { get; set; }

    /// <summary>Judge as if -EvenIfInUse were given to Remove-CloudImage.</summary>
    [Parameter]
    public SwitchParameter EvenIfInUse { get; set; }

    private protected override ImageInputCore CreateCore() =>
        new TestCloudImageDeletableCore(this, ConnectionOptions,
            new DeleteOptions { DeleteSnapshots = DeleteSnapshot.IsPresent, EvenIfInUse = EvenIfInUse.IsPresent });
}

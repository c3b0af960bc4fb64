using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Pipeline;

/// <summary>Test-CloudImageDeletable's behaviour.</summary>
public sealed class TestCloudImageDeletableCore : ImageInputCore
{
    public TestCloudImageDeletableCore(IPipelineHost host, ConnectionOptions connection, DeleteOptions options, OperationSettings? settings = null)
        : base(host, connection, options, settings, "Test-CloudImageDeletable") { }

    protected override string Activity => "Checking images";

    protected override ImageRun CreateRun(IImageSession session, bool dryRun) =>
        new DeletabilityRun(session, Options, Queue, Settings, StopSignal, Record);

    protected override void ProcessInput(ImageInput input) =>
        RunFor(SessionFor(input), dryRun: true).Add(input.TargetImageId, input.Image);
}

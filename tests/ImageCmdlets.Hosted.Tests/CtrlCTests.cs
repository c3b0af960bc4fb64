using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Alibaba;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Hosted.Tests.Support;
using Xunit;

namespace ImageCmdlets.Hosted.Tests;

/// <summary>
/// Ctrl+C in a real engine is PowerShell.Stop(): PowerShell calls StopProcessing, refuses any further
/// output, and disposes the commands. What must hold: no call starts after the stop, nothing is deleted
/// after the command has returned, and $CloudImageLastRun accounts for every image, so the user can
/// finish the job by piping its Unfinished images back.
/// </summary>
public sealed class CtrlCTests : IAsyncLifetime
{
    private const string Key = "LTAIhostedCtrlCTests0001";
    private const string Secret = "hostedCtrlCTestsSecret000000001";
    private const int Count = 120;
    private readonly AlibabaEcsEmulator _cloud = new(Key, Secret);

    public async Task InitializeAsync()
    {
        _cloud.Seed(Enumerable.Range(0, Count).Select(i => new AlibabaImage { ImageId = $"m-ctrlc{i:d4}", Name = $"ctrlc-{i:d4}" }).ToArray());
        // Every delete answers after 250 ms, so a run of 120 (4 at a time) takes about 8 s. The first ten answer
        // after a second: the stop comes after ten deletions, and by then every listed image must have reached
        // Remove-CloudImage even on a slow, cold machine (the test counts them all in the record).
        _cloud.InjectFaults(Enumerable.Range(0, Count)
            .Select(i => new Fault(FaultKind.SlowResponse, "DeleteImage", TimeSpan.FromMilliseconds(i < 10 ? 1000 : 250))).ToArray());
        await _cloud.StartAsync();
    }

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Fact]
    public async Task After_CtrlC_nothing_more_is_deleted_and_the_run_record_accounts_for_every_image()
    {
        using var shell = new HostedPowerShell();
        shell.Set("c", HostedPowerShell.Credential(Key, Secret));
        shell.Set("endpoint", _cloud.BaseUri.ToString());
        using var pipeline = shell.Script(
            "Get-CloudImage -Provider Alibaba -Region cn-hangzhou -Endpoint $endpoint -Credential $c | Remove-CloudImage -Force");
        var output = new PSDataCollection<PSObject>();
        var running = pipeline.BeginInvoke<PSObject, PSObject>(null, output);

        while (_cloud.DeletedImageIds.Count < 10) await Task.Delay(20);
        pipeline.Stop();
        var callsWhenStopped = _cloud.CallsOf("DeleteImage").Count;
        await Task.Delay(1000);

        Assert.Equal(PSInvocationState.Stopped, pipeline.InvocationStateInfo.State);
        Assert.Equal(callsWhenStopped, _cloud.CallsOf("DeleteImage").Count);
        var deletedWhenStopped = _cloud.DeletedImageIds.ToHashSet();
        Assert.True(deletedWhenStopped.Count < Count, "the stop came too late to test anything");

        var record = (CloudImageRun)PSObject.AsPSObject(shell.Get("CloudImageLastRun")).BaseObject;
        Assert.Equal(CloudImageRunState.Stopped, record.State);
        Assert.Equal(Count, record.Received);
        Assert.All(record.Entries, e => Assert.Contains(e.Status, new[] { CloudImageRunStatus.Deleted, CloudImageRunStatus.NotProcessed, CloudImageRunStatus.Unknown }));
        // The record agrees with the cloud: what it says is deleted is gone, what it says was not processed is still there.
        Assert.Equal(deletedWhenStopped.OrderBy(i => i), record.Entries.Where(e => e.Status == CloudImageRunStatus.Deleted).Select(e => e.ImageId).OrderBy(i => i));
        Assert.All(record.Entries.Where(e => e.Status == CloudImageRunStatus.NotProcessed), e => Assert.True(_cloud.Exists(e.ImageId)));
        // Calls under way had the grace period to answer: none is left in doubt.
        Assert.DoesNotContain(record.Entries, e => e.Status == CloudImageRunStatus.Unknown);
        // Whatever was written reached the output; the rest is in the record, marked as never reported.
        Assert.Equal(record.Entries.Count(e => e.Reported), output.Count);

        // The documented way to finish: pipe the unfinished images back; they keep their session.
        var (rest, errors) = shell.Run("$CloudImageLastRun.Unfinished | Remove-CloudImage -Force");
        Assert.Empty(errors);
        Assert.Equal(Count - deletedWhenStopped.Count, rest.Count);
        Assert.Empty(_cloud.Images);
        Assert.Equal(Count, _cloud.DeletedImageIds.Count);
    }
}

using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Zenlayer;
using ImageCmdlets.Hosted.Tests.Support;
using Xunit;

namespace ImageCmdlets.Hosted.Tests;

/// <summary>
/// Remove-CloudImage -Wait in a real PowerShell engine against the Zenlayer emulator, whose deletions finish
/// asynchronously: the outcome written is how each deletion ended, progress counts the images waited for,
/// and Ctrl+C during the wait ends it at once with every accepted image recorded as Deleting.
/// </summary>
public sealed class WaitTests : IAsyncLifetime
{
    private const string Key = "ZLhostedWaitTest";
    private const string Password = "hostedWaitTestsPassword000001";
    private readonly ZenlayerEmulator _cloud = new(Key, Password);

    public async Task InitializeAsync() => await _cloud.StartAsync();

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    private HostedPowerShell Shell()
    {
        var shell = new HostedPowerShell();
        shell.Set("c", HostedPowerShell.Credential(Key, Password));
        shell.Set("endpoint", _cloud.BaseUri.ToString());
        return shell;
    }

    [Fact]
    public void Wait_writes_Deleted_once_each_image_is_gone_and_each_refused_image_its_precise_error()
    {
        _cloud.DeletionTime = TimeSpan.FromMilliseconds(300);
        var ids = _cloud.SeedCustomImages(5, "wait");
        var busy = _cloud.AddImage(new ZenlayerEmulatorImage { Name = "wait-busy", Status = "CREATING" }).ImageId;
        using var shell = Shell();
        shell.Set("ids", ids.Append(busy).ToArray());

        var (output, errors) = shell.Run("$ids | Remove-CloudImage -Provider Zenlayer -Endpoint $endpoint -Credential $c -Force -Wait");

        var removals = output.Select(o => (CloudImageRemoval)o.BaseObject).ToList();
        Assert.Equal(ids.OrderBy(i => i), removals.Select(r => r.ImageId).OrderBy(i => i));
        Assert.All(removals, r => Assert.Equal(RemovalStatus.Deleted, r.Status));
        var error = Assert.Single(errors);
        Assert.Equal("INVALID_IMAGE_STATUS,ImageCmdlets.Commands.RemoveCloudImageCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Equal(new[] { busy }, _cloud.Images.Select(i => i.ImageId));
        var progress = shell.Host.Progress.Where(p => p.Activity == "Removing images").ToArray();
        Assert.Contains(progress, p => p.StatusDescription.Contains("waiting for the cloud to finish deleting", StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
    }

    [Fact]
    public void WaitTimeout_alone_waits_and_an_image_still_deleting_then_is_reported_Deleting_with_its_state()
    {
        _cloud.DeletionTime = TimeSpan.FromMinutes(10);
        var id = _cloud.SeedCustomImages(1, "slow")[0];
        using var shell = Shell();
        shell.Set("id", id);
        var clock = Stopwatch.StartNew();

        var (output, errors) = shell.Run("Remove-CloudImage -ImageId $id -Provider Zenlayer -Endpoint $endpoint -Credential $c -Force -WaitTimeout 1");

        Assert.Empty(errors);
        var removal = (CloudImageRemoval)Assert.Single(output).BaseObject;
        Assert.Equal(RemovalStatus.Deleting, removal.Status);
        Assert.Contains("(DELETING) when -WaitTimeout (1 s) passed", removal.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task CtrlC_during_Wait_ends_it_at_once_and_the_run_record_has_every_accepted_image_as_Deleting()
    {
        const int Count = 30;
        _cloud.DeletionTime = TimeSpan.FromMinutes(10);
        _cloud.SeedCustomImages(Count, "ctrlc");
        using var shell = Shell();
        using var pipeline = shell.Script(
            "Get-CloudImage -Provider Zenlayer -Region asia-east-1 -Endpoint $endpoint -Credential $c | Remove-CloudImage -Force -Wait");
        var output = new PSDataCollection<PSObject>();
        var running = pipeline.BeginInvoke<PSObject, PSObject>(null, output);

        // Every deletion accepted, and the wait under way (its first look at the images made).
        var deadline = Stopwatch.StartNew();
        while ((_cloud.DeletedImageIds.Count < Count || _cloud.RequestsOf("DescribeImages").Count == 0) && deadline.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(20);
        Assert.Equal(Count, _cloud.DeletedImageIds.Count);
        var clock = Stopwatch.StartNew();
        pipeline.Stop();
        var stopTook = clock.Elapsed;
        var looksWhenStopped = _cloud.RequestsOf("DescribeImages").Count;
        await Task.Delay(1500);

        Assert.Equal(PSInvocationState.Stopped, pipeline.InvocationStateInfo.State);
        Assert.True(stopTook < TimeSpan.FromSeconds(3), $"Ctrl+C took {stopTook} to end the wait");
        Assert.Equal(looksWhenStopped, _cloud.RequestsOf("DescribeImages").Count);
        Assert.Empty(output);

        var record = (CloudImageRun)PSObject.AsPSObject(shell.Get("CloudImageLastRun")).BaseObject;
        Assert.Equal(CloudImageRunState.Stopped, record.State);
        Assert.Equal(Count, record.Received);
        Assert.All(record.Entries, e => Assert.Equal(CloudImageRunStatus.Deleting, e.Status));
        Assert.All(record.Entries, e => Assert.Contains("the wait was stopped", e.Message));
        Assert.Empty(record.Unfinished);
        Assert.Equal(Count, record.Unreported.Count);
        // The record agrees with the cloud: each of them is being deleted, once.
        Assert.All(_cloud.Images, i => Assert.Equal("DELETING", i.Status));
        Assert.Equal(_cloud.DeletedImageIds.OrderBy(i => i), record.Entries.Select(e => e.ImageId).OrderBy(i => i));
    }
}

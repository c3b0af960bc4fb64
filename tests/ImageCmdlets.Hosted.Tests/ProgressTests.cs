using System;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.Tencent;
using ImageCmdlets.Hosted.Tests.Support;
using Xunit;

namespace ImageCmdlets.Hosted.Tests;

/// <summary>Write-Progress as the host receives it: the total counts every image received, at once.</summary>
public sealed class ProgressTests : IAsyncLifetime
{
    private const string Key = "AKIDhostedProgressTests0000000001";
    private const string Secret = "hostedProgressTestsSecret000000001";
    private readonly TencentEmulator _cloud = new("ap-guangzhou");

    public async Task InitializeAsync()
    {
        _cloud.AddKey(Key, Secret);
        await _cloud.StartAsync();
    }

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    [Fact]
    public void Progress_counts_every_image_in_flight_and_ends_with_a_completed_record()
    {
        var ids = _cloud.SeedPrivateImages(200, "progress");
        // Each DeleteImages call (50 ids) answers after a second: nothing is done while all 200 are in flight.
        _cloud.InjectFaults(Enumerable.Range(0, 4).Select(_ => new Fault(FaultKind.SlowResponse, "DeleteImages", TimeSpan.FromSeconds(1))).ToArray());
        using var shell = new HostedPowerShell();
        shell.Set("c", HostedPowerShell.Credential(Key, Secret));
        shell.Set("endpoint", _cloud.BaseUri.ToString());
        shell.Set("ids", ids.ToArray());

        var (output, errors) = shell.Run("$ids | Remove-CloudImage -Provider Tencent -Region ap-guangzhou -Endpoint $endpoint -Credential $c -Force");

        Assert.Empty(errors);
        Assert.Equal(200, output.Count);
        var progress = shell.Host.Progress.Where(p => p.Activity == "Removing images").ToArray();
        Assert.Contains(progress, p => p.StatusDescription == "0 of 200 images done");
        Assert.DoesNotContain(progress, p => p.RecordType == ProgressRecordType.Processing && p.StatusDescription.EndsWith(" of 1 images done", StringComparison.Ordinal) && p != progress[0]);
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
    }
}

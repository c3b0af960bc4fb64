using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Hosted.Tests.Support;
using ImageCmdlets.Providers;
using Xunit;

namespace ImageCmdlets.Hosted.Tests;

/// <summary>
/// Ctrl+C (PowerShell.Stop()) in the middle of a removal, for every emulated provider: no call after the
/// stop, nothing deleted after the command returned, and $CloudImageLastRun agreeing with the cloud.
/// </summary>
public sealed class CtrlCForEveryProviderTests
{
    public static TheoryData<string> Emulators() => new(EmulatorCatalog.Types.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Emulators))]
    public async Task A_stop_leaves_no_call_behind_and_the_record_agrees_with_the_cloud(string emulatorType)
    {
        await using var emulator = EmulatorCatalog.Create(EmulatorCatalog.Types.Single(t => t.Name == emulatorType));
        await emulator.StartAsync();
        var capabilities = ProviderRegistry.Find(emulator.Provider).Capabilities;
        // Enough delete calls that the stop lands in the middle, each slowed down like a far-away cloud.
        var count = Math.Max(120, 20 * capabilities.MaxIdsPerDelete);
        var ids = Enumerable.Range(0, count)
            .Select(i => emulator.SeedImage(new ImageSeed($"stop-{i:d4}", emulator.DefaultRegion, ImageCondition.Deletable, DateTimeOffset.UtcNow.AddDays(-1), 10, new Dictionary<string, string>())).Id)
            .ToArray();
        emulator.Latency = TimeSpan.FromMilliseconds(250);

        using var environment = new ScopedEnvironment(emulator.ClientEnvironment);
        using var shell = new HostedPowerShell();
        shell.Set("ids", ids);
        shell.Set("c", HostedPowerShell.Credential(emulator.PrimaryKey!.Id, emulator.PrimaryKey.Secret));
        shell.Set("splat", new System.Collections.Hashtable
        {
            ["Provider"] = emulator.Provider,
            ["Region"] = emulator.DefaultRegion,
        });
        var endpoint = emulator.EndpointIsParameter ? $"-Endpoint '{emulator.BaseUri}'" : "";
        using var pipeline = shell.Script($"$ids | Remove-CloudImage @splat -Credential $c {endpoint} -Force");
        var running = pipeline.BeginInvoke<PSObject, PSObject>(null, new PSDataCollection<PSObject>());

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (emulator.DeletedImageIds.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        pipeline.Stop();
        var callsWhenStopped = emulator.Calls.Count;
        var deletedWhenStopped = emulator.DeletedImageIds.ToHashSet();
        await Task.Delay(1000);

        Assert.Equal(PSInvocationState.Stopped, pipeline.InvocationStateInfo.State);
        Assert.True(deletedWhenStopped.Count is > 0 and < 1_000_000);
        Assert.True(deletedWhenStopped.Count < count, "the stop came after the end: nothing was tested");
        Assert.Equal(callsWhenStopped, emulator.Calls.Count);
        Assert.Equal(deletedWhenStopped.Count, emulator.DeletedImageIds.Count);

        var record = (CloudImageRun)PSObject.AsPSObject(shell.Get("CloudImageLastRun")).BaseObject;
        Assert.Equal(CloudImageRunState.Stopped, record.State);
        Assert.DoesNotContain(record.Entries, e => e.Status == CloudImageRunStatus.Pending);
        var recordedDeleted = record.Entries.Where(e => e.Status is CloudImageRunStatus.Deleted or CloudImageRunStatus.Deleting).Select(e => e.ImageId).ToHashSet();
        Assert.Equal(deletedWhenStopped.OrderBy(i => i), recordedDeleted.OrderBy(i => i));
        Assert.All(record.Entries.Where(e => e.Status == CloudImageRunStatus.NotProcessed), e => Assert.DoesNotContain(e.ImageId, deletedWhenStopped));
        // Every received image is either done, recorded as not processed, or in doubt; the unfinished ones can be piped back.
        Assert.Equal(record.Entries.Count(e => e.Status is CloudImageRunStatus.NotProcessed or CloudImageRunStatus.Unknown), record.Unfinished.Count);
    }

    /// <summary>Sets process environment variables for one test and puts the old values back.</summary>
    private sealed class ScopedEnvironment : IDisposable
    {
        private readonly Dictionary<string, string?> _saved = new();

        public ScopedEnvironment(IReadOnlyDictionary<string, string> variables)
        {
            foreach (var v in variables)
            {
                _saved[v.Key] = Environment.GetEnvironmentVariable(v.Key);
                Environment.SetEnvironmentVariable(v.Key, v.Value);
            }
        }

        public void Dispose()
        {
            foreach (var v in _saved) Environment.SetEnvironmentVariable(v.Key, v.Value);
        }
    }
}

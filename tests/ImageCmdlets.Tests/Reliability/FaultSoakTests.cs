using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Conformance;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;
using Xunit;
using Xunit.Abstractions;

namespace ImageCmdlets.Tests.Reliability;

/// <summary>
/// Thousands of images through the operations layer against every emulator while the cloud misbehaves at
/// random (5xx, throttling, resets, timeouts, answers lost after the work was done, garbled bodies) and
/// goes down entirely for a while. Judged from the emulator's own records, not the module's word: every
/// input has exactly one outcome, nothing is deleted twice, every image the cloud deleted is reported
/// deleted, and nothing reported deleted still exists.
/// Size: IMAGECMDLETS_SOAK_IMAGES (default 1,000) and IMAGECMDLETS_SOAK_OUTAGE_SECONDS (default 5); the
/// full soak (docs/reliability.md) is 10,000 images and a 30-second outage.
/// </summary>
public class FaultSoakTests
{
    private readonly ITestOutputHelper _output;

    public FaultSoakTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Emulators() => new(EmulatorCatalog.Types.Select(t => t.Name));

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    [Theory]
    [MemberData(nameof(Emulators))]
    public async Task Every_image_keeps_exactly_one_true_outcome_through_faults_and_an_outage(string emulatorType)
    {
        var images = Setting("IMAGECMDLETS_SOAK_IMAGES", 1_000);
        var outage = TimeSpan.FromSeconds(Setting("IMAGECMDLETS_SOAK_OUTAGE_SECONDS", 5));
        var transport = new HttpTransport(new SocketsHttpHandler { UseCookies = false }, TimeSpan.FromSeconds(1));
        await using var cloud = await EmulatorCloud.StartAsync(EmulatorCatalog.Create(EmulatorCatalog.Types.Single(t => t.Name == emulatorType)), transport);
        var emulator = cloud.Emulator;
        var ids = Enumerable.Range(0, images)
            .Select(i => emulator.SeedImage(new ImageSeed($"soak-{i:d5}", emulator.DefaultRegion, ImageCondition.Deletable, DateTimeOffset.UtcNow.AddDays(-1), 10, new Dictionary<string, string>())).Id)
            .ToArray();
        // A few ids twice, and a few that do not exist: they must be answered too.
        var missing = Enumerable.Range(0, 5).Select(i => ProviderRegistry.Find(emulator.Provider).Capabilities.ImageIdExample).Take(1);
        var input = ids.Concat(ids.Take(10)).Concat(missing).ToArray();

        var session = cloud.Connect();
        emulator.RandomFaults = new FaultRates
        {
            ServerError = 0.025, ServiceUnavailable = 0.025, Throttle = 0.05, ConnectionReset = 0.01, Timeout = 0.01,
            ResetAfterProcessing = 0.01, MalformedBody = 0.005, TimeoutDelay = TimeSpan.FromMilliseconds(1500), Seed = 20261202,
        };
        var settings = new OperationSettings { RetryBaseDelay = TimeSpan.FromMilliseconds(200), RetryMaxDelay = TimeSpan.FromSeconds(outage.TotalSeconds + 2), MaxAttempts = 10, JitterSeed = 7 };

        // Listing through the same faults: every image exactly once.
        var listing = new CollectingSink();
        await ImageListing.RunAsync(session, new ImageQuery { PageSize = 50 }, Array.Empty<string>(), listing, settings);
        Assert.Equal(ids.OrderBy(i => i), listing.Images.Select(i => i.ImageId).OrderBy(i => i));

        var watch = Stopwatch.StartNew();
        var outageStarts = Task.Delay(500).ContinueWith(_ => emulator.StartOutage(outage), TaskScheduler.Default);
        var result = await RunHarness.RemoveAsync(session, DeleteOptions.Default, input, settings);
        await outageStarts;
        watch.Stop();
        emulator.RandomFaults = null;

        var deletedByCloud = emulator.DeletedImageIds;
        var reportedDeleted = result.Sink.Removals.Where(r => r.Status is RemovalStatus.Deleted or RemovalStatus.Deleting).Select(r => r.ImageId).ToHashSet();
        // An image the cloud accepted and is still deleting (asynchronous providers) no longer remains.
        var remaining = emulator.CurrentImages.Where(i => !i.Deleting).Select(i => i.Id).ToHashSet();
        Assert.Equal(deletedByCloud.Count, deletedByCloud.Distinct().Count());                     // nothing deleted twice
        Assert.All(deletedByCloud, id => Assert.Contains(id, reportedDeleted));                     // every deletion reported
        Assert.All(reportedDeleted, id => Assert.DoesNotContain(id, remaining));                    // nothing reported deleted still exists
        Assert.All(result.Sink.Errors.Where(e => ids.Contains(e.ImageId)), e => Assert.Contains(e.ImageId, remaining)); // an error means still there
        Assert.Equal(10, result.Sink.Removals.Count(r => r.Status == RemovalStatus.Duplicate));

        var faults = emulator.Calls.Where(c => c.FaultApplied is not null).GroupBy(c => c.FaultApplied!).ToDictionary(g => g.Key, g => g.Count());
        _output.WriteLine($"{emulator.Provider}: {input.Length} inputs ({images} images, 10 repeated, 1 missing), {emulator.Calls.Count} calls, " +
            $"faults {string.Join(", ", faults.Select(f => $"{f.Key} {f.Value}"))}, outage {outage.TotalSeconds:0} s; " +
            $"outcomes: {reportedDeleted.Count} deleted, {result.Sink.Errors.Count} errors ({string.Join(", ", result.Sink.Errors.GroupBy(e => e.Error.Code).Select(g => $"{g.Key} {g.Count()}"))}), " +
            $"{result.Sink.Removals.Count(r => r.Status == RemovalStatus.Duplicate)} duplicates; deleted by the cloud {deletedByCloud.Count}, twice 0; {watch.Elapsed.TotalSeconds:0.0} s");
    }
}

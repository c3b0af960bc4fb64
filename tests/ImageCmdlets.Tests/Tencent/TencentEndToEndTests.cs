using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.Tencent;
using ImageCmdlets.Json;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Tencent;

/// <summary>
/// The operations layer driving the real Tencent provider over HTTP against the emulator: listing,
/// removal, dry runs and deletability checks, counting every outcome and every emulator-side deletion.
/// </summary>
public sealed class TencentEndToEndTests : IAsyncLifetime
{
    private static readonly OperationSettings Fast = TestSettings.FastRetries(jitterSeed: 11);

    private TencentTestBed _bed = null!;
    private TencentEmulator Emulator => _bed.Emulator;

    public async Task InitializeAsync() => _bed = await TencentTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Listing_returns_every_custom_image_across_pages()
    {
        var seeded = Emulator.SeedPrivateImages(275, "ci-build");
        Emulator.AddImage(new TencentEmulatorImage { Name = "ci-build-public", ImageType = "PUBLIC_IMAGE" });
        Emulator.SeedPrivateImages(3, "ci-build", "ap-shanghai");
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery(), Array.Empty<string>(), sink, Fast);

        Assert.Empty(sink.Errors);
        Assert.Equal(seeded.OrderBy(i => i), sink.Images.Select(i => i.ImageId).OrderBy(i => i));
        Assert.Equal(3, Emulator.CallsOf("DescribeImages").Count);
        Assert.Contains(sink.ProgressUpdates, p => p.Completed);
    }

    [Fact]
    public async Task Listing_applies_wildcard_and_date_filters_on_top_of_the_server()
    {
        // Seeded one minute apart from 2024-01-01 00:00 UTC.
        Emulator.SeedPrivateImages(30, "ci-build");
        Emulator.SeedPrivateImages(5, "release");
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery
        {
            NamePatterns = new[] { "CI-BUILD-00[0-1]?" },
            CreatedBefore = new DateTimeOffset(2024, 1, 1, 0, 15, 0, TimeSpan.Zero),
        }, Array.Empty<string>(), sink, Fast);

        Assert.Equal(Enumerable.Range(0, 15).Select(i => $"ci-build-{i:0000}"), sink.Images.Select(i => i.Name).OrderBy(n => n));
    }

    [Fact]
    public async Task Looking_up_ids_finds_images_in_any_state_and_reports_missing_ones()
    {
        var normal = Emulator.SeedPrivateImages(1)[0];
        var creating = Emulator.AddImage(new TencentEmulatorImage { Name = "creating", State = "CREATING" }).ImageId;
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery(), new[] { normal, creating, "img-00000000", "not-an-id" }, sink, Fast);

        Assert.Equal(new[] { creating, normal }.OrderBy(i => i), sink.Images.Select(i => i.ImageId).OrderBy(i => i));
        Assert.Equal("InvalidImageId.NotFound", sink.ErrorFor("img-00000000").Error.Code);
        Assert.Equal(ErrorKind.InvalidArgument, sink.ErrorFor("not-an-id").Error.Kind);
        // One describe, with the well-formed ids only.
        var body = JsonValue.Parse(Assert.Single(Emulator.CallsOf("DescribeImages")).Body);
        Assert.Equal(3, body.GetArray("ImageIds").Count);
    }

    /// <summary>Ids of one image of each kind; the input repeats a deletable one and adds a missing and a malformed id.</summary>
    private (string[] Deletable, Dictionary<string, string> Refused, string[] Input) SeedMixed()
    {
        var deletable = Emulator.SeedPrivateImages(6, "tmp").ToList();
        deletable.Add(Emulator.AddImage(new TencentEmulatorImage { Name = "failed", State = "CREATEFAILED" }).ImageId);
        var refused = new Dictionary<string, string>
        {
            [Emulator.AddImage(new TencentEmulatorImage { Name = "shared", SharedToOtherAccounts = true }).ImageId] = "InvalidImageId.InShared",
            [Emulator.AddImage(new TencentEmulatorImage { Name = "creating", State = "CREATING" }).ImageId] = "InvalidImageId.IncorrectState",
            [Emulator.AddImage(new TencentEmulatorImage { Name = "syncing", State = "SYNCING" }).ImageId] = "InvalidImageId.IncorrectState",
            [Emulator.AddImage(new TencentEmulatorImage { Name = "theirs", ImageType = "SHARED_IMAGE" }).ImageId] = "InvalidParameterValue.InvalidImageIdIsShared",
            ["img-00000000"] = "InvalidImageId.NotFound",
        };
        // Refused images spread among deletable ones, so that whole-batch failures hit innocent batch-mates.
        var input = new List<string>();
        var refusedIds = refused.Keys.ToList();
        for (var i = 0; i < deletable.Count; i++)
        {
            input.Add(deletable[i]);
            if (i < refusedIds.Count) input.Add(refusedIds[i]);
        }
        input.Add(deletable[0]);   // a duplicate
        input.Add("IMG-notvalid"); // malformed: answered before any call
        return (deletable.ToArray(), refused, input.ToArray());
    }

    private async Task<CollectingSink> RemoveAsync(DeleteOptions options, OperationSettings settings, IReadOnlyList<string> ids, IImageSession? provider = null)
    {
        var sink = new CollectingSink();
        var run = new RemovalRun(provider ?? _bed.Connect(), options, sink, settings);
        foreach (var id in ids) run.Add(id);
        await run.CompleteAsync();
        Assert.Equal(ids.Count, run.Resolved);
        Assert.Equal(ids.Count, sink.OutcomeCount);
        Assert.All(sink.AllText(), t => Assert.DoesNotContain(TencentTestBed.SecretKey, t));
        return sink;
    }

    /// <summary>Each id has that status; the first one, given twice, also has one Duplicate.</summary>
    private static void AssertStatuses(CollectingSink sink, string[] ids, string status)
    {
        Assert.Equal(new[] { status, RemovalStatus.Duplicate }.OrderBy(s => s),
            sink.Removals.Where(r => r.ImageId == ids[0]).Select(r => r.Status).OrderBy(s => s));
        foreach (var id in ids.Skip(1)) Assert.Equal(status, sink.RemovalFor(id).Status);
    }

    [Fact]
    public async Task A_mixed_run_deletes_the_deletable_and_gives_every_other_image_its_own_tencent_error()
    {
        var (deletable, refused, input) = SeedMixed();

        var sink = await RemoveAsync(DeleteOptions.Default, Fast, input);

        AssertStatuses(sink, deletable, RemovalStatus.Deleted);
        foreach (var (id, code) in refused)
            Assert.Equal(code, sink.ErrorFor(id).Error.Code);
        Assert.Equal(ErrorKind.InvalidArgument, sink.ErrorFor("IMG-notvalid").Error.Kind);
        // Nothing deleted twice, nothing refused deleted; no call ever carried the malformed id.
        Assert.Equal(deletable.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        Assert.All(refused.Keys.Where(id => id != "img-00000000"), id => Assert.True(Emulator.HasImage(id)));
        Assert.DoesNotContain(Emulator.Calls, c => c.Body.Contains("IMG-notvalid"));
        Assert.All(Emulator.CallsOf("DeleteImages"), c => Assert.Equal(false, JsonValue.Parse(c.Body).GetBool("DeleteBindedSnap")));
    }

    [Fact]
    public async Task A_dry_run_deletes_nothing_and_reports_each_verdict_from_the_dry_run()
    {
        var (deletable, refused, input) = SeedMixed();
        var before = Emulator.ImageIds;

        var sink = await RemoveAsync(new DeleteOptions { DryRun = true }, Fast, input);

        Assert.Equal(before, Emulator.ImageIds);
        Assert.Empty(Emulator.DeletedImageIds);
        AssertStatuses(sink, deletable, RemovalStatus.WouldDelete);
        foreach (var (id, code) in refused)
            Assert.Equal(code, sink.ErrorFor(id).Error.Code);
        // Every verdict came from DeleteImages with DryRun=true; nothing else touched the images. A
        // read-only DescribeImages by id may only locate the missing id of a refused batch.
        var calls = Emulator.CallsOf("DeleteImages");
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Equal(true, JsonValue.Parse(c.Body).GetBool("DryRun")));
        Assert.All(Emulator.CallsOf("DescribeImages"), c => Assert.NotNull(JsonValue.Parse(c.Body)["ImageIds"]));
        Assert.True(Emulator.CallsOf("DescribeImages").Count <= 1);
    }

    [Fact]
    public async Task Deletability_combines_the_dry_run_with_the_description()
    {
        var (deletable, refused, input) = SeedMixed();
        var sink = new CollectingSink();
        var run = new DeletabilityRun(_bed.Connect(), DeleteOptions.Default, sink, Fast);
        foreach (var id in input) run.Add(id);
        await run.CompleteAsync();

        Assert.Equal(input.Length, sink.OutcomeCount);
        Assert.Empty(Emulator.DeletedImageIds);
        var verdicts = sink.Verdicts.GroupBy(v => v.ImageId).ToDictionary(g => g.Key, g => g.First());
        Assert.All(deletable, id => Assert.True(verdicts[id].IsDeletable));
        Assert.All(deletable, id => Assert.Equal(DeletabilityCheck.DryRun, verdicts[id].CheckedBy));
        foreach (var (id, code) in refused.Where(r => r.Value != "InvalidImageId.NotFound"))
        {
            Assert.False(verdicts[id].IsDeletable);
            Assert.Contains(verdicts[id].Reasons, r => r.Code == code);
        }
        Assert.Equal("InvalidImageId.NotFound", sink.ErrorFor("img-00000000").Error.Code);
    }

    [Fact]
    public async Task Snapshots_go_only_when_asked()
    {
        var withSnapshots = Emulator.AddImage(new TencentEmulatorImage { Name = "a", SnapshotIds = new[] { "snap-aaaaaaa1" } }).ImageId;
        var keepSnapshots = Emulator.AddImage(new TencentEmulatorImage { Name = "b", SnapshotIds = new[] { "snap-bbbbbbb1" } }).ImageId;

        await RemoveAsync(new DeleteOptions { DeleteSnapshots = true }, Fast, new[] { withSnapshots });
        await RemoveAsync(DeleteOptions.Default, Fast, new[] { keepSnapshots });

        Assert.Empty(Emulator.ImageIds);
        Assert.Equal(new[] { "snap-bbbbbbb1" }, Emulator.SnapshotIds);
    }

    [Fact]
    public async Task Throttling_is_absorbed_by_retries_without_losing_or_duplicating_outcomes()
    {
        var ids = Emulator.SeedPrivateImages(120);
        Emulator.ThrottleNextDeleteCalls(5);

        var sink = await RemoveAsync(DeleteOptions.Default, TestSettings.FastRetries(jitterSeed: 5, maxAttempts: 10), ids);

        Assert.True(sink.Errors.Count == 0, string.Join("\n", sink.Errors.Select(e => e.ToString())));
        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor(id).Status));
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        // Three batches (50, 50, 20), each delivered once, plus the five refused calls.
        Assert.Equal(3 + 5, Emulator.CallsOf("DeleteImages").Count);
    }

    [Fact]
    public async Task Pacing_never_exceeds_ten_delete_calls_in_any_second()
    {
        // Three ids per call (the operations layer shrinks to it after LimitExceeded): enough calls to
        // show the pace. The emulator's own rate limit is off, so any burst would be seen, not refused.
        Emulator.MaxIdsPerDeleteCall = 3;
        Emulator.DeleteCallsPerSecond = 0;
        var ids = Emulator.SeedPrivateImages(45);

        var sink = await RemoveAsync(DeleteOptions.Default, Fast, ids);

        Assert.Empty(sink.Errors);
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        var received = Emulator.CallsOf("DeleteImages").Select(c => c.ReceivedAt).OrderBy(t => t).ToList();
        Assert.True(received.Count >= 15, $"only {received.Count} DeleteImages calls");
        var busiest = received.Max(start => received.Count(t => t >= start && t < start.AddSeconds(1)));
        Assert.True(busiest <= 10, $"{busiest} DeleteImages calls within one second");
    }

    [Fact]
    public async Task Injected_faults_still_give_exactly_one_outcome_per_image()
    {
        var ids = Emulator.SeedPrivateImages(150);
        Emulator.InjectFaults(
            new Fault(FaultKind.ServerError, "DeleteImages"),
            new Fault(FaultKind.ServiceUnavailable, "DeleteImages"),
            new Fault(FaultKind.ConnectionReset, "DeleteImages"),
            new Fault(FaultKind.MalformedBody, "DeleteImages"),
            new Fault(FaultKind.ResetAfterProcessing, "DeleteImages"));

        var sink = await RemoveAsync(DeleteOptions.Default, Fast, ids);

        Assert.Equal(0, Emulator.PendingFaults);
        Assert.Equal(ids.Count, sink.OutcomeCountsById().Count);
        Assert.All(sink.OutcomeCountsById().Values, n => Assert.Equal(1, n));
        // Whatever the faults did, every image ended deleted exactly once, and was reported so.
        Assert.Empty(Emulator.ImageIds);
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        Assert.True(sink.Errors.Count == 0, string.Join("\n", sink.Errors.Select(e => e.ToString())));
        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor(id).Status));
    }

    [Fact]
    public async Task Bad_credentials_halt_the_run_with_nothing_deleted_and_no_secret()
    {
        var ids = Emulator.SeedPrivateImages(120);
        var provider = _bed.Connect(credential: new AccessKeyCredential(TencentTestBed.SecretId, new Secret("notTheRightSecret0000000000000001")));

        var sink = new CollectingSink();
        var record = new CloudImageRun("Remove-CloudImage");
        var run = new RemovalRun(provider, DeleteOptions.Default, sink, Fast, record: record);
        foreach (var id in ids) run.Add(id);
        await run.CompleteAsync();

        Assert.Equal("AuthFailure.SignatureFailure", run.Fatal?.Code);
        Assert.Equal(0, sink.OutcomeCount);
        Assert.All(record.Entries, e => Assert.Equal(CloudImageRunStatus.NotProcessed, e.Status));
        Assert.Equal(ids.Count, Emulator.ImageIds.Count);
        // Authentication failures are not split or retried: at most one call per batch already under way.
        Assert.True(Emulator.CallsOf("DeleteImages").Count <= 3);
        Assert.All(sink.AllText(), t => Assert.DoesNotContain("notTheRightSecret0000000000000001", t));
    }
}

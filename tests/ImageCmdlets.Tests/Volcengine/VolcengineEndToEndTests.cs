using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.Volcengine;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Volcengine;

/// <summary>
/// The operations layer driving the real Volcengine provider over HTTP against the emulator: listing, removal
/// in calls of 100, per-image partial success, describe-based dry runs and verdicts, throttling and faults,
/// counting every outcome and every emulator-side deletion.
/// </summary>
public sealed class VolcengineEndToEndTests : IAsyncLifetime
{
    private static readonly OperationSettings Fast = TestSettings.FastRetries(jitterSeed: 17);
    private const string Missing = "image-ydi2wozhozfu03z20000";

    private VolcengineTestBed _bed = null!;
    private VolcengineEmulator Emulator => _bed.Emulator;

    public async Task InitializeAsync() => _bed = await VolcengineTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private IReadOnlyList<VolcengineCall> DeleteCalls => Emulator.RequestsOf("DeleteImages");

    private static int IdCount(VolcengineCall call) => call.Parameters.Keys.Count(k => k.StartsWith("ImageIds.", StringComparison.Ordinal));

    private async Task<CollectingSink> RemoveAsync(DeleteOptions options, IReadOnlyList<string> ids, OperationSettings? settings = null)
    {
        var result = await RunHarness.RemoveAsync(_bed.Connect(), options, ids, settings ?? Fast);
        Assert.Equal(ids.Count, result.Sink.OutcomeCount);
        Assert.All(result.Sink.AllText(), t => Assert.DoesNotContain(VolcengineTestBed.SecretKey, t));
        return result.Sink;
    }

    [Fact]
    public async Task Listing_streams_every_custom_image_across_pages()
    {
        var seeded = Emulator.SeedPrivateImages(250, "ci-build");
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "ci-build-public", Visibility = "public" });
        Emulator.SeedPrivateImages(3, "ci-build", "cn-shanghai");
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery { NamePatterns = new[] { "ci-build-*" } }, Array.Empty<string>(), sink, Fast);

        Assert.Empty(sink.Errors);
        Assert.Equal(seeded.OrderBy(i => i), sink.Images.Select(i => i.ImageId).OrderBy(i => i));
        Assert.Equal(3, Emulator.RequestsOf("DescribeImages").Count);
        Assert.Contains(sink.ProgressUpdates, p => p.Completed);
    }

    [Fact]
    public async Task Two_hundred_fifty_ids_are_deleted_in_exactly_three_delete_images_calls()
    {
        var ids = Emulator.SeedPrivateImages(250);

        var sink = await RemoveAsync(DeleteOptions.Default, ids);

        Assert.Empty(sink.Errors);
        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor(id).Status));
        Assert.Equal(3, Emulator.CallsOf("DeleteImages").Count);
        Assert.Equal(new[] { 50, 100, 100 }, DeleteCalls.Select(IdCount).OrderBy(n => n));
        Assert.Empty(Emulator.RequestsOf("DescribeImages"));
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        Assert.All(DeleteCalls, c => Assert.Equal("false", c.Parameters["DeleteBindedSnapshots"]));
    }

    /// <summary>One image of each kind; the input repeats a deletable one and adds a missing and a malformed id.</summary>
    private (string[] Deletable, Dictionary<string, string> Refused, Dictionary<string, string> Hidden, string[] Input) SeedMixed()
    {
        var deletable = Emulator.SeedPrivateImages(6, "tmp").ToList();
        deletable.Add(Emulator.AddImage(new VolcengineEmulatorImage { Name = "failed", Status = "error" }).ImageId);
        // Refusals DescribeImages shows, so a dry run and a check give the same code as the delete.
        var refused = new Dictionary<string, string>
        {
            [Emulator.AddImage(new VolcengineEmulatorImage { Name = "shared", SharedToOtherAccounts = true }).ImageId] = "InvalidImage.Shared",
            [Emulator.AddImage(new VolcengineEmulatorImage { Name = "creating", Status = "creating" }).ImageId] = "InvalidImageStatus",
            [Emulator.AddImage(new VolcengineEmulatorImage { Name = "theirs", Visibility = "shared" }).ImageId] = "InvalidImage.NotFound",
            [Emulator.AddImage(new VolcengineEmulatorImage { Name = "public", Visibility = "public" }).ImageId] = "InvalidImage.NotFound",
            [Missing] = "InvalidImage.NotFound",
        };
        // Refusals only the delete itself can tell: a copy or an export in progress.
        var hidden = new Dictionary<string, string>
        {
            [Emulator.AddImage(new VolcengineEmulatorImage { Name = "copying", Task = VolcengineImageTask.Copying }).ImageId] = "OperationDenied.ImageIsCopying",
            [Emulator.AddImage(new VolcengineEmulatorImage { Name = "exporting", Task = VolcengineImageTask.Exporting }).ImageId] = "OperationDenied.ImageIsExporting",
        };
        var input = new List<string>();
        var others = refused.Keys.Concat(hidden.Keys).ToList();
        for (var i = 0; i < Math.Max(deletable.Count, others.Count); i++)
        {
            if (i < deletable.Count) input.Add(deletable[i]);
            if (i < others.Count) input.Add(others[i]);
        }
        input.Add(deletable[0]);     // a duplicate
        input.Add("image-NOTVALID"); // malformed: answered before any call
        return (deletable.ToArray(), refused, hidden, input.ToArray());
    }

    /// <summary>Each id has that status; the first one, given twice, also has one Duplicate.</summary>
    private static void AssertStatuses(CollectingSink sink, IEnumerable<string> ids, string status)
    {
        var list = ids.ToList();
        Assert.Equal(new[] { status, RemovalStatus.Duplicate }.OrderBy(s => s), sink.Removals.Where(r => r.ImageId == list[0]).Select(r => r.Status).OrderBy(s => s));
        foreach (var id in list.Skip(1)) Assert.Equal(status, sink.RemovalFor(id).Status);
    }

    [Fact]
    public async Task A_mixed_batch_partly_succeeds_and_every_image_gets_its_own_volcengine_outcome_from_one_call()
    {
        var (deletable, refused, hidden, input) = SeedMixed();

        var sink = await RemoveAsync(DeleteOptions.Default, input);

        AssertStatuses(sink, deletable, RemovalStatus.Deleted);
        foreach (var (id, code) in refused.Concat(hidden))
        {
            var error = sink.ErrorFor(id).Error;
            Assert.Equal(code, error.Code);
            Assert.Equal(Providers.Volcengine.VolcengineErrors.Map.KindOf(code), error.Kind);
        }
        Assert.Equal(ErrorKind.InvalidArgument, sink.ErrorFor("image-NOTVALID").Error.Kind);
        // The call answered per image: no bisection, no lookup, one DeleteImages for the 15 well-formed ids.
        var call = Assert.Single(DeleteCalls);
        Assert.Equal(deletable.Length + refused.Count + hidden.Count, IdCount(call));
        Assert.Empty(Emulator.RequestsOf("DescribeImages"));
        Assert.Equal(deletable.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        Assert.All(refused.Keys.Concat(hidden.Keys).Where(id => id != Missing), id => Assert.True(Emulator.HasImage(id)));
        Assert.DoesNotContain(Emulator.Calls, c => c.Query.Contains("NOTVALID", StringComparison.Ordinal));
    }

    [Fact]
    public async Task What_if_makes_no_delete_call_and_reports_describe_based_verdicts()
    {
        var (deletable, refused, hidden, input) = SeedMixed();
        var before = Emulator.ImageIds;

        var sink = await RemoveAsync(new DeleteOptions { DryRun = true }, input);

        Assert.Empty(Emulator.CallsOf("DeleteImages"));
        Assert.Equal(before, Emulator.ImageIds);
        Assert.Empty(Emulator.DeletedImageIds);
        // Copies and exports in progress do not show in DescribeImages: the describe-based verdict cannot see them.
        AssertStatuses(sink, deletable.Concat(hidden.Keys), RemovalStatus.WouldDelete);
        foreach (var (id, code) in refused) Assert.Equal(code, sink.ErrorFor(id).Error.Code);
        Assert.All(sink.Removals.Where(r => r.Status == RemovalStatus.WouldDelete), r => Assert.Contains("no DryRun", r.Message));
        // One DescribeImages by id, of every visibility, for the whole chunk.
        var describe = Assert.Single(Emulator.RequestsOf("DescribeImages"));
        Assert.False(describe.Parameters.ContainsKey("Visibility"));
        Assert.Equal(input.Distinct().Count() - 1, IdCount(describe));
    }

    [Fact]
    public async Task Test_cloud_image_deletable_takes_the_same_path_and_gives_the_same_codes()
    {
        var (deletable, refused, hidden, input) = SeedMixed();
        var whatIf = await RemoveAsync(new DeleteOptions { DryRun = true }, input);
        var whatIfDescribe = Emulator.RequestsOf("DescribeImages").Single().Parameters;

        var check = await RunHarness.CheckAsync(_bed.Connect(), DeleteOptions.Default, input, Fast);

        Assert.Empty(DeleteCalls);
        Assert.Empty(Emulator.DeletedImageIds);
        var describes = Emulator.RequestsOf("DescribeImages");
        Assert.Equal(2, describes.Count);
        Assert.Equal(whatIfDescribe.OrderBy(p => p.Key), describes[1].Parameters.OrderBy(p => p.Key));
        var verdicts = check.Sink.Verdicts.GroupBy(v => v.ImageId).ToDictionary(g => g.Key, g => g.First());
        Assert.All(verdicts.Values, v => Assert.Equal(DeletabilityCheck.Describe, v.CheckedBy));
        Assert.All(deletable.Concat(hidden.Keys), id => Assert.True(verdicts[id].IsDeletable));
        foreach (var (id, code) in refused.Where(r => r.Key != Missing))
        {
            Assert.False(verdicts[id].IsDeletable);
            Assert.Equal(code, Assert.Single(verdicts[id].Reasons).Code);
            Assert.Equal(whatIf.ErrorFor(id).Error.Code, verdicts[id].Reasons[0].Code);
        }
        Assert.Equal("InvalidImage.NotFound", check.Sink.ErrorFor(Missing).Error.Code);
    }

    [Fact]
    public async Task Snapshots_go_only_when_asked()
    {
        var withSnapshots = Emulator.AddImage(new VolcengineEmulatorImage { Name = "a", SnapshotIds = new[] { "snap-aaaaaaa1" } }).ImageId;
        var keepSnapshots = Emulator.AddImage(new VolcengineEmulatorImage { Name = "b", SnapshotIds = new[] { "snap-bbbbbbb1" } }).ImageId;

        await RemoveAsync(new DeleteOptions { DeleteSnapshots = true }, new[] { withSnapshots });
        await RemoveAsync(DeleteOptions.Default, new[] { keepSnapshots });

        Assert.Empty(Emulator.ImageIds);
        Assert.Equal(new[] { "snap-bbbbbbb1" }, Emulator.SnapshotIds);
        Assert.Equal(new[] { "true", "false" }, DeleteCalls.Select(c => c.Parameters["DeleteBindedSnapshots"]));
    }

    [Fact]
    public async Task Throttling_is_absorbed_by_retries_without_losing_or_duplicating_outcomes()
    {
        var ids = Emulator.SeedPrivateImages(250);
        Emulator.InjectFaults(Enumerable.Repeat(new Fault(FaultKind.Throttle, "DeleteImages"), 5).ToArray());

        var sink = await RemoveAsync(DeleteOptions.Default, ids, new OperationSettings
        {
            MaxAttempts = 10,
            RetryBaseDelay = TimeSpan.FromMilliseconds(5),
            RetryMaxDelay = TimeSpan.FromMilliseconds(40),
            JitterSeed = 5,
        });

        Assert.True(sink.Errors.Count == 0, string.Join("\n", sink.Errors.Select(e => e.ToString())));
        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor(id).Status));
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        // Three batches, each carried out once, plus the five refused with 429 FlowLimitExceeded.
        var calls = Emulator.CallsOf("DeleteImages");
        Assert.Equal(3 + 5, calls.Count);
        Assert.Equal(5, calls.Count(c => c.Status == 429));
    }

    [Fact]
    public async Task Injected_faults_still_give_exactly_one_outcome_per_image()
    {
        var ids = Emulator.SeedPrivateImages(250);
        Emulator.InjectFaults(
            new Fault(FaultKind.ServerError, "DeleteImages"),
            new Fault(FaultKind.ServiceUnavailable, "DeleteImages"),
            new Fault(FaultKind.ConnectionReset, "DeleteImages"),
            new Fault(FaultKind.MalformedBody, "DeleteImages"),
            new Fault(FaultKind.ResetAfterProcessing, "DeleteImages"));

        var sink = await RemoveAsync(DeleteOptions.Default, ids);

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
    public async Task An_internal_error_for_every_image_of_a_call_is_retried_and_answers_once()
    {
        var ids = Emulator.SeedPrivateImages(3);
        foreach (var id in ids) Emulator.InjectImageError(id, "InternalError");

        var sink = await RemoveAsync(DeleteOptions.Default, ids);

        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor(id).Status));
        Assert.All(ids, id => Assert.Equal(2, sink.RemovalFor(id).Attempts));
        Assert.Equal(2, DeleteCalls.Count);
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
    }

    [Fact]
    public async Task Bad_credentials_halt_the_run_with_nothing_deleted_and_no_secret()
    {
        const string wrongSecret = "bm90VGhlUmlnaHRTZWNyZXQwMDAwMDAwMDAwMDE=";
        var ids = Emulator.SeedPrivateImages(250);
        var session = _bed.Connect(credential: new AccessKeyCredential(VolcengineTestBed.AccessKeyId, new Secret(wrongSecret)));

        var result = await RunHarness.RemoveAsync(session, DeleteOptions.Default, ids, Fast);

        Assert.Equal("SignatureDoesNotMatch", result.Run.Fatal?.Code);
        Assert.Equal(0, result.Sink.OutcomeCount);
        Assert.All(result.Record.Entries, e => Assert.Equal(CloudImageRunStatus.NotProcessed, e.Status));
        Assert.Equal(ids.Count, Emulator.ImageIds.Count);
        // Authentication failures are not split or retried: at most one call per batch already under way.
        Assert.True(DeleteCalls.Count <= 3);
        Assert.All(result.Sink.AllText(), t => Assert.DoesNotContain(wrongSecret, t));
    }
}

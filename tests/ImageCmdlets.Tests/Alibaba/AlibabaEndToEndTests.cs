using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Alibaba;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;
using Xunit;

namespace ImageCmdlets.Tests.Alibaba;

/// <summary>
/// The operations layer driving the real Alibaba provider over HTTP against the emulator: listing,
/// removal, dry runs and deletability checks, counting every outcome and every emulator-side deletion.
/// </summary>
public sealed class AlibabaEndToEndTests : IAsyncLifetime
{
    private static readonly OperationSettings Fast = TestSettings.FastRetries(jitterSeed: 7);

    private AlibabaTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await AlibabaTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private AlibabaEcsEmulator Emulator => _bed.Emulator;

    /// <summary>One image of each kind the mixed runs need.</summary>
    private void SeedMixed() => Emulator.Seed(
        AlibabaTestBed.Image("m-deletable1"),
        AlibabaTestBed.Image("m-deletable2", status: "CreateFailed"),
        AlibabaTestBed.Image("m-inuse") with { UsedByInstance = true },
        AlibabaTestBed.Image("m-shared") with { SharedWithOthers = true },
        AlibabaTestBed.Image("m-importing", status: "Creating") with { Task = AlibabaImageTask.Importing },
        // Shared WITH this account by another: DeleteImage would silently ignore it.
        AlibabaTestBed.Image("m-notours") with { OwnerAlias = "others" });

    private static readonly string[] MixedInput =
        { "m-deletable1", "m-inuse", "m-missing", "m-shared", "m-deletable1", "m-importing", "m-notours", "m-deletable2", "not-an-id" };

    private async Task<CollectingSink> RemoveAsync(DeleteOptions options, OperationSettings? settings, params string[] ids)
    {
        var sink = new CollectingSink();
        var run = new RemovalRun(_bed.Connect(), options, sink, settings ?? Fast);
        foreach (var id in ids) run.Add(id);
        await run.CompleteAsync();
        Assert.Equal(ids.Length, run.Resolved);
        Assert.Equal(ids.Length, sink.OutcomeCount);
        Assert.All(sink.AllText(), t => Assert.DoesNotContain(AlibabaTestBed.KeySecret, t));
        return sink;
    }

    [Fact]
    public async Task Listing_returns_every_page_and_every_status()
    {
        var statuses = new[] { "Available", "Creating", "CreateFailed", "UnAvailable", "Waiting", "Deprecated" };
        Emulator.Seed(Enumerable.Range(1, 230).Select(n => AlibabaTestBed.Image($"m-list{n:d6}", $"ci-{n}", statuses[n % statuses.Length])).ToArray());
        Emulator.Seed(AlibabaTestBed.Image("m-notours") with { OwnerAlias = "others" });
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery(), Array.Empty<string>(), sink, Fast);

        Assert.Empty(sink.Errors);
        Assert.Equal(230, sink.Images.Count);
        Assert.Equal(230, sink.Images.Select(i => i.ImageId).Distinct().Count());
        Assert.Equal(statuses.OrderBy(s => s), sink.Images.Select(i => i.State).Distinct().OrderBy(s => s));
        Assert.Equal(3, Emulator.RequestsOf("DescribeImages").Count);
        Assert.True(sink.ProgressUpdates.Last().Completed);
    }

    [Fact]
    public async Task Listing_filters_by_wildcard_name_and_state_on_top_of_the_server()
    {
        Emulator.Seed(
            AlibabaTestBed.Image("m-a1", "ci-build-1", "CreateFailed"),
            AlibabaTestBed.Image("m-a2", "ci-build-2", "Available"),
            AlibabaTestBed.Image("m-a3", "nightly-ci-build", "CreateFailed"));
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery { NamePatterns = new[] { "ci-*" }, States = new[] { "CreateFailed" } },
            Array.Empty<string>(), sink, Fast);

        Assert.Equal(new[] { "m-a1" }, sink.Images.Select(i => i.ImageId));
    }

    [Fact]
    public async Task Looking_up_ids_finds_non_available_images_and_reports_missing_ones()
    {
        SeedMixed();
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery(), new[] { "m-importing", "m-missing", "m-deletable2" }, sink, Fast);

        Assert.Equal(new[] { "m-deletable2", "m-importing" }, sink.Images.Select(i => i.ImageId).OrderBy(x => x));
        var missing = sink.ErrorFor("m-missing").Error;
        Assert.Equal("InvalidImageId.NotFound", missing.Code);
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
    }

    [Theory]
    [InlineData(MissingImageAnswer.Ignore)]
    [InlineData(MissingImageAnswer.NotFound)]
    public async Task A_mixed_run_gives_each_image_exactly_one_correct_outcome(MissingImageAnswer missingAnswer)
    {
        Emulator.MissingImages = missingAnswer;
        SeedMixed();

        var sink = await RemoveAsync(DeleteOptions.Default, null, MixedInput);

        var counts = sink.OutcomeCountsById();
        Assert.Equal(2, counts["m-deletable1"]); // the image and its duplicate
        Assert.All(MixedInput.Distinct().Where(id => id != "m-deletable1"), id => Assert.Equal(1, counts[id]));

        Assert.Equal(new[] { RemovalStatus.Deleted, RemovalStatus.Duplicate },
            sink.Removals.Where(r => r.ImageId == "m-deletable1").Select(r => r.Status).OrderBy(s => s));
        Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor("m-deletable2").Status);
        Assert.Equal("ImageUsingByInstance", sink.ErrorFor("m-inuse").Error.Code);
        Assert.Equal("ImageUseShared", sink.ErrorFor("m-shared").Error.Code);
        Assert.Equal("ImageIsImporting", sink.ErrorFor("m-importing").Error.Code);
        Assert.Equal("MalformedImageId", sink.ErrorFor("not-an-id").Error.Code);

        // The missing id and the image that is not ours are reported as not found, never as deleted...
        foreach (var id in new[] { "m-missing", "m-notours" })
        {
            Assert.Equal(ErrorKind.NotFound, sink.ErrorFor(id).Error.Kind);
            Assert.Equal("InvalidImageId.NotFound", sink.ErrorFor(id).Error.Code);
            Assert.DoesNotContain(sink.Removals, r => r.ImageId == id);
        }
        // ...and no DeleteImage was even sent for them, because DeleteImage would have "succeeded".
        var deleteCalls = Emulator.RequestsOf("DeleteImage");
        Assert.DoesNotContain(deleteCalls, c => c.Parameters["ImageId"] is "m-missing" or "m-notours" or "not-an-id");

        Assert.Equal(new[] { "m-deletable1", "m-deletable2" }, Emulator.DeletedImageIds.OrderBy(x => x));
        Assert.Equal(1, deleteCalls.Count(c => c.Parameters["ImageId"] == "m-deletable1"));
        Assert.All(new[] { "m-inuse", "m-shared", "m-importing", "m-notours" }, id => Assert.True(Emulator.Exists(id)));
    }

    [Fact]
    public async Task An_image_in_use_is_deleted_only_with_even_if_in_use()
    {
        SeedMixed();

        var refused = await RemoveAsync(DeleteOptions.Default, null, "m-inuse");
        Assert.Equal("ImageUsingByInstance", refused.ErrorFor("m-inuse").Error.Code);
        Assert.Equal(ErrorKind.InUse, refused.ErrorFor("m-inuse").Error.Kind);
        Assert.True(Emulator.Exists("m-inuse"));

        var forced = await RemoveAsync(new DeleteOptions { EvenIfInUse = true }, null, "m-inuse");
        Assert.Equal(RemovalStatus.Deleted, forced.RemovalFor("m-inuse").Status);
        Assert.False(Emulator.Exists("m-inuse"));
        Assert.Equal(new[] { "false", "true" }, Emulator.RequestsOf("DeleteImage").Select(c => c.Parameters["Force"]));
    }

    [Fact]
    public async Task A_dry_run_deletes_nothing_and_reports_would_delete_or_the_real_reason()
    {
        // A DryRun that also checks state: each refusal comes from the service itself.
        Emulator.DryRunChecksImageState = true;
        SeedMixed();
        var before = Emulator.Images.Count;

        var sink = await RemoveAsync(new DeleteOptions { DryRun = true }, null, MixedInput);

        Assert.Equal(before, Emulator.Images.Count);
        Assert.Empty(Emulator.DeletedImageIds);
        Assert.All(Emulator.RequestsOf("DeleteImage"), c => Assert.Equal("true", c.Parameters["DryRun"]));
        Assert.Equal(RemovalStatus.WouldDelete, sink.Removals.Single(r => r.ImageId == "m-deletable1" && r.Status != RemovalStatus.Duplicate).Status);
        Assert.Equal(RemovalStatus.WouldDelete, sink.RemovalFor("m-deletable2").Status);
        Assert.Equal("ImageUsingByInstance", sink.ErrorFor("m-inuse").Error.Code);
        Assert.Equal("ImageUseShared", sink.ErrorFor("m-shared").Error.Code);
        Assert.Equal("ImageIsImporting", sink.ErrorFor("m-importing").Error.Code);
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("m-missing").Error.Kind);
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("m-notours").Error.Kind);
    }

    [Fact]
    public async Task A_dry_run_that_checks_only_credentials_still_reports_what_the_description_shows()
    {
        // The documented DryRun checks credentials, permission and parameters only: it passes for an image
        // in use. -WhatIf must still not say "would delete" for it.
        SeedMixed();

        var sink = await RemoveAsync(new DeleteOptions { DryRun = true }, null, "m-deletable1", "m-inuse", "m-shared", "m-importing");

        Assert.Equal(RemovalStatus.WouldDelete, sink.RemovalFor("m-deletable1").Status);
        Assert.Equal("ImageUsingByInstance", sink.ErrorFor("m-inuse").Error.Code);
        Assert.Equal("ImageUseShared", sink.ErrorFor("m-shared").Error.Code);
        Assert.Equal("ImageIsImporting", sink.ErrorFor("m-importing").Error.Code);
        Assert.Empty(Emulator.DeletedImageIds);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deletability_combines_the_dry_run_with_the_description(bool dryRunChecksState)
    {
        Emulator.DryRunChecksImageState = dryRunChecksState;
        SeedMixed();
        var sink = new CollectingSink();
        var run = new DeletabilityRun(_bed.Connect(), DeleteOptions.Default, sink, Fast);
        foreach (var id in MixedInput) run.Add(id);
        await run.CompleteAsync();

        Assert.Equal(MixedInput.Length, sink.OutcomeCount);
        Assert.Empty(Emulator.DeletedImageIds);
        Assert.All(Emulator.RequestsOf("DeleteImage"), c => Assert.Equal("true", c.Parameters["DryRun"]));
        var verdicts = sink.Verdicts.GroupBy(v => v.ImageId).ToDictionary(g => g.Key, g => g.First());
        Assert.True(verdicts["m-deletable1"].IsDeletable);
        Assert.Equal(DeletabilityCheck.DryRun, verdicts["m-deletable1"].CheckedBy);
        Assert.True(verdicts["m-deletable2"].IsDeletable);
        Assert.Contains(verdicts["m-inuse"].Reasons, r => r.Code == "ImageUsingByInstance");
        Assert.Contains(verdicts["m-shared"].Reasons, r => r.Code == "ImageUseShared");
        Assert.Contains(verdicts["m-importing"].Reasons, r => r.Code == "ImageIsImporting");
        Assert.All(new[] { "m-inuse", "m-shared", "m-importing" }, id => Assert.False(verdicts[id].IsDeletable));
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("m-missing").Error.Kind);
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("m-notours").Error.Kind);
    }

    [Fact]
    public async Task Concurrency_throttling_and_lost_answers_keep_every_outcome_and_delete_nothing_twice()
    {
        var ids = Enumerable.Range(1, 20).Select(n => $"m-many{n:d6}").ToArray();
        Emulator.Seed(ids.Select(id => AlibabaTestBed.Image(id)).ToArray());
        Emulator.CallsPerSecondLimit = 8;
        // A delete carried out whose answer is lost, and a 5xx before anything ran: both are retried.
        Emulator.InjectFaults(new Fault(FaultKind.ResetAfterProcessing, "DeleteImage"), new Fault(FaultKind.ServerError, "DeleteImage"));
        // No rate is published, so nothing paces the calls: throttled ones are retried, with backoff long
        // enough (several seconds over 12 attempts) to outlast the emulator's one-second window.
        var patient = new OperationSettings
        {
            MaxAttempts = 12,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            JitterSeed = 3,
        };

        var sink = await RemoveAsync(DeleteOptions.Default, patient, ids);

        Assert.True(sink.Errors.Count == 0, string.Join("\n", sink.Errors.Select(e => e.ToString())));
        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor(id).Status));
        Assert.Equal(ids.OrderBy(x => x), Emulator.DeletedImageIds.OrderBy(x => x)); // each exactly once
        Assert.Empty(Emulator.Images);
        var deleteCalls = Emulator.RequestsOf("DeleteImage");
        Assert.Contains(deleteCalls, c => c.Code == "Throttling.User");
        Assert.Equal(0, Emulator.PendingFaults);
        // One 200 per image, plus one for the retry of the lost answer (which DeleteImage "ignores": gone already).
        Assert.Equal(ids.Length + 1, deleteCalls.Count(c => c.Status == 200));
    }
}

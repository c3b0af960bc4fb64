using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.Zenlayer;
using ImageCmdlets.Json;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Zenlayer;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Zenlayer;

/// <summary>
/// The operations layer driving the real Zenlayer provider over HTTP against the emulator: listing, removal
/// with and without -Wait, -WhatIf, deletability, throttling and faults, counting every outcome and every
/// deletion the emulator carried out.
/// </summary>
public sealed class ZenlayerEndToEndTests : IAsyncLifetime
{
    private static readonly OperationSettings Fast = TestSettings.FastRetries(jitterSeed: 13);

    private ZenlayerTestBed _bed = null!;
    private ZenlayerEmulator Emulator => _bed.Emulator;

    public async Task InitializeAsync() => _bed = await ZenlayerTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private Task<RunHarness.Finished> RemoveAsync(IReadOnlyList<string> ids, DeletionWait? wait = null, OperationSettings? settings = null,
        DeleteOptions? options = null, IImageSession? session = null) =>
        RunHarness.RemoveAsync(session ?? _bed.Connect(), options ?? DeleteOptions.Default, ids, settings ?? Fast, wait);

    private static void AssertNoSecret(RunHarness.Finished result) =>
        Assert.All(result.Sink.AllText().Concat(result.Record.Entries.Select(e => e.Message ?? "")),
            t => Assert.DoesNotContain(ZenlayerTestBed.KeyPassword, t));

    [Fact]
    public async Task Listing_streams_every_custom_image_of_the_region_across_pages()
    {
        var seeded = Emulator.SeedCustomImages(230, "ci-build");
        Emulator.SeedCustomImages(4, "ci-build-other-region", "asia-southeast-1");
        Emulator.AddImage(new ZenlayerEmulatorImage { Name = "ci-build-public", ImageType = "PUBLIC_IMAGE" });
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery { PageSize = 100, NamePatterns = new[] { "ci-build-*" } }, Array.Empty<string>(), sink, Fast);

        Assert.Empty(sink.Errors);
        Assert.Equal(seeded, sink.Images.Select(i => i.ImageId));
        Assert.Equal(3, Emulator.RequestsOf("DescribeCustomImages").Count);
        Assert.Contains(sink.ProgressUpdates, p => p.Status.Contains("of 230"));
        Assert.Contains(sink.ProgressUpdates, p => p.Completed);
    }

    [Fact]
    public async Task Looking_up_ids_finds_images_in_any_state_and_reports_missing_and_malformed_ones()
    {
        var available = Emulator.SeedCustomImages(1)[0];
        var creating = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "creating", Status = "CREATING" }).ImageId;
        var sink = new CollectingSink();

        await ImageListing.RunAsync(_bed.Connect(), new ImageQuery(), new[] { available, creating, "img-000000000000", "bad id" }, sink, Fast);

        Assert.Equal(new[] { available, creating }.OrderBy(i => i), sink.Images.Select(i => i.ImageId).OrderBy(i => i));
        Assert.Equal(ZenlayerErrors.ResourceNotFound, sink.ErrorFor("img-000000000000").Error.Code);
        Assert.Equal(EngineErrors.MalformedImageId, sink.ErrorFor("bad id").Error.Code);
        Assert.Single(Emulator.RequestsOf("DescribeImages"));
    }

    /// <summary>Deletable images, refused ones with the code each must end with, and the input mixing them.</summary>
    private (string[] Deletable, Dictionary<string, string> Refused, string[] Input) SeedMixed()
    {
        var deletable = Emulator.SeedCustomImages(24, "tmp").ToList();
        deletable.Add(Emulator.AddImage(new ZenlayerEmulatorImage { Name = "failed-build", Status = "FAILED" }).ImageId);
        deletable.Add(Emulator.AddImage(new ZenlayerEmulatorImage { Name = "unavailable", Status = "UNAVAILABLE" }).ImageId);
        var refused = new Dictionary<string, string>
        {
            [Emulator.AddImage(new ZenlayerEmulatorImage { Name = "creating", Status = "CREATING" }).ImageId] = ZenlayerErrors.InvalidImageStatus,
            [Emulator.AddImage(new ZenlayerEmulatorImage { Name = "syncing", Status = "SYNCING" }).ImageId] = ZenlayerErrors.InvalidImageStatus,
            [Emulator.AddImage(new ZenlayerEmulatorImage { Name = "processing", Status = "PROCESSING" }).ImageId] = ZenlayerErrors.InvalidImageStatus,
            [Emulator.AddImage(new ZenlayerEmulatorImage { Name = "ubuntu", ImageType = "PUBLIC_IMAGE" }).ImageId] = ZenlayerErrors.ImageNotCustom,
            ["img-000000000000"] = ZenlayerErrors.ResourceNotFound,
        };
        // Refused images among deletable ones, so that every batch has some of each.
        var input = new List<string>();
        var refusedIds = refused.Keys.ToList();
        for (var i = 0; i < deletable.Count; i++)
        {
            input.Add(deletable[i]);
            if (i % 5 == 2 && i / 5 < refusedIds.Count) input.Add(refusedIds[i / 5]);
        }
        input.Add(deletable[0]);     // a duplicate
        input.Add("not an id!");     // malformed: answered before any call
        return (deletable.ToArray(), refused, input.ToArray());
    }

    private void AssertMixedOutcome(RunHarness.Finished result, string[] deletable, Dictionary<string, string> refused, string status)
    {
        Assert.Equal(new[] { status, RemovalStatus.Duplicate }.OrderBy(s => s), result.Sink.Removals.Where(r => r.ImageId == deletable[0]).Select(r => r.Status).OrderBy(s => s));
        Assert.All(deletable.Skip(1), id => Assert.Equal(status, result.Sink.RemovalFor(id).Status));
        foreach (var (id, code) in refused)
        {
            var error = result.Sink.ErrorFor(id).Error;
            Assert.Equal(code, error.Code);
            Assert.NotEqual(ErrorKind.Unknown, error.Kind);
            Assert.Contains(id, error.Message);
        }
        Assert.Equal(EngineErrors.MalformedImageId, result.Sink.ErrorFor("not an id!").Error.Code);
        // Each deletable image deleted exactly once, nothing refused deleted, the malformed id never sent.
        Assert.Equal(deletable.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        Assert.All(refused.Keys.Where(id => id != "img-000000000000"), id => Assert.NotEqual("DELETING", Emulator.Find(id)?.Status));
        Assert.DoesNotContain(Emulator.Calls, c => c.Body.Contains("not an id!"));
        AssertNoSecret(result);
    }

    [Theory]
    [InlineData(MissingIdAnswer.FailCall)]
    [InlineData(MissingIdAnswer.ListAsFailed)]
    public async Task A_mixed_run_without_wait_reports_the_accepted_as_deleting_and_each_failed_with_its_precise_reason(MissingIdAnswer missing)
    {
        Emulator.MissingIds = missing;
        Emulator.DeletionTime = TimeSpan.FromMinutes(5);
        var (deletable, refused, input) = SeedMixed();

        var result = await RemoveAsync(input);

        AssertMixedOutcome(result, deletable, refused, RemovalStatus.Deleting);
        Assert.All(deletable, id => Assert.Equal("DELETING", Emulator.Find(id)!.Status));
        // Listed as failed, only the refused ids were looked up: an accepted one never needs a describe. (A missing id
        // that fails the whole call has the batch described instead, to find it.)
        if (missing == MissingIdAnswer.ListAsFailed)
            Assert.DoesNotContain(Emulator.RequestsOf("DescribeImages"), r => JsonValue.Parse(r.Body).GetArray("imageIds").Any(i => deletable.Contains(i.AsString())));
    }

    [Theory]
    [InlineData(MissingIdAnswer.FailCall)]
    [InlineData(MissingIdAnswer.ListAsFailed)]
    public async Task A_mixed_run_under_wait_ends_with_the_accepted_deleted_and_each_failed_with_its_precise_reason(MissingIdAnswer missing)
    {
        Emulator.MissingIds = missing;
        var (deletable, refused, input) = SeedMixed();

        var result = await RemoveAsync(input, new DeletionWait(TimeSpan.FromSeconds(30)));

        AssertMixedOutcome(result, deletable, refused, RemovalStatus.Deleted);
        Assert.All(deletable, id => Assert.Null(Emulator.Find(id)));
        Assert.All(deletable.Skip(1), id => Assert.StartsWith("Deleted: the cloud finished deleting it", result.Sink.RemovalFor(id).Message));
        Assert.All(result.Record.Entries.Where(e => deletable.Contains(e.ImageId)), e => Assert.Contains(e.Status, new[] { CloudImageRunStatus.Deleted, CloudImageRunStatus.Duplicate }));
        // DeleteImages took 20 ids at a time; polls looked at many images at once.
        Assert.All(Emulator.RequestsOf("DeleteImages"), r => Assert.InRange(JsonValue.Parse(r.Body).GetArray("imageIds").Count, 1, 20));
        Assert.True(Emulator.RequestsOf("DescribeImages").Count < deletable.Length, $"{Emulator.RequestsOf("DescribeImages").Count} describe calls");
    }

    [Fact]
    public async Task Under_wait_a_deletion_that_does_not_finish_is_a_deletion_failed_error_and_a_timeout_leaves_deleting()
    {
        var ok = Emulator.SeedCustomImages(2);
        var bounces = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "bounces", DeletionFails = true }).ImageId;

        var result = await RemoveAsync(ok.Append(bounces).ToArray(), new DeletionWait(TimeSpan.FromSeconds(30)));

        Assert.All(ok, id => Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status));
        var error = result.Sink.ErrorFor(bounces).Error;
        Assert.Equal((EngineErrors.DeletionFailed, ErrorKind.InvalidState), (error.Code, error.Kind));
        Assert.Contains("AVAILABLE", error.Message);
        Assert.Equal("AVAILABLE", Emulator.Find(bounces)!.Status);

        Emulator.DeletionTime = TimeSpan.FromMinutes(5);
        var slow = Emulator.SeedCustomImages(1, "slow")[0];
        var timedOut = await RemoveAsync(new[] { slow }, new DeletionWait(TimeSpan.FromMilliseconds(400)));
        var removal = Assert.Single(timedOut.Sink.Removals);
        Assert.Equal(RemovalStatus.Deleting, removal.Status);
        Assert.Contains("(DELETING) when -WaitTimeout (0.4 s) passed", removal.Message);
    }

    [Fact]
    public async Task What_if_judges_from_the_record_and_makes_no_delete_call()
    {
        var (deletable, refused, input) = SeedMixed();

        var result = await RemoveAsync(input, options: DeleteOptions.Default.AsDryRun(), wait: new DeletionWait());

        Assert.Equal(new[] { RemovalStatus.WouldDelete, RemovalStatus.Duplicate }.OrderBy(s => s),
            result.Sink.Removals.Where(r => r.ImageId == deletable[0]).Select(r => r.Status).OrderBy(s => s));
        Assert.All(deletable.Skip(1), id => Assert.Equal(RemovalStatus.WouldDelete, result.Sink.RemovalFor(id).Status));
        foreach (var (id, code) in refused) Assert.Equal(code, result.Sink.ErrorFor(id).Error.Code);
        Assert.Empty(Emulator.RequestsOf("DeleteImages"));
        Assert.Empty(Emulator.DeletedImageIds);
        Assert.All(Emulator.Images, i => Assert.NotEqual("DELETING", i.Status));
    }

    [Fact]
    public async Task Deletability_is_judged_from_the_record_with_the_codes_a_real_delete_is_reported_with()
    {
        var (deletable, refused, input) = SeedMixed();

        var result = await RunHarness.CheckAsync(_bed.Connect(), DeleteOptions.Default, input, Fast);

        var verdicts = result.Sink.Verdicts.GroupBy(v => v.ImageId).ToDictionary(g => g.Key, g => g.First());
        Assert.All(deletable, id => Assert.True(verdicts[id].IsDeletable));
        Assert.All(verdicts.Values, v => Assert.Equal(DeletabilityCheck.Describe, v.CheckedBy));
        foreach (var (id, code) in refused.Where(r => r.Value != ZenlayerErrors.ResourceNotFound))
            Assert.Equal(code, Assert.Single(verdicts[id].Reasons).Code);
        Assert.Equal(ZenlayerErrors.ResourceNotFound, result.Sink.ErrorFor("img-000000000000").Error.Code);
        Assert.Empty(Emulator.RequestsOf("DeleteImages"));
    }

    [Fact]
    public async Task A_batch_limit_shrinks_the_batches_for_the_rest_of_the_run()
    {
        Emulator.MaxIdsPerDeleteCall = 6;
        var ids = Emulator.SeedCustomImages(30);

        var result = await RemoveAsync(ids, new DeletionWait());

        Assert.Empty(result.Sink.Errors);
        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status));
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        var refusedCalls = Emulator.RequestsOf("DeleteImages").Where(r => r.Code == ZenlayerErrors.ExceedLength).ToList();
        Assert.InRange(refusedCalls.Count, 1, 4);
        Assert.All(Emulator.RequestsOf("DeleteImages").Where(r => r.Status == 200), r => Assert.InRange(JsonValue.Parse(r.Body).GetArray("imageIds").Count, 1, 6));
    }

    [Fact]
    public async Task Throttling_and_faults_lose_nothing_and_delete_nothing_twice()
    {
        var ids = Emulator.SeedCustomImages(90);
        Emulator.InjectFaults(
            new Fault(FaultKind.Throttle, "DeleteImages"),
            new Fault(FaultKind.Throttle, "DeleteImages"),
            new Fault(FaultKind.ServerError, "DeleteImages"),
            new Fault(FaultKind.ServiceUnavailable, "DeleteImages"),
            new Fault(FaultKind.ConnectionReset, "DeleteImages"),
            new Fault(FaultKind.ResetAfterProcessing, "DeleteImages"),
            new Fault(FaultKind.MalformedBody, "DeleteImages"),
            new Fault(FaultKind.Throttle, "DescribeImages"),
            new Fault(FaultKind.ServerError, "DescribeImages"));
        var settings = TestSettings.FastRetries(jitterSeed: 7, maxAttempts: 10);

        var session = _bed.Connect();
        session.LookupRetryDelay = _ => TimeSpan.FromMilliseconds(10);

        var result = await RemoveAsync(ids, new DeletionWait(TimeSpan.FromSeconds(30)), settings, session: session);

        Assert.Equal(0, Emulator.PendingFaults);
        Assert.True(result.Sink.Errors.Count == 0, string.Join("\n", result.Sink.Errors.Select(e => e.ToString())));
        Assert.All(result.Sink.OutcomeCountsById().Values, n => Assert.Equal(1, n));
        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status));
        Assert.Empty(Emulator.Images);
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        Assert.Equal(3, Emulator.Calls.Count(c => c.FaultApplied == nameof(FaultKind.Throttle) && c.Status == 429));
    }

    [Fact]
    public async Task Bad_credentials_halt_the_run_with_nothing_deleted_and_no_secret()
    {
        var ids = Emulator.SeedCustomImages(50);
        var session = _bed.Connect(credential: new AccessKeyCredential(ZenlayerTestBed.KeyId, new Secret("notTheRightPassword-000001")));

        var result = await RemoveAsync(ids, new DeletionWait(), session: session);

        Assert.Equal(ZenlayerErrors.SignatureFailure, result.Run.Fatal?.Code);
        Assert.All(result.Record.Entries, e => Assert.Equal(CloudImageRunStatus.NotProcessed, e.Status));
        Assert.Empty(Emulator.DeletedImageIds);
        // Neither retried nor split: at most the calls already under way (two at a time) and one that got its turn as the answer came.
        Assert.True(Emulator.RequestsOf("DeleteImages").Count <= 3, $"{Emulator.RequestsOf("DeleteImages").Count} DeleteImages calls after an authentication failure");
        Assert.All(result.Sink.AllText(), t => Assert.DoesNotContain("notTheRightPassword-000001", t));
    }
}

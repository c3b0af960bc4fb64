using ImageCmdlets.Emulators.InMemory;
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Operations;

public class RemovalRunTests
{
    internal static readonly OperationSettings Fast = TestSettings.FastRetries();

    private static async Task<CollectingSink> RemoveAsync(InMemoryCloud provider, DeleteOptions options, params string?[] ids)
    {
        var sink = new CollectingSink();
        var run = new RemovalRun(provider, options, sink, Fast);
        foreach (var id in ids) run.Add(id);
        await run.CompleteAsync();
        Assert.Equal(ids.Length, run.Received);
        Assert.Equal(ids.Length, run.Resolved);
        Assert.Equal(ids.Length, sink.OutcomeCount);
        return sink;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Mixed_batch_gives_every_input_exactly_one_outcome_and_deletes_each_image_once(bool wholeBatchFailure)
    {
        var provider = new InMemoryCloud { WholeBatchFailure = wholeBatchFailure };
        provider.AddMany(12);
        provider.Add("img-busy").RejectCode = "InvalidImageId.InShared";
        provider.Add("img-creating").RejectCode = "InvalidImageState";

        var sink = await RemoveAsync(provider, DeleteOptions.Default,
            "img-0000", "img-busy", "img-0001", "img-missing", "img-0000", "img-creating", "not an id", "", null,
            "img-0002", "img-0003", "img-0004", "img-0005", "img-0006", "img-0007", "img-0008", "img-0009", "img-0010", "img-0011");

        for (var i = 0; i < 12; i++)
        {
            var id = $"img-{i:d4}";
            Assert.Equal(1, provider.DeletionsOf(id));
            Assert.False(provider.Exists(id));
        }
        // The repeated id is answered at once as a duplicate; the image itself is deleted once.
        Assert.Equal(new[] { RemovalStatus.Deleted, RemovalStatus.Duplicate },
            sink.Removals.Where(r => r.ImageId == "img-0000").Select(r => r.Status).OrderBy(s => s));
        Assert.Equal("InvalidImageId.InShared", sink.ErrorFor("img-busy").Error.Code);
        Assert.Equal("InvalidImageState", sink.ErrorFor("img-creating").Error.Code);
        Assert.Equal("NotFound", sink.ErrorFor("img-missing").Error.Code);
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("img-missing").Error.Kind);
        Assert.Equal("MalformedImageId", sink.ErrorFor("not an id").Error.Code);
        Assert.Equal(2, sink.Errors.Count(e => e.Error.Code == "EmptyImageId"));
        Assert.True(provider.Exists("img-busy"));
        // Bad ids never reach the cloud.
        Assert.DoesNotContain(provider.Calls, c => c.Ids.Contains("not an id") || c.Ids.Contains(""));
    }

    [Fact]
    public async Task Whole_batch_failure_is_bisected_so_one_bad_image_costs_only_a_few_calls()
    {
        var provider = new InMemoryCloud { RefusalsNameTheImage = false };
        provider.AddMany(9);
        provider.Add("img-bad").RejectCode = "InvalidImageId.InShared";
        var ids = Enumerable.Range(0, 9).Select(i => $"img-{i:d4}").ToList();
        ids.Insert(4, "img-bad"); // one batch of 10 with the bad image inside

        var sink = await RemoveAsync(provider, DeleteOptions.Default, ids.ToArray());

        Assert.Equal(9, sink.Removals.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.Equal("InvalidImageId.InShared", sink.ErrorFor("img-bad").Error.Code);
        Assert.Equal(10, provider.DeleteCalls[0].Ids.Length);
        // 1 failed call of 10, then halving: at most 2 calls per level of a 10-id bisection (≤ 9), fewer than one per image after the first.
        Assert.InRange(provider.DeleteCalls.Count, 4, 9);
        Assert.Single(provider.DeleteCalls, c => c.Ids.SequenceEqual(new[] { "img-bad" }));
    }

    [Fact]
    public async Task A_batch_refused_for_the_image_its_error_names_is_sent_again_without_it()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(9);
        provider.Add("img-bad").RejectCode = "InvalidImageId.InShared";
        var ids = Enumerable.Range(0, 9).Select(i => $"img-{i:d4}").ToList();
        ids.Insert(4, "img-bad");

        var sink = await RemoveAsync(provider, DeleteOptions.Default, ids.ToArray());

        Assert.Equal(9, sink.Removals.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.Equal("InvalidImageId.InShared", sink.ErrorFor("img-bad").Error.Code);
        // One extra call: the refused batch of 10, then the 9 others without the image the error named.
        Assert.Equal(2, provider.DeleteCalls.Count);
        Assert.Equal(ids.Where(i => i != "img-bad"), provider.DeleteCalls[1].Ids);
    }

    [Fact]
    public void An_error_naming_no_image_or_several_names_no_culprit()
    {
        var batch = new[] { "img-1", "img-10", "img-2" }
            .Select((id, i) => new ImageEntry(new CloudImageRunEntry(i + 1, id, "Fake", "r1", null, null))).ToList();
        Assert.Equal("img-1", DeleteCallExecutor.NamedCulprit(Error("The image `img-1` is shared."), batch)?.ImageId);
        Assert.Equal("img-10", DeleteCallExecutor.NamedCulprit(Error("Image img-10 is in use."), batch)?.ImageId);
        Assert.Null(DeleteCallExecutor.NamedCulprit(Error("An image is in use."), batch));
        Assert.Null(DeleteCallExecutor.NamedCulprit(Error("img-1 and img-2 are in use."), batch));

        static CloudApiError Error(string message) => new("InvalidImageId.InShared", ErrorKind.InUse, message);
    }

    [Fact]
    public async Task BatchTooLarge_shrinks_the_batch_and_every_image_is_still_deleted()
    {
        var provider = new InMemoryCloud { BatchLimit = 3 };
        provider.AddMany(20);
        var sink = await RemoveAsync(provider, DeleteOptions.Default, Enumerable.Range(0, 20).Select(i => $"img-{i:d4}").ToArray());

        Assert.Equal(20, sink.Removals.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.Equal(0, provider.ImageCount);
        Assert.All(provider.DeleteCalls.Where(c => c.Ids.Length <= 3), c => Assert.True(c.Ids.Length <= 3));
        Assert.Contains(sink.VerboseLines, v => v.Contains("too many"));
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_without_losing_or_repeating_outcomes()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(30);
        provider.FailNextCall(new CloudApiError("RequestLimitExceeded", ErrorKind.Throttled, "slow down"));
        provider.FailNextCall(new CloudApiError("RequestLimitExceeded", ErrorKind.Throttled, "slow down"));
        provider.FailNextCall(new CloudApiError("HTTP503", ErrorKind.ServerError, "unavailable"));

        var sink = await RemoveAsync(provider, DeleteOptions.Default, Enumerable.Range(0, 30).Select(i => $"img-{i:d4}").ToArray());

        Assert.Equal(30, sink.Removals.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.All(Enumerable.Range(0, 30), i => Assert.Equal(1, provider.DeletionsOf($"img-{i:d4}")));
        Assert.Contains(sink.VerboseLines, v => v.Contains("RequestLimitExceeded; retry 2"));
    }

    [Fact]
    public async Task A_lost_answer_followed_by_not_found_reports_the_image_deleted_not_failed()
    {
        var provider = new InMemoryCloud { WholeBatchFailure = true };
        provider.AddMany(4);
        provider.LoseNextAnswer();

        var sink = await RemoveAsync(provider, DeleteOptions.Default, "img-0000", "img-0001", "img-0002", "img-0003");

        Assert.Empty(sink.Errors);
        Assert.All(sink.Removals, r => Assert.Equal(RemovalStatus.Deleted, r.Status));
        Assert.All(sink.Removals, r => Assert.True(r.Attempts >= 2));
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(1, provider.DeletionsOf($"img-{i:d4}")));
    }

    [Fact]
    public async Task Retries_end_after_MaxAttempts_with_the_last_error_for_each_image()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(2);
        for (var i = 0; i < 10; i++) provider.FailNextCall(new CloudApiError("InternalError", ErrorKind.ServerError, "boom"));

        var sink = await RemoveAsync(provider, DeleteOptions.Default, "img-0000", "img-0001");

        Assert.Equal(Fast.MaxAttempts, provider.DeleteCalls.Count);
        Assert.All(sink.Errors, e => Assert.Equal("InternalError", e.Error.Code));
        Assert.Equal(2, sink.Errors.Count);
    }

    [Fact]
    public async Task A_fatal_error_stops_further_calls_and_leaves_every_image_recorded_as_not_processed()
    {
        var provider = new InMemoryCloud(new ProviderCapabilities
        {
            MaxIdsPerDelete = 1, MaxIdsPerDescribe = 10, MaxConcurrentCalls = 1,
            ImageIdPattern = new System.Text.RegularExpressions.Regex("^img-"),
        });
        provider.AddMany(8);
        provider.FailNextCall(new CloudApiError("AuthFailure.SignatureFailure", ErrorKind.Authentication, "bad signature"));

        var sink = new CollectingSink();
        var record = new CloudImageRun("Remove-CloudImage");
        var run = new RemovalRun(provider, DeleteOptions.Default, sink, Fast, record: record);
        for (var i = 0; i < 8; i++) run.Add($"img-{i:d4}");
        await run.CompleteAsync();

        // The command turns the fatal error into one terminating error; no image gets an error of its own.
        Assert.Equal("AuthFailure.SignatureFailure", run.Fatal?.Code);
        Assert.Equal(0, sink.OutcomeCount);
        Assert.All(record.Entries, e => Assert.Equal(CloudImageRunStatus.NotProcessed, e.Status));
        Assert.Equal(8, record.Entries.Count);
        Assert.Single(provider.DeleteCalls);
        Assert.Equal(8, provider.ImageCount);
    }

    [Fact]
    public async Task A_finished_record_entry_keeps_the_image_name_but_not_its_description()
    {
        // Existence is checked first here, so every image is described before its delete.
        var provider = new InMemoryCloud(new ProviderCapabilities { MaxIdsPerDelete = 10, MaxIdsPerDescribe = 20, DeleteIgnoresMissingIds = true });
        provider.Add("img-a", "ci-build-a");
        provider.Add("img-b", "ci-build-b").RejectCode = "InUse";
        var record = new CloudImageRun("Remove-CloudImage");
        var run = new RemovalRun(provider, DeleteOptions.Default, new CollectingSink(), Fast, record: record);
        run.Add("img-a");
        run.Add("img-b");
        await run.CompleteAsync();

        Assert.Equal(new[] { "ci-build-a", "ci-build-b" }, record.Entries.Select(e => e.Name));
        Assert.All(record.Entries, e => Assert.Null(e.Image));
    }

    [Fact]
    public async Task Provider_that_ignores_missing_ids_never_reports_a_missing_image_as_deleted()
    {
        var provider = new InMemoryCloud(new ProviderCapabilities
        {
            MaxIdsPerDelete = 1, MaxIdsPerDescribe = 5, DeleteIgnoresMissingIds = true, HasNativeDryRun = true, MaxConcurrentCalls = 4,
            NotFoundErrorCode = "InvalidImageId.NotFound", ImageIdPattern = new System.Text.RegularExpressions.Regex("^img-"),
        });
        provider.AddMany(7);
        var ids = Enumerable.Range(0, 7).Select(i => $"img-{i:d4}").Concat(new[] { "img-gone1", "img-gone2" }).ToArray();

        var sink = await RemoveAsync(provider, DeleteOptions.Default, ids);

        Assert.Equal(7, sink.Removals.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.Equal("InvalidImageId.NotFound", sink.ErrorFor("img-gone1").Error.Code);
        Assert.Equal("InvalidImageId.NotFound", sink.ErrorFor("img-gone2").Error.Code);
        Assert.DoesNotContain(provider.DeleteCalls, c => c.Ids.Contains("img-gone1"));
    }

    [Fact]
    public async Task Native_dry_run_deletes_nothing_and_reports_each_verdict()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(5);
        provider.Add("img-shared").RejectCode = "InvalidImageId.InShared";

        var sink = await RemoveAsync(provider, DeleteOptions.Default.AsDryRun(), "img-0000", "img-0001", "img-shared", "img-nothere");

        Assert.Equal(6, provider.ImageCount);
        Assert.All(provider.DeleteCalls, c => Assert.True(c.DryRun));
        Assert.Equal(RemovalStatus.WouldDelete, sink.RemovalFor("img-0000").Status);
        Assert.Equal("InvalidImageId.InShared", sink.ErrorFor("img-shared").Error.Code);
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("img-nothere").Error.Kind);
    }

    [Fact]
    public async Task Describe_based_dry_run_uses_the_reasons_a_real_delete_would_give()
    {
        var provider = new InMemoryCloud(new ProviderCapabilities
        {
            MaxIdsPerDelete = 1, MaxIdsPerDescribe = 10, HasNativeDryRun = false,
            ImageIdPattern = new System.Text.RegularExpressions.Regex("^img-"),
        });
        provider.AddMany(3);
        provider.DescribeReasons["img-0001"] = new DeletabilityReason("ImageProtected", "protected", DeletabilityCheck.Describe, ErrorKind.PermissionDenied);

        var sink = await RemoveAsync(provider, DeleteOptions.Default.AsDryRun(), "img-0000", "img-0001", "img-0404");

        Assert.Empty(provider.DeleteCalls);
        Assert.Equal(3, provider.ImageCount);
        Assert.Equal(RemovalStatus.WouldDelete, sink.RemovalFor("img-0000").Status);
        Assert.Equal("ImageProtected", sink.ErrorFor("img-0001").Error.Code);
        Assert.Equal(ErrorKind.PermissionDenied, sink.ErrorFor("img-0001").Error.Kind);
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("img-0404").Error.Kind);
    }

    [Fact]
    public async Task Cancellation_mid_run_leaves_every_image_accounted_for()
    {
        var provider = new InMemoryCloud(new ProviderCapabilities
        {
            MaxIdsPerDelete = 2, MaxIdsPerDescribe = 10, MaxConcurrentCalls = 2,
            ImageIdPattern = new System.Text.RegularExpressions.Regex("^img-"),
        });
        provider.AddMany(20);
        provider.DeleteGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var sink = new CollectingSink();
        var record = new CloudImageRun("Remove-CloudImage");
        var run = new RemovalRun(provider, DeleteOptions.Default, sink, Fast, StopSignal.From(cts.Token), record);
        for (var i = 0; i < 20; i++) run.Add($"img-{i:d4}");

        while (provider.DeleteCalls.Count < 2) await Task.Delay(5);
        cts.Cancel();
        await run.CompleteAsync();

        // Nothing is written for images the run ended without (a stopped pipeline takes no output);
        // the run's record has each of them: the two calls under way (2 ids each) in doubt, the rest not processed.
        Assert.Equal(0, sink.OutcomeCount);
        Assert.Equal(20, record.Received);
        var statuses = record.Entries.GroupBy(e => e.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, statuses[CloudImageRunStatus.Unknown]);
        Assert.Equal(16, statuses[CloudImageRunStatus.NotProcessed]);
        Assert.Contains(record.Entries, e => e.Message!.Contains("may or may not have been deleted"));
        Assert.Equal(20, record.Unfinished.Count);
        Assert.All(record.Unfinished, image => Assert.Same(provider, image.Connection));
    }

    [Fact]
    public async Task Deletes_are_paced_to_the_documented_rate()
    {
        var provider = new InMemoryCloud(new ProviderCapabilities
        {
            MaxIdsPerDelete = 1, MaxIdsPerDescribe = 10, MaxConcurrentCalls = 8, DeleteCallsPerSecond = 5,
            ImageIdPattern = new System.Text.RegularExpressions.Regex("^img-"),
        });
        provider.AddMany(12);
        await RemoveAsync(provider, DeleteOptions.Default, Enumerable.Range(0, 12).Select(i => $"img-{i:d4}").ToArray());

        var starts = provider.DeleteCalls.Select(c => c.StartedAt).OrderBy(t => t).ToArray();
        for (var i = 0; i + 5 < starts.Length; i++)
            Assert.True(starts[i + 5] - starts[i] >= TimeSpan.FromSeconds(1), $"6 calls within {starts[i + 5] - starts[i]}");
    }

    [Fact]
    public async Task Declined_images_are_reported_and_never_sent()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(2);
        var sink = new CollectingSink();
        var run = new RemovalRun(provider, DeleteOptions.Default, sink, Fast);
        run.AddDeclined("img-0000");
        run.Add("img-0001");
        await run.CompleteAsync();

        Assert.Equal(RemovalStatus.Declined, sink.RemovalFor("img-0000").Status);
        Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor("img-0001").Status);
        Assert.True(provider.Exists("img-0000"));
        Assert.Equal(2, run.Resolved);
    }
}

public class DryRunWithDescriptionTests
{
    [Fact]
    public async Task A_passing_DryRun_still_reports_what_the_description_shows()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(2);
        provider.DescribeReasons["img-0001"] = new DeletabilityReason("ImageUsingByInstance", "used by 3 instances", DeletabilityCheck.Describe, ErrorKind.InUse);
        var sink = new CollectingSink();
        var run = new RemovalRun(provider, DeleteOptions.Default.AsDryRun(), sink, RemovalRunTests.Fast);
        // Piped images carry their description.
        run.Add("img-0000", new CloudImage { Provider = "Fake", Region = "r1", ImageId = "img-0000" });
        run.Add("img-0001", new CloudImage { Provider = "Fake", Region = "r1", ImageId = "img-0001" });
        await run.CompleteAsync();

        Assert.Equal(RemovalStatus.WouldDelete, sink.RemovalFor("img-0000").Status);
        Assert.Equal("ImageUsingByInstance", sink.ErrorFor("img-0001").Error.Code);
        Assert.Equal(ErrorKind.InUse, sink.ErrorFor("img-0001").Error.Kind);
        Assert.Equal(2, provider.ImageCount);
    }
}

public class WholeBatchNotFoundTests
{
    [Fact]
    public async Task A_missing_id_in_a_batch_costs_one_describe_not_a_bisection()
    {
        var provider = new InMemoryCloud { WholeBatchFailure = true };
        provider.AddMany(9);
        var ids = Enumerable.Range(0, 9).Select(i => $"img-{i:d4}").ToList();
        ids.Insert(3, "img-missing");
        var sink = new CollectingSink();
        var run = new RemovalRun(provider, DeleteOptions.Default, sink, RemovalRunTests.Fast);
        foreach (var id in ids) run.Add(id);
        await run.CompleteAsync();

        Assert.Equal(9, sink.Removals.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("img-missing").Error.Kind);
        Assert.Equal(2, provider.DeleteCalls.Count);                 // the failed call of 10, then the 9
        Assert.Single(provider.Calls, c => c.Action == "Describe");
    }

    [Fact]
    public async Task After_a_lost_answer_the_retry_finds_the_batch_gone_and_reports_it_deleted_in_few_calls()
    {
        var provider = new InMemoryCloud { WholeBatchFailure = true };
        provider.AddMany(10);
        provider.LoseNextAnswer();
        var sink = new CollectingSink();
        var run = new RemovalRun(provider, DeleteOptions.Default, sink, RemovalRunTests.Fast);
        foreach (var i in Enumerable.Range(0, 10)) run.Add($"img-{i:d4}");
        await run.CompleteAsync();

        Assert.Empty(sink.Errors);
        Assert.Equal(10, sink.Removals.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.Equal(2, provider.DeleteCalls.Count);  // the lost one and its retry; no bisection
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(1, provider.DeletionsOf($"img-{i:d4}")));
    }
}

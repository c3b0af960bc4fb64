using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.InMemory;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Operations;

/// <summary>
/// Remove-CloudImage -Wait in the operations layer, on a cloud in memory whose deletions finish
/// asynchronously: every image still gets exactly one outcome, and that outcome is how its deletion ended.
/// </summary>
public class DeletionWaitTests
{
    private static InMemoryCloud AsyncCloud(int pollsUntilGone, int images = 3)
    {
        var cloud = new InMemoryCloud(new ProviderCapabilities
        {
            MaxIdsPerDelete = 10,
            MaxIdsPerDescribe = 20,
            MaxConcurrentCalls = 3,
            DeleteCompletesAsynchronously = true,
            ImageIdPattern = new System.Text.RegularExpressions.Regex("^img-[0-9a-z]+$"),
            NotFoundErrorCode = "NotFound",
        }) { DeletionCompletesAfterPolls = pollsUntilGone };
        cloud.AddMany(images);
        return cloud;
    }

    private static string[] Ids(int count) => Enumerable.Range(0, count).Select(i => $"img-{i:d4}").ToArray();

    private static Task<RunHarness.Finished> RemoveAsync(InMemoryCloud cloud, DeletionWait? wait, string[] ids, OperationSettings? settings = null) =>
        RunHarness.RemoveAsync(cloud, DeleteOptions.Default, ids, settings, wait);

    [Fact]
    public async Task Without_Wait_an_accepted_asynchronous_deletion_is_reported_Deleting()
    {
        var cloud = AsyncCloud(pollsUntilGone: 2);

        var result = await RemoveAsync(cloud, null, Ids(3));

        Assert.All(result.Sink.Removals, r => Assert.Equal(RemovalStatus.Deleting, r.Status));
        Assert.All(result.Sink.Removals, r => Assert.Contains("-Wait", r.Message));
        Assert.Empty(cloud.PollCalls);
        Assert.All(Ids(3), id => Assert.Equal(1, cloud.DeletionsOf(id)));
    }

    [Fact]
    public async Task With_Wait_each_deletion_ends_as_Deleted_once_the_image_is_gone_and_polls_are_few_and_full()
    {
        var cloud = AsyncCloud(pollsUntilGone: 3, images: 45);

        var result = await RemoveAsync(cloud, new DeletionWait(), Ids(45));

        Assert.Equal(45, result.Sink.Removals.Count);
        Assert.All(result.Sink.Removals, r => Assert.Equal(RemovalStatus.Deleted, r.Status));
        Assert.All(result.Sink.Removals, r => Assert.StartsWith("Deleted: the cloud finished deleting it", r.Message));
        Assert.Equal(0, cloud.ImageCount);
        Assert.All(Ids(45), id => Assert.Equal(1, cloud.DeletionsOf(id)));
        Assert.All(result.Record.Entries, e => Assert.Equal(CloudImageRunStatus.Deleted, e.Status));
        // Every image was looked at exactly three times, in polls of at most the describe size.
        Assert.All(cloud.PollCalls, c => Assert.InRange(c.Ids.Length, 1, 20));
        Assert.All(Ids(45), id => Assert.Equal(3, cloud.PollCalls.Count(c => c.Ids.Contains(id))));
        Assert.True(cloud.PollCalls.Count < 45, $"{cloud.PollCalls.Count} polls for 45 images");
        Assert.Equal(0, result.Run.Waiting);
    }

    [Fact]
    public async Task A_deletion_that_does_not_finish_is_a_DeletionFailed_error_for_that_image_alone()
    {
        var cloud = AsyncCloud(pollsUntilGone: 2);
        cloud.FailingDeletions.Add("img-0001");

        var result = await RemoveAsync(cloud, new DeletionWait(), Ids(3));

        var error = result.Sink.ErrorFor("img-0001").Error;
        Assert.Equal(EngineErrors.DeletionFailed, error.Code);
        Assert.Equal(ErrorKind.InvalidState, error.Kind);
        Assert.Contains("available", error.Message);
        Assert.True(cloud.Exists("img-0001"));
        Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor("img-0000").Status);
        Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor("img-0002").Status);
    }

    [Fact]
    public async Task When_the_timeout_passes_first_the_image_is_reported_still_Deleting_with_its_state()
    {
        var cloud = AsyncCloud(pollsUntilGone: 1_000_000);
        var clock = Stopwatch.StartNew();

        var result = await RemoveAsync(cloud, new DeletionWait(TimeSpan.FromMilliseconds(300)), Ids(3));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromSeconds(10));
        Assert.All(result.Sink.Removals, r => Assert.Equal(RemovalStatus.Deleting, r.Status));
        Assert.All(result.Sink.Removals, r => Assert.Contains("-WaitTimeout", r.Message));
        Assert.All(result.Sink.Removals, r => Assert.Contains("(deleting)", r.Message));
        // Looked at until the end, then once more at the deadline.
        Assert.All(Ids(3), id => Assert.True(cloud.PollCalls.Count(c => c.Ids.Contains(id)) >= 2));
    }

    [Fact]
    public async Task A_poll_that_keeps_failing_leaves_the_image_Deleting_with_the_reason_it_could_not_be_checked()
    {
        var cloud = AsyncCloud(pollsUntilGone: 2);
        cloud.PollFailure = new CloudApiError("ServiceUnavailable", ErrorKind.ServerError, "down for maintenance");

        var result = await RemoveAsync(cloud, new DeletionWait(), Ids(3));

        Assert.All(result.Sink.Removals, r => Assert.Equal(RemovalStatus.Deleting, r.Status));
        Assert.All(result.Sink.Removals, r => Assert.Contains("could not be checked: ServiceUnavailable", r.Message));
        // Retried like any call before giving up.
        Assert.Equal(TestSettings.FastRetries().MaxAttempts, cloud.PollCalls.Count);
    }

    [Fact]
    public async Task Bad_credentials_while_waiting_halt_the_run_and_the_accepted_images_stay_Deleting()
    {
        var cloud = AsyncCloud(pollsUntilGone: 2);
        cloud.PollFailure = new CloudApiError("AuthFailure", ErrorKind.Authentication, "key revoked");

        var result = await RemoveAsync(cloud, new DeletionWait(), Ids(3));

        Assert.Equal("AuthFailure", result.Run.Fatal?.Code);
        Assert.Single(cloud.PollCalls);
        Assert.All(result.Record.Entries, e => Assert.Equal(CloudImageRunStatus.Deleting, e.Status));
        Assert.All(result.Record.Entries, e => Assert.Contains("halted by AuthFailure", e.Message));
    }

    [Fact]
    public async Task Stopping_during_the_wait_ends_it_at_once_and_records_every_accepted_image_as_Deleting()
    {
        var cloud = AsyncCloud(pollsUntilGone: 1_000_000, images: 25);
        var sink = new CollectingSink();
        var record = new CloudImageRun("Remove-CloudImage");
        using var stop = new StopSignal();
        var run = new RemovalRun(cloud, DeleteOptions.Default, sink, TestSettings.FastRetries(), stop, record, new DeletionWait());
        foreach (var id in Ids(25)) run.Add(id);
        var completion = run.CompleteAsync();
        while (run.Waiting < 25) await Task.Delay(10);
        while (cloud.PollCalls.Count < 2) await Task.Delay(10);

        var clock = Stopwatch.StartNew();
        stop.Stop(TimeSpan.FromSeconds(5));
        await completion;
        var pollsAtEnd = cloud.PollCalls.Count;
        await Task.Delay(200);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the wait took {clock.Elapsed} to end");
        Assert.Equal(pollsAtEnd, cloud.PollCalls.Count);
        Assert.Equal(25, run.Resolved);
        Assert.Equal(0, run.Waiting);
        Assert.All(record.Entries, e => Assert.Equal(CloudImageRunStatus.Deleting, e.Status));
        Assert.All(record.Entries, e => Assert.Contains("the wait was stopped", e.Message));
        Assert.Equal(25, sink.Removals.Count);
    }

    [Fact]
    public async Task With_Wait_a_synchronous_provider_changes_nothing()
    {
        var cloud = new InMemoryCloud();
        cloud.AddMany(3);

        var result = await RemoveAsync(cloud, new DeletionWait(), Ids(3));

        Assert.All(result.Sink.Removals, r => Assert.Equal(RemovalStatus.Deleted, r.Status));
        Assert.Empty(cloud.PollCalls);
        Assert.Contains(result.Sink.VerboseLines, l => l.Contains("deletes synchronously: -Wait has nothing to wait for"));
    }

    [Fact]
    public async Task A_dry_run_never_waits()
    {
        var cloud = AsyncCloud(pollsUntilGone: 2);

        var result = await RunHarness.RemoveAsync(cloud, DeleteOptions.Default.AsDryRun(), Ids(3), wait: new DeletionWait());

        Assert.All(result.Sink.Removals, r => Assert.Equal(RemovalStatus.WouldDelete, r.Status));
        Assert.Empty(cloud.PollCalls);
        Assert.Equal(3, cloud.ImageCount);
    }
}

using System.Collections.Generic;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using Xunit;

namespace ImageCmdlets.Tests.Support;

/// <summary>
/// Runs the engine's removal and checking over a session and insists on the one rule every run keeps:
/// every image received has exactly one outcome (written, or recorded when the run ended without it).
/// </summary>
internal static class RunHarness
{
    public sealed record Finished(CollectingSink Sink, CloudImageRun Record, ImageRun Run);

    public static Task<Finished> RemoveAsync(IImageSession session, DeleteOptions options, IReadOnlyList<string> ids, OperationSettings? settings = null,
        DeletionWait? wait = null) =>
        RunAsync(new CollectingSink(), new CloudImageRun("Remove-CloudImage"), ids,
            (sink, record) => new RemovalRun(session, options, sink, settings ?? TestSettings.FastRetries(), record: record, wait: wait));

    public static Task<Finished> CheckAsync(IImageSession session, DeleteOptions options, IReadOnlyList<string> ids, OperationSettings? settings = null) =>
        RunAsync(new CollectingSink(), new CloudImageRun("Test-CloudImageDeletable"), ids,
            (sink, record) => new DeletabilityRun(session, options, sink, settings ?? TestSettings.FastRetries(), record: record));

    private static async Task<Finished> RunAsync(CollectingSink sink, CloudImageRun record, IReadOnlyList<string> ids, System.Func<CollectingSink, CloudImageRun, ImageRun> create)
    {
        var run = create(sink, record);
        foreach (var id in ids) run.Add(id);
        await run.CompleteAsync();
        Assert.Equal(ids.Count, run.Received);
        Assert.Equal(ids.Count, run.Resolved);
        Assert.Equal(ids.Count, record.Received);
        Assert.DoesNotContain(record.Entries, e => e.Status == CloudImageRunStatus.Pending);
        // Written outcomes are exactly the entries not closed by a stop or a halt.
        var closedWithoutOutcome = 0;
        foreach (var e in record.Entries)
            if (e.Status is CloudImageRunStatus.NotProcessed or CloudImageRunStatus.Unknown) closedWithoutOutcome++;
        Assert.Equal(ids.Count - closedWithoutOutcome, sink.OutcomeCount);
        return new Finished(sink, record, run);
    }
}

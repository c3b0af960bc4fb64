using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>
/// The shape removal and checking share: images arrive one at a time (from the pipeline), bad ids are
/// answered at once without a call, duplicates are recognised, the rest is gathered into chunks that
/// are processed in the background while more images arrive, and <see cref="CompleteAsync"/> waits
/// for everything and closes each image the run ended without (a stop, a fatal error) in its record.
/// </summary>
public abstract class ImageRun
{
    private readonly OutcomeLedger _ledger;
    private readonly Dictionary<string, ImageEntry> _seen = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ImageEntry> _pending = new();
    private readonly List<Task> _work = new();
    private Task? _completion;

    private protected ImageRun(IImageSession provider, IOperationSink sink, OperationSettings? settings, StopSignal stop, CloudImageRun record)
    {
        Context = new RunContext(provider, sink, settings ?? OperationSettings.Default, stop);
        _ledger = new OutcomeLedger(record, provider, sink);
    }

    private protected RunContext Context { get; }

    public IImageSession Session => Context.Session;
    /// <summary>Images given to the run so far.</summary>
    public int Received => _ledger.Received;
    /// <summary>Images that have their outcome.</summary>
    public int Resolved => _ledger.Resolved;
    /// <summary>The error that ended the run for every image (bad credentials, unknown region), if any.</summary>
    public CloudApiError? Fatal => Context.Fatal;

    /// <summary>How many images are gathered before a chunk is started.</summary>
    private protected abstract int ChunkSize { get; }

    /// <summary>Processes a chunk: every entry must be resolved unless a stop or a fatal error ends the run.</summary>
    private protected abstract Task ProcessChunkAsync(IReadOnlyList<ImageEntry> chunk);

    /// <summary>Answers a later input that repeats an earlier image id.</summary>
    private protected abstract void ResolveDuplicate(ImageEntry duplicate, ImageEntry first);

    /// <summary>Work that goes on after every chunk has been processed (following accepted deletions); a stop ends it.</summary>
    private protected virtual Task FinishAsync() => Task.CompletedTask;

    /// <summary>Answers what waited for the rest of the run (after all work, before the final accounting).</summary>
    private protected virtual void ResolveDeferred() { }

    /// <summary>Images whose outcome waits for the cloud to finish something it accepted (Remove-CloudImage -Wait).</summary>
    public virtual int Waiting => 0;

    /// <summary>Adds one input image. Called from a single thread (the pipeline thread), before <see cref="CompleteAsync"/>.</summary>
    public void Add(string? imageId, CloudImage? image = null)
    {
        var id = (imageId ?? image?.ImageId ?? "").Trim();
        var entry = _ledger.Admit(id, image);
        if (ImageIdCheck.Problem(id, Session.Provider) is { } problem)
        {
            Fail(entry, problem);
            return;
        }
        if (_seen.TryGetValue(id, out var first))
        {
            ResolveDuplicate(entry, first);
            return;
        }
        _seen[id] = entry;
        _pending.Add(entry);
        if (_pending.Count >= ChunkSize) Dispatch();
    }

    /// <summary>Answers an input without any call (declined at a prompt, for instance).</summary>
    private protected ImageEntry AdmitResolved(string imageId, CloudImage? image, Action<ImageEntry> resolve)
    {
        var entry = _ledger.Admit(imageId.Trim(), image);
        resolve(entry);
        return entry;
    }

    /// <summary>
    /// Starts what is pending (unless the run is stopping), waits for all work, and closes every image
    /// still open: after a fatal error or a stop, each is recorded as not processed, or as unknown when
    /// a delete call for it was under way. Those are not written: a stopped pipeline takes no output and
    /// a halted run reports its one terminating error.
    /// </summary>
    public Task CompleteAsync() => _completion ??= CompleteOnceAsync();

    private async Task CompleteOnceAsync()
    {
        if (!Context.Stopping.IsCancellationRequested && Fatal is null) Dispatch();
        Task[] work;
        lock (_work) work = _work.ToArray();
        try { await Task.WhenAll(work).ConfigureAwait(false); }
        catch (OperationCanceledException) { /* the images it did not reach are closed below */ }
        // Even after a stop: what follows the work must have ended before the images are accounted for.
        try { await FinishAsync().ConfigureAwait(false); }
        catch (OperationCanceledException) { /* likewise */ }

        ResolveDeferred();
        foreach (var entry in _ledger.Unresolved())
        {
            if (entry.InFlight || entry.MayAlreadyBeDeleted)
                _ledger.Abandon(entry, CloudImageRunStatus.Unknown,
                    $"The run ended while a call for image {entry.ImageId} was under way: it may or may not have been deleted; list it to check.");
            else
                _ledger.Abandon(entry, CloudImageRunStatus.NotProcessed,
                    Fatal is { } fatal
                        ? $"Not processed: the run was halted by {fatal.Code} before anything was done to image {entry.ImageId}."
                        : $"Not processed: the run was stopped before anything was done to image {entry.ImageId}.");
        }
    }

    private void Dispatch()
    {
        if (_pending.Count == 0) return;
        var chunk = _pending.ToArray();
        _pending.Clear();
        var task = Task.Run(() => ProcessGuardedAsync(chunk));
        lock (_work) _work.Add(task);
    }

    private async Task ProcessGuardedAsync(IReadOnlyList<ImageEntry> chunk)
    {
        try
        {
            await ProcessChunkAsync(chunk).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Context.Stopping.IsCancellationRequested)
        {
            // CompleteAsync closes the images this chunk did not reach.
        }
        catch (CloudApiException ex) when (!ex.Error.IsFatal)
        {
            // A call before the deletes (a describe) failed for good: it is every unanswered image's answer.
            foreach (var entry in chunk.Where(e => !e.IsResolved)) Fail(entry, ex.Error);
        }
        catch (CloudApiException)
        {
            // Fatal: recorded in the run context; CompleteAsync closes the chunk's images.
        }
    }

    private protected void Succeed(ImageEntry entry, object result, string status, string? message = null) =>
        _ledger.Succeed(entry, result, status, message);

    private protected void Repeat(ImageEntry entry, ImageEntry earlier) => _ledger.Repeat(entry, earlier.Record);

    private protected void Fail(ImageEntry entry, CloudApiError error) => _ledger.Fail(entry, Context.ErrorFor(entry, error));

    /// <summary>Describes the chunk's images; those missing are answered as not found, the rest returned.</summary>
    private protected async Task<List<ImageEntry>> KeepExistingAsync(IReadOnlyList<ImageEntry> chunk)
    {
        var found = await Context.DescribeAsync(chunk.Select(e => e.ImageId).ToArray()).ConfigureAwait(false);
        var existing = new List<ImageEntry>();
        foreach (var entry in chunk)
        {
            if (found.TryGetValue(entry.ImageId, out var image))
            {
                entry.Image = image;
                existing.Add(entry);
            }
            else Fail(entry, Context.NotFound(entry.ImageId));
        }
        return existing;
    }
}

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
/// for everything and gives each image still unanswered (cancellation) its own outcome.
/// </summary>
public abstract class ImageRun
{
    private readonly OutcomeLedger _ledger = new();
    private readonly Dictionary<string, ImageEntry> _seen = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ImageEntry> _pending = new();
    private readonly List<Task> _work = new();

    private protected ImageRun(IImageProvider provider, IOperationSink sink, OperationSettings? settings, CancellationToken cancellation)
    {
        Context = new RunContext(provider, sink, settings ?? OperationSettings.Default, cancellation);
    }

    private protected RunContext Context { get; }

    public IImageProvider Provider => Context.Provider;
    /// <summary>Images given to the run so far.</summary>
    public int Received => _ledger.Received;
    /// <summary>Images that have their outcome.</summary>
    public int Resolved => _ledger.Resolved;

    /// <summary>How many images are gathered before a chunk is started.</summary>
    private protected abstract int ChunkSize { get; }

    /// <summary>Processes a chunk: every entry must be resolved unless cancellation stops it.</summary>
    private protected abstract Task ProcessChunkAsync(IReadOnlyList<ImageEntry> chunk);

    /// <summary>Answers a later input that repeats an earlier image id.</summary>
    private protected abstract void ResolveDuplicate(ImageEntry duplicate, ImageEntry first);

    /// <summary>Answers what waited for the rest of the run (after all work, before cancellation accounting).</summary>
    private protected virtual void ResolveDeferred() { }

    /// <summary>What to say of an image left unanswered by cancellation.</summary>
    private protected abstract string CancelledMessage(ImageEntry entry);

    /// <summary>Adds one input image. Called from a single thread (the pipeline thread).</summary>
    public void Add(string? imageId, CloudImage? image = null)
    {
        var id = (imageId ?? image?.ImageId ?? "").Trim();
        var entry = _ledger.Admit(id, image);
        if (ImageIdCheck.Problem(id, Provider.Definition) is { } problem)
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

    /// <summary>Starts what is pending, waits for all work, and resolves whatever cancellation left open.</summary>
    public async Task CompleteAsync()
    {
        if (!Context.Cancellation.IsCancellationRequested) Dispatch();
        Task[] work;
        lock (_work) work = _work.ToArray();
        try { await Task.WhenAll(work).ConfigureAwait(false); }
        catch (OperationCanceledException) { /* the unresolved images are answered below */ }

        ResolveDeferred();
        foreach (var entry in _ledger.Unresolved())
        {
            Fail(entry, new CloudApiError("OperationCancelled", ErrorKind.Cancelled, CancelledMessage(entry)));
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
        catch (OperationCanceledException) when (Context.Cancellation.IsCancellationRequested)
        {
            // CompleteAsync answers the images this chunk did not reach.
        }
        catch (CloudApiException ex)
        {
            // A call before the deletes (a describe) failed for good: it is every unanswered image's answer.
            foreach (var entry in chunk.Where(e => !e.IsResolved)) Fail(entry, ex.Error);
        }
    }

    private protected void Resolve(ImageEntry entry, Action write) => _ledger.Resolve(entry, write);

    private protected void Fail(ImageEntry entry, CloudApiError error) =>
        _ledger.Resolve(entry, () => Context.Sink.Error(Context.ErrorFor(entry, error)));

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

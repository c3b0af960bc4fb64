using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>
/// Remove-CloudImage's engine: deletes (or, with DryRun, validates deleting) every image given to it,
/// each exactly once, and reports one outcome per input.
/// </summary>
public sealed class RemovalRun : ImageRun
{
    private readonly DeleteOptions _options;
    private readonly DeleteCallExecutor _executor;
    /// <summary>Images whose last delete call failed after one that may have deleted them; settled per chunk.</summary>
    private readonly ConcurrentDictionary<ImageEntry, CloudApiError> _inDoubt = new();
    private readonly DeletionWait? _wait;
    private readonly DeletionWaiter? _waiter;

    /// <summary>A run; with <paramref name="wait"/> (-Wait), each deletion the cloud finishes asynchronously is followed to its end (never for a dry run).</summary>
    public RemovalRun(IImageSession provider, DeleteOptions options, IOperationSink sink, OperationSettings? settings = null,
        StopSignal? stop = null, CloudImageRun? record = null, DeletionWait? wait = null)
        : base(provider, sink, settings, stop ?? new StopSignal(), record ?? new CloudImageRun("Remove-CloudImage"))
    {
        _options = options;
        _executor = new DeleteCallExecutor(Context, options, Answer);
        if (wait is null || options.DryRun) return;
        _wait = wait;
        if (!Context.Capabilities.DeleteCompletesAsynchronously)
            sink.Verbose($"[{provider.Provider.Name}] deletes synchronously: -Wait has nothing to wait for.");
        if (provider is IDeletionPoller poller) _waiter = new DeletionWaiter(Context, poller, wait.Timeout, EndWait);
    }

    public DeleteOptions Options => _options;

    public override int Waiting => _waiter?.Count ?? 0;

    /// <summary>Without a native DryRun, a dry run is judged from the images' descriptions.</summary>
    private bool JudgeByDescription => _options.DryRun && !Context.Capabilities.HasNativeDryRun;

    /// <summary>Existence must be established first when a delete of a missing id would look like success.</summary>
    private bool CheckExistenceFirst => Context.Capabilities.DeleteIgnoresMissingIds || JudgeByDescription;

    private protected override int ChunkSize => CheckExistenceFirst
        ? Context.Capabilities.MaxIdsPerDescribe
        : Context.Capabilities.MaxIdsPerDelete;

    /// <summary>Records an image the user declined at a confirmation prompt.</summary>
    public void AddDeclined(string imageId, CloudImage? image = null) =>
        AdmitResolved(imageId, image, entry => Report(entry, RemovalStatus.Declined, null, "Not deleted: declined at the confirmation prompt."));

    private protected override async Task ProcessChunkAsync(IReadOnlyList<ImageEntry> chunk)
    {
        var toDelete = CheckExistenceFirst ? await KeepExistingAsync(chunk).ConfigureAwait(false) : chunk.ToList();
        if (JudgeByDescription)
        {
            foreach (var entry in toDelete)
            {
                var reasons = Session.AssessImage(entry.Image!, _options);
                if (reasons.Count == 0)
                    Report(entry, RemovalStatus.WouldDelete, null,
                        "Would be deleted (checked from the image's description; this provider has no DryRun).");
                else
                    Fail(entry, new CloudApiError(reasons[0].Code, reasons[0].ErrorKind, reasons[0].Message));
            }
            return;
        }
        await _executor.RunAsync(toDelete).ConfigureAwait(false);
        for (var round = 1; ; round++)
        {
            var inDoubt = new List<(ImageEntry, CloudApiError)>();
            foreach (var entry in toDelete)
                if (_inDoubt.TryRemove(entry, out var error)) inDoubt.Add((entry, error));
            var stillThere = await SettleInDoubtAsync(inDoubt, lastRound: round == DeleteRounds).ConfigureAwait(false);
            if (stillThere.Count == 0) return;
            // The image outlived the call whose answer was garbled, so that call did not delete it: deleting it
            // again cannot delete anything twice, and gives it a real answer instead of "unknown".
            foreach (var entry in stillThere) entry.MayAlreadyBeDeleted = false;
            Context.Sink.Verbose($"[{Session.Provider.Name}] {stillThere.Count} image(s) still there after a garbled answer; deleting them again");
            toDelete = stillThere;
            await _executor.RunAsync(toDelete).ConfigureAwait(false);
        }
    }

    /// <summary>How many times an image still there after a lost answer is sent to delete, in all.</summary>
    private const int DeleteRounds = 2;

    /// <summary>
    /// Images whose delete ended in a failure that may hide a deletion (an answer lost or garbled, then
    /// retries that never got through or were refused): one describe tells. Gone is deleted; still there
    /// is returned to be deleted again, or in the last round is the error.
    /// </summary>
    private async Task<List<ImageEntry>> SettleInDoubtAsync(IReadOnlyList<(ImageEntry Entry, CloudApiError Error)> inDoubt, bool lastRound)
    {
        var stillThere = new List<ImageEntry>();
        if (inDoubt.Count == 0) return stillThere;
        Dictionary<string, CloudImage> found;
        try
        {
            found = await Context.DescribeAsync(inDoubt.Select(d => d.Entry.ImageId).ToArray()).ConfigureAwait(false);
        }
        catch (CloudApiException ex) when (!ex.Error.IsFatal)
        {
            foreach (var (entry, error) in inDoubt)
                Fail(entry, new CloudApiError(error.Code, error.Kind,
                    $"{error.Message} A call for image {entry.ImageId} may have deleted it, and checking failed too ({ex.Error.Code}): list it to know.", error.RequestId, error.HttpStatus));
            return stillThere;
        }
        foreach (var (entry, error) in inDoubt)
        {
            if (!found.ContainsKey(entry.ImageId)) ReportGone(entry, Context.NotFound(entry.ImageId));
            // A retryable error has had all its tries; one that is not (a garbled answer) had a single one.
            else if (lastRound || error.IsRetryable) Fail(entry, error);
            else stillThere.Add(entry);
        }
        return stillThere;
    }

    /// <summary>
    /// An image found gone after a delete call for it lost its answer: that call deleted it (design: a retry
    /// that finds the image gone reports it deleted, not failed). For an image given only by id, and never
    /// seen before that call, the message says so: it may never have existed.
    /// </summary>
    private void ReportGone(ImageEntry entry, CloudApiError notFound) =>
        Report(entry, RemovalStatus.Deleted, notFound.RequestId, entry.Image is not null
            ? "Deleted: the answer to a delete call was lost, and the image was then found gone."
            : "Deleted: the answer to a delete call was lost, and the image was then found gone (it was given by id and not seen before that call).");

    /// <summary>A removal's status is also the image's status in the run's record (the same words).</summary>
    private void Report(ImageEntry entry, string status, string? requestId, string? message) =>
        Succeed(entry, Removal(entry, status, requestId, message), status, message);


    /// <summary>An image's answer from the executor; a failure that may hide a deletion is settled later.</summary>
    private void Answer(ImageEntry entry, ImageDeleteResult answer)
    {
        if (answer.Succeeded && _options.DryRun && entry.Image is { } image && Session.AssessImage(image, _options) is { Count: > 0 } reasons)
        {
            // A DryRun may check only credentials and parameters (Alibaba documents no more): what the
            // image's description shows would still stop the real delete, so that is the answer.
            Fail(entry, new CloudApiError(reasons[0].Code, reasons[0].ErrorKind, reasons[0].Message, answer.RequestId));
        }
        else if (answer.Succeeded && _options.DryRun)
            Report(entry, RemovalStatus.WouldDelete, answer.RequestId, "Would be deleted: the provider's DryRun passed.");
        else if (answer.Succeeded && answer.CompletesLater)
        {
            if (_waiter is not null) _waiter.Follow(entry, answer.RequestId);
            else
                Report(entry, RemovalStatus.Deleting, answer.RequestId, _wait is null
                    ? "Deletion accepted; the cloud finishes it asynchronously (-Wait follows it to the end)."
                    : $"Deletion accepted; the cloud finishes it asynchronously, and {Session.Provider.Name} offers no way to follow it.");
        }
        else if (answer.Succeeded && answer.SoftDeleted)
            Report(entry, RemovalStatus.SoftDeleted, answer.RequestId,
                "Soft-deleted: the cloud marked the image deleted (status 'deleted') and keeps its record; it can no longer be used.");
        else if (answer.Succeeded)
            Report(entry, RemovalStatus.Deleted, answer.RequestId, null);
        else if (answer.Error!.Kind == ErrorKind.NotFound && entry.MayAlreadyBeDeleted) ReportGone(entry, answer.Error);
        else if ((entry.MayAlreadyBeDeleted || answer.Error.MayHaveSucceeded) && !_options.DryRun) _inDoubt[entry] = answer.Error;
        else Fail(entry, answer.Error);
    }

    private protected override Task FinishAsync() => _waiter?.DrainAsync() ?? Task.CompletedTask;

    /// <summary>Deletions still followed when the run ended (a stop, a fatal error): accepted, so Deleting.</summary>
    private protected override void ResolveDeferred()
    {
        if (_waiter is null) return;
        foreach (var (entry, result) in _waiter.TakeRemaining()) EndWait(entry, result);
    }

    /// <summary>The outcome of a followed deletion.</summary>
    private void EndWait(ImageEntry entry, WaitResult result)
    {
        var seconds = ((long)result.Elapsed.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var state = result.ImageState is null ? "" : $" ({result.ImageState})";
        switch (result.End)
        {
            case WaitEnd.Completed:
                Report(entry, RemovalStatus.Deleted, result.RequestId, $"Deleted: the cloud finished deleting it {seconds} s after accepting.");
                break;
            case WaitEnd.Failed:
                Fail(entry, new CloudApiError(EngineErrors.DeletionFailed, ErrorKind.InvalidState,
                    $"The cloud accepted deleting image {entry.ImageId}, but the image is now{state} instead of gone: it was not deleted.", result.RequestId));
                break;
            case WaitEnd.TimedOut:
                Report(entry, RemovalStatus.Deleting, result.RequestId,
                    $"Still being deleted{state} when -WaitTimeout ({_wait!.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s) passed; the cloud may yet finish it.");
                break;
            case WaitEnd.Unconfirmed:
                Report(entry, RemovalStatus.Deleting, result.RequestId,
                    $"Deletion accepted, but whether it finished could not be checked: {result.Error?.Code}: {result.Error?.Message}");
                break;
            default:
                Report(entry, RemovalStatus.Deleting, result.RequestId, Fatal is { } fatal
                    ? $"Deletion accepted; the run was halted by {fatal.Code} {seconds} s later, before the cloud had finished it."
                    : $"Deletion accepted; the wait was stopped {seconds} s later, before the cloud had finished it.");
                break;
        }
    }

    private protected override void ResolveDuplicate(ImageEntry duplicate, ImageEntry first) =>
        Report(duplicate, RemovalStatus.Duplicate, null, $"Given twice: handled once, for input #{first.Sequence}.");

    private CloudImageRemoval Removal(ImageEntry entry, string status, string? requestId, string? message) => new()
    {
        Provider = Session.Provider.Name,
        Region = Session.Region,
        ImageId = entry.ImageId,
        Name = entry.Image?.Name,
        Status = status,
        RequestId = requestId,
        Message = message,
        Attempts = entry.Attempts,
    };
}

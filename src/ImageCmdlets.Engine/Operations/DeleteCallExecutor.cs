using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>
/// Runs delete (or DryRun delete) calls for a set of images: batches of the provider's size, bounded
/// concurrency, pacing to the documented rate, retries with backoff on retryable failures, a smaller
/// batch on BatchTooLarge, and bisection when a multi-image call fails as a whole, so that one bad
/// image never costs the others their deletion and every image gets its own answer.
/// </summary>
internal sealed class DeleteCallExecutor
{
    private readonly RunContext _run;
    private readonly DeleteOptions _options;
    private readonly Action<ImageEntry, ImageDeleteResult> _onAnswer;
    private int _batchSize;

    public DeleteCallExecutor(RunContext run, DeleteOptions options, Action<ImageEntry, ImageDeleteResult> onAnswer)
    {
        _run = run;
        _options = options;
        _onAnswer = onAnswer;
        _batchSize = Math.Max(1, run.Capabilities.MaxIdsPerDelete);
    }

    /// <summary>
    /// Answers every entry through the callback, except when the run stops (OperationCanceledException)
    /// or a fatal error ends it (<see cref="RunContext.Fatal"/>): entries then stay unanswered.
    /// </summary>
    public Task RunAsync(IReadOnlyList<ImageEntry> entries) =>
        Task.WhenAll(Split(entries, Volatile.Read(ref _batchSize)).Select(RunBatchAsync));

    private async Task RunBatchAsync(List<ImageEntry> batch)
    {
        var what = (_options.DryRun ? "dry-run delete " : "delete ") + string.Join(",", batch.Select(e => e.ImageId));
        for (var attempt = 1; ; attempt++)
        {
            var (answers, failure) = await AttemptAsync(batch, what).ConfigureAwait(false);
            if (failure is null)
            {
                Deliver(batch, answers!);
                return;
            }

            switch (NextStep(failure, attempt, _run.Settings.MaxAttempts, batch.Count))
            {
                case FailureStep.Retry:
                    if (failure.MayHaveSucceeded && !_options.DryRun)
                        foreach (var e in batch) e.MayAlreadyBeDeleted = true;
                    var delay = _run.Backoff.DelayBefore(attempt + 1);
                    _run.Sink.Verbose($"[{_run.Session.Provider.Name}] {what}: {failure.Code}; retry {attempt + 1} of {_run.Settings.MaxAttempts} in {(long)delay.TotalMilliseconds} ms");
                    await Task.Delay(delay, _run.Stopping).ConfigureAwait(false);
                    continue;
                case FailureStep.Halt:
                    // Nothing in the run can succeed: the command ends with one terminating error, and these
                    // images, like every other one not yet answered, are accounted for as not processed.
                    _run.RecordFatal(failure);
                    return;
                case FailureStep.Shrink:
                    InterlockedMin(ref _batchSize, Math.Max(1, batch.Count / 2));
                    _run.Sink.Verbose($"[{_run.Session.Provider.Name}] {failure.Code}: {batch.Count} ids per call is too many; now {Volatile.Read(ref _batchSize)}");
                    await Task.WhenAll(Split(batch, Volatile.Read(ref _batchSize)).Select(RunBatchAsync)).ConfigureAwait(false);
                    return;
                case FailureStep.LookUpMissing:
                    // Some image in the call does not exist (any more: an earlier call whose answer was lost
                    // may have deleted it). One describe says which, instead of splitting the call ~2n times.
                    await AnswerMissingThenRetryAsync(batch).ConfigureAwait(false);
                    return;
                case FailureStep.Split when NamedCulprit(failure, batch) is { } culprit:
                    // The error names the one image that failed the call: that is its answer, and the others
                    // go again without it (one extra call, where bisection would take about 2·log2(n)).
                    _run.Sink.Verbose($"[{_run.Session.Provider.Name}] {failure.Code} for a batch of {batch.Count} names image {culprit.ImageId}; sending the others again without it");
                    _onAnswer(culprit, ImageDeleteResult.Failure(culprit.ImageId, failure));
                    await RunBatchAsync(batch.Where(e => !ReferenceEquals(e, culprit)).ToList()).ConfigureAwait(false);
                    return;
                case FailureStep.Split:
                    // The call failed as a whole because of some image(s) in it: split it to find which, so
                    // that every other image is still handled and each gets its own answer.
                    _run.Sink.Verbose($"[{_run.Session.Provider.Name}] {failure.Code} for a batch of {batch.Count}; splitting it to find the image(s) concerned");
                    await SplitAsync(batch).ConfigureAwait(false);
                    return;
                default:
                    AnswerAll(batch, failure);
                    return;
            }
        }
    }

    /// <summary>What to do after a failed call.</summary>
    internal enum FailureStep
    {
        /// <summary>Send the same call again after a backoff (throttling, network, 5xx).</summary>
        Retry,
        /// <summary>Stop the run: no call can succeed (credentials, region).</summary>
        Halt,
        /// <summary>Fewer ids per call, for this batch and every later one.</summary>
        Shrink,
        /// <summary>A missing id failed the whole call: describe to find it.</summary>
        LookUpMissing,
        /// <summary>Some image failed the whole call: bisect to find it.</summary>
        Split,
        /// <summary>The failure is every image's answer.</summary>
        AnswerAll,
    }

    /// <summary>The decision after a failed call, as a pure function of the failure, the attempt and the batch size.</summary>
    internal static FailureStep NextStep(CloudApiError failure, int attempt, int maxAttempts, int batchSize)
    {
        if (failure.IsRetryable) return attempt < maxAttempts ? FailureStep.Retry : FailureStep.AnswerAll;
        if (failure.IsFatal) return FailureStep.Halt;
        if (batchSize == 1) return FailureStep.AnswerAll;
        return failure.Kind switch
        {
            ErrorKind.BatchTooLarge => FailureStep.Shrink,
            ErrorKind.NotFound => FailureStep.LookUpMissing,
            _ => FailureStep.Split,
        };
    }

    /// <summary>One call for the batch, once its turn comes: the per-image answers, or the call's failure.</summary>
    private async Task<(IReadOnlyList<ImageDeleteResult>? Answers, CloudApiError? Failure)> AttemptAsync(List<ImageEntry> batch, string what)
    {
        IDisposable? turn = null;
        var ticket = await _run.Limits.Gate.EnterAsync(_run.Stopping).ConfigureAwait(false);
        var outcome = CallOutcome.Abandoned;
        try
        {
            if (_run.Limits.DeletePacer is { } pacer) turn = await pacer.WaitTurnAsync(_run.Stopping).ConfigureAwait(false);
            // A queued batch may get its turn just after a stop, or after another call found the
            // credentials bad (which stops the run too): it must not start then.
            _run.Stopping.ThrowIfCancellationRequested();
            foreach (var e in batch)
            {
                Interlocked.Increment(ref e.Attempts);
                e.InFlight = true;
            }
            var answers = await _run.Session.DeleteImagesAsync(batch.Select(e => e.ImageId).ToArray(), _options, _run.Call).ConfigureAwait(false);
            outcome = CallOutcome.Answered;
            return (answers, null);
        }
        catch (CloudApiException ex)
        {
            outcome = RunContext.OutcomeOf(ex.Error);
            // Stop the run before this call's slot is freed, so that no queued batch starts after a fatal answer.
            if (ex.Error.IsFatal) _run.RecordFatal(ex.Error);
            return (null, ex.Error);
        }
        catch (OperationCanceledException) when (!_run.Stop.Aborting.IsCancellationRequested && !_run.Stopping.IsCancellationRequested)
        {
            // A provider's own timeout surfacing as cancellation: treat like any timeout.
            outcome = CallOutcome.Trouble;
            return (null, new CloudApiError(EngineErrors.RequestTimeout, ErrorKind.Timeout, $"{what} timed out."));
        }
        finally
        {
            turn?.Dispose();
            ticket.End(outcome);
            // Still marked when an abort interrupted the call: its effect is then unknown.
            if (!_run.Stop.Aborting.IsCancellationRequested) foreach (var e in batch) e.InFlight = false;
        }
    }

    /// <summary>
    /// The one image of the batch whose id the error message names (as a whole word), or null when it names
    /// none or several: then only bisection can tell.
    /// </summary>
    internal static ImageEntry? NamedCulprit(CloudApiError failure, IReadOnlyList<ImageEntry> batch)
    {
        var message = failure.Message ?? "";
        ImageEntry? named = null;
        foreach (var entry in batch)
        {
            if (!NamesId(message, entry.ImageId)) continue;
            if (named is not null) return null;
            named = entry;
        }
        return named;
    }

    private static bool NamesId(string message, string id)
    {
        if (id.Length == 0) return false;
        for (var at = message.IndexOf(id, StringComparison.OrdinalIgnoreCase); at >= 0; at = message.IndexOf(id, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + id.Length;
            if ((at == 0 || !IsIdChar(message[at - 1])) && (end == message.Length || !IsIdChar(message[end]))) return true;
        }
        return false;
    }

    // A '.' may end a sentence right after an id, so it does not join words here.
    private static bool IsIdChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_';

    private Task SplitAsync(List<ImageEntry> batch)
    {
        var half = batch.Count / 2;
        return Task.WhenAll(RunBatchAsync(batch.GetRange(0, half)), RunBatchAsync(batch.GetRange(half, batch.Count - half)));
    }

    private async Task AnswerMissingThenRetryAsync(List<ImageEntry> batch)
    {
        var found = await _run.DescribeAsync(batch.Select(e => e.ImageId).ToArray()).ConfigureAwait(false);
        var existing = batch.Where(e => found.ContainsKey(e.ImageId)).ToList();
        foreach (var entry in batch.Where(e => !found.ContainsKey(e.ImageId)))
        {
            // The call fails as a whole when one id is missing: had an earlier call of this batch, whose answer
            // was lost, deleted anything, it would have deleted all. Batch-mates still there say it did not,
            // so a missing id never existed, and is not reported as deleted by that call.
            if (existing.Count > 0) entry.MayAlreadyBeDeleted = false;
            _onAnswer(entry, ImageDeleteResult.Failure(entry.ImageId, _run.NotFound(entry.ImageId)));
        }
        if (existing.Count == batch.Count)
        {
            // The describe sees them all, yet the call said not found: let bisection find the culprit.
            await SplitAsync(batch).ConfigureAwait(false);
            return;
        }
        if (existing.Count > 0) await RunBatchAsync(existing).ConfigureAwait(false);
    }

    private void Deliver(List<ImageEntry> batch, IReadOnlyList<ImageDeleteResult> answers)
    {
        var byId = new Dictionary<string, ImageDeleteResult>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in answers) byId[a.ImageId] = a;
        foreach (var entry in batch)
        {
            _onAnswer(entry, byId.TryGetValue(entry.ImageId, out var answer)
                ? answer
                : ImageDeleteResult.Failure(entry.ImageId, new CloudApiError(EngineErrors.MissingAnswer, ErrorKind.InvalidResponse,
                    $"The provider's answer did not mention image {entry.ImageId}; its state is unknown.")));
        }
    }

    private void AnswerAll(List<ImageEntry> batch, CloudApiError error)
    {
        foreach (var entry in batch) _onAnswer(entry, ImageDeleteResult.Failure(entry.ImageId, error));
    }

    private static IEnumerable<List<ImageEntry>> Split(IReadOnlyList<ImageEntry> entries, int size)
    {
        for (var i = 0; i < entries.Count; i += size)
            yield return entries.Skip(i).Take(size).ToList();
    }

    private static void InterlockedMin(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) > value &&
               Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}

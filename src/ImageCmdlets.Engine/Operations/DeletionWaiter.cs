using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>Remove-CloudImage -Wait: follow each deletion the cloud finishes asynchronously for at most <see cref="Timeout"/>.</summary>
public sealed class DeletionWait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public DeletionWait(TimeSpan? timeout = null)
    {
        Timeout = timeout ?? DefaultTimeout;
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The wait must be longer than zero.");
    }

    /// <summary>How long each image is followed, from the moment its deletion was accepted.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>How following one accepted deletion ended.</summary>
internal enum WaitEnd
{
    /// <summary>The image is gone.</summary>
    Completed,
    /// <summary>The image left its deleting state without going away.</summary>
    Failed,
    /// <summary>Still being deleted when the timeout passed.</summary>
    TimedOut,
    /// <summary>Looking at it failed for good (after retries).</summary>
    Unconfirmed,
    /// <summary>The run ended (a stop, a fatal error) before the deletion did.</summary>
    Abandoned,
}

internal sealed record WaitResult(WaitEnd End, string? RequestId, string? ImageState, TimeSpan Elapsed, CloudApiError? Error = null);

/// <summary>
/// Follows accepted asynchronous deletions until each image is gone, fails, or its time is up. One loop per
/// run polls every image that is due in calls of the provider's describe size, each image on its own
/// cadence (first look after <see cref="OperationSettings.DeletionPollFirstDelay"/>, then 1.5 times further
/// apart up to <see cref="OperationSettings.DeletionPollMaxDelay"/>), so a big run costs a few calls per
/// round however many delete calls it made. A stop ends the loop at once; whatever is still followed then
/// is handed back by <see cref="TakeRemaining"/>, so the run can account for it.
/// </summary>
internal sealed class DeletionWaiter
{
    private const double Growth = 1.5;

    private readonly RunContext _run;
    private readonly IDeletionPoller _poller;
    private readonly TimeSpan _timeout;
    private readonly Action<ImageEntry, WaitResult> _onEnd;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly Dictionary<ImageEntry, Followed> _followed = new();
    private bool _running;
    private Task _loop = Task.CompletedTask;

    public DeletionWaiter(RunContext run, IDeletionPoller poller, TimeSpan timeout, Action<ImageEntry, WaitResult> onEnd)
    {
        _run = run;
        _poller = poller;
        _timeout = timeout;
        _onEnd = onEnd;
    }

    /// <summary>Images whose deletion is being followed now.</summary>
    public int Count
    {
        get { lock (_gate) return _followed.Count; }
    }

    /// <summary>Starts following an image whose deletion the cloud has just accepted.</summary>
    public void Follow(ImageEntry entry, string? requestId)
    {
        lock (_gate)
        {
            var now = _clock.Elapsed;
            _followed[entry] = new Followed(requestId, now, now + _timeout, now + FirstDelay);
            if (_running) return;
            _running = true;
            _loop = Task.Run(LoopAsync);
        }
    }

    /// <summary>Returns once nothing is followed any more, or the loop has ended because the run is stopping.</summary>
    public async Task DrainAsync()
    {
        while (true)
        {
            Task loop;
            lock (_gate)
            {
                if (!_running) return;
                loop = _loop;
            }
            try { await loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { /* the run is stopping */ }
            catch (CloudApiException) { /* fatal: recorded in the run context */ }
        }
    }

    /// <summary>Stops following whatever is still followed (the run ended first) and hands it back.</summary>
    public IReadOnlyList<(ImageEntry Entry, WaitResult Result)> TakeRemaining()
    {
        lock (_gate)
        {
            var now = _clock.Elapsed;
            var remaining = _followed.Select(f => (f.Key, new WaitResult(WaitEnd.Abandoned, f.Value.RequestId, f.Value.LastState, now - f.Value.Since))).ToList();
            _followed.Clear();
            return remaining;
        }
    }

    private TimeSpan FirstDelay => _run.Settings.DeletionPollFirstDelay;

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                List<(ImageEntry Entry, Followed Followed)> due;
                TimeSpan pause;
                lock (_gate)
                {
                    if (_followed.Count == 0) return;
                    var now = _clock.Elapsed;
                    // Images due a little later ride along with those due now, so polls stay few and full.
                    var horizon = now + TimeSpan.FromTicks(FirstDelay.Ticks / 2);
                    due = _followed.Where(f => f.Value.NextPoll <= horizon || f.Value.Deadline <= now).Select(f => (f.Key, f.Value)).ToList();
                    var next = _followed.Values.Min(f => f.NextPoll < f.Deadline ? f.NextPoll : f.Deadline);
                    // Never sleep longer than the first delay: an image followed meanwhile must get its first look in time.
                    pause = due.Count > 0 ? TimeSpan.Zero : Min(next - now, FirstDelay);
                }
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, _run.Stopping).ConfigureAwait(false);
                    continue;
                }
                var size = Math.Max(1, _run.Capabilities.MaxIdsPerDescribe);
                for (var i = 0; i < due.Count; i += size)
                    await PollAsync(due.Skip(i).Take(size).ToList()).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_gate) _running = false;
        }
    }

    /// <summary>One look at a batch of followed images; those whose deletion has ended are handed over.</summary>
    private async Task PollAsync(List<(ImageEntry Entry, Followed Followed)> batch)
    {
        var ids = batch.Select(f => f.Entry.ImageId).ToArray();
        IReadOnlyList<DeletionProgress> answers;
        try
        {
            answers = await _run.WithRetriesAsync("check deletion of " + string.Join(",", ids),
                () => _poller.PollDeletionsAsync(ids, _run.Call)).ConfigureAwait(false);
        }
        catch (CloudApiException ex) when (!ex.Error.IsFatal)
        {
            foreach (var (entry, followed) in batch)
                End(entry, followed, WaitEnd.Unconfirmed, followed.LastState, ex.Error);
            return;
        }

        var byId = new Dictionary<string, DeletionProgress>(StringComparer.OrdinalIgnoreCase);
        foreach (var answer in answers) byId[answer.ImageId] = answer;
        var now = _clock.Elapsed;
        foreach (var (entry, followed) in batch)
        {
            // An image the answer left out is as good as unseen: look again, until its time is up.
            byId.TryGetValue(entry.ImageId, out var progress);
            var state = progress?.ImageState ?? followed.LastState;
            switch (progress?.State)
            {
                case DeletionState.Completed:
                    End(entry, followed, WaitEnd.Completed, state);
                    break;
                case DeletionState.Failed:
                    End(entry, followed, WaitEnd.Failed, state);
                    break;
                default:
                    if (now >= followed.Deadline)
                    {
                        End(entry, followed, WaitEnd.TimedOut, state);
                        break;
                    }
                    lock (_gate)
                    {
                        followed.LastState = state;
                        followed.Interval = Min(TimeSpan.FromTicks((long)(followed.Interval.Ticks * Growth)), _run.Settings.DeletionPollMaxDelay);
                        followed.NextPoll = now + followed.Interval;
                    }
                    break;
            }
        }
    }

    /// <summary>Stops following an image and hands its end over (unless the run took it back meanwhile).</summary>
    private void End(ImageEntry entry, Followed followed, WaitEnd end, string? state, CloudApiError? error = null)
    {
        lock (_gate)
        {
            if (!_followed.Remove(entry)) return;
        }
        _onEnd(entry, new WaitResult(end, followed.RequestId, state, _clock.Elapsed - followed.Since, error));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>One followed deletion. Mutable fields change under the waiter's lock.</summary>
    private sealed class Followed
    {
        public Followed(string? requestId, TimeSpan since, TimeSpan deadline, TimeSpan nextPoll)
        {
            RequestId = requestId;
            Since = since;
            Deadline = deadline;
            NextPoll = nextPoll;
            Interval = nextPoll - since;
        }

        public string? RequestId { get; }
        public TimeSpan Since { get; }
        public TimeSpan Deadline { get; }
        public TimeSpan NextPoll { get; set; }
        public TimeSpan Interval { get; set; }
        public string? LastState { get; set; }
    }
}

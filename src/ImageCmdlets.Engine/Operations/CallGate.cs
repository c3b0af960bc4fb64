using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>How a call through the gate ended, as far as the cloud's health goes.</summary>
internal enum CallOutcome
{
    /// <summary>The cloud answered (success, or a refusal about the images): it is healthy.</summary>
    Answered,
    /// <summary>Throttled, a server failure, no answer: the cloud wants fewer calls.</summary>
    Trouble,
    /// <summary>Cancelled: says nothing about the cloud.</summary>
    Abandoned,
}

/// <summary>
/// Decides when a call to one cloud endpoint may start, for every call the module sends there (deletes,
/// describes, pages): at most <see cref="Limit"/> at once, and none while the cloud is being given a rest.
/// The limit adapts: it grows by one after each answered call, up to the provider's maximum (its
/// documented limit, or a ceiling where none is documented), and halves on throttling or a server failure,
/// which also pauses every call for a backoff that grows while the trouble lasts. So a long run finds the
/// pace the cloud accepts, and a cloud that is down gets a few probes instead of a storm of retries.
/// </summary>
internal sealed class CallGate
{
    private readonly object _lock = new();
    private readonly LinkedList<TaskCompletionSource<bool>> _waiters = new();
    private readonly Backoff _backoff;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _max;
    private double _limit;
    private int _inFlight;
    private int _troubleStreak;
    private TimeSpan _resumeAt;
    private bool _wakeScheduled;

    public CallGate(int max, int start, OperationSettings settings)
    {
        _max = Math.Max(1, max);
        _limit = Math.Max(1, Math.Min(start, _max));
        _backoff = new Backoff(settings);
    }

    /// <summary>Calls allowed at once now.</summary>
    public int Limit
    {
        get { lock (_lock) return (int)_limit; }
    }

    /// <summary>Waits until a call may start; the ticket must be ended with the call's outcome.</summary>
    public async Task<Ticket> EnterAsync(CancellationToken cancellation)
    {
        TaskCompletionSource<bool> waiter;
        LinkedListNode<TaskCompletionSource<bool>> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && CanStart())
            {
                _inFlight++;
                return new Ticket(this);
            }
            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
            // Admit at once if room has appeared since CanStart was asked, or make sure a wake is due.
            Pump();
        }
        using (cancellation.Register(() =>
        {
            lock (_lock)
            {
                // Already admitted (its slot counted): the caller gets the ticket and gives it back.
                if (node.List is null) return;
                _waiters.Remove(node);
            }
            waiter.TrySetCanceled();
        }))
        {
            await waiter.Task.ConfigureAwait(false);
        }
        return new Ticket(this);
    }

    private bool CanStart() => _inFlight < (int)_limit && _clock.Elapsed >= _resumeAt;

    /// <summary>
    /// Admits waiters while there is room (under the lock); if they must wait for a pause to end, makes
    /// sure one timer will admit them then. (A full gate needs no timer: every call that ends pumps.)
    /// </summary>
    private void Pump()
    {
        while (true)
        {
            while (_waiters.First is { } first && CanStart())
            {
                _waiters.RemoveFirst();
                _inFlight++;
                first.Value.TrySetResult(true);
            }
            if (_waiters.Count == 0 || _wakeScheduled || _inFlight >= (int)_limit) return;
            var wait = _resumeAt - _clock.Elapsed;
            // The pause ended between the two looks at the clock: admit now.
            if (wait <= TimeSpan.Zero) continue;
            _wakeScheduled = true;
            _ = Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait).ContinueWith(_ =>
            {
                lock (_lock)
                {
                    _wakeScheduled = false;
                    Pump();
                }
            }, TaskScheduler.Default);
            return;
        }
    }

    private void Release(CallOutcome outcome)
    {
        _inFlight--;
        switch (outcome)
        {
            case CallOutcome.Answered:
                _troubleStreak = 0;
                _limit = Math.Min(_max, _limit + 1);
                break;
            case CallOutcome.Trouble:
                _troubleStreak++;
                _limit = Math.Max(1, _limit / 2);
                var pause = _clock.Elapsed + _backoff.DelayBefore(Math.Min(_troubleStreak + 1, 30));
                if (pause > _resumeAt) _resumeAt = pause;
                break;
        }
        Pump();
    }

    /// <summary>A started call; Dispose without an outcome counts as abandoned.</summary>
    public sealed class Ticket : IDisposable
    {
        private CallGate? _gate;

        public Ticket(CallGate gate) => _gate = gate;

        public void End(CallOutcome outcome)
        {
            var gate = Interlocked.Exchange(ref _gate, null);
            if (gate is null) return;
            lock (gate._lock) gate.Release(outcome);
        }

        public void Dispose() => End(CallOutcome.Abandoned);
    }
}

/// <summary>
/// The limits every call to one cloud endpoint shares, kept for the life of the PowerShell session (the
/// process): consecutive commands and loops over a cmdlet are paced together, never each from scratch.
/// Keyed by provider, account, region and endpoint.
/// </summary>
internal sealed class SessionLimits
{
    private static readonly ConcurrentDictionary<string, SessionLimits> All = new(StringComparer.Ordinal);

    private SessionLimits(CallGate gate, RequestPacer? deletePacer)
    {
        Gate = gate;
        DeletePacer = deletePacer;
    }

    public CallGate Gate { get; }
    /// <summary>The documented delete rate, when there is one.</summary>
    public RequestPacer? DeletePacer { get; }

    public static SessionLimits For(IImageSession session, OperationSettings settings)
    {
        var capabilities = session.Provider.Capabilities;
        var max = settings.MaxConcurrentCalls ?? capabilities.MaxConcurrentCalls;
        var key = string.Join("|", session.Provider.Name, session.Account, session.Region, session.Endpoint, max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return All.GetOrAdd(key, _ => new SessionLimits(
            new CallGate(max, settings.MaxConcurrentCalls ?? capabilities.InitialConcurrentCalls, settings),
            RequestPacer.For(capabilities.DeleteCallsPerSecond, settings.PacingSafetyMargin)));
    }
}

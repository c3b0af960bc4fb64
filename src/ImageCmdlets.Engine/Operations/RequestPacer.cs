using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ImageCmdlets.Operations;

/// <summary>
/// Keeps calls to at most N in any sliding window (a second plus a safety margin), the way documented
/// per-second API limits are counted: by the server, on arrival. A call's arrival is only known to lie
/// between its start and its completion, so a call counts from its start and keeps counting until a
/// full window after it completed. Callers wait their turn in arrival order.
/// </summary>
internal sealed class RequestPacer
{
    private readonly int _perWindow;
    private readonly TimeSpan _window;
    private readonly List<Turn> _turns = new();
    private readonly SemaphoreSlim _queue = new(1, 1);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private RequestPacer(int perWindow, TimeSpan window)
    {
        _perWindow = perWindow;
        _window = window;
    }

    /// <summary>A pacer for a documented rate, or null when there is none.</summary>
    public static RequestPacer? For(double? callsPerSecond, TimeSpan safetyMargin)
    {
        if (callsPerSecond is not double rate || rate <= 0) return null;
        // Rates under 1/s: one call per 1/rate seconds.
        return rate >= 1
            ? new RequestPacer((int)Math.Floor(rate), TimeSpan.FromSeconds(1) + safetyMargin)
            : new RequestPacer(1, TimeSpan.FromSeconds(1 / rate) + safetyMargin);
    }

    /// <summary>Waits until a call may start; dispose the result when the call has completed.</summary>
    public async Task<IDisposable> WaitTurnAsync(CancellationToken cancellation)
    {
        await _queue.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (_turns)
                {
                    var now = _clock.Elapsed;
                    _turns.RemoveAll(t => t.CompletedAt is { } done && now - done >= _window);
                    if (_turns.Count < _perWindow)
                    {
                        var turn = new Turn(this);
                        _turns.Add(turn);
                        return turn;
                    }
                    // The earliest a place frees: a completed call leaving the window; calls still under
                    // way free nothing until they complete, so look again shortly.
                    var completed = _turns.Where(t => t.CompletedAt is not null).Select(t => t.CompletedAt!.Value + _window - now).ToArray();
                    wait = completed.Length > 0 ? completed.Min() : TimeSpan.FromMilliseconds(10);
                }
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            _queue.Release();
        }
    }

    private sealed class Turn : IDisposable
    {
        private readonly RequestPacer _pacer;

        public Turn(RequestPacer pacer) => _pacer = pacer;

        public TimeSpan? CompletedAt { get; private set; }

        public void Dispose()
        {
            lock (_pacer._turns) CompletedAt ??= _pacer._clock.Elapsed;
        }
    }
}

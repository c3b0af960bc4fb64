using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ImageCmdlets.Operations;

/// <summary>
/// Keeps call starts to at most N in any sliding window (a second plus a safety margin), the way
/// documented per-second API limits are counted. Callers wait their turn in arrival order.
/// </summary>
internal sealed class RequestPacer
{
    private readonly int _perWindow;
    private readonly TimeSpan _window;
    private readonly Queue<TimeSpan> _starts = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
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

    public async Task WaitTurnAsync(CancellationToken cancellation)
    {
        await _turn.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var now = _clock.Elapsed;
                while (_starts.Count > 0 && now - _starts.Peek() >= _window) _starts.Dequeue();
                if (_starts.Count < _perWindow)
                {
                    _starts.Enqueue(now);
                    return;
                }
                var wait = _starts.Peek() + _window - now;
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            _turn.Release();
        }
    }
}

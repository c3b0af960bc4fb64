using System;
using System.Threading;

namespace ImageCmdlets.Operations;

/// <summary>
/// How a command ends early, in two steps. <see cref="Stopping"/>: no new call may start (queued
/// batches, retries and further pages give up). <see cref="Aborting"/>: calls already sent are
/// cancelled too. Between them lies a grace period in which calls under way may still answer, so that
/// an image deleted at the moment of a stop is known as deleted rather than left in doubt.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();

    /// <summary>A signal that tests or callers drive with a single token: stopping aborts at once.</summary>
    public static StopSignal From(CancellationToken cancellation)
    {
        var signal = new StopSignal();
        if (cancellation.CanBeCanceled) cancellation.Register(signal.Abort);
        return signal;
    }

    /// <summary>Cancelled when no new call may start.</summary>
    public CancellationToken Stopping => _stopping.Token;
    /// <summary>Cancelled when calls under way must be given up.</summary>
    public CancellationToken Aborting => _aborting.Token;

    /// <summary>No new calls; those under way get <paramref name="grace"/> to answer.</summary>
    public void Stop(TimeSpan grace)
    {
        Cancel(_stopping);
        if (grace <= TimeSpan.Zero) Cancel(_aborting);
        else
            try { _aborting.CancelAfter(grace); }
            catch (ObjectDisposedException) { }
    }

    /// <summary>No new calls, and those under way are cancelled now.</summary>
    public void Abort()
    {
        Cancel(_stopping);
        Cancel(_aborting);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _aborting.Dispose();
    }

    private static void Cancel(CancellationTokenSource source)
    {
        try { source.Cancel(); }
        catch (ObjectDisposedException) { }
    }
}

using System;
using System.Threading;
using System.Threading.Tasks;

namespace ImageCmdlets.Operations;

/// <summary>Retry, concurrency and pacing knobs. Defaults suit real clouds; tests shorten the delays.</summary>
public sealed class OperationSettings
{
    public static readonly OperationSettings Default = new();

    /// <summary>Calls made for one request at most, the first included.</summary>
    public int MaxAttempts { get; init; } = 8;
    /// <summary>Backoff base: attempt n waits a random time up to Base·2ⁿ⁻¹ (full jitter), capped at <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Overrides the provider's MaxConcurrentCalls when set.</summary>
    public int? MaxConcurrentCalls { get; init; }
    /// <summary>
    /// The pacing window is this much longer than a second, so that network jitter between our send and
    /// the server's receive cannot squeeze N+1 calls into one of the server's seconds.
    /// </summary>
    public TimeSpan PacingSafetyMargin { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>
    /// After a stop (Ctrl+C, a terminating error, a pipeline that wants no more), calls already sent may
    /// answer for this long before they are cancelled, so that their images' fate is known.
    /// </summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>-Wait: the first look at an accepted asynchronous deletion comes this long after it was accepted.</summary>
    public TimeSpan DeletionPollFirstDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>-Wait: looks grow 1.5 times further apart, up to this.</summary>
    public TimeSpan DeletionPollMaxDelay { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Seed for the backoff jitter; null = random.</summary>
    public int? JitterSeed { get; init; }
}

/// <summary>
/// Exponential backoff with full jitter. Thread-safe.
/// </summary>
internal sealed class Backoff
{
    private readonly OperationSettings _settings;
    private readonly Random _random;

    public Backoff(OperationSettings settings)
    {
        _settings = settings;
        _random = settings.JitterSeed is int seed ? new Random(seed) : new Random();
    }

    /// <summary>The pause before attempt <paramref name="nextAttempt"/> (2, 3, ...).</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        var exponent = Math.Min(nextAttempt - 2, 20);
        var ceiling = Math.Min(_settings.RetryMaxDelay.TotalMilliseconds, _settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        double fraction;
        lock (_random) fraction = _random.NextDouble();
        // Full jitter, but never under a quarter of the ceiling: throttled callers must actually back off.
        return TimeSpan.FromMilliseconds(ceiling * (0.25 + 0.75 * fraction));
    }
}

using System;
using System.Globalization;
using System.Threading;

namespace ImageCmdlets.Transport;

/// <summary>
/// The time a session signs requests with: this computer's clock, corrected once the cloud has refused a
/// request time and told its own in the Date header. A run at 3 a.m. should not fail because of a drifting clock.
/// </summary>
internal sealed class SigningClock
{
    /// <summary>This computer's clock; tests move it to check the service's time window.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>How far this computer's clock is behind the cloud's, once a refused request time taught it.</summary>
    private long _offsetTicks;

    public DateTimeOffset Now() => Clock() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>
    /// Learns the cloud's time from the Date header of an answer that refused the request time. False (nothing
    /// learnt) when there is no Date header or the clocks agree within half a minute: then the clock is not
    /// what is wrong, and the error stands.
    /// </summary>
    public bool Learn(HttpExchange exchange, CallContext context)
    {
        if (!DateTimeOffset.TryParse(exchange.GetHeader("Date"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var server))
            return false;
        var offset = server - Clock();
        if (offset.Duration() < TimeSpan.FromSeconds(30)) return false;
        Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
        context.Log.Verbose(string.Format(CultureInfo.InvariantCulture,
            "The cloud refused the request time: this computer's clock is {0:0} minute(s) {1} the cloud's (its Date header). " +
            "Signing with the cloud's time from now on; set this computer's clock right (enable NTP time sync) to stop this.",
            offset.Duration().TotalMinutes, offset > TimeSpan.Zero ? "behind" : "ahead of"));
        return true;
    }
}

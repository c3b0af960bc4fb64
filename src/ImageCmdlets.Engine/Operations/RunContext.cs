using ImageCmdlets.Transport;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>What every call of one run shares: the session, settings, backoff, log, the stop signal,
/// and the first fatal error (after which no further call is made and the command is stopped).</summary>
internal sealed class RunContext
{
    private CloudApiError? _fatal;

    public RunContext(IImageSession session, IOperationSink sink, OperationSettings settings, StopSignal stop)
    {
        Session = session;
        Sink = sink;
        Settings = settings;
        Stop = stop;
        Backoff = new Backoff(settings);
        Limits = SessionLimits.For(session, settings);
        // Calls run until aborted: a stop lets a call already sent finish within the grace period.
        Call = new CallContext(stop.Aborting, new ProviderApiLog(new SinkLog(sink), session.Provider.Name));
    }

    public IImageSession Session { get; }
    public ProviderCapabilities Capabilities => Session.Provider.Capabilities;
    public IOperationSink Sink { get; }
    public OperationSettings Settings { get; }
    public StopSignal Stop { get; }
    /// <summary>Cancelled once no new call may start: waits for a turn, retries and further pages give up.</summary>
    public CancellationToken Stopping => Stop.Stopping;
    public Backoff Backoff { get; }
    /// <summary>The concurrency gate and delete pacer every call to this session's endpoint shares.</summary>
    public SessionLimits Limits { get; }
    public CallContext Call { get; }

    /// <summary>Set once a call fails in a way no other call can escape (bad credentials, unknown region).</summary>
    public CloudApiError? Fatal => Volatile.Read(ref _fatal);

    /// <summary>Records the first fatal error and stops the command: no call can succeed any more.</summary>
    public void RecordFatal(CloudApiError error)
    {
        if (Interlocked.CompareExchange(ref _fatal, error, null) is null) Stop.Stop(Settings.StopGracePeriod);
    }

    /// <summary>
    /// Makes a read call (list, describe) through the session's gate, retrying retryable failures and
    /// unreadable answers with backoff. Throws the last CloudApiException when the call cannot succeed.
    /// </summary>
    public async Task<T> WithRetriesAsync<T>(string what, Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (Fatal is { } fatal) throw new CloudApiException(fatal);
            Stopping.ThrowIfCancellationRequested();
            var ticket = await Limits.Gate.EnterAsync(Stopping).ConfigureAwait(false);
            try
            {
                var result = await call().ConfigureAwait(false);
                ticket.End(CallOutcome.Answered);
                return result;
            }
            // These calls only read: a garbled answer is worth asking again too.
            catch (CloudApiException ex) when ((ex.Error.IsRetryable || ex.Error.Kind == ErrorKind.InvalidResponse) && attempt < Settings.MaxAttempts)
            {
                ticket.End(OutcomeOf(ex.Error));
                var delay = Backoff.DelayBefore(attempt + 1);
                Sink.Verbose($"[{Session.Provider.Name}] {what}: {ex.Error.Code}; retry {attempt + 1} of {Settings.MaxAttempts} in {(long)delay.TotalMilliseconds} ms");
                await Task.Delay(delay, Stopping).ConfigureAwait(false);
            }
            catch (CloudApiException ex) when (ex.Error.IsFatal)
            {
                RecordFatal(ex.Error);
                ticket.End(CallOutcome.Answered);
                throw;
            }
            catch (CloudApiException ex)
            {
                ticket.End(OutcomeOf(ex.Error));
                throw;
            }
            finally
            {
                ticket.Dispose();
            }
        }
    }

    /// <summary>Describes ids in chunks the provider accepts; returns what exists, keyed by id.</summary>
    public async Task<Dictionary<string, CloudImage>> DescribeAsync(IReadOnlyList<string> ids)
    {
        var found = new Dictionary<string, CloudImage>(StringComparer.OrdinalIgnoreCase);
        var size = Math.Max(1, Capabilities.MaxIdsPerDescribe);
        for (var i = 0; i < ids.Count; i += size)
        {
            var part = ids.Skip(i).Take(size).ToArray();
            var images = await WithRetriesAsync("describe " + string.Join(",", part),
                () => Session.DescribeImagesAsync(part, Call)).ConfigureAwait(false);
            foreach (var image in images)
            {
                image.Connection = Session;
                found[image.ImageId] = image;
            }
        }
        return found;
    }

    /// <summary>What a failed call says about the cloud's health (for the concurrency gate).</summary>
    public static CallOutcome OutcomeOf(CloudApiError error) =>
        error.Kind is ErrorKind.Throttled or ErrorKind.ServerError or ErrorKind.Connection or ErrorKind.Timeout ? CallOutcome.Trouble : CallOutcome.Answered;

    public CloudApiError NotFound(string imageId) =>
        new(Capabilities.NotFoundErrorCode, ErrorKind.NotFound,
            $"Image {imageId} was not found in {Session.Provider.Name} region {Session.Region} (or is not visible to this account).");

    public ImageError ErrorFor(ImageEntry entry, CloudApiError error) =>
        new(Session.Provider.Name, Session.Region, entry.ImageId, error, entry.Image);

    /// <summary>The sink's verbose and debug streams as an API log.</summary>
    private sealed class SinkLog : IApiLog
    {
        private readonly IOperationSink _sink;
        public SinkLog(IOperationSink sink) => _sink = sink;
        public void Verbose(string message) => _sink.Verbose(message);
        public void Debug(string message) => _sink.Debug(message);
    }
}

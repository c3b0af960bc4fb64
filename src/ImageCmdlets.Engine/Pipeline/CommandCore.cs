using ImageCmdlets.Transport;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Pipeline;

/// <summary>One input of Test-CloudImageDeletable or Remove-CloudImage, as PowerShell bound it.</summary>
public sealed class ImageInput
{
    public string? ImageId { get; init; }
    /// <summary>A piped CloudImage (-InputObject); its own provider, region and connection win.</summary>
    public CloudImage? Image { get; init; }
    /// <summary>-Provider (with a CloudImage it must agree with the image's own).</summary>
    public string? Provider { get; init; }
    /// <summary>-Region (with a CloudImage it must agree with the image's own).</summary>
    public string? Region { get; init; }

    public string? TargetImageId => Image?.ImageId ?? ImageId;
    public string? TargetProvider => Image is { Provider.Length: > 0 } image ? image.Provider : Provider;
    public string? TargetRegion => Image is { Region.Length: > 0 } image ? image.Region : Region;
}

/// <summary>
/// What every command core shares: the host, the queue to the pipeline thread, the stop signal
/// (StopProcessing, and any other way the command ends early) and sessions.
/// </summary>
public abstract class CommandCore : IDisposable
{
    protected CommandCore(IPipelineHost host, ConnectionOptions connection, OperationSettings? settings)
    {
        Host = host;
        Settings = settings ?? OperationSettings.Default;
        Queue = new PipelineQueue();
        StopSignal = new StopSignal();
        Call = new CallContext(StopSignal.Aborting, new QueueLog(Queue));
        Connections = new ConnectionCache(connection, Call);
    }

    protected IPipelineHost Host { get; }
    protected OperationSettings Settings { get; }
    protected PipelineQueue Queue { get; }
    protected StopSignal StopSignal { get; }
    protected CallContext Call { get; }
    protected ConnectionCache Connections { get; }

    /// <summary>StopProcessing (Ctrl+C): no new call starts; calls under way get the grace period to answer.</summary>
    public void Stop() => StopSignal.Stop(Settings.StopGracePeriod);

    /// <summary>
    /// The command has ended, however it ended (PowerShell disposes cmdlets last): nothing it started may
    /// go on, so this returns only once every call it made has finished or been cancelled.
    /// </summary>
    public void Dispose()
    {
        EndEarly();
        StopSignal.Dispose();
    }

    /// <summary>Stops what is still running and waits for it; a no-op when the command finished normally.</summary>
    protected abstract void EndEarly();

    /// <summary>Connects (or reuses a session), writing the verbose lines the connection produced.</summary>
    protected IImageSession Connect(string? providerName, string? region, CloudImage? piped = null)
    {
        var provider = Connections.FindProvider(providerName);
        try
        {
            return Connections.For(provider, region, piped);
        }
        finally
        {
            Queue.DrainAvailable(Host);
        }
    }

    /// <summary>
    /// Answers an empty or malformed id with its error before anything connects, so bad input never
    /// costs a call (not even a token request). True when the id was rejected.
    /// </summary>
    protected bool RejectMalformed(ImageProvider provider, string? region, string? imageId)
    {
        if (ImageIdCheck.Problem(imageId?.Trim(), provider) is not { } problem) return false;
        Reject(new ImageError(provider.Name, region ?? "", imageId ?? "", problem));
        return true;
    }

    /// <summary>Writes the error of an input answered before any call.</summary>
    protected virtual void Reject(ImageError error) => Host.WriteError(error);

    /// <summary>Waits for work that was told to stop; its outcome no longer matters to anyone.</summary>
    protected static void WaitQuietly(Task work)
    {
        try { work.Wait(); }
        catch (AggregateException) { /* cancelled or failed: the caller is already ending */ }
    }

    private sealed class QueueLog : IApiLog
    {
        private readonly PipelineQueue _queue;
        public QueueLog(PipelineQueue queue) => _queue = queue;
        public void Verbose(string message) => _queue.Verbose(message);
        public void Debug(string message) => _queue.Debug(message);
    }
}

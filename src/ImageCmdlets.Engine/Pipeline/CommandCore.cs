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

/// <summary>Get-CloudImage's behaviour.</summary>
public sealed class GetImagesCommand : CommandCore
{
    private Task? _listing;

    public GetImagesCommand(IPipelineHost host, ConnectionOptions connection, OperationSettings? settings = null)
        : base(host, connection, settings) { }

    public void Run(string provider, string? region, ImageQuery query, IReadOnlyList<string> imageIds)
    {
        foreach (var pattern in query.NamePatterns) _ = new WildcardPattern(pattern); // a bad pattern fails before any call
        Connections.Validate();
        var definition = Connections.FindProvider(provider);
        var wellFormed = imageIds.Where(id => !RejectMalformed(definition, region, id)).ToArray();
        if (imageIds.Count > 0 && wellFormed.Length == 0) return; // nothing left worth a call
        var session = Connect(provider, region);
        _listing = ImageListing.RunAsync(session, query, wellFormed, Queue, Settings, StopSignal);
        try
        {
            Queue.DrainUntil(_listing, Host);
        }
        finally
        {
            EndEarly();
        }
    }

    /// <summary>A listing that nobody reads any more (Select-Object -First, Ctrl+C, an error downstream) is
    /// cancelled at once: a list call changes nothing, so there is no answer worth waiting for.</summary>
    protected override void EndEarly()
    {
        if (_listing is null || _listing.IsCompleted) return;
        StopSignal.Abort();
        WaitQuietly(_listing);
    }
}

/// <summary>
/// The shared lifecycle of Test-CloudImageDeletable and Remove-CloudImage: one run per session; the
/// command's record (<see cref="CloudImageRun"/>) of every image; outcomes written as they arrive; a
/// fatal error halts the command with one terminating error; however the command ends, it returns only
/// once nothing it started is still running.
/// </summary>
public abstract class ImageRunCommand<TRun> : CommandCore where TRun : ImageRun
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<(IImageSession, bool), TRun> _runs = new();
    private readonly Stopwatch _sinceProgress = new();
    private (int Resolved, int Received) _lastProgress = (-1, -1);

    protected ImageRunCommand(IPipelineHost host, ConnectionOptions connection, OperationSettings? settings, string commandName)
        : base(host, connection, settings) => Record = new CloudImageRun(commandName);

    /// <summary>What became of every image this command received, kept up to date while it runs.</summary>
    public CloudImageRun Record { get; }

    protected abstract string Activity { get; }

    protected abstract TRun CreateRun(IImageSession session, bool dryRun);

    /// <summary>Checks what can be checked before any call (endpoint syntax); call from BeginProcessing.</summary>
    public void Begin() => Connections.Validate();

    /// <summary>One pipeline input; the subclass decides what to do with it.</summary>
    public void Process(ImageInput input) => Guard(() =>
    {
        ThrowIfHalted();
        if (AnsweredBeforeConnecting(input)) return;
        ProcessInput(input);
        Queue.DrainAvailable(Host);
        WriteProgress();
        ThrowIfHalted();
    });

    protected abstract void ProcessInput(ImageInput input);

    /// <summary>EndProcessing: finishes every run and writes every remaining outcome.</summary>
    public void Complete() => Guard(() =>
    {
        ThrowIfHalted();
        var all = Task.WhenAll(_runs.Values.Select(r => r.CompleteAsync()).ToArray());
        Queue.DrainUntil(all, Host, WriteProgress);
        ThrowIfHalted();
        Record.End(StopSignal.Stopping.IsCancellationRequested ? CloudImageRunState.Stopped : CloudImageRunState.Completed);
        if (_lastProgress.Received > 0) Host.WriteProgress(new ProgressUpdate(Activity, "Done", 100, completed: true));
    });

    protected TRun RunFor(IImageSession session, bool dryRun)
    {
        if (!_runs.TryGetValue((session, dryRun), out var run))
        {
            run = CreateRun(session, dryRun);
            _runs[(session, dryRun)] = run;
        }
        return run;
    }

    /// <summary>Refuses switches the provider cannot honour, before any call.</summary>
    protected virtual void RequireSupportedSwitches(ImageProvider provider) { }

    protected IImageSession SessionFor(ImageInput input) => Connect(input.TargetProvider, input.TargetRegion, input.Image);

    protected override void EndEarly() => EndRuns(CloudImageRunState.Stopped);

    /// <summary>Stops the runs and waits for them (calls under way get the grace period, then are
    /// cancelled), then closes the record.</summary>
    private void EndRuns(CloudImageRunState state, string? haltedBy = null)
    {
        if (Record.State != CloudImageRunState.Running) return;
        StopSignal.Stop(Settings.StopGracePeriod);
        WaitQuietly(Task.WhenAll(_runs.Values.Select(r => r.CompleteAsync()).ToArray()));
        Record.End(state, haltedBy);
    }

    /// <summary>
    /// Checks an input before connecting: an unknown provider or a switch it cannot honour stops the
    /// command; an image whose own provider or region contradicts -Provider/-Region, and an empty or
    /// malformed id, get their error at once. True when the input was answered.
    /// </summary>
    private bool AnsweredBeforeConnecting(ImageInput input)
    {
        var provider = Connections.FindProvider(input.TargetProvider);
        RequireSupportedSwitches(provider);
        if (input.Image is { } image && Contradiction(image, input) is { } conflict)
        {
            Reject(new ImageError(provider.Name, image.Region, image.ImageId, conflict, image));
            return true;
        }
        return RejectMalformed(provider, input.TargetRegion, input.TargetImageId);
    }

    /// <summary>An input answered before any call is part of the record too.</summary>
    protected override void Reject(ImageError error)
    {
        PipelineQueue.Report(Host, Record.AdmitFailed(error));
    }

    private static CloudApiError? Contradiction(CloudImage image, ImageInput input)
    {
        string? Differs(string? given, string own, string what) =>
            !string.IsNullOrEmpty(given) && own.Length > 0 && !string.Equals(given!.Trim(), own, StringComparison.OrdinalIgnoreCase)
                ? $"Image {image.ImageId} was listed in {what} '{own}', but -{what} says '{given}'. Nothing was sent for it; drop -{what} to act on the image where it is."
                : null;
        var message = Differs(input.Provider, image.Provider, "Provider") ?? Differs(input.Region, image.Region, "Region");
        return message is null ? null : new CloudApiError("ImageTargetConflict", ErrorKind.InvalidArgument, message);
    }

    /// <summary>Runs a step; if it ends the command early (an error downstream, -ErrorAction Stop, a stop),
    /// the runs are stopped and waited for before the exception goes on.</summary>
    private void Guard(Action step)
    {
        try
        {
            step();
        }
        catch (RunHaltedException)
        {
            throw;
        }
        catch (ImageCmdletsConfigurationException ex)
        {
            // Nothing can start for this input (its credentials, region or endpoint): the command halts.
            EndRuns(CloudImageRunState.Halted, ex.ErrorId);
            throw;
        }
        catch
        {
            EndEarly();
            throw;
        }
    }

    /// <summary>
    /// After a fatal error (no image can succeed: bad credentials, unknown region) the runs are stopped,
    /// what is already known is written, and the command ends with one terminating error.
    /// </summary>
    private void ThrowIfHalted()
    {
        if (_runs.Values.Select(r => r.Fatal).FirstOrDefault(f => f is not null) is not { } fatal) return;
        EndRuns(CloudImageRunState.Halted, fatal.Code);
        Queue.DrainAvailable(Host);
        throw new RunHaltedException(fatal, Record);
    }

    private void WriteProgress()
    {
        var progress = (Resolved: _runs.Values.Sum(r => r.Resolved), Received: _runs.Values.Sum(r => r.Received));
        if (progress.Received == 0 || progress == _lastProgress) return;
        // PowerShell redraws the bar on every record: a few updates a second are enough to read.
        if (_sinceProgress.IsRunning && _sinceProgress.Elapsed < ProgressInterval && progress.Resolved < progress.Received) return;
        _lastProgress = progress;
        _sinceProgress.Restart();
        Host.WriteProgress(new ProgressUpdate(Activity, $"{progress.Resolved} of {progress.Received} images done",
            progress.Resolved * 100 / progress.Received));
    }
}

/// <summary>Test-CloudImageDeletable's behaviour.</summary>
public sealed class TestImagesCommand : ImageRunCommand<DeletabilityRun>
{
    private readonly DeleteOptions _options;

    public TestImagesCommand(IPipelineHost host, ConnectionOptions connection, DeleteOptions options, OperationSettings? settings = null)
        : base(host, connection, settings, "Test-CloudImageDeletable") => _options = options;

    protected override string Activity => "Checking images";

    protected override void RequireSupportedSwitches(ImageProvider provider) => RemoveImagesCommand.RequireSupported(provider, _options);

    protected override DeletabilityRun CreateRun(IImageSession session, bool dryRun) =>
        new(session, _options, Queue, Settings, StopSignal, Record);

    protected override void ProcessInput(ImageInput input) =>
        RunFor(SessionFor(input), dryRun: true).Add(input.TargetImageId, input.Image);
}

/// <summary>
/// Remove-CloudImage's behaviour: the target is resolved first, then one ShouldProcess per image; under
/// -WhatIf the provider's dry check runs instead of the delete; the extra-damage switches are
/// confirmed with ShouldContinue unless -Force.
/// </summary>
public sealed class RemoveImagesCommand : ImageRunCommand<RemovalRun>
{
    private readonly DeleteOptions _options;
    private readonly ConfirmationSettings _confirmation;
    private bool _yesToAll;
    private bool _noToAll;

    public RemoveImagesCommand(IPipelineHost host, ConnectionOptions connection, DeleteOptions options, ConfirmationSettings confirmation, OperationSettings? settings = null)
        : base(host, connection, settings, "Remove-CloudImage")
    {
        _options = options;
        _confirmation = confirmation;
    }

    protected override string Activity => _confirmation.WhatIf ? "Checking images (WhatIf)" : "Removing images";

    protected override void RequireSupportedSwitches(ImageProvider provider) => RequireSupported(provider, _options);

    protected override RemovalRun CreateRun(IImageSession session, bool dryRun) =>
        new(session, dryRun ? _options.AsDryRun() : _options, Queue, Settings, StopSignal, Record);

    /// <summary>A switch the provider has no flag for is refused before any call.</summary>
    public static void RequireSupported(ImageProvider provider, DeleteOptions options)
    {
        if (options.DeleteSnapshots && !provider.Capabilities.SupportsDeleteSnapshots)
            throw new ImageCmdletsConfigurationException("DeleteSnapshotNotSupported",
                $"-DeleteSnapshot is not supported by provider {provider.Name}: its delete call has no such option.", ErrorKind.InvalidArgument);
        if (options.EvenIfInUse && !provider.Capabilities.SupportsEvenIfInUse)
            throw new ImageCmdletsConfigurationException("EvenIfInUseNotSupported",
                $"-EvenIfInUse is not supported by provider {provider.Name}: its delete call has no such option.", ErrorKind.InvalidArgument);
    }

    protected override void ProcessInput(ImageInput input)
    {
        var session = SessionFor(input);
        var imageId = input.TargetImageId;
        var name = input.Image?.Name;
        var target = $"{imageId}{(string.IsNullOrEmpty(name) ? "" : $" ({name})")} in {session.Provider.Name} region {session.Region}";

        switch (Decide(target))
        {
            case Decision.DryRun:
                RunFor(session, dryRun: true).Add(imageId, input.Image);
                break;
            case Decision.Delete:
                RunFor(session, dryRun: false).Add(imageId, input.Image);
                break;
            default:
                RunFor(session, dryRun: false).AddDeclined(imageId ?? "", input.Image);
                break;
        }
    }

    private enum Decision { Delete, DryRun, Declined }

    private Decision Decide(string target)
    {
        var action = "Remove cloud image"
            + (_options.DeleteSnapshots ? " and its snapshots" : "")
            + (_options.EvenIfInUse ? " even if instances use it" : "");
        bool proceed;
        if (_confirmation.WhatIf)
        {
            Host.ShouldProcess(target, action, out _); // writes PowerShell's "What if:" line
            return Decision.DryRun;
        }
        if (_confirmation.Force && !_confirmation.ConfirmExplicit) proceed = true;
        else
        {
            proceed = Host.ShouldProcess(target, action, out var whatIf);
            if (!proceed && whatIf) return Decision.DryRun;
        }
        if (!proceed) return Decision.Declined;
        return ConfirmExtraDamage(target) ? Decision.Delete : Decision.Declined;
    }

    /// <summary>Deleting snapshots or in-use images is asked about separately, unless -Force.</summary>
    private bool ConfirmExtraDamage(string target)
    {
        if (!_options.DeleteSnapshots && !_options.EvenIfInUse) return true;
        if (_confirmation.Force && !_confirmation.ConfirmExplicit) return true;
        var what = _options.DeleteSnapshots && _options.EvenIfInUse
            ? "its snapshots will be deleted too, and it will be deleted even if instances use it"
            : _options.DeleteSnapshots
                ? "the snapshots it was made from will be deleted too (irreversible)"
                : "it will be deleted even if instances use it (those instances can then not be re-initialised from it)";
        return Host.ShouldContinue($"Image {target}: {what}. Continue?", "Confirm extra deletion", ref _yesToAll, ref _noToAll);
    }
}

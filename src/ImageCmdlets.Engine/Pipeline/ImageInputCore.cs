using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Pipeline;

/// <summary>
/// The shared lifecycle of Test-CloudImageDeletable and Remove-CloudImage: one run per session; the
/// command's record (<see cref="CloudImageRun"/>) of every image; outcomes written as they arrive; a
/// fatal error halts the command with one terminating error; however the command ends, it returns only
/// once nothing it started is still running.
/// </summary>
public abstract class ImageInputCore : CommandCore
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<(IImageSession, bool), ImageRun> _runs = new();
    private readonly Stopwatch _sinceProgress = new();
    private (int Resolved, int Received, int Waiting) _lastProgress = (-1, -1, 0);

    protected ImageInputCore(IPipelineHost host, ConnectionOptions connection, DeleteOptions options, OperationSettings? settings, string commandName)
        : base(host, connection, settings)
    {
        Options = options;
        Record = new CloudImageRun(commandName);
    }

    /// <summary>The delete options the images are removed, or judged, with.</summary>
    protected DeleteOptions Options { get; }

    /// <summary>What became of every image this command received, kept up to date while it runs.</summary>
    public CloudImageRun Record { get; }

    protected abstract string Activity { get; }

    protected abstract ImageRun CreateRun(IImageSession session, bool dryRun);

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

    /// <summary>The tag of the run summary on the information stream.</summary>
    public const string SummaryTag = "ImageCmdlets.RunSummary";

    /// <summary>EndProcessing: finishes every run, writes every remaining outcome, then the run's summary
    /// line to the information stream (never among the output objects).</summary>
    public void Complete() => Guard(() =>
    {
        ThrowIfHalted();
        var all = Task.WhenAll(_runs.Values.Select(r => r.CompleteAsync()).ToArray());
        Queue.DrainUntil(all, Host, WriteProgress);
        ThrowIfHalted();
        Record.End(StopSignal.Stopping.IsCancellationRequested ? CloudImageRunState.Stopped : CloudImageRunState.Completed);
        if (_lastProgress.Received > 0) Host.WriteProgress(new ProgressUpdate(Activity, "Done", 100, completed: true));
        Host.WriteInformation(Record.Summary, SummaryTag);
    });

    protected ImageRun RunFor(IImageSession session, bool dryRun)
    {
        if (!_runs.TryGetValue((session, dryRun), out var run))
        {
            run = CreateRun(session, dryRun);
            _runs[(session, dryRun)] = run;
        }
        return run;
    }

    /// <summary>A switch the provider has no flag for is refused once, before any call.</summary>
    private void RequireSupportedSwitches(ImageProvider provider)
    {
        if (Options.DeleteSnapshots && !provider.Capabilities.SupportsDeleteSnapshots)
            throw new ImageCmdletsConfigurationException("DeleteSnapshotNotSupported",
                $"-DeleteSnapshot is not supported by provider {provider.Name}: its delete call has no such option.", ErrorKind.InvalidArgument);
        if (Options.SoftDelete && (Options.DeleteBackups || Options.DeleteSnapshots || Options.EvenIfInUse))
            throw new ImageCmdletsConfigurationException("SoftDeleteConflict",
                "-SoftDelete cannot be combined with -DeleteBackup, -DeleteSnapshot or -EvenIfInUse: the soft delete takes no options.", ErrorKind.InvalidArgument);
        if (Options.DeleteBackups && !provider.Capabilities.SupportsDeleteBackups)
            throw new ImageCmdletsConfigurationException("DeleteBackupNotSupported",
                $"-DeleteBackup is not supported by provider {provider.Name}: its delete call has no such option.", ErrorKind.InvalidArgument);
        if (Options.SoftDelete && !provider.Capabilities.SupportsSoftDelete)
            throw new ImageCmdletsConfigurationException("SoftDeleteNotSupported",
                $"-SoftDelete is not supported by provider {provider.Name}: its API has no soft delete.", ErrorKind.InvalidArgument);
        if (Options.EvenIfInUse && !provider.Capabilities.SupportsEvenIfInUse)
            throw new ImageCmdletsConfigurationException("EvenIfInUseNotSupported",
                $"-EvenIfInUse is not supported by provider {provider.Name}: its delete call has no such option.", ErrorKind.InvalidArgument);
    }

    protected IImageSession SessionFor(ImageInput input) => Connect(input.TargetProvider, input.TargetRegion, input.Image);

    protected override void EndEarly() => EndRuns(CloudImageRunState.Stopped);

    /// <summary>Stops the runs and waits for them (calls under way get the grace period, then are
    /// cancelled), then closes the record.</summary>
    private void EndRuns(string state, string? haltedBy = null)
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
        return message is null ? null : new CloudApiError(EngineErrors.ImageTargetConflict, ErrorKind.InvalidArgument, message);
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
        ImageRun? halted = null;
        foreach (var run in _runs.Values) if (run.Fatal is not null) { halted = run; break; }
        if (halted is not { Fatal: { } fatal }) return;
        EndRuns(CloudImageRunState.Halted, fatal.Code);
        Queue.DrainAvailable(Host);
        throw new RunHaltedException(fatal, Record, ErrorTarget.Of(halted.Session.Provider.Name, halted.Session.Region));
    }

    private void WriteProgress()
    {
        // Called for every input: the counts are summed in a plain loop (no per-input allocation).
        var progress = (Resolved: 0, Received: 0, Waiting: 0);
        foreach (var run in _runs.Values)
        {
            progress.Resolved += run.Resolved;
            progress.Received += run.Received;
            progress.Waiting += run.Waiting;
        }
        if (progress.Received == 0 || progress == _lastProgress) return;
        // PowerShell redraws the bar on every record: a few updates a second are enough to read.
        if (_sinceProgress.IsRunning && _sinceProgress.Elapsed < ProgressInterval && progress.Resolved < progress.Received) return;
        _lastProgress = progress;
        _sinceProgress.Restart();
        var waiting = progress.Waiting > 0 ? $", {progress.Waiting} waiting for the cloud to finish deleting" : "";
        Host.WriteProgress(new ProgressUpdate(Activity, $"{progress.Resolved} of {progress.Received} images done{waiting}",
            progress.Resolved * 100 / progress.Received));
    }
}

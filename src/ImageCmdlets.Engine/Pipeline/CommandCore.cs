using System;
using System.Collections.Generic;
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
    public string? Provider { get; init; }
    public string? Region { get; init; }
}

/// <summary>
/// What every command core shares: the host, the queue to the pipeline thread, cancellation
/// (StopProcessing) and sessions.
/// </summary>
public abstract class CommandCore
{
    private readonly CancellationTokenSource _stop = new();

    protected CommandCore(IPipelineHost host, ConnectionOptions connection, OperationSettings? settings)
    {
        Host = host;
        Settings = settings ?? OperationSettings.Default;
        Queue = new PipelineQueue();
        Call = new CallContext(_stop.Token, new QueueLog(Queue));
        Connections = new ConnectionCache(connection, Call);
    }

    protected IPipelineHost Host { get; }
    protected OperationSettings Settings { get; }
    protected PipelineQueue Queue { get; }
    protected CallContext Call { get; }
    protected ConnectionCache Connections { get; }
    protected CancellationToken Cancellation => _stop.Token;

    /// <summary>StopProcessing: cancels in-flight calls; the pipeline thread then finishes its accounting.</summary>
    public void Stop() => _stop.Cancel();

    /// <summary>Connects (or reuses a session), writing the verbose lines the connection produced.</summary>
    protected IImageProvider Connect(string? providerName, string? region, CloudImage? piped = null)
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
    protected bool RejectMalformed(ProviderDefinition provider, string? region, string? imageId)
    {
        if (ImageIdCheck.Problem(imageId?.Trim(), provider) is not { } problem) return false;
        Host.WriteError(new ImageError(provider.Name, region ?? "", imageId ?? "", problem));
        return true;
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
        Queue.DrainUntil(ImageListing.RunAsync(session, query, wellFormed, Queue, Settings, Cancellation), Host);
    }
}

/// <summary>The shared shape of Test-CloudImageDeletable and Remove-CloudImage: one run per session.</summary>
public abstract class ImageRunCommand<TRun> : CommandCore where TRun : ImageRun
{
    private readonly Dictionary<(IImageProvider, bool), TRun> _runs = new();
    private int _lastProgressResolved = -1;

    protected ImageRunCommand(IPipelineHost host, ConnectionOptions connection, OperationSettings? settings)
        : base(host, connection, settings) { }

    protected abstract string Activity { get; }

    protected abstract TRun CreateRun(IImageProvider session, bool dryRun);

    /// <summary>Checks what can be checked before any call (endpoint syntax); call from BeginProcessing.</summary>
    public void Begin() => Connections.Validate();

    protected TRun RunFor(IImageProvider session, bool dryRun)
    {
        if (!_runs.TryGetValue((session, dryRun), out var run))
        {
            run = CreateRun(session, dryRun);
            _runs[(session, dryRun)] = run;
        }
        return run;
    }

    /// <summary>
    /// Checks an input before connecting: an unknown provider or a switch it cannot honour stops the
    /// command; an empty or malformed id gets its error at once. True when the input was answered.
    /// </summary>
    protected bool AnsweredBeforeConnecting(ImageInput input)
    {
        var provider = Connections.FindProvider(input.Image?.Provider ?? input.Provider);
        RequireSupportedSwitches(provider);
        return RejectMalformed(provider, input.Image?.Region ?? input.Region, input.Image?.ImageId ?? input.ImageId);
    }

    /// <summary>Refuses switches the provider cannot honour, before any call.</summary>
    protected virtual void RequireSupportedSwitches(ProviderDefinition provider) { }

    protected IImageProvider SessionFor(ImageInput input) =>
        Connect(input.Image?.Provider ?? input.Provider, input.Image?.Region ?? input.Region, input.Image);

    /// <summary>Writes what finished meanwhile; called after each input.</summary>
    protected void WriteAvailable()
    {
        Queue.DrainAvailable(Host);
        WriteProgress();
    }

    /// <summary>EndProcessing: finishes every run and writes every remaining outcome.</summary>
    public void Complete()
    {
        var all = Task.WhenAll(_runs.Values.Select(r => r.CompleteAsync()).ToArray());
        try
        {
            Queue.DrainUntil(all, Host, WriteProgress);
        }
        finally
        {
            if (_lastProgressResolved >= 0) Host.WriteProgress(new ProgressUpdate(Activity, "Done", 100, completed: true));
        }
    }

    private void WriteProgress()
    {
        var received = _runs.Values.Sum(r => r.Received);
        var resolved = _runs.Values.Sum(r => r.Resolved);
        if (received == 0 || resolved == _lastProgressResolved) return;
        _lastProgressResolved = resolved;
        Host.WriteProgress(new ProgressUpdate(Activity, $"{resolved} of {received} images done", resolved * 100 / received));
    }
}

/// <summary>Test-CloudImageDeletable's behaviour.</summary>
public sealed class TestImagesCommand : ImageRunCommand<DeletabilityRun>
{
    private readonly DeleteOptions _options;

    public TestImagesCommand(IPipelineHost host, ConnectionOptions connection, DeleteOptions options, OperationSettings? settings = null)
        : base(host, connection, settings) => _options = options;

    protected override string Activity => "Checking images";

    protected override void RequireSupportedSwitches(ProviderDefinition provider) => RemoveImagesCommand.RequireSupported(provider, _options);

    protected override DeletabilityRun CreateRun(IImageProvider session, bool dryRun) =>
        new(session, _options, Queue, Settings, Cancellation);

    public void Process(ImageInput input)
    {
        if (AnsweredBeforeConnecting(input)) return;
        var session = SessionFor(input);
        RunFor(session, dryRun: true).Add(input.Image?.ImageId ?? input.ImageId, input.Image);
        WriteAvailable();
    }
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
        : base(host, connection, settings)
    {
        _options = options;
        _confirmation = confirmation;
    }

    protected override string Activity => _confirmation.WhatIf ? "Checking images (WhatIf)" : "Removing images";

    protected override void RequireSupportedSwitches(ProviderDefinition provider) => RequireSupported(provider, _options);

    protected override RemovalRun CreateRun(IImageProvider session, bool dryRun) =>
        new(session, dryRun ? _options.AsDryRun() : _options, Queue, Settings, Cancellation);

    /// <summary>A switch the provider has no flag for is refused before any call.</summary>
    public static void RequireSupported(ProviderDefinition provider, DeleteOptions options)
    {
        if (options.DeleteSnapshots && !provider.Capabilities.SupportsDeleteSnapshots)
            throw new ImageCmdletsConfigurationException("DeleteSnapshotNotSupported",
                $"-DeleteSnapshot is not supported by provider {provider.Name}: its delete call has no such option.", ErrorKind.InvalidArgument);
        if (options.EvenIfInUse && !provider.Capabilities.SupportsEvenIfInUse)
            throw new ImageCmdletsConfigurationException("EvenIfInUseNotSupported",
                $"-EvenIfInUse is not supported by provider {provider.Name}: its delete call has no such option.", ErrorKind.InvalidArgument);
    }

    public void Process(ImageInput input)
    {
        if (AnsweredBeforeConnecting(input)) return;
        var session = SessionFor(input);
        var imageId = input.Image?.ImageId ?? input.ImageId;
        var name = input.Image?.Name;
        var target = $"{imageId}{(string.IsNullOrEmpty(name) ? "" : $" ({name})")} in {session.Definition.Name} region {session.Region}";

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
        WriteAvailable();
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

using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>
/// Test-CloudImageDeletable's engine: for each image, the provider's DryRun verdict (where it has one)
/// plus the reasons visible in the image's description, as one typed verdict.
/// </summary>
public sealed class DeletabilityRun : ImageRun
{
    private readonly DeleteOptions _options;
    private readonly ConcurrentDictionary<ImageEntry, ImageDeleteResult> _dryRuns = new();
    private readonly DeleteCallExecutor _executor;
    private readonly List<(ImageEntry Duplicate, ImageEntry First)> _duplicates = new();

    public DeletabilityRun(IImageProvider provider, DeleteOptions options, IOperationSink sink, OperationSettings? settings = null, CancellationToken cancellation = default)
        : base(provider, sink, settings, cancellation)
    {
        _options = options.AsDryRun();
        _executor = new DeleteCallExecutor(Context, _options, (entry, answer) => _dryRuns[entry] = answer);
    }

    private protected override int ChunkSize => Context.Capabilities.MaxIdsPerDescribe;

    private protected override async Task ProcessChunkAsync(IReadOnlyList<ImageEntry> chunk)
    {
        var existing = await KeepExistingAsync(chunk).ConfigureAwait(false);
        var hasDryRun = Context.Capabilities.HasNativeDryRun;
        if (hasDryRun) await _executor.RunAsync(existing).ConfigureAwait(false);

        foreach (var entry in existing)
        {
            var reasons = new List<DeletabilityReason>();
            string? requestId = entry.Image!.RequestId;
            if (hasDryRun)
            {
                _dryRuns.TryRemove(entry, out var dryRun);
                if (dryRun is { Succeeded: false, Error: var error })
                {
                    // Not a verdict when the call itself could not be made or the image vanished meanwhile.
                    if (error!.IsRetryable || error.IsFatal || error.Kind is ErrorKind.NotFound or ErrorKind.InvalidResponse)
                    {
                        Fail(entry, error);
                        continue;
                    }
                    reasons.Add(new DeletabilityReason(error.Code, error.Message, DeletabilityCheck.DryRun, error.Kind));
                }
                requestId = dryRun?.RequestId ?? requestId;
            }
            foreach (var reason in Provider.AssessImage(entry.Image, _options))
                if (!reasons.Any(r => r.Code == reason.Code)) reasons.Add(reason);

            var verdict = new CloudImageDeletability
            {
                Provider = Provider.Definition.Name,
                Region = Provider.Region,
                ImageId = entry.ImageId,
                Name = entry.Image.Name,
                State = entry.Image.State,
                IsDeletable = reasons.Count == 0,
                Reasons = reasons,
                CheckedBy = hasDryRun ? DeletabilityCheck.DryRun : DeletabilityCheck.Describe,
                RequestId = requestId,
            };
            Resolve(entry, () => Context.Sink.Result(verdict));
        }
    }

    /// <summary>A repeated id gets the same verdict (or error) as its first occurrence, without another call.</summary>
    private protected override void ResolveDuplicate(ImageEntry duplicate, ImageEntry first) => _duplicates.Add((duplicate, first));

    private protected override void ResolveDeferred()
    {
        foreach (var (duplicate, first) in _duplicates)
            if (first.WriteOutcome is { } write) Resolve(duplicate, write);
        _duplicates.Clear();
    }

    private protected override string CancelledMessage(ImageEntry entry) =>
        $"Image {entry.ImageId} was not checked: the run was cancelled.";
}

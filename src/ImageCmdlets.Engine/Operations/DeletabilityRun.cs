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

    public DeletabilityRun(IImageSession provider, DeleteOptions options, IOperationSink sink, OperationSettings? settings = null,
        StopSignal? stop = null, CloudImageRun? record = null)
        : base(provider, sink, settings, stop ?? new StopSignal(), record ?? new CloudImageRun("Test-CloudImageDeletable"))
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
        // A fatal error leaves the images without a DryRun answer: no verdict can be given for them.
        if (Context.Fatal is not null) return;

        foreach (var entry in existing)
        {
            var reasons = new List<DeletabilityReason>();
            string? requestId = entry.Image!.RequestId;
            if (hasDryRun)
            {
                // No answer: the run stopped before this image's DryRun; CompleteAsync closes it.
                if (!_dryRuns.TryRemove(entry, out var dryRun)) continue;
                if (dryRun is { Succeeded: false, Error: var error })
                {
                    // Not a verdict when the call itself could not be made or the image vanished meanwhile.
                    if (error!.IsRetryable || error.Kind is ErrorKind.NotFound or ErrorKind.InvalidResponse)
                    {
                        Fail(entry, error);
                        continue;
                    }
                    reasons.Add(new DeletabilityReason(error.Code, error.Message, DeletabilityCheck.DryRun, error.Kind));
                }
                requestId = dryRun.RequestId ?? requestId;
            }
            foreach (var reason in Session.AssessImage(entry.Image, _options))
                if (!reasons.Any(r => r.Code == reason.Code)) reasons.Add(reason);

            var verdict = new CloudImageDeletability
            {
                Provider = Session.Provider.Name,
                Region = Session.Region,
                ImageId = entry.ImageId,
                Name = entry.Image.Name,
                State = entry.Image.State,
                IsDeletable = reasons.Count == 0,
                Reasons = reasons,
                CheckedBy = hasDryRun ? DeletabilityCheck.DryRun : DeletabilityCheck.Describe,
                RequestId = requestId,
            };
            Succeed(entry, verdict, verdict.IsDeletable ? CloudImageRunStatus.Deletable : CloudImageRunStatus.NotDeletable);
        }
    }

    /// <summary>A repeated id gets the same verdict (or error) as its first occurrence, without another call.</summary>
    private protected override void ResolveDuplicate(ImageEntry duplicate, ImageEntry first) => _duplicates.Add((duplicate, first));

    private protected override void ResolveDeferred()
    {
        foreach (var (duplicate, first) in _duplicates)
            if (first.IsResolved) Repeat(duplicate, first);
        _duplicates.Clear();
    }
}

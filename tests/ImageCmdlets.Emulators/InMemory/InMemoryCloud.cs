using ImageCmdlets.Transport;
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Emulators.InMemory;

/// <summary>An image in the fake cloud; <see cref="RejectCode"/> makes deletes of it fail with that code.</summary>
public sealed class InMemoryImage
{
    public InMemoryImage(string id, string? name = null) { Id = id; Name = name ?? id; }
    public string Id { get; }
    public string Name { get; set; }
    public string State { get; set; } = "available";
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow.AddDays(-1);
    public string? RejectCode { get; set; }
    public ErrorKind RejectKind { get; set; } = ErrorKind.InUse;
}

/// <summary>One call the fake received.</summary>
public sealed record InMemoryCall(string Action, string[] Ids, bool DryRun, TimeSpan StartedAt);

/// <summary>
/// A cloud in memory, answering at once: the provider and its one session in one object, for
/// operations-layer tests and the benchmark (which then measures the module's own cost, not a network).
/// Its behaviour is set per test: capabilities, whole-batch or per-image failures, scripted call failures
/// (throttling, resets...), a gate that holds delete calls (cancellation tests), and a count of real
/// deletions per id (nothing twice).
/// </summary>
public sealed class InMemoryCloud : ImageProvider, IImageSession, IDeletionPoller
{
    private readonly ConcurrentDictionary<string, InMemoryImage> _images = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<InMemoryCall> _calls = new();
    private readonly ConcurrentQueue<Func<string[], CloudApiError?>> _scripted = new();
    private readonly ConcurrentDictionary<string, int> _deletions = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _pollsLeft = new(StringComparer.OrdinalIgnoreCase);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _connects;

    public InMemoryCloud(ProviderCapabilities? capabilities = null, string name = "Fake")
    {
        Name = name;
        Capabilities = capabilities ?? new ProviderCapabilities
        {
            MaxIdsPerDelete = 10,
            MaxIdsPerDescribe = 20,
            MaxPageSize = 7,
            HasNativeDryRun = true,
            MaxConcurrentCalls = 3,
            ImageIdPattern = new System.Text.RegularExpressions.Regex("^img-[0-9a-z]+$"),
            ImageIdExample = "img-0001",
            NotFoundErrorCode = "NotFound", // the code its delete call gives, as real providers declare theirs
            SupportsDeleteSnapshots = true,
        };
    }

    public override string Name { get; }
    public override ProviderCapabilities Capabilities { get; }
    public override IReadOnlyList<string> KnownRegions { get; } = new[] { "r1" };
    public override string CredentialHelp => "Fake credentials help.";
    protected override IEnumerable<string> ListProfiles(ImageCmdlets.Credentials.IEnvironmentReader environment) => Array.Empty<string>();
    protected override IImageSession OpenSession(ConnectionRequest request)
    {
        Interlocked.Increment(ref _connects);
        return this;
    }

    /// <summary>How many times a command connected (a connect may itself be a call, e.g. to Keystone).</summary>
    public int Connects => Volatile.Read(ref _connects);

    public ImageProvider Provider => this;
    public string Region => "r1";
    public string Account => "acct";
    /// <summary>Each cloud its own endpoint, so limits learnt by one test never pace another.</summary>
    public string Endpoint { get; } = "memory://" + Guid.NewGuid().ToString("N");

    /// <summary>A multi-id delete fails as a whole when any id in it is bad (Tencent); else per image.</summary>
    public bool WholeBatchFailure { get; set; } = true;
    /// <summary>More ids than this in one delete call → BatchTooLarge.</summary>
    public int? BatchLimit { get; set; }
    /// <summary>When set, delete calls wait for it (or cancellation) before answering.</summary>
    public TaskCompletionSource? DeleteGate { get; set; }
    /// <summary>When set, list calls for pages after the first wait for it (or cancellation) before answering.</summary>
    public TaskCompletionSource? LaterPagesGate { get; set; }
    /// <summary>The first page tells the tokens of every later page (an API that pages by offset and tells the total).</summary>
    public bool PagesByPosition { get; set; }
    /// <summary>A refusal's message names the image (as Tencent's do); false leaves only bisection to find it.</summary>
    public bool RefusalsNameTheImage { get; set; } = true;
    /// <summary>
    /// Set: deletion is asynchronous. An accepted delete leaves the image "deleting" until this many polls
    /// (<see cref="PollDeletionsAsync"/>) have seen it; then it is gone (or, in <see cref="FailingDeletions"/>, "available" again).
    /// </summary>
    public int? DeletionCompletesAfterPolls { get; set; }
    /// <summary>While set, every poll fails with this error.</summary>
    public CloudApiError? PollFailure { get; set; }
    /// <summary>Images whose accepted deletion does not finish.</summary>
    public HashSet<string> FailingDeletions { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Reasons AssessImage gives, per image id.</summary>
    public Dictionary<string, DeletabilityReason> DescribeReasons { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<InMemoryCall> Calls => _calls.ToArray();
    public IReadOnlyList<InMemoryCall> DeleteCalls => _calls.Where(c => c.Action == "Delete").ToArray();
    public IReadOnlyList<InMemoryCall> PollCalls => _calls.Where(c => c.Action == "Poll").ToArray();
    public int DeletionsOf(string id) => _deletions.TryGetValue(id, out var n) ? n : 0;
    public bool Exists(string id) => _images.ContainsKey(id);
    public int ImageCount => _images.Count;

    public InMemoryImage Add(string id, string? name = null)
    {
        var image = new InMemoryImage(id, name);
        _images[id] = image;
        return image;
    }

    public void AddMany(int count, string prefix = "img-") 
    {
        for (var i = 0; i < count; i++) Add($"{prefix}{i:d4}");
    }

    /// <summary>The next call (of any action) fails with this error, without doing anything.</summary>
    public void FailNextCall(CloudApiError error) => _scripted.Enqueue(_ => error);

    /// <summary>The next call is carried out, then its answer is lost (the caller sees a connection error).</summary>
    public void LoseNextAnswer() => _scripted.Enqueue(_ => null);

    public async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        Record("List", Array.Empty<string>(), false);
        if (pageToken is not null && LaterPagesGate is { } gate) await gate.Task.WaitAsync(context.Cancellation);
        ThrowIfScripted(Array.Empty<string>(), out _);
        var offset = pageToken is null ? 0 : int.Parse(pageToken);
        var size = Math.Min(query.PageSize ?? Capabilities.MaxPageSize, Capabilities.MaxPageSize);
        var all = _images.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray();
        var page = all.Skip(offset).Take(size).Select(ToCloudImage).ToArray();
        var next = offset + size < all.Length ? (offset + size).ToString() : null;
        return new ImagePage(page, next, "req-list", all.Length,
            PagesByPosition ? ProviderValues.LaterOffsets(offset, size, page.Length, all.Length) : null);
    }

    public Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        RequireCount(imageIds.Count, Capabilities.MaxIdsPerDescribe);
        Record("Describe", imageIds.ToArray(), false);
        ThrowIfScripted(imageIds.ToArray(), out _);
        IReadOnlyList<CloudImage> found = imageIds.Where(_images.ContainsKey).Select(id => ToCloudImage(_images[id])).ToArray();
        return Task.FromResult(found);
    }

    public async Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        RequireCount(imageIds.Count, Capabilities.MaxIdsPerDelete);
        var ids = imageIds.ToArray();
        Record("Delete", ids, options.DryRun);
        if (DeleteGate is { } gate) await gate.Task.WaitAsync(context.Cancellation);
        ThrowIfScripted(ids, out var loseAnswer);
        if (BatchLimit is int limit && ids.Length > limit)
            throw new CloudApiException(new CloudApiError("LimitExceeded", ErrorKind.BatchTooLarge, $"at most {limit} ids"));

        var problems = ids.Select(id => (id, error: ProblemOf(id))).Where(p => p.error is not null).ToArray();
        if (WholeBatchFailure && problems.Length > 0)
            throw new CloudApiException(problems[0].error!);

        var results = new List<ImageDeleteResult>();
        foreach (var id in ids)
        {
            var problem = ProblemOf(id);
            if (problem is not null) { results.Add(ImageDeleteResult.Failure(id, problem)); continue; }
            if (!options.DryRun && DeletionCompletesAfterPolls is int polls)
            {
                // Asynchronous: the deletion starts (once); the image goes when enough polls have seen it.
                if (_images.TryGetValue(id, out var image) && image.State != "deleting")
                {
                    image.State = "deleting";
                    _pollsLeft[id] = polls;
                    _deletions.AddOrUpdate(id, 1, (_, n) => n + 1);
                }
                results.Add(ImageDeleteResult.Success(id, "req-" + id, completesLater: true));
                continue;
            }
            if (!options.DryRun && _images.TryRemove(id, out _)) _deletions.AddOrUpdate(id, 1, (_, n) => n + 1);
            results.Add(ImageDeleteResult.Success(id, "req-" + id));
        }
        if (loseAnswer)
            throw new CloudApiException(new CloudApiError("ConnectionFailed", ErrorKind.Connection, "connection reset after processing"));
        return results;
    }

    public Task<IReadOnlyList<DeletionProgress>> PollDeletionsAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        RequireCount(imageIds.Count, Capabilities.MaxIdsPerDescribe);
        Record("Poll", imageIds.ToArray(), false);
        ThrowIfScripted(imageIds.ToArray(), out _);
        if (PollFailure is { } failure) throw new CloudApiException(failure);
        var answers = new List<DeletionProgress>();
        foreach (var id in imageIds)
        {
            if (!_images.TryGetValue(id, out var image)) { answers.Add(new DeletionProgress(id, DeletionState.Completed)); continue; }
            if (image.State != "deleting") { answers.Add(new DeletionProgress(id, DeletionState.Failed, image.State)); continue; }
            if (_pollsLeft.AddOrUpdate(id, 0, (_, n) => n - 1) > 0) { answers.Add(new DeletionProgress(id, DeletionState.InProgress, image.State)); continue; }
            if (FailingDeletions.Contains(id))
            {
                image.State = "available";
                answers.Add(new DeletionProgress(id, DeletionState.Failed, image.State));
            }
            else
            {
                _images.TryRemove(id, out _);
                answers.Add(new DeletionProgress(id, DeletionState.Completed));
            }
        }
        return Task.FromResult<IReadOnlyList<DeletionProgress>>(answers);
    }

    public IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options) =>
        DescribeReasons.TryGetValue(image.ImageId, out var reason) ? new[] { reason } : Array.Empty<DeletabilityReason>();

    /// <summary>A call with no ids or more than the capabilities allow is the engine's bug: fail loudly.</summary>
    private static void RequireCount(int count, int max)
    {
        if (count < 1 || count > max) throw new ArgumentOutOfRangeException(nameof(count), count, $"between 1 and {max} ids per call");
    }

    private CloudApiError? ProblemOf(string id)
    {
        if (!_images.TryGetValue(id, out var image))
            return Capabilities.DeleteIgnoresMissingIds ? null : new CloudApiError("NotFound", ErrorKind.NotFound, $"{id} not found");
        return image.RejectCode is { } code ? new CloudApiError(code, image.RejectKind, RefusalsNameTheImage ? $"{id} rejected: {code}" : $"rejected: {code}") : null;
    }

    private void ThrowIfScripted(string[] ids, out bool loseAnswer)
    {
        loseAnswer = false;
        if (!_scripted.TryDequeue(out var script)) return;
        var error = script(ids);
        if (error is null) { loseAnswer = true; return; }
        throw new CloudApiException(error);
    }

    private void Record(string action, string[] ids, bool dryRun) => _calls.Enqueue(new InMemoryCall(action, ids, dryRun, _clock.Elapsed));

    private CloudImage ToCloudImage(InMemoryImage i) => new()
    {
        Provider = Name, Region = Region, ImageId = i.Id, Name = i.Name, State = i.State, CreatedAt = i.CreatedAt,
        Tags = new[] { "env=test" }, RequestId = "req-describe",
    };
}

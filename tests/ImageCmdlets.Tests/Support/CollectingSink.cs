using System.Collections.Generic;
using System.Linq;
using ImageCmdlets.Operations;

namespace ImageCmdlets.Tests.Support;

/// <summary>Records everything an operation writes, thread-safely, for assertions.</summary>
public sealed class CollectingSink : IOperationSink
{
    private readonly object _gate = new();
    private readonly List<object> _results = new();
    private readonly List<ImageError> _errors = new();
    private readonly List<string> _verbose = new();
    private readonly List<string> _debug = new();
    private readonly List<ProgressUpdate> _progress = new();

    public void Result(object result) { lock (_gate) _results.Add(result); }
    public void Error(ImageError error) { lock (_gate) _errors.Add(error); }
    public void Outcome(CloudImageRunEntry entry)
    {
        if (entry.Error is { } error) Error(error);
        else Result(entry.Result!);
        entry.MarkReported();
    }
    public void Verbose(string message) { lock (_gate) _verbose.Add(message); }
    public void Debug(string message) { lock (_gate) _debug.Add(message); }
    public void Progress(ProgressUpdate progress) { lock (_gate) _progress.Add(progress); }

    public IReadOnlyList<object> Results { get { lock (_gate) return _results.ToArray(); } }
    public IReadOnlyList<ImageError> Errors { get { lock (_gate) return _errors.ToArray(); } }
    public IReadOnlyList<string> VerboseLines { get { lock (_gate) return _verbose.ToArray(); } }
    public IReadOnlyList<string> DebugLines { get { lock (_gate) return _debug.ToArray(); } }
    public IReadOnlyList<ProgressUpdate> ProgressUpdates { get { lock (_gate) return _progress.ToArray(); } }

    public IReadOnlyList<T> ResultsOf<T>() => Results.OfType<T>().ToArray();
    public IReadOnlyList<CloudImage> Images => ResultsOf<CloudImage>();
    public IReadOnlyList<CloudImageRemoval> Removals => ResultsOf<CloudImageRemoval>();
    public IReadOnlyList<CloudImageDeletability> Verdicts => ResultsOf<CloudImageDeletability>();

    /// <summary>Outcomes (results and errors) per image id, to check "exactly one outcome per input".</summary>
    public Dictionary<string, int> OutcomeCountsById()
    {
        var counts = new Dictionary<string, int>();
        void Count(string id) => counts[id] = counts.TryGetValue(id, out var n) ? n + 1 : 1;
        foreach (var r in Removals) Count(r.ImageId);
        foreach (var v in Verdicts) Count(v.ImageId);
        foreach (var e in Errors) Count(e.ImageId);
        return counts;
    }

    public int OutcomeCount => Removals.Count + Verdicts.Count + Errors.Count;

    public ImageError ErrorFor(string imageId) => Errors.Single(e => e.ImageId == imageId);
    public CloudImageRemoval RemovalFor(string imageId) => Removals.Single(r => r.ImageId == imageId);

    /// <summary>Every piece of text the run produced, for secret-leak checks.</summary>
    public IEnumerable<string> AllText()
    {
        foreach (var r in Results) yield return Dump.Of(r);
        foreach (var e in Errors) { yield return e.ToString(); yield return e.Error.Message; yield return Dump.Of(e.Image); }
        foreach (var v in VerboseLines) yield return v;
        foreach (var d in DebugLines) yield return d;
        foreach (var p in ProgressUpdates) yield return p.Activity + " " + p.Status;
    }
}

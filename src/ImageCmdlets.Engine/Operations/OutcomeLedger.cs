using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Operations;

/// <summary>One input image of a run, from submission to its single outcome.</summary>
internal sealed class ImageEntry
{
    private int _resolved;

    public ImageEntry(CloudImageRunEntry record) => Record = record;

    /// <summary>The entry as the run's record (<see cref="CloudImageRun"/>) shows it.</summary>
    public CloudImageRunEntry Record { get; }
    public int Sequence => Record.Sequence;
    public string ImageId => Record.ImageId;
    /// <summary>The image as listed or described, once known.</summary>
    public CloudImage? Image
    {
        get => Record.Image;
        set => Record.Image = value;
    }
    /// <summary>Delete calls that carried this image.</summary>
    public int Attempts;
    /// <summary>A delete call carrying the image is under way (left set when cancellation interrupted it).</summary>
    public volatile bool InFlight;
    /// <summary>A call carrying the image failed in a way that may still have deleted it (timeout, reset, 5xx).</summary>
    public volatile bool MayAlreadyBeDeleted;

    public bool IsResolved => Volatile.Read(ref _resolved) != 0;

    internal bool TryMarkResolved() => Interlocked.Exchange(ref _resolved, 1) == 0;
}

/// <summary>
/// Accounts for every image that enters a run: each gets exactly one outcome (a result or an error),
/// recorded in the command's <see cref="CloudImageRun"/> and handed to the sink. A second outcome for
/// the same input is a bug and throws instead of being written.
/// </summary>
internal sealed class OutcomeLedger
{
    private readonly CloudImageRun _record;
    private readonly IImageSession _session;
    private readonly IOperationSink _sink;
    private readonly List<ImageEntry> _entries = new();
    private int _resolved;

    public OutcomeLedger(CloudImageRun record, IImageSession session, IOperationSink sink)
    {
        _record = record;
        _session = session;
        _sink = sink;
    }

    public int Received { get { lock (_entries) return _entries.Count; } }
    public int Resolved => Volatile.Read(ref _resolved);

    public ImageEntry Admit(string imageId, CloudImage? image)
    {
        var entry = new ImageEntry(_record.Admit(imageId, _session, image));
        lock (_entries) _entries.Add(entry);
        return entry;
    }

    public void Succeed(ImageEntry entry, object result, string status, string? message = null)
    {
        MarkResolved(entry);
        entry.Record.Succeed(result, status, message);
        _sink.Outcome(entry.Record);
    }

    public void Fail(ImageEntry entry, ImageError error)
    {
        MarkResolved(entry);
        entry.Record.Fail(error);
        _sink.Outcome(entry.Record);
    }

    /// <summary>Gives a later input the outcome of an earlier one (a repeated id), without another call.</summary>
    public void Repeat(ImageEntry entry, CloudImageRunEntry earlier)
    {
        if (earlier.Result is { } result) Succeed(entry, result, earlier.Status, earlier.Message);
        else if (earlier.Error is { } error) Fail(entry, new ImageError(error.Provider, error.Region, entry.ImageId, error.Error, entry.Image ?? error.Image));
    }

    /// <summary>
    /// Closes an entry the run ended without: recorded, never written (a stopped pipeline takes no
    /// output, and a halted run has its one terminating error).
    /// </summary>
    public void Abandon(ImageEntry entry, string status, string message)
    {
        MarkResolved(entry);
        entry.Record.Abandon(status, message);
    }

    public IReadOnlyList<ImageEntry> Unresolved()
    {
        lock (_entries) return _entries.Where(e => !e.IsResolved).ToArray();
    }

    private void MarkResolved(ImageEntry entry)
    {
        if (!entry.TryMarkResolved())
            throw new InvalidOperationException($"Image {entry.ImageId} (input #{entry.Sequence}) was given a second outcome; this is a bug in ImageCmdlets.");
        Interlocked.Increment(ref _resolved);
    }
}

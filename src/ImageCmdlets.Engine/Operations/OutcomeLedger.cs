using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace ImageCmdlets.Operations;

/// <summary>One input image of a run, from submission to its single outcome.</summary>
internal sealed class ImageEntry
{
    private int _resolved;

    public ImageEntry(int sequence, string imageId, CloudImage? image)
    {
        Sequence = sequence;
        ImageId = imageId;
        Image = image;
    }

    public int Sequence { get; }
    public string ImageId { get; }
    /// <summary>The image as listed or described, once known.</summary>
    public CloudImage? Image { get; set; }
    /// <summary>Delete calls that carried this image.</summary>
    public int Attempts;
    /// <summary>A delete call carrying the image is under way (left set when cancellation interrupted it).</summary>
    public volatile bool InFlight;
    /// <summary>A call carrying the image failed in a way that may still have deleted it (timeout, reset, 5xx).</summary>
    public volatile bool MayAlreadyBeDeleted;
    /// <summary>Writes this entry's outcome again (a repeated id in Test-CloudImageDeletable gets the same verdict).</summary>
    public Action? WriteOutcome;

    public bool IsResolved => Volatile.Read(ref _resolved) != 0;

    internal bool TryMarkResolved() => Interlocked.Exchange(ref _resolved, 1) == 0;
}

/// <summary>
/// Accounts for every image that enters a run: each gets exactly one outcome (a result or an error).
/// A second outcome for the same input is a bug and throws instead of being written.
/// </summary>
internal sealed class OutcomeLedger
{
    private readonly List<ImageEntry> _entries = new();
    private int _resolved;

    public int Received { get { lock (_entries) return _entries.Count; } }
    public int Resolved => Volatile.Read(ref _resolved);

    public ImageEntry Admit(string imageId, CloudImage? image)
    {
        lock (_entries)
        {
            var entry = new ImageEntry(_entries.Count + 1, imageId, image);
            _entries.Add(entry);
            return entry;
        }
    }

    /// <summary>Records the entry's outcome and runs <paramref name="write"/> to emit it, once.</summary>
    public void Resolve(ImageEntry entry, Action write)
    {
        if (!entry.TryMarkResolved())
            throw new InvalidOperationException($"Image {entry.ImageId} (input #{entry.Sequence}) was given a second outcome; this is a bug in ImageCmdlets.");
        Interlocked.Increment(ref _resolved);
        entry.WriteOutcome = write;
        write();
    }

    public IReadOnlyList<ImageEntry> Unresolved()
    {
        lock (_entries) return _entries.Where(e => !e.IsResolved).ToArray();
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets;

/// <summary>Where a run stands, or how it ended (CloudImageRun.State). Plain strings, like every status the
/// module outputs, so ConvertTo-Json writes the word.</summary>
public static class CloudImageRunState
{
    public const string Running = nameof(Running);
    /// <summary>Every image received has its outcome.</summary>
    public const string Completed = nameof(Completed);
    /// <summary>Ended early: Ctrl+C, -ErrorAction Stop, Select-Object -First, or another command's error.</summary>
    public const string Stopped = nameof(Stopped);
    /// <summary>A problem no image could escape (credentials, region) ended it with a terminating error.</summary>
    public const string Halted = nameof(Halted);
}

/// <summary>What happened to one image of a run, as far as it is known (CloudImageRunEntry.Status).</summary>
public static class CloudImageRunStatus
{
    /// <summary>Received; no outcome yet.</summary>
    public const string Pending = nameof(Pending);
    // A finished removal keeps its CloudImageRemoval.Status word.
    public const string Deleted = RemovalStatus.Deleted;
    public const string Deleting = RemovalStatus.Deleting;
    public const string SoftDeleted = RemovalStatus.SoftDeleted;
    public const string WouldDelete = RemovalStatus.WouldDelete;
    public const string Declined = RemovalStatus.Declined;
    public const string Duplicate = RemovalStatus.Duplicate;
    public const string Deletable = nameof(Deletable);
    public const string NotDeletable = nameof(NotDeletable);
    /// <summary>The image has an error outcome (ErrorId says which).</summary>
    public const string Failed = nameof(Failed);
    /// <summary>The run ended before anything was done to the image: no call for it was sent, or every one was refused unread.</summary>
    public const string NotProcessed = nameof(NotProcessed);
    /// <summary>The run ended while a delete call for the image was under way: it may or may not have been deleted.</summary>
    public const string Unknown = nameof(Unknown);
}

/// <summary>
/// The record of one Remove-CloudImage or Test-CloudImageDeletable invocation: every image it received
/// and what became of it. PowerShell accepts no output once a pipeline is stopped, so outcomes learnt
/// after Ctrl+C (and images never reached) can only be found here; the cmdlets keep the latest record
/// in $CloudImageLastRun. Its entries are updated while the run goes on, so it is never stale.
/// </summary>
public sealed class CloudImageRun
{
    private readonly List<CloudImageRunEntry> _entries = new();

    public CloudImageRun(string command)
    {
        Command = command;
        StartedAt = DateTimeOffset.Now;
    }

    public string Command { get; }
    public DateTimeOffset StartedAt { get; }
    public DateTimeOffset? EndedAt { get; private set; }
    public string State { get; private set; } = CloudImageRunState.Running;
    /// <summary>The error code that halted the run, when it was halted.</summary>
    public string? HaltedBy { get; private set; }

    public IReadOnlyList<CloudImageRunEntry> Entries
    {
        get { lock (_entries) return _entries.ToArray(); }
    }

    public int Received
    {
        get { lock (_entries) return _entries.Count; }
    }

    /// <summary>Images whose fate is not known: never processed, or caught in flight. Each is a CloudImage
    /// bound to the session that handled it, so piping them to Test-CloudImageDeletable or
    /// Remove-CloudImage acts on the same account, region and endpoint.</summary>
    public IReadOnlyList<CloudImage> Unfinished =>
        Entries.Where(e => e.Status is CloudImageRunStatus.Pending or CloudImageRunStatus.NotProcessed or CloudImageRunStatus.Unknown)
            .Select(e => e.AsImage()).ToArray();

    /// <summary>Outcomes that were known but never reached the pipeline (the run was stopped first).</summary>
    public IReadOnlyList<CloudImageRunEntry> Unreported =>
        Entries.Where(e => !e.Reported && e.Status is not (CloudImageRunStatus.Pending or CloudImageRunStatus.NotProcessed or CloudImageRunStatus.Unknown)).ToArray();

    internal CloudImageRunEntry Admit(string imageId, IImageSession session, CloudImage? image) =>
        Add(sequence => new CloudImageRunEntry(sequence, imageId, session.Provider.Name, session.Region, session, image));

    /// <summary>An input answered with an error before any session existed for it (a malformed id, say).</summary>
    internal CloudImageRunEntry AdmitFailed(ImageError error)
    {
        var entry = Add(sequence => new CloudImageRunEntry(sequence, error.ImageId, error.Provider, error.Region, null, error.Image));
        entry.Fail(error);
        return entry;
    }

    private CloudImageRunEntry Add(Func<int, CloudImageRunEntry> create)
    {
        lock (_entries)
        {
            var entry = create(_entries.Count + 1);
            _entries.Add(entry);
            return entry;
        }
    }

    /// <summary>Ends the record (the runs have closed every entry by then).</summary>
    internal void End(string state, string? haltedBy = null)
    {
        lock (_entries)
        {
            if (State != CloudImageRunState.Running) return;
            State = state;
            HaltedBy = haltedBy;
            EndedAt = DateTimeOffset.Now;
        }
    }

    /// <summary>
    /// One line: how many images ended how, in the order of <see cref="CloudImageRunStatus"/>, each outcome
    /// that occurred and always the failures ("3 deleted, 1 declined, 0 failed").
    /// </summary>
    public string Summary
    {
        get
        {
            var counts = Entries.GroupBy(e => e.Status).ToDictionary(g => g.Key, g => g.Count());
            var parts = SummaryOrder
                .Where(s => s == CloudImageRunStatus.Failed || counts.ContainsKey(s))
                .Select(s => string.Format(CultureInfo.InvariantCulture, "{0} {1}", counts.TryGetValue(s, out var n) ? n : 0, Words(s)));
            return string.Join(", ", parts);
        }
    }

    private static readonly string[] SummaryOrder =
    {
        CloudImageRunStatus.Deleted, CloudImageRunStatus.Deleting, CloudImageRunStatus.SoftDeleted, CloudImageRunStatus.WouldDelete, CloudImageRunStatus.Deletable,
        CloudImageRunStatus.NotDeletable, CloudImageRunStatus.Declined, CloudImageRunStatus.Duplicate, CloudImageRunStatus.Failed,
        CloudImageRunStatus.NotProcessed, CloudImageRunStatus.Unknown, CloudImageRunStatus.Pending,
    };

    /// <summary>"WouldDelete" → "would delete".</summary>
    private static string Words(string status) =>
        string.Concat(status.Select((c, i) => char.IsUpper(c) ? (i > 0 ? " " : "") + char.ToLowerInvariant(c) : c.ToString()));

    public override string ToString()
    {
        var entries = Entries;
        var unfinished = entries.Count(e => e.Status is CloudImageRunStatus.Pending or CloudImageRunStatus.NotProcessed or CloudImageRunStatus.Unknown);
        return string.Format(CultureInfo.InvariantCulture, "{0}: {1}, {2} received, {3} unfinished", Command, State, entries.Count, unfinished);
    }
}

/// <summary>One image of a <see cref="CloudImageRun"/>.</summary>
public sealed class CloudImageRunEntry
{
    private readonly IImageSession? _session;
    private volatile bool _reported;
    private string? _name;

    internal CloudImageRunEntry(int sequence, string imageId, string provider, string region, IImageSession? session, CloudImage? image)
    {
        Sequence = sequence;
        ImageId = imageId;
        Provider = provider;
        Region = region;
        _session = session;
        Image = image;
    }

    /// <summary>Position in the run's input, from 1.</summary>
    public int Sequence { get; }
    public string ImageId { get; }
    public string Provider { get; }
    public string Region { get; }
    public string? Name => Image?.Name ?? _name;
    public string Status { get; private set; } = CloudImageRunStatus.Pending;
    /// <summary>The error id, when the outcome is an error.</summary>
    public string? ErrorId => Error?.Error.Code;
    public string? Message { get; private set; }
    /// <summary>The result object (CloudImageRemoval or CloudImageDeletability), when the outcome is one.</summary>
    public object? Result { get; private set; }
    /// <summary>The outcome reached the pipeline.</summary>
    public bool Reported => _reported;

    /// <summary>The image as listed or described, when known.</summary>
    internal CloudImage? Image { get; set; }
    internal ImageError? Error { get; private set; }

    internal void Succeed(object result, string status, string? message)
    {
        Result = result;
        Message = message;
        Status = status;
        ForgetDescription();
    }

    internal void Fail(ImageError error)
    {
        Error = error;
        Message = error.Error.Message;
        Status = CloudImageRunStatus.Failed;
        ForgetDescription();
    }

    /// <summary>
    /// A finished entry keeps the image's name but not its whole description (tags, properties, ...), which
    /// only handling the image needed: the record lives for the PowerShell session ($CloudImageLastRun), and
    /// for 100,000 images the descriptions were most of its size.
    /// </summary>
    private void ForgetDescription()
    {
        _name = Image?.Name ?? _name;
        Image = null;
    }

    /// <summary>The run ended without an outcome for this image.</summary>
    internal void Abandon(string status, string message)
    {
        Status = status;
        Message = message;
    }

    internal void MarkReported() => _reported = true;

    /// <summary>The image, bound to the session that handled it (a CloudImage made from the id when it was
    /// never described). Only entries with a session are ever unfinished.</summary>
    internal CloudImage AsImage() => Image is { Connection: not null } image
        ? image
        : new CloudImage { Provider = Provider, Region = Region, ImageId = ImageId, Name = Image?.Name, Connection = _session };

    public override string ToString() => $"{ImageId}: {Status}";
}

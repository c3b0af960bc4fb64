using System;

namespace ImageCmdlets.Operations;

/// <summary>
/// Where operations put what they produce. Implementations must be thread-safe: batches finish on
/// thread-pool threads. The cmdlet layer's implementation queues everything for the pipeline thread,
/// the only thread allowed to write to PowerShell's streams.
/// </summary>
public interface IOperationSink
{
    /// <summary>A CloudImage (listing).</summary>
    void Result(object result);
    /// <summary>A listing error for one image id.</summary>
    void Error(ImageError error);
    /// <summary>An image of a run got its outcome: <see cref="CloudImageRunEntry.Result"/> (a
    /// CloudImageDeletability or CloudImageRemoval) or an error. Call <c>MarkReported</c> once written.</summary>
    void Outcome(CloudImageRunEntry entry);
    void Verbose(string message);
    void Debug(string message);
    void Progress(ProgressUpdate progress);
}

/// <summary>A per-image failure: becomes a non-terminating error record.</summary>
public sealed class ImageError
{
    public ImageError(string provider, string region, string imageId, CloudApiError error, CloudImage? image = null)
    {
        Provider = provider;
        Region = region;
        ImageId = imageId;
        Error = error;
        Image = image;
    }

    public string Provider { get; }
    public string Region { get; }
    public string ImageId { get; }
    public CloudApiError Error { get; }
    /// <summary>The image as listed, when known (becomes the error record's TargetObject).</summary>
    public CloudImage? Image { get; }

    public override string ToString() => $"{Provider} {Region} {ImageId}: {Error}";
}

public sealed class ProgressUpdate
{
    public ProgressUpdate(string activity, string status, int percentComplete, bool completed = false)
    {
        Activity = activity;
        Status = status;
        PercentComplete = percentComplete;
        Completed = completed;
    }

    public string Activity { get; }
    public string Status { get; }
    /// <summary>0–100, or -1 when the total is unknown.</summary>
    public int PercentComplete { get; }
    public bool Completed { get; }
}

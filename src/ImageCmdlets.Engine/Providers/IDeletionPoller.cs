using System.Collections.Generic;
using System.Threading.Tasks;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers;

/// <summary>
/// What a session of a provider whose deletions finish asynchronously
/// (<see cref="ProviderCapabilities.DeleteCompletesAsynchronously"/>) offers besides
/// <see cref="IImageSession"/>: where each accepted deletion stands. The operations layer polls it for
/// Remove-CloudImage -Wait; like every session method it sends at most one API call.
/// </summary>
public interface IDeletionPoller
{
    /// <summary>
    /// One answer per id (at most <see cref="ProviderCapabilities.MaxIdsPerDescribe"/>): gone, still being
    /// deleted, or no longer being deleted although not gone (the deletion failed).
    /// </summary>
    Task<IReadOnlyList<DeletionProgress>> PollDeletionsAsync(IReadOnlyList<string> imageIds, CallContext context);
}

public enum DeletionState
{
    /// <summary>Still being deleted.</summary>
    InProgress,
    /// <summary>The image is gone.</summary>
    Completed,
    /// <summary>The image left its deleting state without going away: it was not deleted.</summary>
    Failed,
}

/// <summary>Where the deletion of one image stands.</summary>
public sealed class DeletionProgress
{
    public DeletionProgress(string imageId, DeletionState state, string? imageState = null, string? requestId = null)
    {
        ImageId = imageId;
        State = state;
        ImageState = imageState;
        RequestId = requestId;
    }

    public string ImageId { get; }
    public DeletionState State { get; }
    /// <summary>The provider's own state word for the image, when it still exists.</summary>
    public string? ImageState { get; }
    /// <summary>Request id of the call that told.</summary>
    public string? RequestId { get; }

    public override string ToString() => $"{ImageId}: {State}{(ImageState is null ? "" : " (" + ImageState + ")")}";
}

using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers;

/// <summary>
/// One connected session of a provider: an account, a region and an endpoint (the <see cref="ImageProvider"/>
/// is the kind of cloud; this is one connection to it). Instances are thread-safe; the operations
/// layer calls them concurrently. Every method sends at most one API call (retries, batching and
/// pacing are the operations layer's job) and reports it to <see cref="CallContext.Log"/>.
/// </summary>
public interface IImageSession
{
    ImageProvider Provider { get; }
    string Region { get; }
    /// <summary>Account, project or key id this session acts as (no secret), for display and grouping.</summary>
    string Account { get; }
    /// <summary>Where the calls go (scheme, host and port only), for grouping and display.</summary>
    string Endpoint { get; }

    /// <summary>One page of images. <paramref name="pageToken"/> is null for the first page.</summary>
    Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context);

    /// <summary>
    /// Describes the given ids (at most <see cref="ProviderCapabilities.MaxIdsPerDescribe"/>).
    /// Ids that do not exist are simply absent from the result.
    /// </summary>
    Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context);

    /// <summary>
    /// Deletes (or with <see cref="DeleteOptions.DryRun"/>, validates deleting) the given ids, at most
    /// <see cref="ProviderCapabilities.MaxIdsPerDelete"/>. Returns one result per id when the provider
    /// answers per image; throws <see cref="CloudApiException"/> when the call as a whole failed. Options
    /// the capabilities do not support never arrive here: the command refuses them before any call.
    /// </summary>
    Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context);

    /// <summary>
    /// Describe-based reasons why deleting the image (with these options) would fail, using the code a
    /// real delete would return. Empty when nothing visible stands in the way.
    /// </summary>
    IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options);
}

/// <summary>What to list. The provider applies what it can server-side; the operations layer
/// applies every filter again client-side, so a provider may ignore any of them.</summary>
public sealed class ImageQuery
{
    public IReadOnlyList<string> NamePatterns { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> States { get; init; } = Array.Empty<string>();
    public DateTimeOffset? CreatedBefore { get; init; }
    public DateTimeOffset? CreatedAfter { get; init; }
    /// <summary>Tag filters as key or key=value.</summary>
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Page size to ask for; null = the provider's maximum.</summary>
    public int? PageSize { get; init; }
    /// <summary>Include images that are not the caller's own custom images (public, shared to us...).</summary>
    public bool IncludeNonCustom { get; init; }
}

public sealed class ImagePage
{
    public ImagePage(IReadOnlyList<CloudImage> images, string? nextPageToken, string? requestId = null, long? totalCount = null,
        IReadOnlyList<string>? laterPageTokens = null)
    {
        Images = images;
        NextPageToken = nextPageToken;
        RequestId = requestId;
        TotalCount = totalCount;
        LaterPageTokens = laterPageTokens;
    }

    public IReadOnlyList<CloudImage> Images { get; }
    /// <summary>Null when this was the last page.</summary>
    public string? NextPageToken { get; }
    public string? RequestId { get; }
    public long? TotalCount { get; }
    /// <summary>
    /// On a first page, where the API pages by position (offset or page number) and told the total: the
    /// token of every later page in order, so that they can be asked for at once rather than one after
    /// another. Null where each page's token comes only with the page before it.
    /// </summary>
    public IReadOnlyList<string>? LaterPageTokens { get; }
}

public sealed class DeleteOptions
{
    public static readonly DeleteOptions Default = new();

    /// <summary>Validate only (the provider's DryRun); nothing is deleted.</summary>
    public bool DryRun { get; init; }
    /// <summary>Also delete the snapshots behind the image (Tencent DeleteBindedSnap). Always sent explicitly.</summary>
    public bool DeleteSnapshots { get; init; }
    /// <summary>Delete even when instances use the image (Alibaba's Force).</summary>
    public bool EvenIfInUse { get; init; }

    public DeleteOptions AsDryRun() => new() { DryRun = true, DeleteSnapshots = DeleteSnapshots, EvenIfInUse = EvenIfInUse };
}

/// <summary>The answer for one id of a delete call.</summary>
public sealed class ImageDeleteResult
{
    private ImageDeleteResult(string imageId, CloudApiError? error, string? requestId, bool completesLater)
    {
        ImageId = imageId;
        Error = error;
        RequestId = requestId;
        CompletesLater = completesLater;
    }

    public static ImageDeleteResult Success(string imageId, string? requestId, bool completesLater = false) =>
        new(imageId, null, requestId, completesLater);

    public static ImageDeleteResult Failure(string imageId, CloudApiError error) => new(imageId, error, error.RequestId, false);

    public string ImageId { get; }
    public CloudApiError? Error { get; }
    public bool Succeeded => Error is null;
    public string? RequestId { get; }
    /// <summary>Accepted; the cloud finishes the deletion asynchronously.</summary>
    public bool CompletesLater { get; }
}

using System;
using System.Collections.Generic;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Glance;

namespace ImageCmdlets.Providers.Huawei;

/// <summary>
/// IMS ImageInfo records (Glance's fields plus IMS's own, such as __imagetype) as CloudImage, and what in them
/// stands in the way of a delete. IMS has no DryRun and publishes no rule beyond "only your own private images,
/// not protected ones", so the verdict follows the record, in the order a delete decides.
/// </summary>
internal static class HuaweiImages
{
    public const string Private = "private";
    public const string Deleted = "deleted";

    /// <summary>Every status IMS documents, for checking -State before any call.</summary>
    public static readonly IReadOnlyList<string> Statuses = new[] { "queued", "saving", "active", "killed", Deleted };

    /// <summary>Still being made: IMS documents no rule, and a delete now would race the upload.</summary>
    private static readonly HashSet<string> BusyStatuses = new(StringComparer.OrdinalIgnoreCase) { "queued", "saving" };

    /// <summary>__imagetype values that are somebody else's image: gold (public), shared (to this project), market.</summary>
    private static readonly HashSet<string> NotOwnTypes = new(StringComparer.OrdinalIgnoreCase) { "gold", "shared", "market" };

    public static CloudImage ToCloudImage(JsonValue image, IImageSession session, string? requestId) =>
        // IMS gives the size as __image_size (bytes, as text); Glance's size where the record has one.
        GlanceImages.ToCloudImage(image, session, requestId, TagText, "__imagetype", "size", "__image_size");

    /// <summary>IMS writes a tag as "key.value" (its tag filter takes the same form); the module's form is "key=value".</summary>
    private static string TagText(string tag)
    {
        var dot = tag.IndexOf('.');
        return dot <= 0 ? tag : tag.Substring(0, dot) + "=" + tag.Substring(dot + 1);
    }

    /// <summary>A soft-deleted record (v1.1 delete) is gone as far as looking images up goes.</summary>
    public static bool IsSoftDeleted(CloudImage image) => string.Equals(image.State, Deleted, StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<DeletabilityReason> Assess(CloudImage image, string? projectId)
    {
        var reasons = new List<DeletabilityReason>();
        var otherOwner = projectId is not null && image.Owner is { } owner && !string.Equals(owner, projectId, StringComparison.OrdinalIgnoreCase);
        if (otherOwner || (image.ImageType is { } type && NotOwnTypes.Contains(type)))
            reasons.Add(new DeletabilityReason(GlanceErrors.NotOwner,
                $"Image {image.ImageId} is not this project's private image ({image.ImageType ?? "?"}, owner {image.Owner ?? "?"}); IMS deletes only your own private images.",
                DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        if (image.IsProtected == true)
            reasons.Add(new DeletabilityReason(GlanceErrors.Protected,
                $"Image {image.ImageId} is protected; IMS refuses to delete it until it is unprotected.", DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        if (image.State is { } state && (BusyStatuses.Contains(state) || IsSoftDeleted(image)))
            reasons.Add(new DeletabilityReason(GlanceErrors.InvalidState,
                IsSoftDeleted(image) ? $"Image {image.ImageId} is already deleted (a soft-deleted record)." : $"Image {image.ImageId} is still being made ({state}).",
                DeletabilityCheck.Describe, ErrorKind.InvalidState));
        return reasons;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Tencent;

/// <summary>DescribeImages ImageSet entries → <see cref="CloudImage"/>, and what a describe says about deleting one.</summary>
internal static class TencentImages
{
    public const string PrivateImage = "PRIVATE_IMAGE";
    public const string SharedImage = "SHARED_IMAGE";

    /// <summary>States in which DeleteImages refuses (the English page says "USING" where the Chinese one
    /// lists SYNCING and IMPORTING; all are checked).</summary>
    private static readonly HashSet<string> BusyStates = new(StringComparer.Ordinal) { "CREATING", "SYNCING", "IMPORTING", "USING" };

    public static CloudImage ToCloudImage(JsonValue item, string region, string? requestId, IImageSession connection)
    {
        var type = item.GetString("ImageType");
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "Architecture", "Platform", "ImageSource", "SyncPercent", "IsSupportCloudinit", "LicenseType", "ImageFamily", "ImageDeprecated", "CdcCacheStatus" })
            if (item[name]?.AsScalarText() is { } text) properties[name] = text;
        var snapshots = item.GetArray("SnapshotSet").Select(s => s.GetString("SnapshotId")).Where(s => !string.IsNullOrEmpty(s)).ToList();
        if (snapshots.Count > 0) properties["SnapshotIds"] = string.Join(",", snapshots);

        var sizeGiB = item.GetInt64("ImageSize");
        return new CloudImage
        {
            Provider = TencentProvider.ProviderName,
            Region = region,
            ImageId = item.GetString("ImageId") ?? "",
            Name = item.GetString("ImageName"),
            State = item.GetString("ImageState"),
            ImageType = type,
            CreatedAt = ProviderValues.ParseTime(item.GetString("CreatedTime")),
            SizeBytes = ProviderValues.BytesOfGiB(sizeGiB),
            OsName = item.GetString("OsName"),
            Owner = item.GetString("ImageCreator"),
            // Only "shared to me" is visible in a describe; sharing to others shows as InShared on delete.
            IsShared = type == SharedImage ? true : null,
            Description = item.GetString("ImageDescription"),
            Tags = item.GetArray("Tags").Select(TagText).Where(t => t.Length > 0).ToList(),
            Properties = properties,
            RequestId = requestId,
            Connection = connection,
        };
    }

    /// <summary>The codes a real DeleteImages would return for what the describe shows.</summary>
    public static IReadOnlyList<DeletabilityReason> Assess(CloudImage image)
    {
        var reasons = new List<DeletabilityReason>();
        if (image.ImageType == SharedImage)
            reasons.Add(new DeletabilityReason("InvalidParameterValue.InvalidImageIdIsShared",
                "The image is shared to this account by another one; only its owner can delete it.",
                DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        else if (image.ImageType is not null && image.ImageType != PrivateImage)
            reasons.Add(new DeletabilityReason("UnauthorizedOperation.ImageNotBelongToAccount",
                $"The image is a {image.ImageType}, not a custom image of this account.",
                DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        if (image.State is { } state && BusyStates.Contains(state))
            reasons.Add(new DeletabilityReason("InvalidImageId.IncorrectState",
                $"The image is {state}; it can be deleted once that finishes.",
                DeletabilityCheck.Describe, ErrorKind.InvalidState));
        return reasons;
    }

    private static string TagText(JsonValue tag)
    {
        var key = tag.GetString("Key") ?? "";
        var value = tag.GetString("Value");
        return string.IsNullOrEmpty(value) ? key : key + "=" + value;
    }
}

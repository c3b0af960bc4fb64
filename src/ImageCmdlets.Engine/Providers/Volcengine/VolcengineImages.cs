using System;
using System.Collections.Generic;
using System.Linq;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Volcengine;

/// <summary>DescribeImages' Images[] entries → <see cref="CloudImage"/>, and what a describe says about deleting one.</summary>
internal static class VolcengineImages
{
    /// <summary>Visibility of the account's own custom images (the others are "public" and "shared", shared to it).</summary>
    public const string Private = "private";

    /// <summary>The documented image statuses (DescribeImages' Status.N takes them).</summary>
    public static readonly IReadOnlyList<string> Statuses = new[] { "available", "creating", "error" };

    /// <summary>
    /// Statuses DeleteImages does not refuse: "available" and "error" have no documented block, so a failed
    /// image can be cleaned up. "creating" is refused with InvalidImageStatus, and so is any status this
    /// module does not know (the documented set may be incomplete): "not now" is the safe verdict.
    /// </summary>
    private static readonly HashSet<string> DeletableStatuses = new(StringComparer.OrdinalIgnoreCase) { "available", "error" };

    /// <summary>Image fields kept as Properties, for display.</summary>
    private static readonly string[] PropertyFields =
    {
        "ShareStatus", "OsType", "Platform", "PlatformVersion", "Architecture", "BootMode", "Kernel", "ProjectName",
        "VirtualSize", "UpdatedAt", "LicenseType", "ProductCode", "IsLTS", "IsSupportCloudInit",
    };

    public static CloudImage ToCloudImage(JsonValue item, string region, string? requestId, IImageSession connection)
    {
        var properties = new Dictionary<string, string>(PropertyFields.Length + 1, StringComparer.Ordinal);
        foreach (var field in PropertyFields)
            if (item[field]?.AsScalarText() is { Length: > 0 } text) properties[field] = text;
        var snapshots = item.GetArray("Snapshots").Select(s => s.GetString("SnapshotId")).Where(s => !string.IsNullOrEmpty(s)).ToList();
        if (snapshots.Count > 0) properties["SnapshotIds"] = string.Join(",", snapshots);

        var visibility = item.GetString("Visibility");
        return new CloudImage
        {
            Provider = VolcengineProvider.ProviderName,
            Region = region,
            ImageId = item.GetString("ImageId") ?? "",
            Name = item.GetString("ImageName"),
            State = item.GetString("Status"),
            ImageType = visibility,
            CreatedAt = ProviderValues.ParseTime(item.GetString("CreatedAt")),
            SizeBytes = ProviderValues.BytesOfGiB(item.GetInt64("Size")),
            OsName = item.GetString("OsName"),
            Owner = item.GetString("ImageOwnerId"),
            IsShared = string.Equals(visibility, "shared", StringComparison.OrdinalIgnoreCase) ? true : SharedToOthers(item.GetString("ShareStatus")),
            Description = item.GetString("Description"),
            Tags = item.GetArray("Tags").Select(TagText).Where(t => t.Length > 0).ToList(),
            Properties = properties,
            RequestId = requestId,
            Connection = connection,
        };
    }

    /// <summary>
    /// Whether a ShareStatus says the image is shared with other accounts. The value set is not documented:
    /// the spellings of "shared" and "not shared" below are read; anything else is unknown (null), and the
    /// delete itself then answers InvalidImage.Shared if it is shared.
    /// </summary>
    public static bool? SharedToOthers(string? shareStatus)
    {
        var word = new string((shareStatus ?? "").Where(char.IsLetter).ToArray()).ToLowerInvariant();
        return word switch
        {
            "" or "unshared" or "notshared" or "none" or "private" => false,
            "shared" or "sharing" => true,
            _ => null,
        };
    }

    /// <summary>
    /// The codes a real DeleteImages would answer for what the describe shows: not the account's own custom
    /// image, shared with other accounts, or in a status that blocks deletion. Copies and exports in progress
    /// do not show in DescribeImages; the delete answers those (OperationDenied.*).
    /// </summary>
    public static IReadOnlyList<DeletabilityReason> Assess(CloudImage image)
    {
        var reasons = new List<DeletabilityReason>();
        void Add(string code, ErrorKind kind, string message) =>
            reasons.Add(new DeletabilityReason(code, message, DeletabilityCheck.Describe, kind));

        if (image.ImageType is { } visibility && !string.Equals(visibility, Private, StringComparison.OrdinalIgnoreCase))
            // DeleteImages works on the account's own custom images; any other id is one it cannot find.
            Add(VolcengineProvider.NotFoundCode, ErrorKind.NotFound,
                $"Image {image.ImageId} is a {visibility} image, not one of this account's custom images; DeleteImages cannot delete it.");
        else if (image.IsShared == true)
            Add("InvalidImage.Shared", ErrorKind.InUse,
                $"Image {image.ImageId} is shared with other accounts; stop sharing it first.");
        if (image.State is { } status && !DeletableStatuses.Contains(status))
            Add("InvalidImageStatus", ErrorKind.InvalidState,
                $"Image {image.ImageId} is {status}; it can be deleted once it is available (or has failed).");
        return reasons;
    }

    /// <summary>The Status.N values for a query: the asked states the API knows (its spelling); none when any is unknown.</summary>
    public static IReadOnlyList<string> StatusFilter(IReadOnlyList<string> wanted)
    {
        var known = new List<string>();
        foreach (var state in wanted)
        {
            // A state the API does not know cannot be asked for: leave all states to the client-side filter.
            if (Statuses.FirstOrDefault(s => string.Equals(s, state?.Trim(), StringComparison.OrdinalIgnoreCase)) is not { } status)
                return Array.Empty<string>();
            if (!known.Contains(status)) known.Add(status);
        }
        return known;
    }

    private static string TagText(JsonValue tag)
    {
        var key = tag.GetString("Key") ?? "";
        var value = tag.GetString("Value");
        return string.IsNullOrEmpty(value) ? key : key + "=" + value;
    }
}

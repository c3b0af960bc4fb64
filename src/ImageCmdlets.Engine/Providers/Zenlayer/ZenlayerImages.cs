using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Zenlayer;

/// <summary>
/// DescribeImages' Image and DescribeCustomImages' CustomImage records as <see cref="CloudImage"/>, and what
/// in them stands in the way of DeleteImages. Zenlayer publishes no rule for which states block a
/// deletion and gives no reason for a refused id, so the reasons here are the ones the record shows.
/// </summary>
internal static class ZenlayerImages
{
    public const string CustomImage = "CUSTOM_IMAGE";
    public const string Deleting = "DELETING";

    /// <summary>Every imageStatus Zenlayer documents, for the server-side status filter.</summary>
    public static readonly IReadOnlyList<string> Statuses = new[] { "AVAILABLE", "CREATING", "SYNCING", "PROCESSING", "FAILED", "UNAVAILABLE", Deleting };

    /// <summary>States in which an image is still being made or copied: a delete is expected to fail until they end.</summary>
    private static readonly HashSet<string> BusyStates = new(StringComparer.OrdinalIgnoreCase) { "CREATING", "SYNCING", "PROCESSING" };

    /// <summary>Record fields kept as Properties, for display and export.</summary>
    private static readonly string[] PropertyFields =
        { "imageSource", "imageVersion", "category", "osType", "minDiskSize", "resourceGroupId", "resourceGroupName" };

    public static CloudImage ToCloudImage(JsonValue image, string region, string? requestId, IImageSession connection)
    {
        var properties = new Dictionary<string, string>(PropertyFields.Length + 2, StringComparer.Ordinal);
        foreach (var field in PropertyFields)
            if (image[field]?.AsScalarText() is { Length: > 0 } text) properties[field] = text;
        foreach (var (field, name) in new[] { ("regionIdList", "regionIds"), ("nicNetworkType", "nicNetworkType") })
            if (Texts(image.GetArray(field)) is { Length: > 0 } list) properties[name] = list;

        return new CloudImage
        {
            Provider = ZenlayerProvider.ProviderName,
            Region = region,
            ImageId = image.GetString("imageId") ?? "",
            Name = image.GetString("imageName"),
            State = image.GetString("imageStatus"),
            ImageType = image.GetString("imageType"),
            // Zenlayer keeps no creation time: -CreatedBefore and -CreatedAfter match no Zenlayer image.
            CreatedAt = null,
            SizeBytes = ProviderValues.BytesOfGiB(SizeGiB(image["imageSize"])),
            OsName = Texts(new[] { image["category"], image["imageVersion"] }, " ") is { Length: > 0 } os ? os : image.GetString("osType"),
            Description = image.GetString("imageDescription"),
            // {"tags":{"tags":[{"key","value"}]}}: a Tags object around the list.
            Tags = image["tags"]?.GetArray("tags")
                .Select(t => (Key: t.GetString("key"), Value: t.GetString("value")))
                .Where(t => !string.IsNullOrEmpty(t.Key))
                .Select(t => string.IsNullOrEmpty(t.Value) ? t.Key! : t.Key + "=" + t.Value)
                .ToArray() ?? Array.Empty<string>(),
            Properties = properties,
            RequestId = requestId,
            Connection = connection,
        };
    }

    /// <summary>An image whose deletion the cloud has accepted and not finished.</summary>
    public static bool IsBeingDeleted(CloudImage image) => string.Equals(image.State, Deleting, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What the record shows that DeleteImages would refuse, with the code the module reports for it:
    /// not one of this account's custom images (only CUSTOM_IMAGE can be deleted), or still being made.
    /// An image already being deleted has no reason against it: deleting it again is what is under way.
    /// </summary>
    public static IReadOnlyList<DeletabilityReason> Assess(CloudImage image)
    {
        var reasons = new List<DeletabilityReason>();
        if (image.ImageType is { } type && !string.Equals(type, CustomImage, StringComparison.OrdinalIgnoreCase))
            reasons.Add(new DeletabilityReason(ZenlayerErrors.ImageNotCustom,
                $"Image {image.ImageId} is a {type}; only this account's custom images (CUSTOM_IMAGE) can be deleted.",
                DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        if (image.State is { } state && BusyStates.Contains(state))
            reasons.Add(new DeletabilityReason(ZenlayerErrors.InvalidImageStatus,
                $"Image {image.ImageId} is {state}; it can be deleted once that has finished.",
                DeletabilityCheck.Describe, ErrorKind.InvalidState));
        return reasons;
    }

    /// <summary>The status filter to send: the one asked state Zenlayer knows (canonical spelling), else none.</summary>
    public static string? StatusFilter(IReadOnlyList<string> wanted) =>
        wanted.Count == 1 ? Statuses.FirstOrDefault(s => string.Equals(s, wanted[0]?.Trim(), StringComparison.OrdinalIgnoreCase)) : null;

    /// <summary>imageSize is documented in GiB, as a string ("20") or a number.</summary>
    private static long? SizeGiB(JsonValue? size) =>
        size?.AsString() is { } text && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var gib) && gib >= 0
            ? (long)Math.Ceiling(gib)
            : null;

    private static string Texts(IEnumerable<JsonValue?> values, string separator = ",") =>
        string.Join(separator, values.Select(v => v?.AsScalarText()).Where(t => !string.IsNullOrEmpty(t)));
}

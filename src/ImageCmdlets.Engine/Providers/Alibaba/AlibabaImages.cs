using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Alibaba;

/// <summary>DescribeImages' image records as CloudImage, and what in them stands in the way of DeleteImage.</summary>
internal static class AlibabaImages
{
    /// <summary>
    /// Every documented DescribeImages Status. The API returns only Available images unless asked, so a
    /// listing that must see images being created or failed asks for all of them.
    /// </summary>
    public static readonly IReadOnlyList<string> Statuses = new[] { "Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated" };

    public const string OwnAlias = "self";

    /// <summary>Image fields kept as Properties, for display and for <see cref="Assess"/>.</summary>
    private static readonly string[] PropertyFields =
    {
        "Usage", "IsSelfShared", "IsPublic", "IsCopied", "Progress", "OSType", "Platform", "Architecture", "ImageFamily",
        "ImageVersion", "BootMode", "ResourceGroupId", "ProductCode", "ImageOwnerId", "LicenseType",
    };

    /// <summary>The Status parameter for a query: the asked states that the API knows (canonical spelling), else all.</summary>
    public static string StatusFilter(IReadOnlyList<string> wanted)
    {
        var known = Statuses.Where(s => wanted.Any(w => string.Equals(w?.Trim(), s, StringComparison.OrdinalIgnoreCase))).ToArray();
        // A state the API does not know cannot be asked for; ask for all and let the client-side filter decide.
        return string.Join(",", known.Length > 0 ? known : Statuses);
    }

    public static CloudImage ToCloudImage(JsonValue image, string region, string? requestId, IImageSession connection)
    {
        var properties = new Dictionary<string, string>(PropertyFields.Length, StringComparer.Ordinal);
        foreach (var field in PropertyFields)
            if (image[field]?.AsScalarText() is { } text) properties[field] = text;

        var usage = image.GetString("Usage");
        return new CloudImage
        {
            Provider = AlibabaProvider.ProviderName,
            Region = region,
            ImageId = image.GetString("ImageId") ?? "",
            Name = image.GetString("ImageName"),
            State = image.GetString("Status"),
            ImageType = image.GetString("ImageOwnerAlias"),
            CreatedAt = ProviderValues.ParseTime(image.GetString("CreationTime")),
            SizeBytes = ProviderValues.BytesOfGiB(image.GetInt64("Size")),
            OsName = image.GetString("OSNameEn") ?? image.GetString("OSName"),
            Owner = image.GetString("ImageOwnerId"),
            // IsSelfShared is a string ("True"/"False") in the API model; accept a JSON boolean as well.
            IsShared = image.GetBool("IsSelfShared"),
            InUse = usage is null ? null : string.Equals(usage, "instance", StringComparison.OrdinalIgnoreCase),
            Description = image.GetString("Description"),
            Tags = image["Tags"]?.GetArray("Tag")
                .Select(t => (Key: t.GetString("TagKey"), Value: t.GetString("TagValue")))
                .Where(t => !string.IsNullOrEmpty(t.Key))
                .Select(t => t.Key + "=" + (t.Value ?? ""))
                .ToArray() ?? Array.Empty<string>(),
            Properties = properties,
            RequestId = requestId,
            Connection = connection,
        };
    }

    /// <summary>
    /// Describe-based reasons DeleteImage would refuse, each with the code the API returns for it. An
    /// export in progress is not visible in DescribeImages; the DryRun (or the delete) reports it.
    /// </summary>
    public static IReadOnlyList<DeletabilityReason> Assess(CloudImage image, DeleteOptions options)
    {
        var reasons = new List<DeletabilityReason>();
        void Add(string code, ErrorKind kind, string message) =>
            reasons.Add(new DeletabilityReason(code, message, DeletabilityCheck.Describe, kind));

        if (image.ImageType is { } alias && !string.Equals(alias, OwnAlias, StringComparison.OrdinalIgnoreCase))
            // DeleteImage works on the caller's own custom images and ignores any other id, so there is no
            // error to quote: report it the way the operations layer reports an id DeleteImage cannot see.
            Add("InvalidImageId.NotFound", ErrorKind.NotFound,
                $"Image {image.ImageId} is not one of this account's custom images (ImageOwnerAlias {alias}); DeleteImage cannot delete it.");
        if (image.IsShared == true)
            Add("ImageUseShared", ErrorKind.InUse,
                $"Image {image.ImageId} is shared with other accounts; stop sharing it first.");
        if (image.InUse == true && !options.EvenIfInUse)
            Add("ImageUsingByInstance", ErrorKind.InUse,
                $"Image {image.ImageId} is used by ECS instances (Usage instance); use -EvenIfInUse (Alibaba's Force) to delete it anyway.");
        if (image.State is "Creating" or "Waiting")
        {
            // The delete-error table names a copy and an import in progress; DescribeImages shows both as
            // Creating/Waiting, and IsCopied tells them apart. An image still being made from a snapshot looks
            // the same, and whether DeleteImage refuses it is not documented: "not yet" is the safe verdict.
            var copying = image.Properties.TryGetValue("IsCopied", out var copied) && string.Equals(copied, "true", StringComparison.OrdinalIgnoreCase);
            if (copying)
                Add("OperationDenied.ImageCopying", ErrorKind.InvalidState,
                    $"Image {image.ImageId} is still being copied (Status {image.State}); try again when the copy has finished.");
            else
                Add("ImageIsImporting", ErrorKind.InvalidState,
                    $"Image {image.ImageId} is still being created or imported (Status {image.State}); try again when it has finished.");
        }
        return reasons;
    }
}

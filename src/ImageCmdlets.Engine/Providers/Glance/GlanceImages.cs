using System;
using System.Collections.Generic;
using System.Linq;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Glance;

/// <summary>Glance v2 image records as CloudImage, and what in them stands in the way of a delete.</summary>
internal static class GlanceImages
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
        { "id", "name", "status", "visibility", "protected", "owner", "created_at", "updated_at", "size", "tags", "self", "file", "schema", "locations" };

    /// <summary>
    /// An image record as CloudImage; <paramref name="imageTypeField"/> is the field that says what kind of image it is
    /// (Glance: visibility; Huawei IMS: __imagetype), <paramref name="sizeFields"/> those that may hold its size in bytes, first found wins.
    /// </summary>
    public static CloudImage ToCloudImage(JsonValue image, IImageSession session, string? requestId, string imageTypeField = "visibility", params string[] sizeFields) =>
        ToCloudImage(image, session, requestId, tag => tag, imageTypeField, sizeFields);

    /// <summary>The same, with <paramref name="tagText"/> turning each of the record's tags into the module's "key=value" (or "key").</summary>
    public static CloudImage ToCloudImage(JsonValue image, IImageSession session, string? requestId, Func<string, string> tagText, string imageTypeField, params string[] sizeFields)
    {
        var properties = new Dictionary<string, string>();
        foreach (var p in image.Properties)
            if (!Fields.Contains(p.Key) && p.Value.AsScalarText() is { } text) properties[p.Key] = text;
        return new CloudImage
        {
            Provider = session.Provider.Name,
            Region = session.Region,
            ImageId = image.GetString("id") ?? "",
            Name = image.GetString("name"),
            State = image.GetString("status"),
            ImageType = image.GetString(imageTypeField),
            CreatedAt = ProviderValues.ParseTime(image.GetString("created_at")),
            SizeBytes = (sizeFields.Length > 0 ? sizeFields : new[] { "size" }).Select(image.GetInt64).FirstOrDefault(size => size is not null),
            OsName = image.GetString("os_distro"),
            Owner = image.GetString("owner"),
            IsProtected = image.GetBool("protected"),
            Tags = image.GetArray("tags").Select(t => tagText(t.AsString() ?? "")).ToArray(),
            Properties = properties,
            RequestId = requestId,
            Connection = session,
        };
    }

    /// <summary>Deletability without a DryRun: not protected, not already deleted, the caller's own (or an admin).</summary>
    public static IReadOnlyList<DeletabilityReason> Assess(CloudImage image, IRequestAuthenticator caller)
    {
        var reasons = new List<DeletabilityReason>();
        if (image.IsProtected == true)
            reasons.Add(new DeletabilityReason(GlanceErrors.Protected,
                $"Image {image.ImageId} is protected; Glance refuses to delete it until 'protected' is set to false.", DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        if (image.State is "deleted" or "pending_delete")
            reasons.Add(new DeletabilityReason(GlanceErrors.InvalidState,
                $"Image {image.ImageId} is already {image.State}.", DeletabilityCheck.Describe, ErrorKind.InvalidState));
        if (!caller.IsAdmin && caller.ProjectId is { } project && image.Owner is { } owner && !string.Equals(owner, project, StringComparison.Ordinal))
            reasons.Add(new DeletabilityReason(GlanceErrors.NotOwner,
                $"Image {image.ImageId} belongs to project {owner}, not to {project}; Glance lets only the owner (or an admin) delete it.", DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        return reasons;
    }
}

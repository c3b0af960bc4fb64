using System;
using System.Collections.Generic;
using ImageCmdlets.Providers;

namespace ImageCmdlets;

/// <summary>A custom machine image as one cloud lists it. Output of Get-CloudImage.</summary>
public sealed class CloudImage
{
    public string Provider { get; init; } = "";
    public string Region { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string? Name { get; init; }
    /// <summary>The provider's own state word (NORMAL, Available, active, ...).</summary>
    public string? State { get; init; }
    /// <summary>The provider's image kind or visibility (PRIVATE_IMAGE, self, shared, ...).</summary>
    public string? ImageType { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public long? SizeBytes { get; init; }
    public string? OsName { get; init; }
    /// <summary>Account or project that owns the image, where the provider says.</summary>
    public string? Owner { get; init; }
    public bool? IsShared { get; init; }
    public bool? IsProtected { get; init; }
    /// <summary>Whether instances use the image, where the provider says (Alibaba's Usage).</summary>
    public bool? InUse { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();
    /// <summary>Further provider fields, as text.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
    /// <summary>Request id of the list call that returned the image.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// The connection that listed the image, so that a piped image is removed through the very same
    /// account, region and endpoint, never re-targeted to defaults. Not public: it is never displayed
    /// or exported.
    /// </summary>
    internal IImageSession? Connection { get; set; }

    public override string ToString() => ImageId;
}

public enum DeletabilityCheck
{
    /// <summary>The provider's own DryRun validated the delete, plus describe-based reasons.</summary>
    DryRun,
    /// <summary>No DryRun exists for this provider: judged from the image's description.</summary>
    Describe,
}

/// <summary>One reason an image cannot be deleted (as things stand, with the chosen switches).</summary>
public sealed class DeletabilityReason
{
    public DeletabilityReason(string code, string message, DeletabilityCheck source, ErrorKind kind = ErrorKind.InvalidState)
    {
        Code = code;
        Message = message;
        Source = source;
        Kind = kind;
    }

    /// <summary>The provider's error code, or the code a real delete would return.</summary>
    public string Code { get; }
    /// <summary>The kind of error a real delete would give (decides the error category under -WhatIf).</summary>
    public ErrorKind Kind { get; }
    public string Message { get; }
    public DeletabilityCheck Source { get; }

    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>Output of Test-CloudImageDeletable: a verdict with its reasons.</summary>
public sealed class CloudImageDeletability
{
    public string Provider { get; init; } = "";
    public string Region { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string? Name { get; init; }
    public string? State { get; init; }
    public bool IsDeletable { get; init; }
    public IReadOnlyList<DeletabilityReason> Reasons { get; init; } = Array.Empty<DeletabilityReason>();
    public DeletabilityCheck CheckedBy { get; init; }
    public string? RequestId { get; init; }

    public override string ToString() => $"{ImageId}: {(IsDeletable ? "deletable" : "not deletable")}";
}

public enum RemovalStatus
{
    /// <summary>The cloud confirmed the deletion.</summary>
    Deleted,
    /// <summary>The cloud accepted the deletion and finishes it asynchronously.</summary>
    Deleting,
    /// <summary>
    /// The cloud marked the image deleted and keeps its record (status "deleted"): Huawei IMS's deprecated
    /// v1.1 delete (-SoftDelete). The image can no longer be used.
    /// </summary>
    SoftDeleted,
    /// <summary>-WhatIf: the provider validated the delete (DryRun or describe-based) and nothing was deleted.</summary>
    WouldDelete,
    /// <summary>The user answered No at a confirmation prompt.</summary>
    Declined,
    /// <summary>The same image was given earlier in this run; it is handled (and reported) once, there.</summary>
    Duplicate,
}

/// <summary>Output of Remove-CloudImage: what happened to one image.</summary>
public sealed class CloudImageRemoval
{
    public string Provider { get; init; } = "";
    public string Region { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string? Name { get; init; }
    public RemovalStatus Status { get; init; }
    public string? Message { get; init; }
    public string? RequestId { get; init; }
    /// <summary>How many delete calls carried this image (more than one after retries or a batch split).</summary>
    public int Attempts { get; init; }

    public override string ToString() => $"{ImageId}: {Status}";
}

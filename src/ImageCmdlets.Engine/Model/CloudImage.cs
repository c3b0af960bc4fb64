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
    /// <summary>"key=value" (or "key") each; reads as "env=prod;team=ci" in a CSV cell.</summary>
    public IReadOnlyList<string> Tags
    {
        get => _tags;
        init => _tags = new TextList<string>(value, ";");
    }
    private readonly TextList<string> _tags = TextList<string>.Empty(";");

    /// <summary>Further provider fields, as text; reads as "osType=linux;minDiskSize=20" in a CSV cell.</summary>
    public IReadOnlyDictionary<string, string> Properties
    {
        get => _properties;
        init => _properties = new TextMap(value);
    }
    private readonly TextMap _properties = TextMap.Empty;
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

/// <summary>How a verdict was reached (the value of CheckedBy and of a reason's Source). Plain strings, so
/// ConvertTo-Json and Export-Csv write the word and scripts compare with -eq 'DryRun'.</summary>
public static class DeletabilityCheck
{
    /// <summary>The provider's own DryRun validated the delete, plus describe-based reasons.</summary>
    public const string DryRun = nameof(DryRun);
    /// <summary>No DryRun exists for this provider: judged from the image's description.</summary>
    public const string Describe = nameof(Describe);
}

/// <summary>One reason an image cannot be deleted (as things stand, with the chosen switches).</summary>
public sealed class DeletabilityReason
{
    public DeletabilityReason(string code, string message, string source, ErrorKind kind = ErrorKind.InvalidState)
    {
        Code = code;
        Message = message;
        Source = source;
        ErrorKind = kind;
    }

    /// <summary>The provider's error code, or the code a real delete would return.</summary>
    public string Code { get; }
    /// <summary>The kind of error a real delete would give, by name (NotFound, InUse, PermissionDenied, ...).</summary>
    public string Kind => ErrorKind.ToString();
    public string Message { get; }
    /// <summary>Where the reason comes from: <see cref="DeletabilityCheck.DryRun"/> or <see cref="DeletabilityCheck.Describe"/>.</summary>
    public string Source { get; }

    /// <summary>The kind of error a real delete would give (decides the error category under -WhatIf).</summary>
    internal ErrorKind ErrorKind { get; }

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
    /// <summary>Why not; reads as "Code: message; Code: message" in a CSV cell.</summary>
    public IReadOnlyList<DeletabilityReason> Reasons
    {
        get => _reasons;
        init => _reasons = new TextList<DeletabilityReason>(value, "; ");
    }
    private readonly TextList<DeletabilityReason> _reasons = TextList<DeletabilityReason>.Empty("; ");
    /// <summary><see cref="DeletabilityCheck.DryRun"/> or <see cref="DeletabilityCheck.Describe"/>.</summary>
    public string CheckedBy { get; init; } = DeletabilityCheck.Describe;
    public string? RequestId { get; init; }

    public override string ToString() => $"{ImageId}: {(IsDeletable ? "deletable" : "not deletable")}";
}

/// <summary>The values of CloudImageRemoval.Status. Plain strings, so ConvertTo-Json and Export-Csv write
/// the word and scripts compare with -eq 'Deleted'.</summary>
public static class RemovalStatus
{
    /// <summary>The cloud confirmed the deletion.</summary>
    public const string Deleted = nameof(Deleted);
    /// <summary>The cloud accepted the deletion and finishes it asynchronously.</summary>
    public const string Deleting = nameof(Deleting);
    /// <summary>
    /// The cloud marked the image deleted and keeps its record (status "deleted"): Huawei IMS's deprecated
    /// v1.1 delete (-SoftDelete). The image can no longer be used.
    /// </summary>
    public const string SoftDeleted = nameof(SoftDeleted);
    /// <summary>-WhatIf: the provider validated the delete (DryRun or describe-based) and nothing was deleted.</summary>
    public const string WouldDelete = nameof(WouldDelete);
    /// <summary>The user answered No at a confirmation prompt.</summary>
    public const string Declined = nameof(Declined);
    /// <summary>The same image was given earlier in this run; it is handled (and reported) once, there.</summary>
    public const string Duplicate = nameof(Duplicate);
}

/// <summary>Output of Remove-CloudImage: what happened to one image.</summary>
public sealed class CloudImageRemoval
{
    public string Provider { get; init; } = "";
    public string Region { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string? Name { get; init; }
    /// <summary>One of <see cref="RemovalStatus"/>'s values.</summary>
    public string Status { get; init; } = "";
    public string? Message { get; init; }
    public string? RequestId { get; init; }
    /// <summary>How many delete calls carried this image (more than one after retries or a batch split).</summary>
    public int Attempts { get; init; }

    public override string ToString() => $"{ImageId}: {Status}";
}

using System;
using System.Collections.Generic;

namespace ImageCmdlets.Emulators.Alibaba;

/// <summary>A long-running job on an image that DeleteImage refuses to interrupt.</summary>
public enum AlibabaImageTask
{
    None,
    /// <summary>ImportImage in progress (Status Creating): 403 ImageIsImporting.</summary>
    Importing,
    /// <summary>ExportImage in progress (Status stays Available): 403 ImageIsExporting.</summary>
    Exporting,
    /// <summary>CopyImage in progress, seen on the copy (Status Creating, IsCopied): 403 OperationDenied.ImageCopying.</summary>
    Copying,
}

/// <summary>One image in the emulated ECS account. Tests seed these and read them back.</summary>
public sealed record AlibabaImage
{
    public required string ImageId { get; init; }
    public string Region { get; init; } = "cn-hangzhou";
    public string Name { get; init; } = "";
    /// <summary>Creating, Waiting, Available, UnAvailable, CreateFailed or Deprecated.</summary>
    public string Status { get; init; } = "Available";
    /// <summary>self (this account's custom image), others (shared with it), system, marketplace.</summary>
    public string OwnerAlias { get; init; } = "self";
    /// <summary>Instances were created from it (Usage instance).</summary>
    public bool UsedByInstance { get; init; }
    /// <summary>Shared with other accounts (IsSelfShared).</summary>
    public bool SharedWithOthers { get; init; }
    public bool IsCopied { get; init; }
    public AlibabaImageTask Task { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public int SizeGiB { get; init; } = 40;
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>One request the emulator answered after reading it: action, query parameters, status and error code.</summary>
public sealed record AlibabaCall(DateTimeOffset ReceivedAt, string Action, IReadOnlyDictionary<string, string> Parameters, int Status, string? Code);

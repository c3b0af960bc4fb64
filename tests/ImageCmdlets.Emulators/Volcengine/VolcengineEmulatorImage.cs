using System;
using System.Collections.Generic;

namespace ImageCmdlets.Emulators.Volcengine;

/// <summary>A job on an image that DeleteImages refuses to interrupt (not visible in DescribeImages).</summary>
public enum VolcengineImageTask
{
    None,
    /// <summary>A copy is in progress: OperationDenied.ImageIsCopying.</summary>
    Copying,
    /// <summary>An export is in progress: OperationDenied.ImageIsExporting.</summary>
    Exporting,
}

/// <summary>One image as the Volcengine emulator holds it. Tests build these to seed the emulator.</summary>
public sealed record VolcengineEmulatorImage
{
    public string ImageId { get; init; } = "";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>private (this account's custom image), shared (another account's, shared to this one) or public.</summary>
    public string Visibility { get; init; } = "private";
    /// <summary>available, creating or error.</summary>
    public string Status { get; init; } = "available";
    public string Region { get; init; } = "cn-beijing";
    public DateTimeOffset CreatedAt { get; init; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public long SizeGiB { get; init; } = 40;
    public string OsName { get; init; } = "Ubuntu 22.04 64 bit";
    public string Platform { get; init; } = "Ubuntu";
    public string Architecture { get; init; } = "amd64";
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Snapshots bound to the image; DeleteImages removes them unless DeleteBindedSnapshots=false.</summary>
    public IReadOnlyList<string> SnapshotIds { get; init; } = Array.Empty<string>();
    /// <summary>This account shares the image with others (ShareStatus Shared; DeleteImages: InvalidImage.Shared).</summary>
    public bool SharedToOtherAccounts { get; init; }
    public VolcengineImageTask Task { get; init; }
}

/// <summary>One request the emulator read: action, query parameters, the answer's status and error code, and the client's User-Agent.</summary>
public sealed record VolcengineCall(DateTimeOffset ReceivedAt, string Action, IReadOnlyDictionary<string, string> Parameters, int Status, string? Code, string? UserAgent);

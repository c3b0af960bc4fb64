using System;
using System.Collections.Generic;

namespace ImageCmdlets.Emulators.Tencent;

/// <summary>One image as the Tencent emulator holds it. Tests build these to seed the emulator.</summary>
public sealed record TencentEmulatorImage
{
    public string ImageId { get; init; } = "";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>PRIVATE_IMAGE (this account's custom image), SHARED_IMAGE (shared to us) or PUBLIC_IMAGE.</summary>
    public string ImageType { get; init; } = "PRIVATE_IMAGE";
    /// <summary>NORMAL, CREATING, SYNCING, IMPORTING, USING, CREATEFAILED, IMPORTFAILED.</summary>
    public string State { get; init; } = "NORMAL";
    public string Region { get; init; } = "ap-guangzhou";
    public DateTimeOffset CreatedTime { get; init; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public long SizeGiB { get; init; } = 50;
    public string OsName { get; init; } = "TencentOS Server 3.1 (TK4)";
    public string Platform { get; init; } = "TencentOS";
    public string Architecture { get; init; } = "x86_64";
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Snapshots bound to the image; DeleteImages removes them only with DeleteBindedSnap=true.</summary>
    public IReadOnlyList<string> SnapshotIds { get; init; } = Array.Empty<string>();
    /// <summary>This account shares the image to others (DeleteImages: InvalidImageId.InShared).</summary>
    public bool SharedToOtherAccounts { get; init; }
    /// <summary>Another task runs on the image (DeleteImages: MutexOperation.TaskRunning).</summary>
    public bool TaskRunning { get; init; }
}

using System;
using System.Collections.Generic;

namespace ImageCmdlets.Emulators.Huawei;

/// <summary>One image as the Huawei IMS emulator holds it. Tests build these to seed the emulator.</summary>
public sealed record HuaweiEmulatorImage
{
    /// <summary>A UUID; one is made up when empty.</summary>
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>queued, saving, active, killed, or deleted (a soft-deleted record, kept by the v1.1 delete).</summary>
    public string Status { get; init; } = "active";
    /// <summary>__imagetype: private (the project's own), gold (public), shared (shared to the project) or market.</summary>
    public string ImageType { get; init; } = "private";
    /// <summary>The owning project; null: the emulated project (<see cref="HuaweiEmulator.ProjectId"/>).</summary>
    public string? Owner { get; init; }
    public bool Protected { get; init; }
    /// <summary>Projects this image is shared with (it stays deletable by its owner).</summary>
    public IReadOnlyList<string> Members { get; init; } = Array.Empty<string>();
    public DateTimeOffset CreatedAt { get; init; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public int SizeGiB { get; init; } = 40;
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>One delete the emulator carried out: which call, and whether the backups went too.</summary>
public sealed record HuaweiDeletion(string ImageId, string Action, bool DeleteBackup);

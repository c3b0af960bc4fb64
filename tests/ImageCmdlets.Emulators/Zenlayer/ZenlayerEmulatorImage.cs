using System;
using System.Collections.Generic;

namespace ImageCmdlets.Emulators.Zenlayer;

/// <summary>One image as the Zenlayer emulator holds it. Tests build these to seed the emulator.</summary>
public sealed record ZenlayerEmulatorImage
{
    public string ImageId { get; init; } = "";
    public string Name { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>CUSTOM_IMAGE (this account's own) or PUBLIC_IMAGE.</summary>
    public string ImageType { get; init; } = "CUSTOM_IMAGE";
    /// <summary>AVAILABLE, CREATING, SYNCING, PROCESSING, FAILED, UNAVAILABLE or DELETING.</summary>
    public string Status { get; init; } = "AVAILABLE";
    /// <summary>Regions the image is available in (regionIdList); the first is where it was made.</summary>
    public IReadOnlyList<string> Regions { get; init; } = new[] { "asia-east-1" };
    public int SizeGiB { get; init; } = 20;
    public string Category { get; init; } = "Ubuntu";
    public string ImageVersion { get; init; } = "22.04";
    public string OsType { get; init; } = "linux";
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>An accepted deletion of it does not finish: after the deletion time it is AVAILABLE again.</summary>
    public bool DeletionFails { get; init; }

    public bool IsCustom => ImageType == "CUSTOM_IMAGE";
}

/// <summary>One API request the emulator answered after routing it: what was asked and what it answered.</summary>
public sealed record ZenlayerCall(DateTimeOffset ReceivedAt, string Action, string Body, int Status, string? Code, string? UserAgent);

/// <summary>What DeleteImages does with an id the account does not have.</summary>
public enum MissingIdAnswer
{
    /// <summary>The whole call fails with OPERATION_FAILED_RESOURCE_NOT_FOUND and nothing is deleted (what the Terraform provider allows for).</summary>
    FailCall,
    /// <summary>The id comes back in the list of failed ids, like any other refused id.</summary>
    ListAsFailed,
}

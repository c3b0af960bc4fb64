using System;
using System.Collections.Generic;

namespace ImageCmdlets.Emulators.Common;

/// <summary>
/// The provider-neutral reasons an image can or cannot be deleted, as the control API names them. Each
/// emulator declares the ones its cloud really has (<see cref="EmulatorServer.Conditions"/>).
/// </summary>
public static class ImageCondition
{
    public const string Deletable = "deletable";
    /// <summary>Used by instances (or the provider's "in use" state).</summary>
    public const string InUse = "inUse";
    /// <summary>This account shares the image to other accounts.</summary>
    public const string SharedToOthers = "sharedToOthers";
    /// <summary>Another account's image, shared to this one.</summary>
    public const string SharedToMe = "sharedToMe";
    /// <summary>A public (official) image.</summary>
    public const string Public = "public";
    /// <summary>Being created, imported or copied.</summary>
    public const string Busy = "busy";
    /// <summary>Protected against deletion.</summary>
    public const string Protected = "protected";
}

/// <summary>A provider-neutral description of an image to add; each emulator turns it into its own image.</summary>
public sealed record ImageSeed(
    string Name,
    string Region,
    string Condition,
    DateTimeOffset CreatedAt,
    int SizeGiB,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// An image as the control API lists it. <paramref name="Deleting"/>: the cloud has accepted its deletion and
/// finishes it asynchronously; the image is still listed until then, but is as good as gone.
/// </summary>
public sealed record EmulatedImage(string Id, string Name, string Region, string State, bool Deleting = false);

/// <summary>An image added in a condition, with the error code a delete of it gets (null: deletable).</summary>
public sealed record SeededImage(EmulatedImage Image, string Condition, string? ExpectedError)
{
    public string Id => Image.Id;
}

/// <summary>An access key the emulated account accepts; a token makes it a temporary (STS) key.</summary>
public sealed record EmulatorKey(string Id, string Secret, string? Token);

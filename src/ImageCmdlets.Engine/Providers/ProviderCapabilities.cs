using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace ImageCmdlets.Providers;

/// <summary>
/// A provider's limits and behaviour, as data. The operations layer reads these and never switches on
/// provider names.
/// </summary>
public sealed class ProviderCapabilities
{
    /// <summary>Most ids one delete call takes (1 where the API deletes one image per call).</summary>
    public int MaxIdsPerDelete { get; init; } = 1;
    /// <summary>Most ids one describe call takes.</summary>
    public int MaxIdsPerDescribe { get; init; } = 1;
    /// <summary>Largest page the list call returns.</summary>
    public int MaxPageSize { get; init; } = 100;
    /// <summary>The delete API has a server-side DryRun.</summary>
    public bool HasNativeDryRun { get; init; }
    /// <summary>A delete of an id that does not exist succeeds silently, so existence must be checked first.</summary>
    public bool DeleteIgnoresMissingIds { get; init; }
    /// <summary>
    /// An accepted delete only starts the deletion, which the cloud finishes later (the image shows a
    /// "deleting" state meanwhile). Such a provider's sessions implement <see cref="IDeletionPoller"/>, so
    /// Remove-CloudImage -Wait can follow each deletion to its end.
    /// </summary>
    public bool DeleteCompletesAsynchronously { get; init; }
    /// <summary>Documented delete-call rate (calls per second); null = none documented.</summary>
    public double? DeleteCallsPerSecond { get; init; }
    /// <summary>
    /// The most calls in flight at once to one endpoint: the provider's documented limit, or a ceiling where
    /// none is documented. The module starts at <see cref="InitialConcurrentCalls"/> and adapts between one
    /// and this: up while calls are answered, halved on throttling or server failures.
    /// </summary>
    public int MaxConcurrentCalls { get; init; } = 4;
    /// <summary>Calls in flight at once when a session starts.</summary>
    public int InitialConcurrentCalls { get; init; } = 4;
    /// <summary>What a well-formed image id looks like; checked before any call.</summary>
    public Regex ImageIdPattern { get; init; } = new("^[A-Za-z0-9._-]{1,128}$", RegexOptions.CultureInvariant);
    /// <summary>
    /// What a region id looks like. Regions end up in host names and headers, so anything else (a slash,
    /// a line break, a dot that would move the host) is refused before any call.
    /// </summary>
    public Regex RegionPattern { get; init; } = new("^[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,5}$", RegexOptions.CultureInvariant);
    /// <summary>The image states the provider documents, for checking -State before any call; empty = not a fixed set.</summary>
    public IReadOnlyList<string> States { get; init; } = Array.Empty<string>();
    /// <summary>An example id for error messages.</summary>
    public string ImageIdExample { get; init; } = "";
    /// <summary>The code reported when an image does not exist (the provider's own where it has one).</summary>
    public string NotFoundErrorCode { get; init; } = "ImageNotFound";
    public bool SupportsDeleteSnapshots { get; init; }
    public bool SupportsEvenIfInUse { get; init; }
    /// <summary>The delete call can also delete the backups a full-server image was made from (-DeleteBackup).</summary>
    public bool SupportsDeleteBackups { get; init; }
    /// <summary>The API keeps a deprecated soft delete beside its real one (-SoftDelete).</summary>
    public bool SupportsSoftDelete { get; init; }
}

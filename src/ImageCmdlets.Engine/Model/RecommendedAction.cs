using System;
using System.Collections.Generic;
using ImageCmdlets.Providers;

namespace ImageCmdlets;

/// <summary>
/// What a user should do about an error (PowerShell's ErrorDetails.RecommendedAction), decided in one
/// place for every provider: from the module's own error ids where the condition is the module's, else
/// from the error's kind, with the provider's capabilities filling in what differs (its switches, the
/// shape of its ids). A provider's error codes need no text here: their kind says what to do.
/// </summary>
public static class RecommendedAction
{
    private const string CheckDeleted = "Get-CloudImage -ImageId tells whether the image is still there.";

    /// <summary>The module's own conditions, whatever the provider.</summary>
    private static readonly Dictionary<string, Func<ProviderCapabilities?, string>> ByErrorId = new(StringComparer.Ordinal)
    {
        [EngineErrors.EmptyImageId] = _ => "Give a non-empty image id (an empty CSV cell or an unset variable gives an empty one).",
        [EngineErrors.MalformedImageId] = c => "Check the image id" + (string.IsNullOrEmpty(c?.ImageIdExample) ? "" : $" (this provider's look like {c!.ImageIdExample})") + " and that -Provider names the cloud it belongs to.",
        [EngineErrors.ImageTargetConflict] = _ => "Leave out -Provider and -Region when piping images from Get-CloudImage (each image knows its own), or give the values that match the images.",
        [EngineErrors.DryRunNotHonored] = _ => "Do not rely on -WhatIf with this endpoint: check -Endpoint points at the provider's API, and whether the image still exists (" + CheckDeleted + ")",
        [EngineErrors.DeletionFailed] = _ => "Look at the image's state with Get-CloudImage -ImageId, then run Remove-CloudImage again; if it fails again, ask the provider's support why the deletion failed.",
        [EngineErrors.MissingAnswer] = _ => "Run the command again for this image; " + CheckDeleted,
        [EngineErrors.PaginationLoop] = _ => "Run the command again; if it repeats, narrow the listing with -Name or -State, or check that -Endpoint points at the provider's API.",
        ["MissingProvider"] = _ => ProviderChoice(),
        ["UnknownProvider"] = _ => ProviderChoice(),
        ["MissingRegion"] = _ => "Give -Region, or set the provider's region environment variable or CLI profile (Get-Help about_ImageCmdlets lists them).",
        ["InvalidRegion"] = _ => "Give -Region as a region id of this provider (tab completion lists the known ones).",
        ["InsecureEndpoint"] = _ => Endpoint,
        ["InvalidEndpoint"] = _ => Endpoint,
        ["CredentialInEndpoint"] = _ => "Remove the user name and password from -Endpoint and pass them with -Credential.",
        ["InvalidWildcardPattern"] = _ => "Correct the -Name pattern: close every '[' with ']', or escape a literal bracket with a backtick (`[).",
        ["DeleteSnapshotNotSupported"] = _ => "Leave out -DeleteSnapshot: this provider's delete has no option to remove the image's snapshots.",
        ["EvenIfInUseNotSupported"] = _ => "Leave out -EvenIfInUse: this provider cannot delete an image in use; stop or re-image the instances that use it first.",
    };

    private const string Endpoint = "Give -Endpoint as https://host[:port] of the provider's API (plain http only to 127.0.0.1, ::1 or localhost), or leave it out.";

    private static string ProviderChoice() => $"Use -Provider with one of: {string.Join(", ", ProviderRegistry.Names)}.";

    /// <summary>
    /// The recommended action for an error with this id (the provider's code or the module's own) and kind.
    /// <paramref name="capabilities"/> is the provider's, when known; it tailors what only some providers offer.
    /// </summary>
    public static string For(string errorId, ErrorKind kind, ProviderCapabilities? capabilities = null)
    {
        if (ByErrorId.TryGetValue(errorId ?? "", out var byId)) return byId(capabilities);
        return kind switch
        {
            ErrorKind.NotFound => "Check the image id, -Provider and -Region (Get-CloudImage lists the images there); an image deleted meanwhile is not found either.",
            ErrorKind.PermissionDenied => "Use credentials allowed to delete this image: the account must own it and its key must hold the delete permission (an image shared with you can only be deleted by its owner).",
            ErrorKind.InUse => "Stop using the image first: delete or re-image the instances that use it, or stop sharing it with other accounts (the message says which), then run the command again."
                + (capabilities?.SupportsEvenIfInUse == true ? " Or add -EvenIfInUse to delete it although instances use it." : ""),
            ErrorKind.InvalidState => "Wait until the image's current operation (creation, copy, import or export) has finished, then run the command again.",
            ErrorKind.InvalidArgument => "Check the image id and the parameters given (Get-Help <command> -Parameter * describes them).",
            ErrorKind.BatchTooLarge => "Run the command again with fewer images at once.",
            ErrorKind.LimitExceeded => "A quota or limit of the account was reached: raise it in the provider's console or free some of it, then run the command again.",
            ErrorKind.Throttled => "Retry later: the cloud limits the rate of calls and the retries with backoff were used up. Fewer runs at once on the same account help.",
            ErrorKind.Authentication => "Check the credentials: -Credential, -ProfileName or the provider's environment variables, in that order (Get-Help about_ImageCmdlets). The key id and secret must match and the key must be enabled.",
            ErrorKind.ClockSkew => "Set this computer's clock right (synchronise it with a time server), then run the command again.",
            ErrorKind.InvalidConfiguration => "Check -Region and -Endpoint: the region must exist for this provider and the endpoint must be its API.",
            ErrorKind.Connection => "Check the network path to the endpoint (DNS, proxy, firewall), then retry. " + CheckDeleted,
            ErrorKind.Timeout => "Retry later. " + CheckDeleted,
            ErrorKind.ServerError => "Retry later: the cloud failed to answer. " + CheckDeleted,
            ErrorKind.InvalidResponse => "Check that -Endpoint points at the provider's API itself (not a proxy or a web page), then retry. " + CheckDeleted,
            ErrorKind.Cancelled => "Run the command again for the images $CloudImageLastRun.Unfinished lists.",
            _ => "Read the message and the provider's documentation of the error code; Test-CloudImageDeletable shows what stands in the way of a deletion.",
        };
    }
}

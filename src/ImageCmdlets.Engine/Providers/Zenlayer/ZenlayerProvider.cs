using System;
using System.Collections.Generic;
using ImageCmdlets.Credentials;
using System.Text.RegularExpressions;

namespace ImageCmdlets.Providers.Zenlayer;

/// <summary>
/// Zenlayer Cloud ZEC custom images (Open API v2, zec 2025-09-01; the older 2024-04-01 has no DeleteImages):
/// DescribeCustomImages, DescribeImages and DeleteImages, JSON POSTs to /api/v2/zec signed with
/// ZC2-HMAC-SHA256. DeleteImages answers with the ids that failed, and only starts the deletion of the
/// others (DELETING), which the cloud finishes later.
/// </summary>
internal sealed class ZenlayerProvider : ImageProvider
{
    public const string ProviderName = "Zenlayer";
    public const string Service = "zec";
    public const string Version = "2025-09-01";
    /// <summary>The service's path on the API host; -Endpoint replaces only scheme, host and port.</summary>
    public const string ApiPath = "api/v2/zec";

    /// <summary>DescribeImages / DescribeCustomImages' largest page.</summary>
    public const int MaxPage = 1000;
    /// <summary>Ids per DescribeImages call (the page then holds them all).</summary>
    public const int MaxIdsPerDescribe = 100;

    public static readonly Uri StandardEndpoint = new("https://console.zenlayer.com/");

    public override string Name => ProviderName;

    public override ProviderCapabilities Capabilities { get; } = new()
    {
        // No maximum is documented. Refused ids do not fail the call (they come back in a list), so a batch
        // costs nothing extra when one image is refused; 20 is a modest start, and a limit answer
        // (INVALID_PARAMETER_EXCEED_LENGTH) halves it for the rest of the run.
        MaxIdsPerDelete = 20,
        MaxIdsPerDescribe = MaxIdsPerDescribe,
        MaxPageSize = MaxPage,
        // No DryRun parameter: -WhatIf and Test-CloudImageDeletable judge from the image's record.
        HasNativeDryRun = false,
        // A missing id fails the call (OPERATION_FAILED_RESOURCE_NOT_FOUND) or comes back as failed: never a silent success.
        DeleteIgnoresMissingIds = false,
        DeleteCompletesAsynchronously = true,
        // No rate is published; REQUEST_LIMIT_EXCEEDED / 429 answers are retried with backoff.
        DeleteCallsPerSecond = null,
        MaxConcurrentCalls = 2,
        // Ids are not documented: treated as opaque, but short and plain, since they go into JSON bodies and verbose lines.
        ImageIdPattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z", RegexOptions.CultureInvariant),
        ImageIdExample = "img-000000000000",
        NotFoundErrorCode = ZenlayerErrors.ResourceNotFound,
        SupportsDeleteSnapshots = false,
        SupportsEvenIfInUse = false,
    };

    /// <summary>Regions named in Zenlayer's own examples; -Region takes any other.</summary>
    public override IReadOnlyList<string> KnownRegions { get; } = new[] { "asia-east-1", "asia-southeast-1" };

    public override string CredentialHelp => ZenlayerCredentials.Help;

    protected override IEnumerable<string> ListProfiles(IEnvironmentReader environment) => ZenlayerCredentials.ProfileNames(environment);

    protected override IImageSession OpenSession(ConnectionRequest request)
    {
        var settings = ZenlayerCredentials.Resolve(request);
        return new ZenlayerSession(this, settings, ProviderValues.ApiRoot(request.Endpoint, StandardEndpoint), request.Transport);
    }
}

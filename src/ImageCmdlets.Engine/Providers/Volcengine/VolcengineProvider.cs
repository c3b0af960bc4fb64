using System;
using System.Collections.Generic;
using ImageCmdlets.Credentials;
using System.Text.RegularExpressions;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Volcengine;

/// <summary>
/// Volcengine ECS custom images (OpenAPI version 2020-04-01): DescribeImages and DeleteImages, GET with every
/// parameter in the query, signed with HMAC-SHA256 (scope date/region/ecs/request).
/// </summary>
internal sealed class VolcengineProvider : AccessKeyProvider
{
    public const string ProviderName = "Volcengine";
    public const string Service = "ecs";
    public const string Version = "2020-04-01";
    public const string NotFoundCode = "InvalidImage.NotFound";

    /// <summary>DeleteImages' documented maximum of ImageIds.N, and the page (MaxResults) and id list DescribeImages is sent.</summary>
    public const int MaxIdsPerCall = 100;

    /// <summary>Regions the SDKs call at ecs.&lt;region&gt;.volcengineapi.com; every other region goes through open.volcengineapi.com.</summary>
    private static readonly HashSet<string> RegionalHostRegions = new(StringComparer.Ordinal)
    {
        "cn-beijing-autodriving", "cn-shanghai-autodriving", "cn-beijing-selfdrive", "ap-southeast-2", "ap-southeast-3",
    };

    public override string Name => ProviderName;

    public override ProviderCapabilities Capabilities { get; } = new()
    {
        MaxIdsPerDelete = MaxIdsPerCall,
        MaxIdsPerDescribe = MaxIdsPerCall,
        MaxPageSize = MaxIdsPerCall,
        // DeleteImages has no DryRun: -WhatIf and Test-CloudImageDeletable judge from DescribeImages (AssessImage).
        HasNativeDryRun = false,
        // A missing id gets its own InvalidImage.NotFound in OperationDetails; an absent id was deleted.
        DeleteIgnoresMissingIds = false,
        // No rate is published; FlowLimitExceeded / AccountFlowLimitExceeded (429) are retried with backoff.
        DeleteCallsPerSecond = null,
        MaxConcurrentCalls = 4,
        // "image-" and lower-case letters and digits, about 20 of them.
        ImageIdPattern = new Regex("^image-[0-9a-z]{8,40}$", RegexOptions.CultureInvariant),
        ImageIdExample = "image-ydi2wozhozfu03z20000",
        NotFoundErrorCode = NotFoundCode,
        // DeleteBindedSnapshots (whose service-side default is true) is always sent explicitly.
        SupportsDeleteSnapshots = true,
        SupportsEvenIfInUse = false,
    };

    public override IReadOnlyList<string> KnownRegions { get; } = new[]
    {
        "cn-beijing", "cn-shanghai", "cn-guangzhou", "cn-hongkong", "ap-southeast-1", "ap-southeast-3",
        "cn-beijing-autodriving", "cn-shanghai-autodriving",
    };

    public override string CredentialHelp => VolcengineCredentials.Help;

    protected override IEnumerable<string> ListProfiles(IEnvironmentReader environment) => VolcengineCredentials.ProfileNames(environment);

    protected override AccessKeySettings ResolveCredentials(ConnectionRequest request) => VolcengineCredentials.Resolve(request);

    protected override IImageSession CreateSession(AccessKeySettings settings, Uri endpoint, HttpTransport transport) =>
        new VolcengineSession(this, settings, endpoint, transport);

    /// <summary>
    /// open.volcengineapi.com serves every region (the signature's scope names it), as the official SDKs call
    /// it; a few regions have only their own host.
    /// </summary>
    protected internal override Uri StandardEndpoint(string region) =>
        RegionalHostRegions.Contains(region)
            ? new Uri($"https://{Service}.{region}.volcengineapi.com/")
            : new Uri("https://open.volcengineapi.com/");
}

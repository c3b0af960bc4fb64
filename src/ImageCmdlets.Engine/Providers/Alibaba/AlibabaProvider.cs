using System;
using System.Collections.Generic;
using ImageCmdlets.Credentials;
using System.Text.RegularExpressions;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Alibaba;

/// <summary>
/// Alibaba Cloud ECS custom images (RPC API 2014-05-26): DescribeImages and DeleteImage, every
/// parameter in the query, signed with ACS3-HMAC-SHA256.
/// </summary>
internal sealed class AlibabaProvider : AccessKeyProvider
{
    public const string ProviderName = "Alibaba";
    public const string Version = "2014-05-26";

    /// <summary>DescribeImages' largest page.</summary>
    public const int MaxPage = 100;

    public override string Name => ProviderName;

    public override ProviderCapabilities Capabilities { get; } = new()
    {
        // DeleteImage takes exactly one ImageId.
        MaxIdsPerDelete = 1,
        // DescribeImages' comma-separated ImageId has no published maximum; a call answers at most one
        // page (PageSize ≤ 100), so 100 ids with PageSize 100 always come back in one answer.
        MaxIdsPerDescribe = MaxPage,
        MaxPageSize = MaxPage,
        HasNativeDryRun = true,
        // "If the specified custom image does not exist, the request is ignored": a 200 proves nothing.
        DeleteIgnoresMissingIds = true,
        // No rate is published for DeleteImage; Throttling.* answers are retried by the operations layer.
        DeleteCallsPerSecond = null,
        // One image per call makes calls many. No limit is documented: start with a few in flight and let the
        // gate grow towards this ceiling while calls are answered (Throttling.* halves it again).
        MaxConcurrentCalls = 16,
        // Custom, shared and marketplace images: "m-" and lower-case letters and digits. Public images have
        // file-like names, but those are never this account's to delete.
        ImageIdPattern = new Regex("^m-[0-9a-z]{1,60}$", RegexOptions.CultureInvariant),
        ImageIdExample = "m-bp67acfmxazb4p0000",
        States = AlibabaImages.Statuses,
        NotFoundErrorCode = "InvalidImageId.NotFound",
        SupportsEvenIfInUse = true,
    };

    public override IReadOnlyList<string> KnownRegions { get; } = new[]
    {
        "cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-qingdao", "cn-zhangjiakou", "cn-huhehaote",
        "cn-wulanchabu", "cn-nanjing", "cn-fuzhou", "cn-heyuan", "cn-guangzhou", "cn-chengdu", "cn-hongkong",
        "ap-southeast-1", "ap-southeast-3", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-northeast-1",
        "ap-northeast-2", "us-west-1", "us-east-1", "eu-central-1", "eu-west-1", "me-east-1", "me-central-1",
    };

    public override string CredentialHelp => AlibabaCredentials.Help;

    protected override IEnumerable<string> ListProfiles(IEnvironmentReader environment) => AlibabaCredentials.ProfileNames(environment);

    protected override AccessKeySettings ResolveCredentials(ConnectionRequest request) => AlibabaCredentials.Resolve(request);

    protected internal override Uri StandardEndpoint(string region) => new($"https://ecs.{region}.aliyuncs.com/");

    protected override IImageSession CreateSession(AccessKeySettings settings, Uri endpoint, HttpTransport transport) =>
        new AlibabaSession(this, settings, endpoint, transport);
}

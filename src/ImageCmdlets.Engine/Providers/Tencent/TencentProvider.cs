using System;
using System.Collections.Generic;
using ImageCmdlets.Credentials;
using System.Text.RegularExpressions;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Tencent;

/// <summary>
/// Tencent Cloud CVM custom images (API 3.0, version 2017-03-12): DescribeImages and DeleteImages,
/// POST JSON signed with TC3-HMAC-SHA256.
/// </summary>
internal sealed class TencentProvider : AccessKeyProvider
{
    public const string ProviderName = "Tencent";
    public const string Service = "cvm";
    public const string Version = "2017-03-12";

    /// <summary>DescribeImages' page and id-list maximum.</summary>
    public const int MaxPage = 100;

    public override string Name => ProviderName;

    public override ProviderCapabilities Capabilities { get; } = new()
    {
        // DeleteImages publishes no maximum. A call fails as a whole when any id in it is refused, and the
        // operations layer then bisects, so a bad id costs about 2·log2(n) calls: 50 keeps that small while
        // a full 500-image quota still goes in ten calls (one second at the documented 10 calls/s).
        MaxIdsPerDelete = 50,
        MaxIdsPerDescribe = MaxPage,
        MaxPageSize = MaxPage,
        HasNativeDryRun = true,
        DeleteCallsPerSecond = 10,
        // "img-" and lower-case letters and digits, normally 8; the doc's own example has 9.
        ImageIdPattern = new Regex("^img-[0-9a-z]{8,32}$", RegexOptions.CultureInvariant),
        ImageIdExample = "img-mfih409y",
        States = new[] { "NORMAL", "CREATING", "SYNCING", "IMPORTING", "USING", "CREATEFAILED", "IMPORTFAILED" },
        NotFoundErrorCode = "InvalidImageId.NotFound",
        SupportsDeleteSnapshots = true,
    };

    public override IReadOnlyList<string> KnownRegions { get; } = new[]
    {
        "ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-hongkong",
        "ap-singapore", "ap-jakarta", "ap-seoul", "ap-tokyo", "ap-bangkok", "ap-mumbai", "na-siliconvalley",
        "na-ashburn", "na-toronto", "sa-saopaulo", "eu-frankfurt", "ap-shanghai-fsi", "ap-shenzhen-fsi",
    };

    public override string CredentialHelp => TencentCredentials.Help;

    protected override IEnumerable<string> ListProfiles(IEnvironmentReader environment) => TencentProfile.Names(environment);

    protected override AccessKeySettings ResolveCredentials(ConnectionRequest request) => TencentCredentials.Resolve(request);

    protected override IImageSession CreateSession(AccessKeySettings settings, Uri endpoint, HttpTransport transport) =>
        new TencentSession(this, settings, endpoint, transport);

    /// <summary>
    /// cvm.tencentcloudapi.com serves every region (X-TC-Region picks it), and an unknown region then
    /// comes back as an API error rather than a DNS failure. The finance zones need their own host.
    /// </summary>
    protected internal override Uri StandardEndpoint(string region) =>
        region.EndsWith("-fsi", StringComparison.Ordinal)
            ? new Uri($"https://{Service}.{region}.tencentcloudapi.com/")
            : new Uri($"https://{Service}.tencentcloudapi.com/");
}

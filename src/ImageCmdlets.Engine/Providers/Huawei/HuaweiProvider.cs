using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers.Glance;

namespace ImageCmdlets.Providers.Huawei;

/// <summary>
/// Huawei Cloud IMS (Image Management Service): its OpenStack-native image calls (Glance's DELETE /v2/images/{id},
/// the deprecated v1.1 soft delete) and its own listing (GET /v2/cloudimages), authenticated by AK/SK signing
/// (SDK-HMAC-SHA256) or an IAM token. One image per delete call, no DryRun: deletability is judged from the
/// image's record.
/// </summary>
internal sealed class HuaweiProvider : ImageProvider
{
    public const string ProviderName = "Huawei";

    public override string Name => ProviderName;

    public override ProviderCapabilities Capabilities { get; } = new()
    {
        MaxIdsPerDelete = 1,
        // ListImages filters by one id.
        MaxIdsPerDescribe = 1,
        // ListImages' documented default page; no larger one is documented.
        MaxPageSize = 500,
        HasNativeDryRun = false,
        // A missing id is a 404, never a silent success.
        DeleteIgnoresMissingIds = false,
        // Only the gateway's default (200 calls per second per API) is published: no pacing, adaptive concurrency.
        DeleteCallsPerSecond = null,
        MaxConcurrentCalls = 8,
        InitialConcurrentCalls = 4,
        ImageIdPattern = new Regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant),
        ImageIdExample = "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90",
        States = HuaweiImages.Statuses,
        NotFoundErrorCode = GlanceErrors.NotFound,
        SupportsDeleteSnapshots = false,
        SupportsEvenIfInUse = false,
        SupportsDeleteBackups = true,
        SupportsSoftDelete = true,
    };

    public override IReadOnlyList<string> KnownRegions { get; } = new[]
    {
        "cn-north-4", "cn-north-1", "cn-east-3", "cn-east-2", "cn-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "af-south-1", "la-south-2", "sa-brazil-1", "eu-west-101",
    };

    public override string CredentialHelp => HuaweiCredentials.Help;

    protected override IEnumerable<string> ListProfiles(IEnvironmentReader environment) => HuaweiCredentials.ProfileNames(environment);

    /// <summary>IMS's endpoint for a region (the EU sovereign region lives under myhuaweicloud.eu).</summary>
    public static Uri ImsEndpoint(string region) => new($"https://ims.{region}.{Domain(region)}/");

    /// <summary>IAM's endpoint for a region, where tokens come from.</summary>
    public static Uri IamEndpoint(string region) => new($"https://iam.{region}.{Domain(region)}/v3");

    private static string Domain(string region) => region.StartsWith("eu-west-1", StringComparison.Ordinal) && region.Length > "eu-west-1".Length
        ? "myhuaweicloud.eu" : "myhuaweicloud.com";

    protected override IImageSession OpenSession(ConnectionRequest request)
    {
        var settings = HuaweiCredentials.Resolve(request, IamEndpoint);
        if (request.Endpoint is null && settings.Region.Length == 0) throw MissingRegion("the region names the IMS endpoint ims.<region>.myhuaweicloud.com");
        var apiRoot = ProviderValues.ApiRoot(request.Endpoint, request.Endpoint is null ? ImsEndpoint(settings.Region) : request.Endpoint);

        IRequestAuthenticator auth;
        if (settings.AccessKey is { } key) auth = new HuaweiAccessKeyAuthenticator(key, settings.ProjectId, settings.Region, settings.IamEndpoint, request.Transport);
        else
        {
            var token = settings.Token!;
            // An IAM user signs in now, so that a wrong password stops the command before any image call.
            var issued = token.User is null ? null : Keystone.AuthenticateAsync(token, request.Transport, request.Context).GetAwaiter().GetResult();
            auth = new HuaweiTokenAuthenticator(new KeystoneAuthenticator(token, request.Transport, issued));
        }
        return new HuaweiSession(this, auth, apiRoot, settings.Region);
    }

    private static ImageCmdletsConfigurationException MissingRegion(string why) =>
        new("MissingRegion", $"No region given for provider {ProviderName}: use -Region (such as cn-north-4); {why}.");
}

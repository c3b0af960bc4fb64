using System.Collections.Generic;
using ImageCmdlets.Credentials;
using System.Text.RegularExpressions;
using ImageCmdlets.Providers.Glance;

namespace ImageCmdlets.Providers.OpenStack;

/// <summary>
/// OpenStack Glance image API v2 behind Keystone v3: the Glance calls of <see cref="GlanceSession"/>,
/// authenticated by <see cref="KeystoneAuthenticator"/>. Glance has no batch delete and no DryRun:
/// deletability is judged from protected, status and owner.
/// </summary>
internal sealed class OpenStackProvider : ImageProvider
{
    public const string ProviderName = "OpenStack";

    public override string Name => ProviderName;

    public override ProviderCapabilities Capabilities { get; } = new()
    {
        MaxIdsPerDelete = 1,
        MaxIdsPerDescribe = 40, // ids go into one "id=in:" query parameter; 40 UUIDs keep the URL short
        MaxPageSize = 1000,
        HasNativeDryRun = false,
        DeleteIgnoresMissingIds = false,
        DeleteCallsPerSecond = null,
        // Glance documents no rate or concurrency limit (each API worker serves many requests at once): the
        // gate starts at 4 calls, grows while they are answered and halves on 5xx or 429, up to the same
        // ceiling as Huawei's Glance-based IMS.
        MaxConcurrentCalls = 8,
        InitialConcurrentCalls = 4,
        ImageIdPattern = new Regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant),
        ImageIdExample = "0b6e5ac5-3b54-4b37-a1b1-0d2f5e8c4f4e",
        States = new[] { "queued", "saving", "uploading", "importing", "active", "deactivated", "killed", "pending_delete", "deleted" },
        // Keystone region ids are free-form names (RegionOne, us-east-1, ...); they never reach a host or header.
        RegionPattern = new Regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant),
        NotFoundErrorCode = GlanceErrors.NotFound,
    };

    public override IReadOnlyList<string> KnownRegions { get; } = new[] { "RegionOne" };

    public override string CredentialHelp => OpenStackCredentials.Help;

    /// <summary>None: clouds.yaml is not read yet, so -ProfileName has nothing to name.</summary>
    protected override IEnumerable<string> ListProfiles(IEnvironmentReader environment) => System.Array.Empty<string>();

    protected override IImageSession OpenSession(ConnectionRequest request)
    {
        var settings = OpenStackCredentials.Resolve(request);
        if (settings.AuthUrl is null)
            return new GlanceSession(this, new KeystoneAuthenticator(settings, request.Transport, null), settings.ImageUrl!, settings.Region ?? "");

        var token = KeystoneTokenCache.GetAsync(settings, request.Transport, request.Context).GetAwaiter().GetResult();
        var auth = new KeystoneAuthenticator(settings, request.Transport, token);
        if (settings.ImageUrl is { } imageUrl)
            return new GlanceSession(this, auth, imageUrl, settings.Region ?? "");
        var (url, region) = Keystone.FindImageEndpoint(token, settings);
        return new GlanceSession(this, auth, url, region);
    }
}

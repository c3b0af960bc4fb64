using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Operations;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Tencent;

/// <summary>
/// Tencent Cloud CVM custom images (API 3.0, version 2017-03-12): DescribeImages and DeleteImages,
/// POST JSON signed with TC3-HMAC-SHA256.
/// </summary>
internal sealed class TencentProvider : AccessKeyProvider
{
    public const string Name = "Tencent";
    public const string Service = "cvm";
    public const string Version = "2017-03-12";

    /// <summary>
    /// DeleteImages publishes no maximum. A call fails as a whole when any id in it is refused, and the
    /// operations layer then bisects, so a bad id costs about 2·log2(n) calls: 50 keeps that small while
    /// a full 500-image quota still goes in ten calls (one second at the documented 10 calls/s).
    /// </summary>
    private const int DeleteBatch = 50;
    private const int MaxPage = 100;

    public static readonly ProviderCapabilities CapabilitiesData = new()
    {
        MaxIdsPerDelete = DeleteBatch,
        MaxIdsPerDescribe = MaxPage,
        MaxPageSize = MaxPage,
        HasNativeDryRun = true,
        DeleteIgnoresMissingIds = false,
        DeleteCallsPerSecond = 10,
        // "img-" and lower-case letters and digits, normally 8; the doc's own example has 9.
        ImageIdPattern = new Regex("^img-[0-9a-z]{8,}$", RegexOptions.CultureInvariant),
        ImageIdExample = "img-mfih409y",
        NotFoundErrorCode = "InvalidImageId.NotFound",
        SupportsDeleteSnapshots = true,
        SupportsEvenIfInUse = false,
    };

    public static readonly IReadOnlyList<string> KnownRegions = new[]
    {
        "ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-hongkong",
        "ap-singapore", "ap-jakarta", "ap-seoul", "ap-tokyo", "ap-bangkok", "ap-mumbai", "na-siliconvalley",
        "na-ashburn", "na-toronto", "sa-saopaulo", "eu-frankfurt", "ap-shanghai-fsi", "ap-shenzhen-fsi",
    };

    public static readonly ProviderDefinition Definition =
        new(Name, CapabilitiesData, KnownRegions, Connect, TencentConfiguration.Help);

    private TencentProvider(AccessKeyCredential credential, string region, Uri endpoint, HttpTransport transport)
        : base(Definition, credential, region, endpoint, transport) { }


    public static IImageProvider Connect(ConnectionRequest request)
    {
        var settings = TencentConfiguration.Resolve(request);
        var endpoint = request.Endpoint is { } custom
            ? new Uri(custom.GetLeftPart(UriPartial.Authority) + "/")
            : DefaultEndpoint(settings.Region);
        return new TencentProvider(settings.Credential, settings.Region, endpoint, request.Transport);
    }

    /// <summary>
    /// cvm.tencentcloudapi.com serves every region (X-TC-Region picks it), and an unknown region then
    /// comes back as an API error rather than a DNS failure. The finance zones need their own host.
    /// </summary>
    internal static Uri DefaultEndpoint(string region) =>
        region.EndsWith("-fsi", StringComparison.Ordinal)
            ? new Uri($"https://{Service}.{region}.tencentcloudapi.com/")
            : new Uri($"https://{Service}.tencentcloudapi.com/");

    public override async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var offset = ParseOffset(pageToken);
        var limit = Math.Max(1, Math.Min(query.PageSize ?? MaxPage, MaxPage));
        var body = JsonValue.NewObject();
        var filters = ListFilters(query);
        if (filters.Items.Count > 0) body.Set("Filters", filters);
        body.Set("Offset", offset).Set("Limit", limit);

        var response = await CallAsync("DescribeImages", body, $"{Region} offset {offset.ToString(CultureInfo.InvariantCulture)}", context).ConfigureAwait(false);
        var requestId = response.GetString("RequestId");
        var images = response.GetArray("ImageSet").Select(i => TencentImages.ToCloudImage(i, Region, requestId, this)).ToList();
        var total = response.GetInt64("TotalCount");
        var next = offset + images.Count;
        // Read until Offset reaches TotalCount (or, were it missing, until a page is short); an empty page
        // also ends it, so a shrinking list cannot loop.
        var more = images.Count > 0 && (total is { } t ? next < t : images.Count >= limit);
        return new ImagePage(images, more ? next.ToString(CultureInfo.InvariantCulture) : null, requestId, total);
    }

    public override async Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        if (imageIds.Count == 0) return Array.Empty<CloudImage>(); // no ids and no filters would list everything
        if (imageIds.Count > MaxPage)
            throw new ArgumentException($"DescribeImages takes at most {MaxPage} ids per call.", nameof(imageIds));
        // ImageIds and Filters are refused together; and Limit defaults to 20 even with ImageIds.
        var body = JsonValue.NewObject()
            .Set("ImageIds", JsonValue.FromStrings(imageIds))
            .Set("Limit", imageIds.Count);
        var response = await CallAsync("DescribeImages", body, Subject(imageIds), context).ConfigureAwait(false);
        var requestId = response.GetString("RequestId");
        return response.GetArray("ImageSet").Select(i => TencentImages.ToCloudImage(i, Region, requestId, this)).ToList();
    }

    public override async Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        if (imageIds.Count == 0) return Array.Empty<ImageDeleteResult>();
        var body = JsonValue.NewObject()
            .Set("ImageIds", JsonValue.FromStrings(imageIds))
            // Always explicit: snapshots go only when the user asked for it.
            .Set("DeleteBindedSnap", options.DeleteSnapshots)
            .Set("DryRun", options.DryRun);
        string? requestId;
        try
        {
            var response = await CallAsync("DeleteImages", body, Subject(imageIds) + (options.DryRun ? " (dry run)" : ""), context).ConfigureAwait(false);
            requestId = response.GetString("RequestId");
        }
        catch (CloudApiException ex) when (options.DryRun && ex.Error.Code == TencentErrors.DryRunOperation)
        {
            // CVM answers a passing dry run with a plain success; other Tencent services use this code.
            requestId = ex.Error.RequestId;
        }
        // DeleteImages answers for the call as a whole: success means every id was accepted.
        return imageIds.Select(id => ImageDeleteResult.Success(id, requestId)).ToList();
    }

    public override IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options) => TencentImages.Assess(image);

    /// <summary>Server-side filters: custom images only unless asked otherwise; names and tags where the
    /// filter can only narrow to a superset of what the operations layer keeps.</summary>
    internal static JsonValue ListFilters(ImageQuery query)
    {
        var filters = JsonValue.NewArray();
        if (!query.IncludeNonCustom) filters.Add(Filter("image-type", new[] { TencentImages.PrivateImage }));

        // image-name is a fuzzy match: a literal name finds (at least) that image; a wildcard pattern is
        // left to the client-side filter. Several literal names are alternatives (values are OR-ed).
        if (query.NamePatterns.Count is > 0 and <= MaxFilterValues && query.NamePatterns.All(p => p.Length > 0 && !WildcardPattern.ContainsWildcard(p)))
            filters.Add(Filter("image-name", query.NamePatterns));

        // Each tag is a separate filter (filters are AND-ed, like the operations layer's tag filters):
        // "key" → tag-key, "key=value" → tag:<key>. A filter name is sent once; further tags of the same
        // name, and any beyond the API's 10 filters, are left to the client-side filter.
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in query.Tags)
        {
            var eq = tag.IndexOf('=');
            if (tag.Length == 0 || eq == 0 || filters.Items.Count >= MaxFilters) continue;
            var filter = eq < 0
                ? Filter("tag-key", new[] { tag })
                : Filter("tag:" + tag.Substring(0, eq), new[] { tag.Substring(eq + 1) });
            if (names.Add(filter.GetString("Name")!)) filters.Add(filter);
        }
        return filters;
    }

    private const int MaxFilters = 10;
    private const int MaxFilterValues = 5;

    private static JsonValue Filter(string name, IEnumerable<string> values) =>
        JsonValue.NewObject().Set("Name", name).Set("Values", JsonValue.FromStrings(values));

    private static long ParseOffset(string? pageToken)
    {
        if (pageToken is null) return 0;
        if (long.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)) return offset;
        throw new ArgumentException($"'{pageToken}' is not a Tencent page token (an offset).", nameof(pageToken));
    }

    private string Subject(IReadOnlyList<string> ids)
    {
        const int Shown = 5;
        var text = Region + " " + string.Join(",", ids.Take(Shown));
        return ids.Count > Shown ? text + $" (+{(ids.Count - Shown).ToString(CultureInfo.InvariantCulture)} more)" : text;
    }

    /// <summary>One signed POST; the Response object, or a <see cref="CloudApiException"/>.</summary>
    private async Task<JsonValue> CallAsync(string action, JsonValue body, string subject, CallContext context)
    {
        var request = new ApiRequest(HttpMethod.Post, Endpoint, action)
        {
            Subject = subject,
            Body = Crypto.Utf8Bytes(body.ToJson()),
            ReadRequestId = TencentErrors.RequestIdOf,
        };
        // The SDK's form: the signed Content-Type must be byte-identical to the one sent.
        request.SetHeader("Content-Type", "application/json");
        Tc3Signer.Sign(request, Credential, Service, Version, Region, Clock().ToUnixTimeSeconds());
        var exchange = await Transport.SendAsync(request, context).ConfigureAwait(false);
        return TencentErrors.ReadResponse(exchange, action);
    }
}

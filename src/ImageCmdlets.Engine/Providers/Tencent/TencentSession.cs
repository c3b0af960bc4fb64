using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Tencent;

/// <summary>One Tencent CVM session: an access key in one region.</summary>
internal sealed class TencentSession : AccessKeySession
{
    public TencentSession(TencentProvider provider, AccessKeySettings settings, Uri endpoint, HttpTransport transport)
        : base(provider, settings, endpoint, transport) { }

    private protected override ErrorCodeMap ErrorCodes => TencentErrors.Map;

    public override async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var offset = ParseOffset(pageToken);
        var limit = Math.Max(1, Math.Min(query.PageSize ?? TencentProvider.MaxPage, TencentProvider.MaxPage));
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
        return new ImagePage(images, more ? next.ToString(CultureInfo.InvariantCulture) : null, requestId, total,
            ProviderValues.LaterOffsets(offset, limit, images.Count, total));
    }

    public override async Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        if (imageIds.Count == 0) return Array.Empty<CloudImage>(); // no ids and no filters would list everything
        if (imageIds.Count > TencentProvider.MaxPage)
            throw new ArgumentException($"DescribeImages takes at most {TencentProvider.MaxPage} ids per call.", nameof(imageIds));
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

    /// <summary>One signed POST; the Response object, or a <see cref="CloudApiException"/>.</summary>
    private async Task<JsonValue> CallAsync(string action, JsonValue body, string subject, CallContext context)
    {
        var payload = Crypto.Utf8Bytes(body.ToJson());
        var exchange = await SendSignedAsync(now =>
        {
            var request = new ApiRequest(HttpMethod.Post, ApiRoot, action)
            {
                Subject = subject,
                Body = payload,
                ReadRequestId = TencentErrors.RequestIdOf,
                ReadErrorCode = TencentErrors.CodeOf,
            };
            // The SDK's form: the signed Content-Type must be byte-identical to the one sent.
            request.SetHeader("Content-Type", "application/json");
            TencentSigner.Sign(request, Credential, TencentProvider.Service, TencentProvider.Version, Region, now.ToUnixTimeSeconds());
            return request;
        }, context).ConfigureAwait(false);
        return TencentErrors.ReadResponse(exchange, action);
    }
}

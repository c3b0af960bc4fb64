using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Glance;

/// <summary>
/// A session on an OpenStack Glance image API v2: list, describe (id=in:), delete one image per call,
/// and deletability judged from protected, status and owner (Glance has no DryRun). How requests are
/// authenticated is the <see cref="IRequestAuthenticator"/>'s business, so any cloud that speaks
/// Glance v2 (OpenStack behind Keystone, Huawei IMS with AK/SK) uses these calls as they are.
/// </summary>
internal sealed class GlanceSession : IImageSession
{
    private readonly IRequestAuthenticator _auth;
    private readonly Uri _imageBase;

    public GlanceSession(ImageProvider provider, IRequestAuthenticator auth, Uri imageBase, string region)
    {
        Provider = provider;
        _auth = auth;
        _imageBase = imageBase;
        Region = region;
    }

    public ImageProvider Provider { get; }
    public string Region { get; }
    public string Account => _auth.ProjectId ?? "(token)";
    public string Endpoint => EndpointPolicy.Display(_imageBase);

    public async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var uri = pageToken is null ? new Uri(ImagesUrl() + "?" + ListQuery(query)) : new Uri(BaseText() + pageToken);
        var answer = await SendAsync(HttpMethod.Get, uri, "ListImages", Region, context).ConfigureAwait(false);
        var json = ExpectJson(answer, "ListImages");
        var images = json.GetArray("images").Select(i => GlanceImages.ToCloudImage(i, this, answer.RequestId)).ToArray();
        return new ImagePage(images, json.GetString("next"), answer.RequestId);
    }

    public async Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        // "visibility=all" so that community and shared images are found too, as a delete would find them.
        var uri = new Uri($"{ImagesUrl()}?visibility=all&limit={imageIds.Count}&id=in:{string.Join(",", imageIds.Select(Uri.EscapeDataString))}");
        var answer = await SendAsync(HttpMethod.Get, uri, "ListImages", ProviderValues.Subject(Region, imageIds), context).ConfigureAwait(false);
        return ExpectJson(answer, "ListImages").GetArray("images").Select(i => GlanceImages.ToCloudImage(i, this, answer.RequestId)).ToArray();
    }

    public async Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        var id = imageIds.Single();
        var answer = await SendAsync(HttpMethod.Delete, new Uri($"{ImagesUrl()}/{Uri.EscapeDataString(id)}"), "DeleteImage", $"{Region} {id}", context).ConfigureAwait(false);
        // Glance answers 204 with no body. A 2xx carrying something that is not JSON is not Glance's answer
        // (a proxy, a truncated reply): whether the image went is unknown, and that is what is said.
        if (answer.IsSuccess && (string.IsNullOrWhiteSpace(answer.Body) || answer.Json is not null))
            return new[] { ImageDeleteResult.Success(id, answer.RequestId) };
        if (answer.IsSuccess) throw new CloudApiException(EngineErrors.Unreadable(answer, "DeleteImage", "Glance's answer (no body, or JSON)"));
        return new[] { ImageDeleteResult.Failure(id, GlanceErrors.DeleteRefusal(answer) ?? throw GlanceErrors.CallFailure(answer, "DeleteImage")) };
    }

    public IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options) => GlanceImages.Assess(image, _auth);

    private string BaseText() => _imageBase.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private string ImagesUrl() => BaseText() + "/v2/images";

    private string ListQuery(ImageQuery query)
    {
        var max = Provider.Capabilities.MaxPageSize;
        var parts = new List<string> { "limit=" + Math.Min(query.PageSize ?? max, max).ToString(CultureInfo.InvariantCulture) };
        if (!query.IncludeNonCustom && _auth.ProjectId is { } project) parts.Add("owner=" + Uri.EscapeDataString(project));
        else if (query.IncludeNonCustom) parts.Add("visibility=all");
        // Server-side filters only where Glance's exact match says the same as the wildcard pattern; Glance reads
        // "a:b" as operator a and value b (HTTP 400), and "," separates in: values, so such names are matched here.
        var literals = query.NamePatterns.Select(WildcardPattern.LiteralOf).ToArray();
        if (literals.Length > 0 && literals.All(l => l is not null && l.IndexOf(',') < 0 && l.IndexOf(':') < 0))
            parts.Add("name=" + Uri.EscapeDataString(literals.Length == 1 ? literals[0]! : "in:" + string.Join(",", literals)));
        if (query.States.Count > 0 && query.States.All(s => s.IndexOf(',') < 0))
            parts.Add("status=" + Uri.EscapeDataString("in:" + string.Join(",", query.States.Select(s => s.ToLowerInvariant()))));
        if (query.CreatedAfter is { } after) parts.Add("created_at=" + Uri.EscapeDataString("gt:" + IsoTime(after)));
        else if (query.CreatedBefore is { } before) parts.Add("created_at=" + Uri.EscapeDataString("lt:" + IsoTime(before)));
        foreach (var tag in query.Tags.Where(t => t.IndexOf('=') < 0)) parts.Add("tag=" + Uri.EscapeDataString(tag));
        return string.Join("&", parts);
    }

    private static string IsoTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task<HttpExchange> SendAsync(HttpMethod method, Uri uri, string action, string subject, CallContext context)
    {
        var request = new ApiRequest(method, uri, action) { Subject = subject, ReadRequestId = e => e.GetHeader("x-openstack-request-id") };
        request.SetHeader("Accept", "application/json"); // JSON error bodies instead of HTML pages
        var answer = await _auth.SendAsync(request, context).ConfigureAwait(false);
        return GlanceErrors.IsCallLevel(answer) ? throw GlanceErrors.CallFailure(answer, action) : answer;
    }

    private static JsonValue ExpectJson(HttpExchange answer, string action)
    {
        if (!answer.IsSuccess) throw GlanceErrors.CallFailure(answer, action);
        return answer.Json is { Kind: JsonKind.Object } json
            ? json
            : throw new CloudApiException(EngineErrors.Unreadable(answer, action, "a JSON object"));
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Huawei;

/// <summary>
/// One Huawei IMS session (a project in a region). IMS speaks Glance for what matters here, so the calls go
/// through a <see cref="GlanceSession"/> (authentication, error reading, the DELETE itself); IMS's own parts are
/// the listing (GET /v2/cloudimages, marker paging, __imagetype), the optional delete_backup body and the
/// deprecated v1.1 soft delete.
/// </summary>
internal sealed class HuaweiSession : IImageSession
{
    public const string ListAction = "ListImages";
    public const string DeleteAction = "GlanceDeleteImage";
    public const string SoftDeleteAction = "DeleteImageV1.1";

    private readonly GlanceSession _glance;
    private readonly IRequestAuthenticator _auth;

    public HuaweiSession(HuaweiProvider provider, IRequestAuthenticator auth, Uri apiRoot, string region)
    {
        Provider = provider;
        Region = region;
        _auth = auth;
        _glance = new GlanceSession(provider, auth, apiRoot, region, HuaweiErrors.ProviderError);
    }

    public ImageProvider Provider { get; }
    public string Region { get; }
    public string Account => _auth.ProjectId ?? "(token)";
    public string Endpoint => _glance.Endpoint;

    /// <summary>
    /// One page of GET /v2/cloudimages: the project's private images (__imagetype=private) unless IncludeNonCustom.
    /// The page token is the last id (marker); a page shorter than the limit is the last. Soft-deleted records
    /// are left out unless -State deleted asks for them.
    /// </summary>
    public async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var max = Provider.Capabilities.MaxPageSize;
        var limit = Math.Max(1, Math.Min(query.PageSize ?? max, max));
        var parameters = new List<KeyValuePair<string, string>>();
        if (!query.IncludeNonCustom) parameters.Add(new("__imagetype", HuaweiImages.Private));
        // Server-side only where IMS's exact match says the same as the pattern: one literal name, one status.
        if (query.NamePatterns.Count == 1 && WildcardPattern.LiteralOf(query.NamePatterns[0]) is { Length: > 0 } name) parameters.Add(new("name", name));
        if (query.States.Count == 1) parameters.Add(new("status", query.States[0].ToLowerInvariant()));
        if (query.CreatedAfter is { } after) parameters.Add(new("created_at", "gt:" + IsoTime(after)));
        else if (query.CreatedBefore is { } before) parameters.Add(new("created_at", "lt:" + IsoTime(before)));
        parameters.Add(new("limit", limit.ToString(CultureInfo.InvariantCulture)));
        if (pageToken is not null) parameters.Add(new("marker", pageToken));

        var answer = await _glance.SendAsync(HttpMethod.Get, CloudImagesUri(parameters), ListAction,
            $"{Region} page after {pageToken ?? "start"}", context).ConfigureAwait(false);
        var records = ReadImages(answer);
        var wantDeleted = query.States.Any(s => string.Equals(s, HuaweiImages.Deleted, StringComparison.OrdinalIgnoreCase));
        var images = records.Where(i => wantDeleted || !HuaweiImages.IsSoftDeleted(i)).ToList();
        var next = records.Count >= limit ? records[records.Count - 1].ImageId : null;
        return new ImagePage(images, next, answer.RequestId);
    }

    /// <summary>
    /// GET /v2/cloudimages?id=… for each id (IMS filters by one id; <see cref="ProviderCapabilities.MaxIdsPerDescribe"/>
    /// is 1, so the operations layer sends one id per call). Every kind of image is found (public, shared, private),
    /// as a delete would find it; a soft-deleted record counts as gone.
    /// </summary>
    public async Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        var found = new List<CloudImage>();
        foreach (var id in imageIds.Distinct(StringComparer.Ordinal))
        {
            var answer = await _glance.SendAsync(HttpMethod.Get, CloudImagesUri(new[] { new KeyValuePair<string, string>("id", id) }), ListAction,
                ProviderValues.Subject(Region, new[] { id }), context).ConfigureAwait(false);
            found.AddRange(ReadImages(answer).Where(i => i.ImageId == id && !HuaweiImages.IsSoftDeleted(i)));
        }
        return found;
    }

    /// <summary>
    /// DELETE /v2/images/{id} (GlanceDeleteImage), with {"delete_backup":true} only under -DeleteBackup (a DELETE
    /// with a body is refused by plain Glance, and IMS's default is to keep backups); or, under -SoftDelete, the
    /// deprecated DELETE /v1.1/images/{id}, which keeps the record with status "deleted" (answered 204 or 200).
    /// </summary>
    public async Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        if (options.DryRun || options.DeleteSnapshots || options.EvenIfInUse)
            throw new ArgumentException("IMS's delete has no DryRun, snapshot or force option.", nameof(options));
        var id = imageIds.Single();
        if (options.SoftDelete)
        {
            var soft = await _glance.DeleteAsync(id, "v1.1/images", null, SoftDeleteAction, context).ConfigureAwait(false);
            return new[] { soft.Succeeded ? ImageDeleteResult.SoftDeletion(id, soft.RequestId) : soft };
        }
        var body = options.DeleteBackups ? JsonValue.NewObject().Set("delete_backup", true) : null;
        return new[] { await _glance.DeleteAsync(id, "v2/images", body, DeleteAction, context).ConfigureAwait(false) };
    }

    public IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options) => HuaweiImages.Assess(image, _auth.ProjectId);

    private Uri CloudImagesUri(IEnumerable<KeyValuePair<string, string>> parameters) =>
        new(_glance.BaseText() + "/v2/cloudimages?" + string.Join("&", parameters.Select(p => Crypto.PercentEncode(p.Key) + "=" + Crypto.PercentEncode(p.Value))));

    private List<CloudImage> ReadImages(HttpExchange answer)
    {
        var json = _glance.ExpectJson(answer, ListAction);
        if (json["images"] is { Kind: not (JsonKind.Array or JsonKind.Null) })
            throw new CloudApiException(EngineErrors.Unreadable(answer, ListAction, "{\"images\":[…]}"));
        return json.GetArray("images").Select(i => HuaweiImages.ToCloudImage(i, this, answer.RequestId)).ToList();
    }

    private static string IsoTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

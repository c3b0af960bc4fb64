using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Zenlayer;

/// <summary>
/// One Zenlayer ZEC session: an access key, optionally narrowed to one region for listing. Every call is a
/// signed JSON POST to the zec endpoint with the action in X-ZC-Action.
/// </summary>
internal sealed class ZenlayerSession : AccessKeySession, IDeletionPoller
{
    private readonly Uri _apiUri;

    public ZenlayerSession(ZenlayerProvider provider, AccessKeySettings settings, Uri apiRoot, HttpTransport transport)
        : base(provider, settings, apiRoot, transport) =>
        _apiUri = new Uri(apiRoot, ZenlayerProvider.ApiPath);

    private protected override ErrorCodeMap ErrorCodes => ZenlayerErrors.Map;

    /// <summary>The URI every call goes to: the API root (or -Endpoint) and the service path.</summary>
    internal Uri ApiUri => _apiUri;

    /// <summary>
    /// The account's own images (DescribeCustomImages, in the session's region when it has one), or with
    /// IncludeNonCustom every image it can see (DescribeImages, public ones too). pageNum is 1-based; the
    /// listing goes on until pageNum·pageSize reaches totalCount.
    /// </summary>
    public override async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var pageNum = ProviderValues.PageNumber(pageToken, ZenlayerProvider.ProviderName);
        var pageSize = Math.Max(1, Math.Min(query.PageSize ?? ZenlayerProvider.MaxPage, ZenlayerProvider.MaxPage));

        var action = query.IncludeNonCustom ? "DescribeImages" : "DescribeCustomImages";
        var body = JsonValue.NewObject();
        if (!query.IncludeNonCustom && Region.Length > 0) body.Set("regionId", Region);
        // imageName is a fuzzy match: one literal name finds (at least) that image; patterns stay client-side.
        if (query.NamePatterns.Count == 1 && query.NamePatterns[0].Length > 0 && !WildcardPattern.ContainsWildcard(query.NamePatterns[0]))
            body.Set("imageName", query.NamePatterns[0]);
        if (ZenlayerImages.StatusFilter(query.States) is { } status) body.Set("imageStatus", status);
        body.Set("pageNum", pageNum).Set("pageSize", pageSize);

        var response = await CallAsync(action, body, $"{Where} page {pageNum.ToString(CultureInfo.InvariantCulture)}", context).ConfigureAwait(false);
        var requestId = response.GetString("requestId");
        var images = ReadImages(response, action, requestId);
        var total = response.GetInt64("totalCount") ?? throw InvalidAnswer(action, "has no totalCount", requestId);
        return new ImagePage(images, ProviderValues.NextPageNumber(pageNum, pageSize, images.Count, total), requestId, total,
            ProviderValues.LaterPageNumbers(pageNum, pageSize, images.Count, total));
    }

    /// <summary>
    /// DescribeImages by id: custom and public images alike (their imageType tells them apart), in any region,
    /// in any state; ids that do not exist are absent.
    /// </summary>
    public override async Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        if (imageIds.Count == 0) return Array.Empty<CloudImage>(); // no ids would list every image
        if (imageIds.Count > ZenlayerProvider.MaxIdsPerDescribe)
            throw new ArgumentException($"DescribeImages is sent at most {ZenlayerProvider.MaxIdsPerDescribe} ids per call.", nameof(imageIds));
        var body = JsonValue.NewObject()
            .Set("imageIds", JsonValue.FromStrings(imageIds))
            .Set("pageNum", 1)
            .Set("pageSize", imageIds.Count);
        JsonValue response;
        try
        {
            response = await CallAsync("DescribeImages", body, About(imageIds), context).ConfigureAwait(false);
        }
        catch (CloudApiException ex) when (ex.Error.Kind == ErrorKind.NotFound && imageIds.Count == 1)
        {
            // Should the API answer "not found" for a describe of one missing id rather than leave it out (the
            // Terraform provider allows for it), that is the same answer. With several ids it cannot be told
            // which one was meant, so that stays an error.
            return Array.Empty<CloudImage>();
        }
        var wanted = new HashSet<string>(imageIds, StringComparer.Ordinal);
        return ReadImages(response, "DescribeImages", response.GetString("requestId")).Where(i => wanted.Contains(i.ImageId)).ToList();
    }

    /// <summary>
    /// DeleteImages for several ids. The answer lists only the ids that failed, without a reason: each of
    /// those is looked up (one DescribeImages call for all of them) to give it a precise reason. Accepted
    /// images are only being deleted (DELETING); they come back as accepted, finishing later.
    /// </summary>
    public override async Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        if (options.DryRun || options.DeleteSnapshots || options.EvenIfInUse)
            throw new ArgumentException("Zenlayer's DeleteImages has no DryRun, snapshot or force option.", nameof(options));
        if (imageIds.Count == 0) return Array.Empty<ImageDeleteResult>();

        var body = JsonValue.NewObject().Set("imageIds", JsonValue.FromStrings(imageIds));
        var response = await CallAsync("DeleteImages", body, About(imageIds), context).ConfigureAwait(false);
        var requestId = response.GetString("requestId");
        var failed = new HashSet<string>(response.GetArray("imageIds").Select(i => i.AsString() ?? ""), StringComparer.Ordinal);
        failed.IntersectWith(imageIds);

        var reasons = failed.Count == 0
            ? new Dictionary<string, ImageDeleteResult>()
            : await ExplainFailuresAsync(failed.ToArray(), requestId, context).ConfigureAwait(false);
        return imageIds.Distinct(StringComparer.Ordinal)
            .Select(id => reasons.TryGetValue(id, out var failure) ? failure : ImageDeleteResult.Success(id, requestId, completesLater: true))
            .ToList();
    }

    /// <summary>
    /// Where each accepted deletion stands: gone (absent from DescribeImages), still DELETING, or in some
    /// other state (the deletion failed). The Terraform provider waits the same way.
    /// </summary>
    public async Task<IReadOnlyList<DeletionProgress>> PollDeletionsAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        var found = (await DescribeImagesAsync(imageIds, context).ConfigureAwait(false)).ToDictionary(i => i.ImageId, StringComparer.Ordinal);
        return imageIds.Select(id => !found.TryGetValue(id, out var image)
                ? new DeletionProgress(id, DeletionState.Completed)
                : new DeletionProgress(id, ZenlayerImages.IsBeingDeleted(image) ? DeletionState.InProgress : DeletionState.Failed, image.State, image.RequestId))
            .ToList();
    }

    public override IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options) => ZenlayerImages.Assess(image);

    /// <summary>Pauses before the second and third try of a failed-id lookup (the SDKs' documented 1 s, 2 s); tests shorten them.</summary>
    internal Func<int, TimeSpan> LookupRetryDelay { get; set; } = attempt => TimeSpan.FromSeconds(attempt);

    private const int LookupAttempts = 3;

    /// <summary>
    /// Why DeleteImages refused each of these ids, from one DescribeImages call: not found, not a custom
    /// image, still being made; or, for an image already DELETING (an earlier call's answer was lost, or
    /// someone else deleted it), accepted after all. The lookup is part of the delete's answer, so it is the
    /// one call a session tries again itself, on throttling or a server error only (the delete must not be
    /// repeated for it). If it still fails, each id gets its own error, saying that its state is unknown.
    /// </summary>
    private async Task<Dictionary<string, ImageDeleteResult>> ExplainFailuresAsync(IReadOnlyList<string> ids, string? requestId, CallContext context)
    {
        var results = new Dictionary<string, ImageDeleteResult>(StringComparer.Ordinal);
        Dictionary<string, CloudImage> found;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    found = (await DescribeImagesAsync(ids, context).ConfigureAwait(false)).ToDictionary(i => i.ImageId, StringComparer.Ordinal);
                    break;
                }
                catch (CloudApiException ex) when (ex.Error.IsRetryable && attempt < LookupAttempts)
                {
                    context.Log.Verbose($"DescribeImages {About(ids)}: {ex.Error.Code}; looking again in {LookupRetryDelay(attempt).TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s");
                    await Task.Delay(LookupRetryDelay(attempt), context.Cancellation).ConfigureAwait(false);
                }
            }
        }
        catch (CloudApiException ex)
        {
            foreach (var id in ids)
                results[id] = ImageDeleteResult.Failure(id, new CloudApiError(ZenlayerErrors.DeleteRefused, ErrorKind.Unknown,
                    $"Zenlayer did not delete image {id} (it gives no reason), and looking the image up failed ({ex.Error.Code}): its state is unknown.",
                    requestId));
            return results;
        }
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var image))
            {
                results[id] = ImageDeleteResult.Failure(id, new CloudApiError(ZenlayerErrors.ResourceNotFound, ErrorKind.NotFound,
                    $"Zenlayer did not delete image {id}: it does not exist (or is not visible to this account).", requestId));
                continue;
            }
            if (ZenlayerImages.IsBeingDeleted(image))
            {
                results[id] = ImageDeleteResult.Success(id, requestId, completesLater: true);
                continue;
            }
            var reason = ZenlayerImages.Assess(image).FirstOrDefault();
            results[id] = ImageDeleteResult.Failure(id, reason is null
                ? new CloudApiError(ZenlayerErrors.DeleteRefused, ErrorKind.Unknown,
                    $"Zenlayer did not delete image {id} ({image.ImageType}, {image.State}) and gives no reason; nothing in its description stands in the way.", requestId)
                : new CloudApiError(reason.Code, reason.ErrorKind, reason.Message, requestId));
        }
        return results;
    }

    private List<CloudImage> ReadImages(JsonValue response, string action, string? requestId)
    {
        if (response["dataSet"] is { Kind: not (JsonKind.Array or JsonKind.Null) })
            throw InvalidAnswer(action, "has a dataSet that is not a list", requestId);
        return response.GetArray("dataSet").Select(i => ZenlayerImages.ToCloudImage(i, Region, requestId, this)).ToList();
    }

    /// <summary>The region a listing covers, for verbose lines.</summary>
    private string Where => Region.Length > 0 ? Region : "all regions";

    private string About(IReadOnlyList<string> ids) => ProviderValues.Subject(Where, ids);

    /// <summary>One signed POST; the answer's "response" object, or a <see cref="CloudApiException"/>.</summary>
    private async Task<JsonValue> CallAsync(string action, JsonValue body, string subject, CallContext context)
    {
        var exchange = await SendSignedAsync(now =>
        {
            var request = BuildRequest(action, body, now.ToUnixTimeSeconds());
            request.Subject = subject;
            return request;
        }, context).ConfigureAwait(false);
        return ZenlayerErrors.ReadResponse(exchange, action);
    }

    /// <summary>A signed request, exactly as it is sent: the X-ZC-* headers, the User-Agent and Authorization.</summary>
    internal ApiRequest BuildRequest(string action, JsonValue body, long timestamp)
    {
        var request = new ApiRequest(HttpMethod.Post, _apiUri, action)
        {
            Body = Crypto.Utf8Bytes(body.ToJson()),
            ReadRequestId = ZenlayerErrors.RequestIdOf,
            ReadErrorCode = ZenlayerErrors.CodeOf,
        };
        // Signed byte for byte: the value sent must be the value signed.
        request.SetHeader("Content-Type", "application/json");
        request.SetHeader("User-Agent", ModuleIdentity.UserAgent);
        request.SetHeader("X-ZC-Action", action);
        request.SetHeader("X-ZC-Version", ZenlayerProvider.Version);
        request.SetHeader("X-ZC-Service", ZenlayerProvider.Service);
        ZenlayerSigner.Sign(request, Credential, timestamp);
        return request;
    }

    private static CloudApiException InvalidAnswer(string action, string problem, string? requestId) =>
        new(new CloudApiError(EngineErrors.InvalidResponse, ErrorKind.InvalidResponse, $"The {action} answer {problem}.", requestId));
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Alibaba;

/// <summary>One Alibaba ECS session: an access key in one region.</summary>
internal sealed class AlibabaSession : AccessKeySession
{
    public AlibabaSession(AlibabaProvider provider, AccessKeySettings settings, Uri endpoint, HttpTransport transport)
        : base(provider, settings, endpoint, transport) { }

    private protected override ErrorCodeMap ErrorCodes => AlibabaErrors.Codes;

    public override async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var pageNumber = ProviderValues.PageNumber(pageToken, AlibabaProvider.ProviderName);
        var pageSize = Math.Max(1, Math.Min(query.PageSize ?? AlibabaProvider.MaxPage, AlibabaProvider.MaxPage));

        var parameters = new List<KeyValuePair<string, string>>
        {
            new("RegionId", Region),
            new("Status", AlibabaImages.StatusFilter(query.States)),
            new("PageNumber", pageNumber.ToString(CultureInfo.InvariantCulture)),
            new("PageSize", pageSize.ToString(CultureInfo.InvariantCulture)),
        };
        if (!query.IncludeNonCustom) parameters.Add(new("ImageOwnerAlias", AlibabaImages.OwnAlias));
        // ImageName is a fuzzy (substring) match: usable for one pattern without wildcards; the operations
        // layer matches exactly afterwards.
        if (query.NamePatterns.Count == 1 && !WildcardPattern.ContainsWildcard(query.NamePatterns[0]) && query.NamePatterns[0].Length > 0)
            parameters.Add(new("ImageName", query.NamePatterns[0]));
        // Tag.N filters combine with AND, as the operations layer's tag filters do.
        var n = 0;
        foreach (var tag in query.Tags.Where(t => !string.IsNullOrEmpty(t)))
        {
            n++;
            var eq = tag.IndexOf('=');
            parameters.Add(new($"Tag.{n}.Key", eq < 0 ? tag : tag.Substring(0, eq)));
            if (eq >= 0) parameters.Add(new($"Tag.{n}.Value", tag.Substring(eq + 1)));
        }

        var response = await CallAsync("DescribeImages", parameters, $"{Region} page {pageNumber}", context).ConfigureAwait(false);
        var requestId = response.GetString("RequestId");
        var images = ReadImages(response, requestId);
        var total = response.GetInt64("TotalCount")
            ?? throw InvalidAnswer("DescribeImages", "has no TotalCount", requestId);
        // Read until PageNumber·PageSize reaches TotalCount.
        return new ImagePage(images, ProviderValues.NextPageNumber(pageNumber, pageSize, images.Count, total), requestId, total,
            ProviderValues.LaterPageNumbers(pageNumber, pageSize, images.Count, total));
    }

    public override async Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        if (imageIds.Count == 0) return Array.Empty<CloudImage>(); // no ImageId would list every image
        if (imageIds.Count > AlibabaProvider.MaxPage)
            throw new ArgumentException($"DescribeImages is sent at most {AlibabaProvider.MaxPage} ids per call.", nameof(imageIds));
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("RegionId", Region),
            new("ImageId", string.Join(",", imageIds)),
            // Without Status only Available images come back, and an image being created would look missing.
            new("Status", string.Join(",", AlibabaImages.Statuses)),
            // DeleteImage ignores ids that are not this account's custom images, so "exists" must mean exactly
            // that: an image merely shared with this account is not found here, and is never reported deleted.
            new("ImageOwnerAlias", AlibabaImages.OwnAlias),
            new("PageNumber", "1"),
            new("PageSize", AlibabaProvider.MaxPage.ToString(CultureInfo.InvariantCulture)),
        };
        var response = await CallAsync("DescribeImages", parameters, Subject(imageIds), context).ConfigureAwait(false);
        var wanted = new HashSet<string>(imageIds, StringComparer.Ordinal);
        return ReadImages(response, response.GetString("RequestId")).Where(i => wanted.Contains(i.ImageId)).ToList();
    }

    public override async Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        if (imageIds.Count != 1)
            throw new ArgumentException("DeleteImage takes exactly one image id per call.", nameof(imageIds));
        var imageId = imageIds[0];

        var parameters = new List<KeyValuePair<string, string>>
        {
            new("RegionId", Region),
            new("ImageId", imageId),
            // Both flags always explicit: Force deletes an image instances use, DryRun only validates.
            new("Force", options.EvenIfInUse ? "true" : "false"),
            new("DryRun", options.DryRun ? "true" : "false"),
        };
        var exchange = await SendAsync("DeleteImage", parameters, $"{Region} {imageId}{(options.DryRun ? " (DryRun)" : "")}", context).ConfigureAwait(false);
        var error = AlibabaErrors.ErrorOf(exchange, "DeleteImage");

        if (error is null)
        {
            if (!options.DryRun) return new[] { ImageDeleteResult.Success(imageId, exchange.RequestId) };
            // A pass is a 400 DryRunOperation; a 200 means the service did not take the flag as a dry run
            // and may well have deleted the image. Never report that as "would delete".
            return new[]
            {
                ImageDeleteResult.Failure(imageId, new CloudApiError(EngineErrors.DryRunNotHonored, ErrorKind.Unknown,
                    $"The DryRun delete of {imageId} was answered with success instead of DryRunOperation; the image may have been deleted.",
                    exchange.RequestId, exchange.StatusCode)),
            };
        }
        if (options.DryRun && error.Code == AlibabaErrors.DryRunPassed)
            return new[] { ImageDeleteResult.Success(imageId, error.RequestId) };
        if (AlibabaErrors.IsCallLevel(error.Kind)) throw new CloudApiException(error);
        // In use, shared, copying, not found, no permission for this image: the one image's answer.
        return new[] { ImageDeleteResult.Failure(imageId, error) };
    }

    public override IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options) => AlibabaImages.Assess(image, options);

    private List<CloudImage> ReadImages(JsonValue response, string? requestId)
    {
        if (response["Images"] is not { Kind: JsonKind.Object } images)
            throw InvalidAnswer("DescribeImages", "has no Images object", requestId);
        return images.GetArray("Image").Select(i => AlibabaImages.ToCloudImage(i, Region, requestId, this)).ToList();
    }

    /// <summary>Sends a call and returns its JSON answer; any error answer becomes a CloudApiException.</summary>
    private async Task<JsonValue> CallAsync(string action, List<KeyValuePair<string, string>> parameters, string subject, CallContext context)
    {
        var exchange = await SendAsync(action, parameters, subject, context).ConfigureAwait(false);
        if (AlibabaErrors.ErrorOf(exchange, action) is { } error) throw new CloudApiException(error);
        return exchange.Json!;
    }

    private Task<HttpExchange> SendAsync(string action, List<KeyValuePair<string, string>> parameters, string subject, CallContext context) =>
        SendSignedAsync(now =>
        {
            var request = BuildRequest(action, parameters, now, AlibabaSigner.NewNonce());
            request.Subject = subject;
            return request;
        }, context);

    /// <summary>A signed RPC request: POST to /, every parameter in the query (sent in canonical order), empty body.</summary>
    internal ApiRequest BuildRequest(string action, IEnumerable<KeyValuePair<string, string>> parameters, DateTimeOffset now, string nonce)
    {
        var uri = new Uri(ApiRoot.GetLeftPart(UriPartial.Path) + "?" + CanonicalRequest.SortedQuery(parameters));
        var request = new ApiRequest(HttpMethod.Post, uri, action)
        {
            ReadRequestId = exchange => exchange.Json?.GetString("RequestId"),
            ReadErrorCode = exchange => exchange.IsSuccess ? null : exchange.Json?.GetString("Code"),
        };
        request.SetHeader("Accept", "application/json");
        AlibabaSigner.Sign(request, action, AlibabaProvider.Version, Credential, now, nonce);
        return request;
    }

    private static CloudApiException InvalidAnswer(string action, string problem, string? requestId) =>
        new(new CloudApiError(EngineErrors.InvalidResponse, ErrorKind.InvalidResponse, $"The {action} answer {problem}.", requestId));
}

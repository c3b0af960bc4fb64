using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Volcengine;

/// <summary>One Volcengine ECS session: an access key in one region.</summary>
internal sealed class VolcengineSession : AccessKeySession
{
    private const int MaxTagFilters = 10;

    public VolcengineSession(VolcengineProvider provider, AccessKeySettings settings, Uri endpoint, HttpTransport transport)
        : base(provider, settings, endpoint, transport) { }

    private protected override ErrorCodeMap ErrorCodes => VolcengineErrors.Map;

    public override async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var pageSize = Math.Max(1, Math.Min(query.PageSize ?? VolcengineProvider.MaxIdsPerCall, VolcengineProvider.MaxIdsPerCall));
        var parameters = ListParameters(query);
        parameters.Add(new("MaxResults", pageSize.ToString(CultureInfo.InvariantCulture)));
        if (pageToken is not null) parameters.Add(new("NextToken", pageToken));

        var (result, requestId) = await CallAsync("DescribeImages", parameters, $"{Region} {(pageToken is null ? "first page" : "next page")}", context).ConfigureAwait(false);
        var images = ReadImages(result, requestId);
        // Pass NextToken back until it comes back empty (a page may be empty and still not the last one with a
        // token-based listing); a token that repeats is stopped by the operations layer.
        var next = result.GetString("NextToken");
        return new ImagePage(images, string.IsNullOrEmpty(next) ? null : next, requestId, result.GetInt64("TotalCount"));
    }

    public override async Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        if (imageIds.Count == 0) return Array.Empty<CloudImage>(); // no ids would list every image
        if (imageIds.Count > VolcengineProvider.MaxIdsPerCall)
            throw new ArgumentException($"DescribeImages is sent at most {VolcengineProvider.MaxIdsPerCall} ids per call.", nameof(imageIds));
        // Any visibility: a public or shared image is found, and AssessImage says why it cannot be deleted.
        var parameters = Numbered("ImageIds", imageIds);
        parameters.Add(new("MaxResults", imageIds.Count.ToString(CultureInfo.InvariantCulture)));
        var (result, requestId) = await CallAsync("DescribeImages", parameters, Subject(imageIds), context).ConfigureAwait(false);
        var wanted = new HashSet<string>(imageIds, StringComparer.Ordinal);
        return ReadImages(result, requestId).Where(i => wanted.Contains(i.ImageId)).ToList();
    }

    /// <summary>
    /// One DeleteImages call. It can partly succeed: Result.OperationDetails lists only the images that failed,
    /// each with its own error, and an id it does not list was deleted. So every id gets its own answer; only a
    /// call that failed as a whole (ResponseMetadata.Error, an unreadable answer) throws.
    /// </summary>
    public override async Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        if (imageIds.Count == 0) return Array.Empty<ImageDeleteResult>();
        if (imageIds.Count > VolcengineProvider.MaxIdsPerCall)
            throw new ArgumentException($"DeleteImages takes at most {VolcengineProvider.MaxIdsPerCall} ids per call.", nameof(imageIds));
        // There is no DryRun: a dry run is judged from DescribeImages by the operations layer, never sent here.
        if (options.DryRun)
            throw new ArgumentException("Volcengine's DeleteImages has no DryRun; a dry run is judged from DescribeImages.", nameof(options));

        var parameters = Numbered("ImageIds", imageIds);
        // Always explicit: the service deletes the bound snapshots by default; they go only when the user asked.
        parameters.Add(new("DeleteBindedSnapshots", options.DeleteSnapshots ? "true" : "false"));
        var subject = Subject(imageIds) + (options.DeleteSnapshots ? " (and their snapshots)" : "");
        var (result, requestId) = await CallAsync("DeleteImages", parameters, subject, context).ConfigureAwait(false);

        var failures = new Dictionary<string, CloudApiError>(StringComparer.Ordinal);
        foreach (var detail in result.GetArray("OperationDetails"))
            if (detail.GetString("ImageId") is { Length: > 0 } id && PerImageError(detail, requestId) is { } error)
                failures[id] = error;
        var answers = imageIds.Select(id => failures.TryGetValue(id, out var error)
            ? ImageDeleteResult.Failure(id, error)
            : ImageDeleteResult.Success(id, requestId)).ToList();

        // Nothing was deleted and every image failed for a passing reason (InternalError): the call as a whole
        // is worth repeating, so it fails as a whole and the operations layer retries it.
        if (answers.All(a => !a.Succeeded) && answers.All(a => a.Error!.IsRetryable))
            throw new CloudApiException(answers[0].Error!);
        return answers;
    }

    public override IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options) => VolcengineImages.Assess(image);

    /// <summary>
    /// The filters DescribeImages can apply, each only ever narrowing to a superset of what the operations
    /// layer keeps: own images (Visibility private) unless asked otherwise, one literal name, the states the
    /// API knows, and each tag (filters are AND-ed; a key is sent once).
    /// </summary>
    internal static List<KeyValuePair<string, string>> ListParameters(ImageQuery query)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        if (!query.IncludeNonCustom) parameters.Add(new("Visibility", VolcengineImages.Private));
        if (query.NamePatterns.Count == 1 && query.NamePatterns[0].Length > 0 && !WildcardPattern.ContainsWildcard(query.NamePatterns[0]))
            parameters.Add(new("ImageName", query.NamePatterns[0]));
        parameters.AddRange(Numbered("Status", VolcengineImages.StatusFilter(query.States)));

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in query.Tags)
        {
            var eq = tag.IndexOf('=');
            var key = eq < 0 ? tag : tag.Substring(0, eq);
            if (key.Length == 0 || keys.Count >= MaxTagFilters || !keys.Add(key)) continue;
            var n = keys.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(new($"TagFilters.{n}.Key", key));
            if (eq >= 0) parameters.Add(new($"TagFilters.{n}.Values.1", tag.Substring(eq + 1)));
        }
        return parameters;
    }

    /// <summary>A list flattened the Volcengine way: Name.1, Name.2, … (1-based).</summary>
    private static List<KeyValuePair<string, string>> Numbered(string name, IEnumerable<string> values) =>
        values.Select((v, i) => new KeyValuePair<string, string>($"{name}.{(i + 1).ToString(CultureInfo.InvariantCulture)}", v)).ToList();

    /// <summary>One OperationDetails entry's error, or null when it carries none.</summary>
    private static CloudApiError? PerImageError(JsonValue detail, string? requestId)
    {
        if (detail["Error"] is not { Kind: JsonKind.Object } error) return null;
        if (string.IsNullOrEmpty(error.GetString("Code")))
            return new CloudApiError(EngineErrors.InvalidResponse, ErrorKind.InvalidResponse,
                $"DeleteImages reported an error without a code for image {detail.GetString("ImageId")}; whether it was deleted is unknown.", requestId);
        return VolcengineErrors.ErrorOf(error, requestId, 200);
    }

    private List<CloudImage> ReadImages(JsonValue result, string? requestId) =>
        result.GetArray("Images").Select(i => VolcengineImages.ToCloudImage(i, Region, requestId, this)).ToList();

    /// <summary>One signed GET; the Result object and the request id, or a <see cref="CloudApiException"/>.</summary>
    private async Task<(JsonValue Result, string? RequestId)> CallAsync(string action, List<KeyValuePair<string, string>> parameters, string subject, CallContext context)
    {
        var exchange = await SendSignedAsync(now =>
        {
            var request = BuildRequest(action, parameters, now);
            request.Subject = subject;
            return request;
        }, context).ConfigureAwait(false);
        return (VolcengineErrors.ReadResult(exchange, action), exchange.RequestId);
    }

    /// <summary>A signed request: GET /, Action, Version and every parameter in the query (sent in canonical order), no body.</summary>
    internal ApiRequest BuildRequest(string action, IEnumerable<KeyValuePair<string, string>> parameters, DateTimeOffset now)
    {
        var query = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", VolcengineProvider.Version) };
        query.AddRange(parameters);
        var request = new ApiRequest(HttpMethod.Get, new Uri(ApiRoot.GetLeftPart(UriPartial.Path) + "?" + CanonicalRequest.SortedQuery(query)), action)
        {
            ReadRequestId = VolcengineErrors.RequestIdOf,
            ReadErrorCode = VolcengineErrors.CodeOf,
        };
        request.SetHeader("Accept", "application/json");
        request.SetHeader("User-Agent", ModuleIdentity.UserAgent);
        VolcengineSigner.Sign(request, Credential, Region, VolcengineProvider.Service, now);
        return request;
    }
}

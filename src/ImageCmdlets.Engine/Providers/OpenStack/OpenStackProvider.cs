using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Operations;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.OpenStack;

/// <summary>
/// OpenStack Glance image API v2 behind Keystone v3 (also Huawei Cloud IMS's OpenStack-native v2 API).
/// Glance has no batch delete and no DryRun: deletability is judged from protected, status and owner.
/// </summary>
public sealed class OpenStackProvider : IImageProvider
{
    public static readonly ProviderDefinition Definition = new(
        "OpenStack",
        new ProviderCapabilities
        {
            MaxIdsPerDelete = 1,
            MaxIdsPerDescribe = 40, // ids go into one "id=in:" query parameter; 40 UUIDs keep the URL short
            MaxPageSize = 1000,
            HasNativeDryRun = false,
            DeleteIgnoresMissingIds = false,
            DeleteCallsPerSecond = null,
            MaxConcurrentCalls = 4,
            ImageIdPattern = new Regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
            ImageIdExample = "0b6e5ac5-3b54-4b37-a1b1-0d2f5e8c4f4e",
            NotFoundErrorCode = ErrorCodes.NotFound,
        },
        new[] { "RegionOne" },
        Connect,
        OpenStackSettings.Help);

    /// <summary>Glance answers with HTTP statuses only; these are the codes ImageCmdlets gives its answers.</summary>
    public static class ErrorCodes
    {
        public const string NotFound = "ImageNotFound";
        public const string Protected = "ImageProtected";
        public const string NotOwner = "ImageNotOwned";
        public const string InUse = "ImageInUse";
        public const string InvalidState = "InvalidImageState";
        public const string Unauthorized = "Unauthorized";
    }

    private readonly OpenStackSettings _settings;
    private readonly HttpTransport _transport;
    private readonly Uri _imageBase;
    private readonly SemaphoreSlim _reauth = new(1, 1);
    private KeystoneToken? _token;
    private Secret _authToken;

    private OpenStackProvider(OpenStackSettings settings, HttpTransport transport, KeystoneToken? token, Uri imageBase, string region)
    {
        _settings = settings;
        _transport = transport;
        _token = token;
        _authToken = token?.Token ?? settings.Token!;
        _imageBase = imageBase;
        Region = region;
    }

    ProviderDefinition IImageProvider.Definition => Definition;
    public ProviderCapabilities Capabilities => Definition.Capabilities;
    public string Region { get; }
    public string Account => _token?.ProjectId ?? "(token)";

    private static IImageProvider Connect(ConnectionRequest request)
    {
        var settings = OpenStackSettings.Resolve(request);
        if (settings.AuthUrl is null)
            return new OpenStackProvider(settings, request.Transport, null, settings.ImageUrl!, settings.Region ?? "");

        var token = Keystone.AuthenticateAsync(settings, request.Transport, request.Context).GetAwaiter().GetResult();
        if (settings.ImageUrl is { } imageUrl)
            return new OpenStackProvider(settings, request.Transport, token, imageUrl, settings.Region ?? "");
        var (url, region) = Keystone.FindImageEndpoint(token, settings);
        return new OpenStackProvider(settings, request.Transport, token, url, region);
    }

    public async Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var uri = pageToken is null ? new Uri(ImagesUrl() + "?" + ListQuery(query)) : new Uri(BaseText() + pageToken);
        var answer = await SendAsync(HttpMethod.Get, uri, "ListImages", Region, context).ConfigureAwait(false);
        var json = ExpectJson(answer, "ListImages");
        var images = json.GetArray("images").Select(i => ToImage(i, answer.RequestId)).ToArray();
        return new ImagePage(images, json.GetString("next"), answer.RequestId);
    }

    public async Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context)
    {
        // "visibility=all" so that community and shared images are found too, as a delete would find them.
        var uri = new Uri($"{ImagesUrl()}?visibility=all&limit={imageIds.Count}&id=in:{string.Join(",", imageIds.Select(Uri.EscapeDataString))}");
        var answer = await SendAsync(HttpMethod.Get, uri, "ListImages", $"{Region} {string.Join(",", imageIds)}", context).ConfigureAwait(false);
        return ExpectJson(answer, "ListImages").GetArray("images").Select(i => ToImage(i, answer.RequestId)).ToArray();
    }

    public async Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        if (options.DryRun) throw new NotSupportedException("Glance has no DryRun; the operations layer judges by description.");
        if (options.DeleteSnapshots || options.EvenIfInUse) throw new NotSupportedException("Glance has no such delete option.");
        var id = imageIds.Single();
        var answer = await SendAsync(HttpMethod.Delete, new Uri($"{ImagesUrl()}/{Uri.EscapeDataString(id)}"), "DeleteImage", $"{Region} {id}", context).ConfigureAwait(false);
        if (answer.StatusCode == 204 || answer.IsSuccess) return new[] { ImageDeleteResult.Success(id, answer.RequestId) };

        var message = GlanceMessage(answer);
        CloudApiError Error(string code, ErrorKind kind) => new(code, kind, message, answer.RequestId, answer.StatusCode);
        return new[]
        {
            ImageDeleteResult.Failure(id, answer.StatusCode switch
            {
                403 when message.IndexOf("protected", StringComparison.OrdinalIgnoreCase) >= 0 => Error(ErrorCodes.Protected, ErrorKind.PermissionDenied),
                403 => Error(ErrorCodes.NotOwner, ErrorKind.PermissionDenied),
                404 => Error(ErrorCodes.NotFound, ErrorKind.NotFound),
                409 => Error(ErrorCodes.InUse, ErrorKind.InUse),
                400 => Error(ErrorCodes.InvalidState, ErrorKind.InvalidState),
                _ => throw CallFailure(answer, "DeleteImage"),
            }),
        };
    }

    public IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options)
    {
        var reasons = new List<DeletabilityReason>();
        if (image.IsProtected == true)
            reasons.Add(new DeletabilityReason(ErrorCodes.Protected,
                $"Image {image.ImageId} is protected; Glance refuses to delete it until 'protected' is set to false.", DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        if (image.State is "deleted" or "pending_delete")
            reasons.Add(new DeletabilityReason(ErrorCodes.InvalidState,
                $"Image {image.ImageId} is already {image.State}.", DeletabilityCheck.Describe, ErrorKind.InvalidState));
        if (_token is { IsAdmin: false, ProjectId: { } project } && image.Owner is { } owner && !string.Equals(owner, project, StringComparison.Ordinal))
            reasons.Add(new DeletabilityReason(ErrorCodes.NotOwner,
                $"Image {image.ImageId} belongs to project {owner}, not to {project}; Glance lets only the owner (or an admin) delete it.", DeletabilityCheck.Describe, ErrorKind.PermissionDenied));
        return reasons;
    }

    private string BaseText() => _imageBase.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private string ImagesUrl() => BaseText() + "/v2/images";

    private string ListQuery(ImageQuery query)
    {
        var parts = new List<string> { "limit=" + Math.Min(query.PageSize ?? Capabilities.MaxPageSize, Capabilities.MaxPageSize).ToString(CultureInfo.InvariantCulture) };
        if (!query.IncludeNonCustom && _token?.ProjectId is { } project) parts.Add("owner=" + Uri.EscapeDataString(project));
        else if (query.IncludeNonCustom) parts.Add("visibility=all");
        // Server-side filters only where Glance's exact match says the same as the wildcard pattern.
        var literals = query.NamePatterns.Select(WildcardPattern.LiteralOf).ToArray();
        if (literals.Length > 0 && literals.All(l => l is not null && l.IndexOf(',') < 0))
            parts.Add("name=" + Uri.EscapeDataString(literals.Length == 1 ? literals[0]! : "in:" + string.Join(",", literals)));
        if (query.States.Count > 0 && query.States.All(s => s.IndexOf(',') < 0))
            parts.Add("status=" + Uri.EscapeDataString("in:" + string.Join(",", query.States.Select(s => s.ToLowerInvariant()))));
        if (query.CreatedAfter is { } after) parts.Add("created_at=" + Uri.EscapeDataString("gt:" + IsoTime(after)));
        else if (query.CreatedBefore is { } before) parts.Add("created_at=" + Uri.EscapeDataString("lt:" + IsoTime(before)));
        foreach (var tag in query.Tags.Where(t => t.IndexOf('=') < 0)) parts.Add("tag=" + Uri.EscapeDataString(tag));
        return string.Join("&", parts);
    }

    private static string IsoTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Sends with the current token; on 401 gets a new token once (password auth) and sends again.</summary>
    private async Task<HttpExchange> SendAsync(HttpMethod method, Uri uri, string action, string subject, CallContext context)
    {
        var answer = await SendOnceAsync(method, uri, action, subject, context).ConfigureAwait(false);
        if (answer.StatusCode != 401 || _settings.User is null || _settings.AuthUrl is null) return CheckCallLevel(answer, action);

        var stale = _authToken;
        await _reauth.WaitAsync(context.Cancellation).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(stale, _authToken))
            {
                context.Log.Verbose($"{action}: token rejected (HTTP 401); getting a new one from Keystone");
                try { _token = await Keystone.AuthenticateAsync(_settings, _transport, context).ConfigureAwait(false); }
                catch (ImageCmdletsConfigurationException ex)
                {
                    throw new CloudApiException(new CloudApiError(ErrorCodes.Unauthorized, ex.Kind, ex.Message, null, 401), ex);
                }
                _authToken = _token.Token;
            }
        }
        finally
        {
            _reauth.Release();
        }
        return CheckCallLevel(await SendOnceAsync(method, uri, action, subject, context).ConfigureAwait(false), action);
    }

    private Task<HttpExchange> SendOnceAsync(HttpMethod method, Uri uri, string action, string subject, CallContext context)
    {
        var request = new ApiRequest(method, uri, action) { Subject = subject, ReadRequestId = e => e.GetHeader("x-openstack-request-id") };
        request.SetHeader("X-Auth-Token", _authToken.Reveal());
        request.SetHeader("Accept", "application/json"); // JSON error bodies instead of HTML pages
        return _transport.SendAsync(request, context);
    }

    /// <summary>Failures of the call itself (not of one image) become exceptions the operations layer acts on.</summary>
    private static HttpExchange CheckCallLevel(HttpExchange answer, string action) =>
        answer.StatusCode is 401 or 429 or >= 500 ? throw CallFailure(answer, action) : answer;

    private static CloudApiException CallFailure(HttpExchange answer, string action)
    {
        var (code, kind) = answer.StatusCode switch
        {
            401 => (ErrorCodes.Unauthorized, ErrorKind.Authentication),
            429 => ("TooManyRequests", ErrorKind.Throttled),
            >= 500 => ("HTTP" + answer.StatusCode.ToString(CultureInfo.InvariantCulture), ErrorKind.ServerError),
            _ => ("HTTP" + answer.StatusCode.ToString(CultureInfo.InvariantCulture), ErrorCodeMap.KindOfStatus(answer.StatusCode)),
        };
        return new CloudApiException(new CloudApiError(code, kind, $"{action}: HTTP {answer.StatusCode}: {GlanceMessage(answer)}", answer.RequestId, answer.StatusCode));
    }

    private static JsonValue ExpectJson(HttpExchange answer, string action)
    {
        if (!answer.IsSuccess) throw CallFailure(answer, action);
        return answer.Json is { Kind: JsonKind.Object } json
            ? json
            : throw new CloudApiException(new CloudApiError("InvalidResponse", ErrorKind.InvalidResponse,
                $"{action}: Glance answered HTTP {answer.StatusCode} with a body that is not a JSON object.", answer.RequestId, answer.StatusCode));
    }

    /// <summary>Glance's JSON error message without the HTML line breaks it keeps.</summary>
    private static string GlanceMessage(HttpExchange answer)
    {
        var text = answer.Json?.GetString("message") ?? answer.Body;
        text = Regex.Replace(text, "<[^>]+>", " ");
        return Regex.Replace(text, @"\s+", " ").Trim();
    }

    private CloudImage ToImage(JsonValue i, string? requestId)
    {
        var known = new HashSet<string> { "id", "name", "status", "visibility", "protected", "owner", "created_at", "updated_at", "size", "tags", "self", "file", "schema", "locations" };
        var properties = new Dictionary<string, string>();
        foreach (var p in i.Properties)
            if (!known.Contains(p.Key) && p.Value.AsScalarText() is { } text) properties[p.Key] = text;
        return new CloudImage
        {
            Provider = Definition.Name,
            Region = Region,
            ImageId = i.GetString("id") ?? "",
            Name = i.GetString("name"),
            State = i.GetString("status"),
            ImageType = i.GetString("visibility"),
            CreatedAt = DateTimeOffset.TryParse(i.GetString("created_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null,
            SizeBytes = i.GetInt64("size"),
            OsName = i.GetString("os_distro"),
            Owner = i.GetString("owner"),
            IsProtected = i.GetBool("protected"),
            Tags = i.GetArray("tags").Select(t => t.AsString() ?? "").ToArray(),
            Properties = properties,
            RequestId = requestId,
        };
    }
}

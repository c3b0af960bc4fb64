using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Volcengine;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Emulators.Volcengine;

/// <summary>
/// Volcengine ECS (OpenAPI 2020-04-01) as far as images go: HMAC-SHA256 verification over whatever headers
/// the client signs (x-date must be among them; the doc's host;x-date, the Python SDK's form and the Node
/// SDK's bare x-date all pass) within a 15-minute X-Date window, DescribeImages (ImageIds.N, Visibility,
/// ImageName, Status.N, TagFilters, NextToken/MaxResults) and DeleteImages (up to 100 ImageIds.N, per-image
/// errors in Result.OperationDetails — a call can partly succeed —, DeleteBindedSnapshots defaulting to
/// true). Answers carry the gateway's envelope, <c>{"ResponseMetadata":{…,"Error"},"Result":{…}}</c>, with
/// its HTTP statuses (4xx/5xx for call errors, 429 for throttling).
/// </summary>
public sealed class VolcengineEmulator : EmulatorServer
{
    public const string ApiVersion = "2020-04-01";
    public const string Service = "ecs";
    public const int MaxIdsPerCall = 100;
    /// <summary>How far X-Date may be from the server clock (the query-signing default X-Expires is 900 s).</summary>
    public static readonly TimeSpan TimestampWindow = TimeSpan.FromMinutes(15);

    /// <summary>The demo account's key (emulator only; shaped like a real AKLT… key and its Base64-looking secret).</summary>
    public const string DemoAccessKeyId = "AKLTSW1hZ2VDbWRsZXRzRW11bGF0b3JEZW1vMDE";
    public const string DemoSecretKey = "SW1hZ2VDbWRsZXRzRW11bGF0b3JEZW1vU2VjcmV0MDE=";

    private const int DefaultMaxResults = 10;
    private static readonly string[] Visibilities = { "public", "private", "shared" };
    private static readonly string[] Statuses = { "available", "creating", "error" };

    private static readonly IReadOnlyDictionary<string, string?> DeleteAnswers = new Dictionary<string, string?>
    {
        [ImageCondition.Deletable] = null,
        [ImageCondition.SharedToOthers] = "InvalidImage.Shared",
        [ImageCondition.Busy] = "InvalidImageStatus",
        // DeleteImages works on the account's own custom images: another account's image shared to this one,
        // or a public image, is one it cannot find.
        [ImageCondition.SharedToMe] = "InvalidImage.NotFound",
        [ImageCondition.Public] = "InvalidImage.NotFound",
    };

    private static readonly Regex AuthorizationShape = new(
        @"^HMAC-SHA256 Credential=(?<id>[^/\s,]+)/(?<date>[0-9]{8})/(?<region>[^/\s,]+)/(?<service>[^/\s,]+)/request, ?SignedHeaders=(?<headers>[a-z0-9;-]+), ?Signature=(?<sig>[0-9a-f]{64})$",
        RegexOptions.CultureInvariant);

    private readonly object _gate = new();
    private readonly List<VolcengineEmulatorImage> _images = new();
    private readonly HashSet<string> _snapshots = new(StringComparer.Ordinal);
    private readonly List<VolcengineCall> _requests = new();
    private readonly Dictionary<string, (string Code, string Message)> _imageErrors = new(StringComparer.Ordinal);
    private readonly string _defaultRegion;

    /// <summary>The demo account: every known Volcengine region (cn-beijing the default), with <see cref="DemoAccessKeyId"/>.</summary>
    public VolcengineEmulator() : this(Array.Empty<string>()) => AddKey(DemoAccessKeyId, DemoSecretKey);

    public VolcengineEmulator(params string[] regions)
    {
        // By default every region the module knows for the provider (its default first), as the cloud serves them all:
        // Get-CloudImage -Region * against the emulator lists each of them.
        var served = regions.Length > 0 ? regions : ProviderRegistry.Find(Provider).KnownRegions.ToArray();
        _defaultRegion = served[0];
        Regions = new HashSet<string>(served, StringComparer.Ordinal);
    }

    /// <summary>Regions the emulator serves; a signature scoped to any other is ServiceNotFound.</summary>
    public ISet<string> Regions { get; }

    public override string Provider => VolcengineProvider.ProviderName;

    public override IReadOnlyList<string> RegionNames =>
        Regions.OrderBy(r => r == _defaultRegion ? 0 : 1).ToList();

    public override IReadOnlyDictionary<string, string?> Conditions => DeleteAnswers;

    /// <summary>Registers a key pair; a token makes it a temporary key that must come with X-Security-Token.</summary>
    public void AddKey(string accessKeyId, string secretKey, string? token = null) => RegisterKey(accessKeyId, secretKey, token);

    /// <summary>Adds an image (an id is made up when it has none); its snapshots become known snapshots.</summary>
    public VolcengineEmulatorImage AddImage(VolcengineEmulatorImage image)
    {
        lock (_gate)
        {
            if (image.ImageId.Length == 0) image = image with { ImageId = NewImageId() };
            _images.Add(image);
            foreach (var s in image.SnapshotIds) _snapshots.Add(s);
            return image;
        }
    }

    /// <summary>Adds <paramref name="count"/> deletable custom images named prefix-0000.. in a region; returns their ids in order.</summary>
    public IReadOnlyList<string> SeedPrivateImages(int count, string namePrefix = "seed", string? region = null) =>
        Enumerable.Range(0, count).Select(i => AddImage(new VolcengineEmulatorImage
        {
            Name = $"{namePrefix}-{i.ToString("0000", CultureInfo.InvariantCulture)}",
            Region = region ?? _defaultRegion,
            CreatedAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i),
        }).ImageId).ToList();

    /// <summary>Ids of the images that still exist.</summary>
    public IReadOnlyList<string> ImageIds
    {
        get { lock (_gate) return _images.Select(i => i.ImageId).ToList(); }
    }

    public bool HasImage(string imageId)
    {
        lock (_gate) return _images.Any(i => i.ImageId == imageId);
    }

    /// <summary>Snapshots that still exist.</summary>
    public IReadOnlyCollection<string> SnapshotIds
    {
        get { lock (_gate) return _snapshots.ToList(); }
    }

    /// <summary>Every request that was read (signed or not), with its parameters and answer.</summary>
    public IReadOnlyList<VolcengineCall> Requests
    {
        get { lock (_gate) return _requests.ToArray(); }
    }

    public IReadOnlyList<VolcengineCall> RequestsOf(string action) => Requests.Where(r => r.Action == action).ToArray();

    /// <summary>The next DeleteImages that names <paramref name="imageId"/> answers this error for it in OperationDetails (once).</summary>
    public void InjectImageError(string imageId, string code, string message = "Injected error.")
    {
        lock (_gate) _imageErrors[imageId] = (code, message);
    }

    protected override string ActionOf(EmulatorRequest request) => request.Query["Action"].ToString();

    protected override Task<EmulatorResponse> HandleAsync(EmulatorRequest request)
    {
        var query = CanonicalRequest.ParseQuery(request.Context.Request.QueryString.Value);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in query) parameters[p.Key] = p.Value;
        var action = parameters.TryGetValue("Action", out var a) ? a : "";
        var region = "";
        var answer = Refusal(request)
            ?? Authenticate(request, query, out region)
            ?? Validate(parameters, action)
            ?? Dispatch(action, parameters, region);
        lock (_gate)
            _requests.Add(new VolcengineCall(Clock(), action, parameters, answer.Status,
                JsonValue.TryParse(answer.Body, out var json) ? json["ResponseMetadata"]?["Error"]?.GetString("Code") : null,
                request.Header("User-Agent")));
        return Task.FromResult(answer);
    }

    private static EmulatorResponse? Refusal(EmulatorRequest request) =>
        request.Method != "GET" ? Error(405, "MethodNotAllowed", 0, "The emulator models only GET / with every parameter in the query.")
        : request.Path != "/" ? Error(404, "InvalidActionOrVersion", 100008, $"No API at {request.Path}.")
        : null;

    /// <summary>
    /// HMAC-SHA256 as the gateway checks it: a well-formed Authorization, a signed X-Date within the window and
    /// matching the scope's date, a known key, a served service and region, a signature over exactly the query,
    /// signed headers and body received (X-Content-Sha256, when sent, must be the body's hash), and the
    /// temporary key's token.
    /// </summary>
    private EmulatorResponse? Authenticate(EmulatorRequest request, List<KeyValuePair<string, string>> query, out string region)
    {
        region = "";
        var authorization = request.Header("Authorization");
        if (string.IsNullOrEmpty(authorization))
            return Error(401, "MissingAuthenticationToken", 100003, "The request has no Authorization.");
        var match = AuthorizationShape.Match(authorization);
        if (!match.Success)
            return Error(401, "MissingSignature", 100005, "The Authorization is not an HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=… value.");
        var signedHeaders = match.Groups["headers"].Value.Split(';', StringSplitOptions.RemoveEmptyEntries);
        if (!signedHeaders.Contains("x-date"))
            return Error(400, "MissingRequestInfo", 100004, "X-Date must be among the signed headers.");

        var dateText = request.Header("X-Date");
        if (dateText is null || !DateTimeOffset.TryParseExact(dateText, VolcengineSigner.DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            return Error(400, "MissingRequestInfo", 100004, "X-Date is missing or not yyyyMMdd'T'HHmmss'Z'.");
        if ((Clock() - date).Duration() > TimestampWindow)
            return Error(400, "InvalidTimestamp", 100006, $"X-Date {dateText} is expired or in the future.");

        var accessKeyId = match.Groups["id"].Value;
        if (!TryGetKey(accessKeyId, out var key))
            return Error(401, "InvalidAccessKey", 100009, $"The access key {accessKeyId} is invalid.");
        region = match.Groups["region"].Value;
        if (match.Groups["service"].Value != Service || !Regions.Contains(region))
            return Error(404, "ServiceNotFound", 100007, $"The service {match.Groups["service"].Value} is not found in region {region}.");

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in signedHeaders)
        {
            var value = name == "host" ? request.Context.Request.Host.Value : request.Header(name);
            if (value is null) return SignatureMismatch($"The signed header {name} was not sent.");
            headers.Add(new KeyValuePair<string, string>(name, value));
        }
        var payload = Encoding.UTF8.GetBytes(request.Body);
        if (request.Header(VolcengineSigner.ContentSha256Header) is { } contentHash && contentHash != Crypto.Sha256Hex(payload))
            return SignatureMismatch("X-Content-Sha256 is not the hash of the body.");
        var expected = VolcengineSigner.Compute(new VolcengineSigningInput
        {
            Method = request.Method,
            CanonicalUri = request.Path,
            Query = query,
            Headers = headers,
            SignedHeaders = signedHeaders,
            Payload = payload,
            AccessKeyId = accessKeyId,
            XDate = dateText,
            Region = region,
            Service = Service,
        }, new Secret(key.Secret));
        if (match.Groups["date"].Value != expected.Date || !Crypto.FixedTimeEquals(match.Groups["sig"].Value, expected.Signature))
            return SignatureMismatch("The request signature we calculated does not match the signature you provided.");

        if ((key.Token ?? "") != (request.Header(VolcengineSigner.TokenHeader) ?? ""))
            return Error(401, "InvalidAccessKey", 100009, "The security token does not belong to the access key.");
        return null;
    }

    private static EmulatorResponse? Validate(Dictionary<string, string> parameters, string action)
    {
        if (action.Length == 0 || !parameters.TryGetValue("Version", out var version) || version.Length == 0)
            return Error(400, "MissingParameter", 100002, "Action and Version are required.");
        return version != ApiVersion
            ? Error(404, "InvalidActionOrVersion", 100008, $"Version {version} of {action} is not found.")
            : null;
    }

    private EmulatorResponse Dispatch(string action, Dictionary<string, string> parameters, string region) => action switch
    {
        "DescribeImages" => DescribeImages(parameters, region),
        "DeleteImages" => DeleteImages(parameters, region),
        _ => Error(404, "InvalidActionOrVersion", 100008, $"Action {action} of version {ApiVersion} is not found."),
    };

    private EmulatorResponse DescribeImages(Dictionary<string, string> p, string region)
    {
        if (Numbered(p, "ImageIds") is not { } ids) return InvalidParameter("ImageIds.N is numbered from 1.");
        if (ids.Count > MaxIdsPerCall) return InvalidParameter($"ImageIds holds at most {MaxIdsPerCall} ids.");
        var visibility = p.TryGetValue("Visibility", out var v) ? v : null;
        if (visibility is not null && !Visibilities.Contains(visibility)) return InvalidParameter($"Visibility {visibility} is not valid.");
        if (Numbered(p, "Status") is not { } statuses || statuses.Any(s => !Statuses.Contains(s))) return InvalidParameter("Status.N is not valid.");
        var name = p.TryGetValue("ImageName", out var n) ? n : null;
        var tags = new List<(string Key, List<string> Values)>();
        for (var i = 1; p.TryGetValue($"TagFilters.{i}.Key", out var key); i++)
            tags.Add((key, Numbered(p, $"TagFilters.{i}.Values") ?? new List<string>()));
        var maxResults = DefaultMaxResults;
        if (p.TryGetValue("MaxResults", out var m) && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out maxResults) || maxResults is < 1 or > MaxIdsPerCall))
            return InvalidParameter($"MaxResults must be 1 to {MaxIdsPerCall}.");
        var offset = 0;
        if (p.TryGetValue("NextToken", out var token) && token.Length > 0 && !TryReadToken(token, out offset))
            return InvalidParameter("NextToken is not valid.");

        // A set, not the list: a describe of 100 ids over 100,000 images must not cost 10 million comparisons.
        var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
        List<VolcengineEmulatorImage> matching;
        lock (_gate)
            matching = _images
                .Where(i => i.Region == region)
                .Where(i => wanted.Count == 0 || wanted.Contains(i.ImageId))
                .Where(i => visibility is null || i.Visibility == visibility)
                .Where(i => statuses.Count == 0 || statuses.Contains(i.Status))
                .Where(i => name is null || i.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                .Where(i => tags.All(t => i.Tags.TryGetValue(t.Key, out var value) && (t.Values.Count == 0 || t.Values.Contains(value))))
                .OrderByDescending(i => i.CreatedAt).ThenBy(i => i.ImageId, StringComparer.Ordinal)
                .ToList();

        var page = JsonValue.NewArray();
        foreach (var image in matching.Skip(offset).Take(maxResults)) page.Add(ToJson(image));
        var next = offset + maxResults < matching.Count ? Token(offset + maxResults) : "";
        return Ok(JsonValue.NewObject().Set("Images", page).Set("NextToken", next).Set("TotalCount", matching.Count));
    }

    private EmulatorResponse DeleteImages(Dictionary<string, string> p, string region)
    {
        if (Numbered(p, "ImageIds") is not { } ids) return InvalidParameter("ImageIds.N is numbered from 1.");
        if (ids.Count == 0) return Error(400, "MissingParameter", 100002, "ImageIds is required.");
        if (ids.Count > MaxIdsPerCall) return InvalidParameter($"ImageIds holds at most {MaxIdsPerCall} ids, not {ids.Count}.");
        // The service's default deletes the snapshots bound to the image.
        var deleteSnapshots = true;
        if (p.TryGetValue("DeleteBindedSnapshots", out var flag) && !bool.TryParse(flag, out deleteSnapshots))
            return InvalidParameter("DeleteBindedSnapshots must be true or false.");

        var details = JsonValue.NewArray();
        lock (_gate)
        {
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                var image = _images.FirstOrDefault(i => i.ImageId == id && i.Region == region && i.Visibility == "private");
                var refusal = _imageErrors.Remove(id, out var injected) ? injected
                    : image is null ? ("InvalidImage.NotFound", $"The specified image {id} is not found.")
                    : image.Status == "creating" ? ("InvalidImageStatus", $"The image {id} is {image.Status} and cannot be deleted now.")
                    : image.SharedToOtherAccounts ? ("InvalidImage.Shared", $"The image {id} is shared with other accounts.")
                    : image.Task == VolcengineImageTask.Copying ? ("OperationDenied.ImageIsCopying", $"The image {id} is being copied.")
                    : image.Task == VolcengineImageTask.Exporting ? ("OperationDenied.ImageIsExporting", $"The image {id} is being exported.")
                    : ((string, string)?)null;
                if (refusal is { } error)
                {
                    details.Add(JsonValue.NewObject().Set("ImageId", id)
                        .Set("Error", JsonValue.NewObject().Set("Code", error.Item1).Set("Message", error.Item2)));
                    continue;
                }
                _images.Remove(image!);
                RecordDeletion(id);
                if (deleteSnapshots)
                    foreach (var s in image!.SnapshotIds) _snapshots.Remove(s);
            }
        }
        return Ok(JsonValue.NewObject().Set("OperationDetails", details));
    }

    /// <summary>Name.1, Name.2, … in order; empty when there are none; null when the numbering is not 1, 2, 3….</summary>
    private static List<string>? Numbered(Dictionary<string, string> p, string name)
    {
        var prefix = name + ".";
        var numbered = p.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key.IndexOf('.', prefix.Length) < 0).ToList();
        var values = new List<string>();
        for (var i = 1; p.TryGetValue(prefix + i.ToString(CultureInfo.InvariantCulture), out var value); i++) values.Add(value);
        return values.Count == numbered.Count ? values : null;
    }

    private static string Token(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryReadToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan("offset:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static JsonValue ToJson(VolcengineEmulatorImage image)
    {
        var snapshots = JsonValue.NewArray();
        foreach (var s in image.SnapshotIds) snapshots.Add(JsonValue.NewObject().Set("SnapshotId", s).Set("Size", image.SizeGiB).Set("VolumeKind", "system"));
        var tags = JsonValue.NewArray();
        foreach (var t in image.Tags) tags.Add(JsonValue.NewObject().Set("Key", t.Key).Set("Value", t.Value));
        var created = image.CreatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return JsonValue.NewObject()
            .Set("ImageId", image.ImageId)
            .Set("ImageName", image.Name)
            .Set("Description", image.Description)
            .Set("Status", image.Status)
            .Set("Visibility", image.Visibility)
            .Set("ShareStatus", image.SharedToOtherAccounts ? "Shared" : "NotShared")
            .Set("ImageOwnerId", image.Visibility == "public" ? "" : image.Visibility == "shared" ? "2100000002" : "2100000001")
            .Set("CreatedAt", created)
            .Set("UpdatedAt", created)
            .Set("Size", image.SizeGiB)
            .Set("VirtualSize", image.SizeGiB)
            .Set("Snapshots", snapshots)
            .Set("OsType", "Linux")
            .Set("OsName", image.OsName)
            .Set("Platform", image.Platform)
            .Set("PlatformVersion", "22.04")
            .Set("Architecture", image.Architecture)
            .Set("BootMode", "UEFI")
            .Set("ProjectName", "default")
            .Set("IsSupportCloudInit", true)
            .Set("Tags", tags);
    }

    /// <summary>
    /// "image-" and twenty base-36 digits that look like the real ones: two multiples of the serial modulo 36^10.
    /// The first multiplier is odd and not a multiple of 3 (coprime with 36^10), so ids never repeat.
    /// </summary>
    private string NewImageId()
    {
        const ulong Digits10 = 3656158440062976; // 36^10
        var serial = (UInt128)(ulong)NextSerial();
        return "image-" + Base36((long)(ulong)(serial * 2259566416424113 % Digits10), 10) + Base36((long)(ulong)(serial * 1392996865663993 % Digits10), 10);
    }

    protected override EmulatorResponse ThrottlingAnswer() =>
        Error(429, "FlowLimitExceeded", 0, "Request was denied due to flow control.");

    protected override EmulatedImage CreateImage(ImageSeed seed)
    {
        var image = AddImage(new VolcengineEmulatorImage
        {
            Name = seed.Name,
            Region = seed.Region,
            CreatedAt = seed.CreatedAt,
            SizeGiB = seed.SizeGiB,
            Tags = seed.Tags,
            Visibility = seed.Condition switch
            {
                ImageCondition.SharedToMe => "shared",
                ImageCondition.Public => "public",
                _ => "private",
            },
            Status = seed.Condition == ImageCondition.Busy ? "creating" : "available",
            SharedToOtherAccounts = seed.Condition == ImageCondition.SharedToOthers,
            SnapshotIds = new[] { "snap-" + Base36(NextSerial(), 20) },
        });
        return Summary(image);
    }

    protected override IReadOnlyList<EmulatedImage> ListImages()
    {
        lock (_gate) return _images.Select(Summary).ToList();
    }

    protected override void RemoveAllImages()
    {
        lock (_gate)
        {
            _images.Clear();
            _snapshots.Clear();
        }
    }

    protected override void ResetProviderState()
    {
        lock (_gate)
        {
            _requests.Clear();
            _imageErrors.Clear();
        }
    }

    private static EmulatedImage Summary(VolcengineEmulatorImage image) => new(image.ImageId, image.Name, image.Region, image.Status);

    private static EmulatorResponse InvalidParameter(string message) => Error(400, "InvalidParameter", 0, message);

    private static EmulatorResponse SignatureMismatch(string message) => Error(401, "SignatureDoesNotMatch", 100010, message);

    private static JsonValue Metadata() => JsonValue.NewObject()
        .Set("RequestId", DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N").Substring(0, 18).ToUpperInvariant())
        .Set("Service", Service)
        .Set("Version", ApiVersion);

    private static EmulatorResponse Ok(JsonValue result) =>
        new(200, JsonValue.NewObject().Set("ResponseMetadata", Metadata()).Set("Result", result).ToJson());

    private static EmulatorResponse Error(int status, string code, long codeN, string message)
    {
        var error = JsonValue.NewObject().Set("Code", code).Set("Message", message);
        if (codeN > 0) error.Set("CodeN", codeN);
        return new(status, JsonValue.NewObject().Set("ResponseMetadata", Metadata().Set("Error", error)).ToJson());
    }
}

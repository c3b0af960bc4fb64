using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Tencent;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Emulators.Tencent;

/// <summary>
/// Tencent Cloud CVM (API 3.0, 2017-03-12) as far as images go: TC3-HMAC-SHA256 verification with the
/// 5-minute timestamp window, DescribeImages (ImageIds or Filters, Offset/Limit, TotalCount) and
/// DeleteImages (all-or-nothing batches, DryRun, DeleteBindedSnap, a per-call id limit and the
/// 10 calls/s rate limit). Every answer is HTTP 200 with the documented
/// <c>{"Response":{...,"RequestId"}}</c> shape; errors carry Response.Error.
/// </summary>
public sealed class TencentEmulator : EmulatorServer
{
    public const string ApiVersion = "2017-03-12";
    public static readonly TimeSpan TimestampWindow = TimeSpan.FromMinutes(5);

    /// <summary>The demo account's key (emulator only; shaped like a real SecretId and SecretKey).</summary>
    public const string DemoSecretId = "AKIDImageCmdletsEmulatorDemo00000001";
    public const string DemoSecretKey = "ImageCmdletsEmulatorDemoSecret01";

    /// <summary>DeleteImages' documented rate: 10 calls per second.</summary>
    private const int DocumentedDeleteCallsPerSecond = 10;

    private static readonly IReadOnlyDictionary<string, string?> DeleteAnswers = new Dictionary<string, string?>
    {
        [ImageCondition.Deletable] = null,
        // CVM refuses a delete while the image is USING ("in use"); it documents no other in-use check.
        [ImageCondition.InUse] = "InvalidImageId.IncorrectState",
        [ImageCondition.SharedToOthers] = "InvalidImageId.InShared",
        [ImageCondition.SharedToMe] = "InvalidParameterValue.InvalidImageIdIsShared",
        [ImageCondition.Public] = "UnauthorizedOperation.ImageNotBelongToAccount",
        [ImageCondition.Busy] = "InvalidImageId.IncorrectState",
    };

    private static readonly Regex IdPattern = new("^img-[0-9a-z]{8,}$", RegexOptions.CultureInvariant);
    private static readonly HashSet<string> BusyStates = new(StringComparer.Ordinal) { "CREATING", "SYNCING", "IMPORTING", "USING" };
    private static readonly HashSet<string> PlainFilters = new(StringComparer.Ordinal)
        { "image-id", "image-type", "image-name", "platform", "tag-key", "tag-value" };

    private readonly object _gate = new();
    private readonly List<TencentEmulatorImage> _images = new();
    private readonly HashSet<string> _snapshots = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _recentDeleteCalls = new();
    private readonly string _defaultRegion;
    private int _throttleNextDeleteCalls;

    /// <summary>The demo account: every known Tencent region (ap-guangzhou the default), with <see cref="DemoSecretId"/>.</summary>
    public TencentEmulator() : this(Array.Empty<string>()) => AddKey(DemoSecretId, DemoSecretKey);

    public TencentEmulator(params string[] regions)
    {
        // By default every region the module knows for the provider (its default first), as the cloud serves them all:
        // Get-CloudImage -Region * against the emulator lists each of them.
        var served = regions.Length > 0 ? regions : ProviderRegistry.Find(Provider).KnownRegions.ToArray();
        _defaultRegion = served[0];
        Regions = new HashSet<string>(served, StringComparer.Ordinal);
    }

    /// <summary>Regions the emulator serves; any other X-TC-Region is UnsupportedRegion.</summary>
    public ISet<string> Regions { get; }

    public override string Provider => TencentProvider.ProviderName;

    public override IReadOnlyList<string> RegionNames =>
        Regions.OrderBy(r => r == _defaultRegion ? 0 : 1).ToList();

    public override IReadOnlyDictionary<string, string?> Conditions => DeleteAnswers;

    /// <summary>Most ids one DeleteImages call takes (more: InvalidParameterValue.LimitExceeded); null = no limit, as documented.</summary>
    public int? MaxIdsPerDeleteCall { get; set; }

    /// <summary>DeleteImages calls admitted within any 1 s (more are refused with RequestLimitExceeded); 0 = no limit. The documented limit is 10.</summary>
    public int DeleteCallsPerSecond { get; set; } = DocumentedDeleteCallsPerSecond;

    /// <summary>
    /// Answer a passing DryRun with the error code DryRunOperation, as many other Tencent services do
    /// (CVM's own documented answer is a plain success, the default).
    /// </summary>
    public bool AnswerPassingDryRunWithDryRunOperation { get; set; }

    /// <summary>The next <paramref name="calls"/> DeleteImages calls are refused with RequestLimitExceeded.</summary>
    public void ThrottleNextDeleteCalls(int calls)
    {
        lock (_gate) _throttleNextDeleteCalls += calls;
    }

    /// <summary>Registers a key pair; a token makes it a temporary key that must come with X-TC-Token.</summary>
    public void AddKey(string secretId, string secretKey, string? token = null) => RegisterKey(secretId, secretKey, token);

    /// <summary>Adds an image (an id is made up when it has none); its snapshots become known snapshots.</summary>
    public TencentEmulatorImage AddImage(TencentEmulatorImage image)
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
    public IReadOnlyList<string> SeedPrivateImages(int count, string namePrefix = "seed", string region = "ap-guangzhou")
    {
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
            ids.Add(AddImage(new TencentEmulatorImage
            {
                Name = $"{namePrefix}-{i.ToString("0000", CultureInfo.InvariantCulture)}",
                Region = region,
                CreatedTime = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i),
            }).ImageId);
        return ids;
    }

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

    protected override string ActionOf(EmulatorRequest request) => request.Header("X-TC-Action") ?? "";

    protected override Task<EmulatorResponse> HandleAsync(EmulatorRequest request)
    {
        if (request.Method != "POST" || request.Path != "/")
            return Task.FromResult(Error("UnsupportedProtocol", "The emulator models only POST / with a JSON body."));
        if (Authenticate(request) is { } authError) return Task.FromResult(authError);

        var version = request.Header("X-TC-Version");
        if (string.IsNullOrEmpty(version)) return Task.FromResult(Error("MissingParameter", "The request is missing a required parameter `Version`."));
        if (version != ApiVersion) return Task.FromResult(Error("NoSuchVersion", $"The requested version `{version}` of API is not supported."));
        var region = request.Header("X-TC-Region");
        if (string.IsNullOrEmpty(region)) return Task.FromResult(Error("MissingParameter", "The request is missing a required parameter `Region`."));
        if (!Regions.Contains(region)) return Task.FromResult(Error("UnsupportedRegion", $"The region `{region}` is not supported."));
        if (!JsonValue.TryParse(request.Body, out var body) || body.Kind != JsonKind.Object)
            return Task.FromResult(Error("InvalidParameter", "The request body is not a JSON object."));

        var action = ActionOf(request);
        return Task.FromResult(action switch
        {
            "DescribeImages" => DescribeImages(body, region),
            "DeleteImages" => DeleteImages(body, region),
            "" => Error("MissingParameter", "The request is missing a required parameter `Action`."),
            _ => Error("InvalidAction", $"The requested API `{action}` does not exist."),
        });
    }

    /// <summary>
    /// TC3-HMAC-SHA256 as the service checks it: a well-formed Authorization header, a timestamp within
    /// 5 minutes of the server clock, a known SecretId, the right scope, a signature over exactly the
    /// headers and body received, and the temporary key's token.
    /// </summary>
    private EmulatorResponse? Authenticate(EmulatorRequest request)
    {
        var authorization = request.Header("Authorization");
        var match = authorization is null ? null : Regex.Match(authorization,
            @"^TC3-HMAC-SHA256 Credential=(?<id>[^/\s]+)/(?<date>[^/]+)/(?<service>[^/]+)/(?<term>[^,\s]+), SignedHeaders=(?<headers>[a-z0-9;-]+), Signature=(?<sig>[0-9a-f]{64})$",
            RegexOptions.CultureInvariant);
        if (match is null || !match.Success)
            return Error("AuthFailure.InvalidAuthorization", "Authorization header is missing or is not a TC3-HMAC-SHA256 authorization.");
        var signedHeaders = match.Groups["headers"].Value.Split(';');
        if (!signedHeaders.Contains("content-type") || !signedHeaders.Contains("host"))
            return Error("AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type and host.");

        var timestampText = request.Header("X-TC-Timestamp");
        if (string.IsNullOrEmpty(timestampText)) return Error("MissingParameter", "The request is missing a required parameter `Timestamp`.");
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return Error("InvalidParameterValue", "The value of `Timestamp` is not a Unix time in seconds.");
        var now = Clock().ToUnixTimeSeconds();
        if (Math.Abs(now - timestamp) > (long)TimestampWindow.TotalSeconds)
            return Error("AuthFailure.SignatureExpire",
                $"Signature expired. Timestamp is {timestamp}, server time is {now}, the allowed skew is 300 seconds.");

        var secretId = match.Groups["id"].Value;
        if (!TryGetKey(secretId, out var key))
            return Error("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.");

        var headers = signedHeaders.Select(n => new KeyValuePair<string, string>(n, request.Header(n) ?? "")).ToList();
        var expected = TencentSigner.Compute(new TencentSigningInput
        {
            Method = request.Method,
            CanonicalUri = "/",
            CanonicalQueryString = request.Context.Request.QueryString.HasValue ? request.Context.Request.QueryString.Value!.TrimStart('?') : "",
            Headers = headers,
            SignedHeaders = signedHeaders,
            Payload = Crypto.Utf8Bytes(request.Body),
            SecretId = secretId,
            Timestamp = timestamp,
            Service = "cvm",
        }, new Secret(key.Secret));
        var scope = $"{match.Groups["date"].Value}/{match.Groups["service"].Value}/{match.Groups["term"].Value}";
        if (scope != expected.CredentialScope || !Crypto.FixedTimeEquals(match.Groups["sig"].Value, expected.Signature))
            return Error("AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.");

        var token = request.Header("X-TC-Token");
        if ((key.Token ?? "") != (token ?? ""))
            return Error("AuthFailure.TokenFailure", "Token verification failed.");
        return null;
    }

    private EmulatorResponse DescribeImages(JsonValue body, string region)
    {
        var ids = body["ImageIds"];
        var filters = body["Filters"];
        if (ids is not null && filters is not null)
            return Error("InvalidParameter.InvalidParameterCoexistImageIdsFilters", "ImageIds and Filters cannot be specified at the same time.");
        var offset = body.GetInt64("Offset") ?? 0;
        var limit = body.GetInt64("Limit") ?? 20;
        if (offset < 0 || limit < 0 || limit > 100)
            return Error("InvalidParameterValue.InvalidParameterValueLimit", "Limit must be between 0 and 100 and Offset must not be negative.");

        Func<TencentEmulatorImage, bool> keep = _ => true;
        if (ids is not null)
        {
            var wanted = ids.Items.Select(i => i.AsString() ?? "").ToList();
            if (wanted.Count > 100) return Error("InvalidParameterValue.LimitExceeded", "At most 100 ImageIds per request.");
            if (wanted.FirstOrDefault(id => !IdPattern.IsMatch(id)) is { } bad)
                return Error("InvalidImageId.Malformed", $"The specified parameter `ImageIds` value `{bad}` is malformed.");
            var set = new HashSet<string>(wanted, StringComparer.Ordinal);
            keep = i => set.Contains(i.ImageId);
        }
        else if (filters is not null)
        {
            if (filters.Items.Count > 10) return Error("InvalidParameterValue.LimitExceeded", "At most 10 Filters per request.");
            var tests = new List<Func<TencentEmulatorImage, bool>>();
            foreach (var filter in filters.Items)
            {
                var name = filter.GetString("Name") ?? "";
                var values = filter.GetArray("Values").Select(v => v.AsString() ?? "").ToList();
                if (values.Count > 5) return Error("InvalidFilterValue.LimitExceeded", $"Filter `{name}` has more than 5 values.");
                if (!PlainFilters.Contains(name) && !name.StartsWith("tag:", StringComparison.Ordinal))
                    return Error("InvalidFilter", $"The filter `{name}` is not supported.");
                tests.Add(FilterTest(name, values));
            }
            keep = i => tests.All(t => t(i));
        }

        lock (_gate)
        {
            var matching = _images.Where(i => i.Region == region && keep(i)).ToList();
            var page = JsonValue.NewArray();
            foreach (var image in matching.Skip((int)Math.Min(offset, int.MaxValue)).Take((int)limit)) page.Add(ToJson(image));
            return Ok(JsonValue.NewObject().Set("TotalCount", matching.Count).Set("ImageSet", page));
        }
    }

    private static Func<TencentEmulatorImage, bool> FilterTest(string name, List<string> values) => name switch
    {
        "image-id" => i => values.Contains(i.ImageId),
        "image-type" => i => values.Contains(i.ImageType),
        // A fuzzy match: any value contained in the name.
        "image-name" => i => values.Any(v => i.Name.IndexOf(v, StringComparison.OrdinalIgnoreCase) >= 0),
        "platform" => i => values.Contains(i.Platform),
        "tag-key" => i => i.Tags.Keys.Any(values.Contains),
        "tag-value" => i => i.Tags.Values.Any(values.Contains),
        _ => i => i.Tags.TryGetValue(name.Substring("tag:".Length), out var v) && values.Contains(v),
    };

    private EmulatorResponse DeleteImages(JsonValue body, string region)
    {
        lock (_gate)
        {
            // Calls admitted within the last second; a refused call does not use up the allowance.
            var now = Clock();
            while (_recentDeleteCalls.Count > 0 && _recentDeleteCalls.Peek() <= now - TimeSpan.FromSeconds(1)) _recentDeleteCalls.Dequeue();
            if (_throttleNextDeleteCalls > 0)
            {
                _throttleNextDeleteCalls--;
                return ThrottlingAnswer();
            }
            if (DeleteCallsPerSecond > 0 && _recentDeleteCalls.Count >= DeleteCallsPerSecond)
                return Error("RequestLimitExceeded",
                    $"Your current request times exceeds the frequency limit `{DeleteCallsPerSecond}` for a second.");
            _recentDeleteCalls.Enqueue(now);

            var ids = body.GetArray("ImageIds").Select(i => i.AsString() ?? "").ToList();
            if (ids.Count == 0) return Error("MissingParameter", "The request is missing a required parameter `ImageIds`.");
            if (MaxIdsPerDeleteCall is { } max && ids.Count > max)
                return Error("InvalidParameterValue.LimitExceeded", $"The number of `ImageIds` ({ids.Count}) exceeds the limit {max}.");
            var dryRun = body.GetBool("DryRun") ?? false;
            var deleteSnapshots = body.GetBool("DeleteBindedSnap") ?? false;

            // All or nothing: the first id that cannot go fails the whole call and nothing is deleted.
            var targets = new List<TencentEmulatorImage>();
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (!IdPattern.IsMatch(id)) return Error("InvalidImageId.Malformed", $"The specified parameter `ImageIds` value `{id}` is malformed.");
                var image = _images.FirstOrDefault(i => i.ImageId == id && i.Region == region);
                if (image is null) return Error("InvalidImageId.NotFound", $"The image `{id}` does not exist.");
                if (image.ImageType == "SHARED_IMAGE")
                    return Error("InvalidParameterValue.InvalidImageIdIsShared", $"The image `{id}` is shared to you; only its owner can delete it.");
                if (image.ImageType != "PRIVATE_IMAGE")
                    return Error("UnauthorizedOperation.ImageNotBelongToAccount", $"The image `{id}` does not belong to this account.");
                if (image.SharedToOtherAccounts)
                    return Error("InvalidImageId.InShared", $"The image `{id}` is shared to other accounts; cancel the sharing first.");
                if (BusyStates.Contains(image.State))
                    return Error("InvalidImageId.IncorrectState", $"The image `{id}` is {image.State} and cannot be deleted now.");
                if (image.TaskRunning)
                    return Error("MutexOperation.TaskRunning", $"Another task is running on the image `{id}`.");
                targets.Add(image);
            }
            if (dryRun)
                return AnswerPassingDryRunWithDryRunOperation
                    ? Error("DryRunOperation", "The request would have succeeded, but the DryRun parameter was used.")
                    : Ok(JsonValue.NewObject());

            foreach (var image in targets)
            {
                _images.Remove(image);
                RecordDeletion(image.ImageId);
                if (deleteSnapshots)
                    foreach (var s in image.SnapshotIds) _snapshots.Remove(s);
            }
            return Ok(JsonValue.NewObject());
        }
    }

    private static JsonValue ToJson(TencentEmulatorImage image)
    {
        var snapshots = JsonValue.NewArray();
        foreach (var s in image.SnapshotIds)
            snapshots.Add(JsonValue.NewObject().Set("SnapshotId", s).Set("DiskUsage", "SYSTEM_DISK").Set("DiskSize", image.SizeGiB));
        var tags = JsonValue.NewArray();
        foreach (var t in image.Tags) tags.Add(JsonValue.NewObject().Set("Key", t.Key).Set("Value", t.Value));
        return JsonValue.NewObject()
            .Set("ImageId", image.ImageId)
            .Set("OsName", image.OsName)
            .Set("ImageType", image.ImageType)
            .Set("CreatedTime", image.CreatedTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Set("ImageName", image.Name)
            .Set("ImageDescription", image.Description)
            .Set("ImageSize", image.SizeGiB)
            .Set("Architecture", image.Architecture)
            .Set("ImageState", image.State)
            .Set("Platform", image.Platform)
            .Set("ImageCreator", image.ImageType == "PUBLIC_IMAGE" ? "" : "100000000001")
            .Set("ImageSource", image.ImageType == "PUBLIC_IMAGE" ? "OFFICIAL" : "CREATE_IMAGE")
            .Set("SyncPercent", image.State == "SYNCING" ? 40 : 100)
            .Set("IsSupportCloudinit", true)
            .Set("SnapshotSet", snapshots)
            .Set("Tags", tags)
            .Set("LicenseType", "TencentCloud");
    }

    // Eight base-36 digits from a counter: unique, stable across runs, and shaped like the real ones.
    private string NewImageId() => "img-" + Base36(NextSerial() + 36L * 36 * 36 * 36 * 36 * 36 * 36 * 10, 8);

    protected override EmulatorResponse ThrottlingAnswer() =>
        Error("RequestLimitExceeded", "Your current request times exceeds the frequency limit.");

    protected override EmulatedImage CreateImage(ImageSeed seed) => Summary(AddImage(new TencentEmulatorImage
    {
        Name = seed.Name,
        Region = seed.Region,
        CreatedTime = seed.CreatedAt,
        SizeGiB = seed.SizeGiB,
        Tags = seed.Tags,
        ImageType = seed.Condition switch
        {
            ImageCondition.SharedToMe => "SHARED_IMAGE",
            ImageCondition.Public => "PUBLIC_IMAGE",
            _ => "PRIVATE_IMAGE",
        },
        State = seed.Condition switch
        {
            ImageCondition.InUse => "USING",
            ImageCondition.Busy => "CREATING",
            _ => "NORMAL",
        },
        SharedToOtherAccounts = seed.Condition == ImageCondition.SharedToOthers,
    }));

    protected override IReadOnlyList<EmulatedImage> ListImages()
    {
        lock (_gate) return _images.Select(Summary).ToList();
    }

    protected override void RemoveAllImages()
    {
        lock (_gate) _images.Clear();
    }

    /// <summary>Control settings: deleteCallsPerSecond (0 = no limit) and maxIdsPerDeleteCall (null = no limit).</summary>
    protected override bool TryApplySetting(string name, JsonValue value)
    {
        switch (name)
        {
            case "deleteCallsPerSecond" when value.AsInt64() is long perSecond and >= 0 and <= 100_000:
                DeleteCallsPerSecond = (int)perSecond;
                return true;
            case "maxIdsPerDeleteCall" when value.Kind == JsonKind.Null:
                MaxIdsPerDeleteCall = null;
                return true;
            case "maxIdsPerDeleteCall" when value.AsInt64() is long max and >= 1 and <= 100_000:
                MaxIdsPerDeleteCall = (int)max;
                return true;
            default:
                return false;
        }
    }

    protected override void ResetProviderState()
    {
        lock (_gate)
        {
            MaxIdsPerDeleteCall = null;
            DeleteCallsPerSecond = DocumentedDeleteCallsPerSecond;
            AnswerPassingDryRunWithDryRunOperation = false;
            _throttleNextDeleteCalls = 0;
            _recentDeleteCalls.Clear();
            _snapshots.Clear();
        }
    }

    private static EmulatedImage Summary(TencentEmulatorImage image) => new(image.ImageId, image.Name, image.Region, image.State);

    private static EmulatorResponse Ok(JsonValue response) =>
        new(200, JsonValue.NewObject().Set("Response", response.Set("RequestId", Guid.NewGuid().ToString())).ToJson());

    private static EmulatorResponse Error(string code, string message) =>
        new(200, JsonValue.NewObject().Set("Response", JsonValue.NewObject()
            .Set("Error", JsonValue.NewObject().Set("Code", code).Set("Message", message))
            .Set("RequestId", Guid.NewGuid().ToString())).ToJson());
}

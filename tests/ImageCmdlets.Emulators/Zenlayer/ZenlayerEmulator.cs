using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Zenlayer;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Emulators.Zenlayer;

/// <summary>
/// Zenlayer Cloud ZEC (Open API v2, zec 2025-09-01) as far as images go: POST /api/v2/zec with the action in
/// X-ZC-Action, ZC2-HMAC-SHA256 checked the way the service documents it (content-type and host signed, a
/// five-minute timestamp window, the access key password as the key), DescribeCustomImages and
/// DescribeImages (imageIds, imageName, imageStatus, regionId, pageNum/pageSize, totalCount) and
/// DeleteImages, which answers with the ids that failed and only starts deleting the others: they are
/// DELETING for <see cref="DeletionTime"/>, then gone. Answers are 200 {"requestId","response"} or a non-200
/// {"code","message","requestId"}; throttling is 429 REQUEST_LIMIT_EXCEEDED.
/// </summary>
public sealed class ZenlayerEmulator : EmulatorServer
{
    public const string ApiVersion = "2025-09-01";
    public const string ApiPath = "/api/v2/zec";
    public static readonly TimeSpan TimestampWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultDeletionTime = TimeSpan.FromSeconds(2);

    /// <summary>The demo account's key (emulator only; shaped like a real AccessKeyId and AccessKeyPassword).</summary>
    public const string DemoKeyId = "ZLImgCmdletsDemo";
    public const string DemoKeyPassword = "ImageCmdletsEmulatorDemoPass01";

    private const string Deleting = "DELETING";
    private static readonly HashSet<string> DeletableStatuses = new(StringComparer.Ordinal) { "AVAILABLE", "FAILED", "UNAVAILABLE" };

    private static readonly IReadOnlyDictionary<string, string?> DeleteAnswers = new Dictionary<string, string?>
    {
        [ImageCondition.Deletable] = null,
        // Still being made: the id comes back failed, and the record says why.
        [ImageCondition.Busy] = ZenlayerErrors.InvalidImageStatus,
        // Only custom images can be deleted; Zenlayer gives no code, the module names it.
        [ImageCondition.Public] = ZenlayerErrors.ImageNotCustom,
    };

    private static readonly Regex AuthorizationPattern = new(
        "^ZC2-HMAC-SHA256 Credential=(?<id>[^,\\s]+), SignedHeaders=(?<headers>[a-z0-9;-]+), Signature=(?<sig>[0-9a-f]{64})$",
        RegexOptions.CultureInvariant);

    private readonly object _gate = new();
    private readonly List<ZenlayerEmulatorImage> _images = new();
    private readonly Dictionary<string, DateTimeOffset> _deletingUntil = new(StringComparer.Ordinal);
    private readonly List<ZenlayerCall> _requests = new();

    /// <summary>The demo account, with <see cref="DemoKeyId"/>.</summary>
    public ZenlayerEmulator() : this(DemoKeyId, DemoKeyPassword) { }

    public ZenlayerEmulator(string accessKeyId, string accessKeyPassword) => AddAccessKey(accessKeyId, accessKeyPassword);

    public override string Provider => ZenlayerProvider.ProviderName;

    public override IReadOnlyList<string> RegionNames { get; } = new[] { "asia-east-1", "asia-southeast-1" };

    public override IReadOnlyDictionary<string, string?> Conditions => DeleteAnswers;

    /// <summary>How long an accepted deletion keeps the image DELETING before it is gone.</summary>
    public TimeSpan DeletionTime { get; set; } = DefaultDeletionTime;

    /// <summary>Most ids one DeleteImages call takes (more: INVALID_PARAMETER_EXCEED_LENGTH); null = no limit, as documented.</summary>
    public int? MaxIdsPerDeleteCall { get; set; }

    /// <summary>Calls per second accepted for each action (more: 429 REQUEST_LIMIT_EXCEEDED); null = no limit.</summary>
    public int? CallsPerSecondLimit { get; set; }

    public MissingIdAnswer MissingIds { get; set; } = MissingIdAnswer.FailCall;

    public void AddAccessKey(string id, string password) => RegisterKey(id, password, null);

    /// <summary>Adds an image (an id is made up when it has none).</summary>
    public ZenlayerEmulatorImage AddImage(ZenlayerEmulatorImage image)
    {
        lock (_gate)
        {
            if (image.ImageId.Length == 0) image = image with { ImageId = NewImageId(image.IsCustom) };
            _images.Add(image);
            return image;
        }
    }

    /// <summary>Adds <paramref name="count"/> available custom images named prefix-0000…; returns their ids in order.</summary>
    public IReadOnlyList<string> SeedCustomImages(int count, string namePrefix = "seed", string? region = null) =>
        Enumerable.Range(0, count)
            .Select(i => AddImage(new ZenlayerEmulatorImage
            {
                Name = $"{namePrefix}-{i.ToString("0000", CultureInfo.InvariantCulture)}",
                Regions = new[] { region ?? DefaultRegion },
            }).ImageId)
            .ToList();

    /// <summary>The images the account has now (DELETING ones included, until their deletion finishes).</summary>
    public IReadOnlyList<ZenlayerEmulatorImage> Images
    {
        get { lock (_gate) { FinishDeletions(); return _images.ToArray(); } }
    }

    public ZenlayerEmulatorImage? Find(string imageId) => Images.FirstOrDefault(i => i.ImageId == imageId);

    /// <summary>Every request that reached the API (after the path check), with the answer's status and code.</summary>
    public IReadOnlyList<ZenlayerCall> Requests
    {
        get { lock (_gate) return _requests.ToArray(); }
    }

    public IReadOnlyList<ZenlayerCall> RequestsOf(string action) => Requests.Where(r => r.Action == action).ToArray();

    protected override string ActionOf(EmulatorRequest request) => request.Header("X-ZC-Action") ?? "";

    protected override Task<EmulatorResponse> HandleAsync(EmulatorRequest request)
    {
        if (request.Method != "POST" || request.Path != ApiPath)
            return Task.FromResult(Error(404, "INVALID_PATH", $"The emulator models only POST {ApiPath}."));
        var action = ActionOf(request);
        var answer = Authenticate(request) ?? CheckHeaders(request) ?? Throttle(action) ?? Dispatch(action, request.Body);
        lock (_gate)
            _requests.Add(new ZenlayerCall(Clock(), action, request.Body, answer.Status,
                answer.Status != 200 && JsonValue.TryParse(answer.Body, out var json) ? json.GetString("code") : null,
                request.Header("User-Agent")));
        return Task.FromResult(answer);
    }

    /// <summary>
    /// ZC2-HMAC-SHA256 as the service checks it: a well-formed Authorization signing exactly content-type and
    /// host, the method header, a timestamp within five minutes of the server clock, a known key, and a
    /// signature over the content-type, host and body received.
    /// </summary>
    private EmulatorResponse? Authenticate(EmulatorRequest request)
    {
        var authorization = request.Header("Authorization");
        var match = authorization is null ? null : AuthorizationPattern.Match(authorization);
        if (match is null || !match.Success)
            return Error(401, ZenlayerErrors.InvalidAuthorization, "The Authorization header is missing or is not a ZC2-HMAC-SHA256 authorization.");
        if (match.Groups["headers"].Value != string.Join(";", ZenlayerSigner.SignedHeaderNames))
            return Error(401, ZenlayerErrors.InvalidAuthorization, "SignedHeaders must be content-type;host.");
        if (request.Header("X-ZC-Signature-Method") != ZenlayerSigner.Algorithm)
            return Error(401, ZenlayerErrors.InvalidAuthorization, "X-ZC-Signature-Method must be ZC2-HMAC-SHA256.");

        var timestampText = request.Header("X-ZC-Timestamp");
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            return Error(401, ZenlayerErrors.InvalidAuthorization, "X-ZC-Timestamp must be a Unix time in seconds.");
        var now = Clock().ToUnixTimeSeconds();
        if (Math.Abs(now - timestamp) > (long)TimestampWindow.TotalSeconds)
            return Error(401, ZenlayerErrors.SignatureExpired,
                $"The signature has expired: the timestamp {timestamp} is more than five minutes from the server time {now}.");

        var keyId = match.Groups["id"].Value;
        if (!TryGetKey(keyId, out var key))
            return Error(401, ZenlayerErrors.SignatureFailure, "The AccessKeyId is not found.");
        var headers = new[]
        {
            new KeyValuePair<string, string>("content-type", request.Header("Content-Type") ?? ""),
            new KeyValuePair<string, string>("host", request.Context.Request.Host.Value ?? ""),
        };
        var expected = ZenlayerSigner.Compute(request.Method, headers, Crypto.Utf8Bytes(request.Body), timestamp, keyId, new Secret(key.Secret));
        if (!Crypto.FixedTimeEquals(match.Groups["sig"].Value, expected.Signature))
            return Error(401, ZenlayerErrors.SignatureFailure, "The signature does not match. Check the signing steps of the signature documentation.");
        return null;
    }

    private static EmulatorResponse? CheckHeaders(EmulatorRequest request)
    {
        if (request.Header("X-ZC-Service") != ZenlayerProvider.Service)
            return Error(400, "INVALID_PARAMETER_VALUE", "X-ZC-Service must be zec for this endpoint.");
        var version = request.Header("X-ZC-Version");
        if (version != ApiVersion)
            return Error(400, "INVALID_PARAMETER_VALUE", $"The version `{version}` is not supported here; images are managed with {ApiVersion}.");
        return null;
    }

    private EmulatorResponse? Throttle(string action) => OverCallRate(action, CallsPerSecondLimit) ? ThrottlingAnswer() : null;

    private EmulatorResponse Dispatch(string action, string text)
    {
        if (!JsonValue.TryParse(text, out var body) || body.Kind != JsonKind.Object)
            return Error(400, "INVALID_PARAMETER_TYPE", "The request body must be a JSON object.");
        lock (_gate)
        {
            FinishDeletions();
            return action switch
            {
                "DescribeCustomImages" => Describe(body, custom: true),
                "DescribeImages" => Describe(body, custom: false),
                "DeleteImages" => DeleteImages(body),
                "" => Error(400, "MISSING_PARAMETER", "The X-ZC-Action header is missing."),
                _ => Error(400, "UNSUPPORTED_OPERATION", $"The action `{action}` is not modelled by the emulator."),
            };
        }
    }

    /// <summary>DescribeCustomImages (the account's custom images, regionId) or DescribeImages (custom and public, imageType).</summary>
    private EmulatorResponse Describe(JsonValue body, bool custom)
    {
        var pageNum = body.GetInt64("pageNum") ?? 1;
        var pageSize = body.GetInt64("pageSize") ?? 20;
        if (pageNum < 1 || pageSize < 1) return Error(400, "INVALID_PARAMETER_LESS_MINIMUM", "pageNum and pageSize must be at least 1.");
        if (pageSize > 1000) return Error(400, "INVALID_PARAMETER_EXCEED_MAXIMUM", "pageSize must be at most 1000.");
        var ids = body["imageIds"] is { Kind: JsonKind.Array } list ? list.Items.Select(i => i.AsString() ?? "").ToHashSet(StringComparer.Ordinal) : null;
        var name = body.GetString("imageName");
        var status = body.GetString("imageStatus");
        var region = custom ? body.GetString("regionId") : null;
        var type = custom ? null : body.GetString("imageType");

        var matching = _images
            .Where(i => !custom || i.IsCustom)
            .Where(i => ids is null || ids.Contains(i.ImageId))
            .Where(i => name is null || i.Name.IndexOf(name, StringComparison.OrdinalIgnoreCase) >= 0)
            .Where(i => status is null || i.Status == status)
            .Where(i => region is null || i.Regions.Contains(region))
            .Where(i => type is null || i.ImageType == type)
            .ToList();
        var page = JsonValue.NewArray();
        foreach (var image in matching.Skip((int)Math.Min((pageNum - 1) * pageSize, int.MaxValue)).Take((int)pageSize))
            page.Add(ToJson(image, custom));
        return Ok(JsonValue.NewObject().Set("totalCount", matching.Count).Set("dataSet", page));
    }

    /// <summary>
    /// Every custom image in a deletable state goes DELETING; the others (public, still being made, already
    /// DELETING, missing with <see cref="MissingIdAnswer.ListAsFailed"/>) are listed as failed, without a reason.
    /// </summary>
    private EmulatorResponse DeleteImages(JsonValue body)
    {
        var ids = body.GetArray("imageIds").Select(i => i.AsString() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return Error(400, "MISSING_PARAMETER", "imageIds is required.");
        if (MaxIdsPerDeleteCall is { } max && ids.Count > max)
            return Error(400, ZenlayerErrors.ExceedLength, $"imageIds has {ids.Count} values; at most {max} are allowed.");
        if (MissingIds == MissingIdAnswer.FailCall && ids.FirstOrDefault(id => _images.All(i => i.ImageId != id)) is { } missing)
            return Error(404, ZenlayerErrors.ResourceNotFound, $"The resource `{missing}` is not found.");

        var failed = JsonValue.NewArray();
        foreach (var id in ids)
        {
            var index = _images.FindIndex(i => i.ImageId == id);
            if (index < 0 || !_images[index].IsCustom || !DeletableStatuses.Contains(_images[index].Status))
            {
                failed.Add(JsonValue.From(id));
                continue;
            }
            _images[index] = _images[index] with { Status = Deleting };
            _deletingUntil[id] = Clock() + DeletionTime;
            RecordDeletion(id);
        }
        var response = JsonValue.NewObject();
        // "An empty or missing list means all were accepted": the emulator leaves it out.
        if (failed.Items.Count > 0) response.Set("imageIds", failed);
        return Ok(response);
    }

    /// <summary>Deletions whose time has come end: the image is gone, or (when it fails) AVAILABLE again. Under the lock.</summary>
    private void FinishDeletions()
    {
        var now = Clock();
        foreach (var id in _deletingUntil.Where(d => d.Value <= now).Select(d => d.Key).ToList())
        {
            _deletingUntil.Remove(id);
            var index = _images.FindIndex(i => i.ImageId == id);
            if (index < 0) continue;
            if (_images[index].DeletionFails) _images[index] = _images[index] with { Status = "AVAILABLE" };
            else _images.RemoveAt(index);
        }
    }

    private static JsonValue ToJson(ZenlayerEmulatorImage image, bool custom)
    {
        var tags = JsonValue.NewArray();
        foreach (var t in image.Tags) tags.Add(JsonValue.NewObject().Set("key", t.Key).Set("value", t.Value));
        var json = JsonValue.NewObject();
        if (custom)
            json.Set("regionIdList", JsonValue.FromStrings(image.Regions))
                .Set("resourceGroupId", "rg-default-0001")
                .Set("resourceGroupName", "Default Resource Group");
        return json
            .Set("imageId", image.ImageId)
            .Set("imageName", image.Name)
            .Set("imageType", image.ImageType)
            .Set("imageSource", image.IsCustom ? "CUSTOM" : "OFFICIAL")
            .Set("imageSize", image.SizeGiB.ToString(CultureInfo.InvariantCulture))
            .Set("minDiskSize", image.SizeGiB)
            .Set("imageDescription", image.Description)
            .Set("imageVersion", image.ImageVersion)
            .Set("imageStatus", image.Status)
            .Set("nicNetworkType", JsonValue.FromStrings(new[] { "FailOver", "VirtioOnly" }))
            .Set("category", image.Category)
            .Set("osType", image.OsType)
            .Set("tags", JsonValue.NewObject().Set("tags", tags));
    }

    // Twelve base-36 digits from a counter: unique and stable from run to run; public images look like catalogue entries.
    private string NewImageId(bool custom) =>
        custom ? "img-" + Base36(NextSerial() + 0x5EED0000L, 12) : "pub-" + Base36(NextSerial(), 8);

    protected override EmulatorResponse ThrottlingAnswer() =>
        Error(429, ZenlayerErrors.RequestLimitExceeded, "The request rate exceeds the limit. Try again later.");

    protected override EmulatedImage CreateImage(ImageSeed seed) => Summary(AddImage(new ZenlayerEmulatorImage
    {
        Name = seed.Name,
        Regions = new[] { seed.Region },
        SizeGiB = seed.SizeGiB,
        Tags = seed.Tags,
        ImageType = seed.Condition == ImageCondition.Public ? "PUBLIC_IMAGE" : "CUSTOM_IMAGE",
        Status = seed.Condition == ImageCondition.Busy ? "CREATING" : "AVAILABLE",
    }));

    /// <summary>
    /// The common sample (its deletable, busy and public images), plus what Zenlayer's states add: a build
    /// whose image creation FAILED (deletable), a golden image still SYNCING to the second region (busy) and
    /// a golden image nothing stands in the way of (Zenlayer shows neither sharing nor use by instances).
    /// </summary>
    public override void SeedSample()
    {
        base.SeedSample();
        var year = Clock().ToString("yyyy", CultureInfo.InvariantCulture);
        AddImage(new ZenlayerEmulatorImage { Name = $"ci-build-{year}-0311", Status = "FAILED", Regions = new[] { DefaultRegion }, SizeGiB = 40, Tags = Tags("team=ci", "pipeline=build") });
        AddImage(new ZenlayerEmulatorImage { Name = "golden-base-ubuntu-22.04-v7", Status = "SYNCING", Regions = RegionNames, SizeGiB = 40, Tags = Tags("team=platform", "tier=golden") });
        AddImage(new ZenlayerEmulatorImage { Name = "golden-base-rocky-9-v3", Category = "Rocky", ImageVersion = "9", Regions = new[] { DefaultRegion }, SizeGiB = 40, Tags = Tags("team=platform", "tier=golden") });
    }

    private static IReadOnlyDictionary<string, string> Tags(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    protected override IReadOnlyList<EmulatedImage> ListImages() => Images.Select(Summary).ToList();

    protected override void RemoveAllImages()
    {
        lock (_gate)
        {
            _images.Clear();
            _deletingUntil.Clear();
        }
    }

    /// <summary>Control settings: deletionMs (how long DELETING lasts), maxIdsPerDeleteCall and callsPerSecond (null = no limit).</summary>
    protected override bool TryApplySetting(string name, JsonValue value)
    {
        switch (name)
        {
            case "deletionMs" when value.AsInt64() is long ms and >= 0 and <= 3_600_000:
                DeletionTime = TimeSpan.FromMilliseconds(ms);
                return true;
            case "maxIdsPerDeleteCall" or "callsPerSecond" when value.Kind == JsonKind.Null:
                if (name == "maxIdsPerDeleteCall") MaxIdsPerDeleteCall = null;
                else CallsPerSecondLimit = null;
                return true;
            case "maxIdsPerDeleteCall" or "callsPerSecond" when value.AsInt64() is long limit and >= 1 and <= 100_000:
                if (name == "maxIdsPerDeleteCall") MaxIdsPerDeleteCall = (int)limit;
                else CallsPerSecondLimit = (int)limit;
                return true;
            default:
                return false;
        }
    }

    protected override void ResetProviderState()
    {
        lock (_gate)
        {
            DeletionTime = DefaultDeletionTime;
            MaxIdsPerDeleteCall = null;
            CallsPerSecondLimit = null;
            MissingIds = MissingIdAnswer.FailCall;
            _requests.Clear();
        }
    }

    private static EmulatedImage Summary(ZenlayerEmulatorImage image) =>
        new(image.ImageId, image.Name, image.Regions.FirstOrDefault() ?? "", image.Status, image.Status == Deleting);

    private static EmulatorResponse Ok(JsonValue response)
    {
        var requestId = NewRequestId();
        return new EmulatorResponse(200, JsonValue.NewObject().Set("requestId", requestId).Set("response", response.Set("requestId", requestId)).ToJson());
    }

    private static EmulatorResponse Error(int status, string code, string message) =>
        new(status, JsonValue.NewObject().Set("requestId", NewRequestId()).Set("code", code).Set("message", message).ToJson());

    private static string NewRequestId() => "T" + Guid.NewGuid().ToString().ToUpperInvariant();
}

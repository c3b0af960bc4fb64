using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Alibaba;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Emulators.Alibaba;

/// <summary>What DeleteImage answers for an id that is not one of the account's custom images.</summary>
public enum MissingImageAnswer
{
    /// <summary>HTTP 200, nothing deleted: "If the specified custom image does not exist, the request is ignored."</summary>
    Ignore,
    /// <summary>HTTP 404 InvalidImageId.NotFound, as the same page's error table lists.</summary>
    NotFound,
}

/// <summary>
/// Alibaba Cloud ECS (RPC API 2014-05-26) as far as ImageCmdlets uses it: ACS3-HMAC-SHA256 signature
/// checks (access key, 15-minute date window, nonce replay, every x-acs-* header signed), flow control,
/// DescribeImages (Status default Available, ImageOwnerAlias, ImageId list, ImageName, Tag.N, paging)
/// and DeleteImage (one id, Force, DryRun answered as 400 DryRunOperation, missing ids ignored).
/// </summary>
public sealed class AlibabaEcsEmulator : EmulatorServer
{
    public const string ApiVersion = "2014-05-26";
    public static readonly TimeSpan TimestampWindow = TimeSpan.FromMinutes(15);
    private static readonly string[] Statuses = { "Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated" };
    private static readonly string[] OwnerAliases = { "system", "self", "others", "marketplace" };

    /// <summary>The demo account's key (emulator only; shaped like a real AccessKey pair).</summary>
    public const string DemoKeyId = "LTAI5tImageCmdletsDemo01";
    public const string DemoKeySecret = "ImageCmdletsEmulatorDemoSecret";

    /// <summary>The regions the control API seeds (DescribeImages and DeleteImage take any RegionId).</summary>
    private static readonly string[] SeedRegions = { "cn-hangzhou", "cn-shanghai", "cn-beijing" };

    private static readonly IReadOnlyDictionary<string, string?> DeleteAnswers = new Dictionary<string, string?>
    {
        [ImageCondition.Deletable] = null,
        [ImageCondition.InUse] = "ImageUsingByInstance",
        [ImageCondition.SharedToOthers] = "ImageUseShared",
        // DeleteImage ignores ids that are not the account's own custom images; the module looks every id
        // up first and reports such an image as not found (never as deleted).
        [ImageCondition.SharedToMe] = "InvalidImageId.NotFound",
        // Public (system) image ids are file names, not m-…: the module refuses them before any call.
        [ImageCondition.Public] = "MalformedImageId",
        [ImageCondition.Busy] = "ImageIsImporting",
    };

    private readonly object _gate = new();
    private readonly List<AlibabaImage> _images = new();
    private readonly List<AlibabaCall> _requests = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Action, int Status, string Code, string Message)> _injectedErrors = new();

    /// <summary>The demo account, with <see cref="DemoKeyId"/>.</summary>
    public AlibabaEcsEmulator() : this(DemoKeyId, DemoKeySecret) { }

    public AlibabaEcsEmulator(string accessKeyId, string accessKeySecret, string? securityToken = null) =>
        AddAccessKey(accessKeyId, accessKeySecret, securityToken);

    public override string Provider => AlibabaProvider.ProviderName;

    public override IReadOnlyList<string> RegionNames => SeedRegions;

    public override IReadOnlyDictionary<string, string?> Conditions => DeleteAnswers;

    /// <summary>What DeleteImage answers for an id that is not the account's own custom image. Default: ignored.</summary>
    public MissingImageAnswer MissingImages { get; set; } = MissingImageAnswer.Ignore;

    /// <summary>
    /// Whether a DryRun delete also checks the image's state (in use, shared, busy). The documentation
    /// only promises credential, permission and parameter checks, so the default is no.
    /// </summary>
    public bool DryRunChecksImageState { get; set; }

    /// <summary>Calls per second accepted for each action; more answer 400 Throttling.User. Null = no limit.</summary>
    public int? CallsPerSecondLimit { get; set; }

    /// <summary>An access key the emulated account accepts; with a token it is an STS key and needs x-acs-security-token.</summary>
    public void AddAccessKey(string id, string secret, string? securityToken = null) => RegisterKey(id, secret, securityToken);

    public void Seed(params AlibabaImage[] images)
    {
        lock (_gate) _images.AddRange(images);
    }

    /// <summary>The images the account has now.</summary>
    public IReadOnlyList<AlibabaImage> Images
    {
        get { lock (_gate) return _images.ToArray(); }
    }

    public bool Exists(string imageId)
    {
        lock (_gate) return _images.Any(i => i.ImageId == imageId);
    }

    /// <summary>
    /// Every signed request that reached the API logic or was refused by it, with its parameters. (A second
    /// delete of the same id is "ignored" with HTTP 200 and never reaches <see cref="EmulatorServer.DeletedImageIds"/>,
    /// so tests that look for double deletions count the DeleteImage calls here.)
    /// </summary>
    public IReadOnlyList<AlibabaCall> Requests
    {
        get { lock (_gate) return _requests.ToArray(); }
    }

    public IReadOnlyList<AlibabaCall> RequestsOf(string action) => Requests.Where(r => r.Action == action).ToArray();

    /// <summary>The next authenticated request of <paramref name="action"/> gets this error answer instead of being carried out.</summary>
    public void InjectError(string action, int status, string code, string message = "Injected error.") =>
        _injectedErrors.Enqueue((action, status, code, message));

    protected override string ActionOf(EmulatorRequest request) =>
        request.Header("x-acs-action") ?? "";

    protected override Task<EmulatorResponse> HandleAsync(EmulatorRequest request)
    {
        var host = request.Context.Request.Host.Value ?? "";
        var query = CanonicalRequest.ParseQuery(request.Context.Request.QueryString.Value);
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in query) parameters[p.Key] = p.Value;
        var action = ActionOf(request);
        var answer = Authenticate(request, host, query) ?? Throttle(action) ?? Injected(action) ?? Dispatch(action, parameters);
        lock (_gate)
            _requests.Add(new AlibabaCall(Clock(), action, parameters, answer.Status,
                answer.Status >= 400 && JsonValue.TryParse(answer.Body, out var json) ? json.GetString("Code") : null));
        return Task.FromResult(answer);
    }

    private EmulatorResponse? Authenticate(EmulatorRequest request, string host, List<KeyValuePair<string, string>> query)
    {
        var authorization = request.Header("Authorization");
        const string prefix = AlibabaSigner.Algorithm + " ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.Ordinal))
            return Error(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards (Authorization must use ACS3-HMAC-SHA256).");
        var fields = authorization.Substring(prefix.Length).Split(',')
            .Select(f => f.Split(new[] { '=' }, 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var keyId) || !fields.TryGetValue("SignedHeaders", out var signedList) || !fields.TryGetValue("Signature", out var signature))
            return Error(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards (Credential, SignedHeaders and Signature are required).");

        if (!TryGetKey(keyId, out var key))
            return Error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");

        if (request.Header("x-acs-version") != ApiVersion)
            return Error(400, "InvalidVersion", "Specified parameter Version is not valid.");

        var dateText = request.Header("x-acs-date");
        if (dateText is null || !DateTimeOffset.TryParseExact(dateText, AlibabaSigner.DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            return Error(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
        if ((Clock() - date).Duration() > TimestampWindow)
            return Error(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");

        // Every x-acs-* header (and host, and content-type when sent) must be signed.
        var signedNames = signedList.Split(';').Select(n => n.Trim().ToLowerInvariant()).ToList();
        var sentNames = request.Context.Request.Headers.Keys.Select(k => k.ToLowerInvariant()).Where(AlibabaSigner.IsSignedHeader).ToList();
        var unsigned = sentNames.Where(n => !signedNames.Contains(n)).ToList();
        if (unsigned.Count > 0 || !signedNames.Contains("host"))
            return Error(400, "IncompleteSignature", $"The request signature does not conform to Aliyun standards: headers {string.Join(", ", unsigned.DefaultIfEmpty("host"))} are not signed.");

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in signedNames)
        {
            var value = name == "host" ? host : request.Header(name);
            if (value is null)
                return Error(400, "IncompleteSignature", $"The signed header {name} was not sent.");
            headers.Add(new KeyValuePair<string, string>(name, value));
        }
        var expected = AlibabaSigner.Compute(request.Method, request.Path, query, headers, Encoding.UTF8.GetBytes(request.Body), keyId, new Secret(key.Secret));
        if (!Crypto.FixedTimeEquals(expected.Signature, signature))
            return Error(400, "SignatureDoesNotMatch", "Specified signature does not match our calculation. Server string to sign is:" + expected.StringToSign);

        if (key.Token is not null && request.Header("x-acs-security-token") != key.Token)
            return Error(400, "InvalidSecurityToken.MismatchWithAccessKey", "The security token does not match the access key.");

        // A nonce is remembered for as long as a request carrying it could pass the date check (±15 minutes).
        var nonce = request.Header("x-acs-signature-nonce");
        if (string.IsNullOrEmpty(nonce))
            return Error(400, "IncompleteSignature", "x-acs-signature-nonce is required.");
        foreach (var old in _nonces.Where(n => Clock() - n.Value > TimestampWindow + TimestampWindow).ToList()) _nonces.TryRemove(old.Key, out _);
        if (!_nonces.TryAdd(nonce!, Clock()))
            return Error(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        return null;
    }

    private EmulatorResponse? Throttle(string action) => OverCallRate(action, CallsPerSecondLimit) ? ThrottlingAnswer() : null;

    private EmulatorResponse? Injected(string action)
    {
        // Faults are few and tests small: rotate the queue to find the first one for this action.
        lock (_injectedErrors)
        {
            var all = new List<(string Action, int Status, string Code, string Message)>();
            while (_injectedErrors.TryDequeue(out var e)) all.Add(e);
            var index = all.FindIndex(e => e.Action == action);
            EmulatorResponse? answer = null;
            if (index >= 0)
            {
                answer = Error(all[index].Status, all[index].Code, all[index].Message);
                all.RemoveAt(index);
            }
            foreach (var e in all) _injectedErrors.Enqueue(e);
            return answer;
        }
    }

    private EmulatorResponse Dispatch(string action, Dictionary<string, string> parameters) => action switch
    {
        "DescribeImages" => DescribeImages(parameters),
        "DeleteImage" => DeleteImage(parameters),
        _ => Error(404, "InvalidAction.NotFound", $"Specified api {action} is not found, please check your url and method."),
    };

    private EmulatorResponse DescribeImages(Dictionary<string, string> p)
    {
        if (!p.TryGetValue("RegionId", out var region) || region.Length == 0)
            return Error(400, "MissingParameter", "The input parameter RegionId that is mandatory for processing this request is not supplied.");
        var statuses = (p.TryGetValue("Status", out var s) ? s : "Available").Split(',');
        if (statuses.Any(x => !Statuses.Contains(x, StringComparer.Ordinal)))
            return Error(400, "InvalidParameter", "The specified parameter Status is not valid.");
        var alias = p.TryGetValue("ImageOwnerAlias", out var a) ? a : null;
        if (alias is not null && !OwnerAliases.Contains(alias, StringComparer.Ordinal))
            return Error(400, "InvalidParameter", "The specified parameter ImageOwnerAlias is not valid.");
        if (!TryInt(p, "PageNumber", 1, out var pageNumber) || pageNumber < 1)
            return Error(400, "InvalidParameter", "The specified parameter PageNumber is not valid.");
        if (!TryInt(p, "PageSize", 10, out var pageSize) || pageSize is < 1 or > 100)
            return Error(400, "InvalidParameter", "The specified parameter PageSize is not valid.");
        var ids = p.TryGetValue("ImageId", out var idList) ? idList.Split(',').Select(x => x.Trim()).ToHashSet(StringComparer.Ordinal) : null;
        var name = p.TryGetValue("ImageName", out var n) ? n : null;
        var usage = p.TryGetValue("Usage", out var u) ? u : null;
        var tags = new List<(string Key, string? Value)>();
        for (var i = 1; p.TryGetValue($"Tag.{i}.Key", out var key); i++)
            tags.Add((key, p.TryGetValue($"Tag.{i}.Value", out var v) ? v : null));

        List<AlibabaImage> matching;
        lock (_gate)
            matching = _images
                .Where(i => i.Region == region)
                .Where(i => alias is null || i.OwnerAlias == alias)
                .Where(i => statuses.Contains(i.Status, StringComparer.Ordinal))
                .Where(i => ids is null || ids.Contains(i.ImageId))
                .Where(i => name is null || i.Name.Contains(name, StringComparison.OrdinalIgnoreCase))
                .Where(i => usage is null || (i.UsedByInstance ? "instance" : "none") == usage)
                .Where(i => tags.All(t => i.Tags.TryGetValue(t.Key, out var value) && (t.Value is null || t.Value == value)))
                .OrderByDescending(i => i.CreatedAt).ThenBy(i => i.ImageId, StringComparer.Ordinal)
                .ToList();

        var page = JsonValue.NewArray();
        foreach (var image in matching.Skip((pageNumber - 1) * pageSize).Take(pageSize)) page.Add(ToJson(image));
        return Ok(JsonValue.NewObject()
            .Set("RequestId", NewRequestId())
            .Set("RegionId", region)
            .Set("TotalCount", matching.Count)
            .Set("PageNumber", pageNumber)
            .Set("PageSize", pageSize)
            .Set("Images", JsonValue.NewObject().Set("Image", page)));
    }

    private EmulatorResponse DeleteImage(Dictionary<string, string> p)
    {
        if (!p.TryGetValue("RegionId", out var region) || region.Length == 0)
            return Error(400, "MissingParameter", "The input parameter RegionId that is mandatory for processing this request is not supplied.");
        if (!p.TryGetValue("ImageId", out var imageId) || imageId.Length == 0)
            return Error(400, "MissingParameter", "The input parameter ImageId that is mandatory for processing this request is not supplied.");
        if (!TryBool(p, "Force", out var force) || !TryBool(p, "DryRun", out var dryRun))
            return Error(400, "InvalidParameter", "Force and DryRun must be true or false.");

        lock (_gate)
        {
            var image = _images.FirstOrDefault(i => i.ImageId == imageId && i.Region == region && i.OwnerAlias == "self");
            if (image is null)
            {
                if (MissingImages == MissingImageAnswer.NotFound)
                    return Error(404, "InvalidImageId.NotFound", "The specified ImageId does not exist.");
                return dryRun ? DryRunPassed() : Ok(JsonValue.NewObject().Set("RequestId", NewRequestId()));
            }
            if (dryRun && !DryRunChecksImageState) return DryRunPassed();

            var refusal = image.Task switch
            {
                AlibabaImageTask.Importing => Error(403, "ImageIsImporting", "The specified Image is importing."),
                AlibabaImageTask.Exporting => Error(403, "ImageIsExporting", "The specified Image is exporting. Please cancel task first."),
                AlibabaImageTask.Copying => Error(403, "OperationDenied.ImageCopying", "The Image is coping."),
                _ when image.SharedWithOthers => Error(403, "ImageUseShared", "The specified image has been shared to others."),
                _ when image.UsedByInstance && !force => Error(403, "ImageUsingByInstance", "The specified image has been used to create instances."),
                _ => null,
            };
            if (refusal is not null) return refusal;
            if (dryRun) return DryRunPassed();

            _images.Remove(image);
            RecordDeletion(imageId);
        }
        return Ok(JsonValue.NewObject().Set("RequestId", NewRequestId()));
    }

    protected override EmulatorResponse ThrottlingAnswer() =>
        Error(400, "Throttling.User", "Request was denied due to user flow control.");

    protected override EmulatedImage CreateImage(ImageSeed seed)
    {
        var serial = NextSerial();
        var image = new AlibabaImage
        {
            ImageId = seed.Condition == ImageCondition.Public
                ? $"aliyun_3_x64_20G_alibase_{seed.CreatedAt.UtcDateTime:yyyyMMdd}_{serial}.vhd"
                : "m-" + Base36(ScrambledSerial(serial), 12),
            Region = seed.Region,
            Name = seed.Name,
            Status = seed.Condition == ImageCondition.Busy ? "Creating" : "Available",
            OwnerAlias = seed.Condition switch
            {
                ImageCondition.SharedToMe => "others",
                ImageCondition.Public => "system",
                _ => "self",
            },
            UsedByInstance = seed.Condition == ImageCondition.InUse,
            SharedWithOthers = seed.Condition == ImageCondition.SharedToOthers,
            Task = seed.Condition == ImageCondition.Busy ? AlibabaImageTask.Importing : AlibabaImageTask.None,
            CreatedAt = seed.CreatedAt,
            SizeGiB = seed.SizeGiB,
            Tags = seed.Tags,
        };
        Seed(image);
        return new EmulatedImage(image.ImageId, image.Name, image.Region, image.Status);
    }

    protected override IReadOnlyList<EmulatedImage> ListImages()
    {
        lock (_gate) return _images.Select(i => new EmulatedImage(i.ImageId, i.Name, i.Region, i.Status)).ToList();
    }

    protected override void RemoveAllImages()
    {
        lock (_gate) _images.Clear();
    }

    /// <summary>Control setting callsPerSecond: calls per second accepted for each action (null = no limit).</summary>
    protected override bool TryApplySetting(string name, JsonValue value)
    {
        if (name != "callsPerSecond") return false;
        if (value.Kind == JsonKind.Null) CallsPerSecondLimit = null;
        else if (value.AsInt64() is long perSecond and >= 1 and <= 100_000) CallsPerSecondLimit = (int)perSecond;
        else return false;
        return true;
    }

    protected override void ResetProviderState()
    {
        lock (_gate)
        {
            MissingImages = MissingImageAnswer.Ignore;
            DryRunChecksImageState = false;
            CallsPerSecondLimit = null;
            _requests.Clear();
        }
        _injectedErrors.Clear();
    }

    /// <summary>
    /// 1, 2, 3… spread over twelve base-36 digits, so made-up ids look like real ones: a multiplier coprime
    /// with 36^12 (odd, not a multiple of 3) maps every serial below 36^12 to its own value.
    /// </summary>
    private static long ScrambledSerial(int serial)
    {
        const ulong Digits12 = 4738381338321616896; // 36^12
        const ulong Multiplier = 2928480718740974081; // ≈ 36^12 × 0.618
        return (long)((UInt128)(ulong)serial * Multiplier % Digits12);
    }

    private static EmulatorResponse DryRunPassed() =>
        Error(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");

    private static JsonValue ToJson(AlibabaImage image)
    {
        var tags = JsonValue.NewArray();
        foreach (var t in image.Tags) tags.Add(JsonValue.NewObject().Set("TagKey", t.Key).Set("TagValue", t.Value));
        var busy = image.Status is "Creating" or "Waiting";
        return JsonValue.NewObject()
            .Set("ImageId", image.ImageId)
            .Set("ImageName", image.Name)
            .Set("Status", image.Status)
            .Set("ImageOwnerAlias", image.OwnerAlias)
            .Set("ImageOwnerId", image.OwnerAlias == "self" ? 1234567890123456L : 6543210987654321L)
            .Set("IsSelfShared", image.SharedWithOthers ? "True" : "False")
            .Set("IsPublic", false)
            .Set("IsCopied", image.IsCopied)
            .Set("Usage", image.UsedByInstance ? "instance" : "none")
            .Set("CreationTime", image.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Set("Size", image.SizeGiB)
            .Set("Progress", busy ? "42%" : "100%")
            .Set("OSType", "linux")
            .Set("OSName", "Alibaba Cloud Linux 3.2104 LTS 64位")
            .Set("OSNameEn", "Alibaba Cloud Linux 3.2104 LTS 64 bit")
            .Set("Platform", "Aliyun")
            .Set("Architecture", "x86_64")
            .Set("Description", "")
            .Set("Tags", JsonValue.NewObject().Set("Tag", tags));
    }

    private static bool TryInt(Dictionary<string, string> p, string name, int fallback, out int value)
    {
        value = fallback;
        return !p.TryGetValue(name, out var text) || int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryBool(Dictionary<string, string> p, string name, out bool value)
    {
        value = false;
        return !p.TryGetValue(name, out var text) || bool.TryParse(text, out value);
    }

    private static EmulatorResponse Ok(JsonValue body) => new(200, body.ToJson());

    private static EmulatorResponse Error(int status, string code, string message) =>
        new(status, JsonValue.NewObject()
            .Set("RequestId", NewRequestId())
            .Set("HostId", "ecs.aliyuncs.com")
            .Set("Code", code)
            .Set("Message", message)
            .Set("Recommend", $"https://api.aliyun.com/troubleshoot?q={code}&product=Ecs")
            .ToJson());

    private static string NewRequestId() => Guid.NewGuid().ToString().ToUpperInvariant();
}

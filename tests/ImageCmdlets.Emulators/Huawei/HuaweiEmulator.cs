using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Huawei;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Emulators.Huawei;

/// <summary>
/// Huawei Cloud IMS in one region, as far as images go, behind its API gateway: SDK-HMAC-SHA256 checked the way the
/// gateway documents it (x-sdk-date signed, a 15-minute window, the canonical URI ending in "/", the SK as the key)
/// or an IAM token from the Keystone-compatible POST /v3/auth/tokens (served beside IMS on the same port, as
/// iam.&lt;region&gt; is in the cloud); GET /v2/cloudimages (__imagetype, id, name, status, owner, marker, limit),
/// DELETE /v2/images/{id} (optional {"delete_backup"} body) and the deprecated DELETE /v1.1/images/{id}, a soft
/// delete that keeps the record with status "deleted" (answered 200 with no body, as the documentation's sample).
/// Refusals are Glance's (HTTP status and message); the gateway's are {"error_msg","error_code","request_id"}.
/// </summary>
public sealed class HuaweiEmulator : EmulatorServer
{
    public const string Region = "cn-north-4";
    public static readonly TimeSpan SignatureWindow = TimeSpan.FromMinutes(15);

    /// <summary>The demo account (emulator only; shaped like real ones: a 20-character AK, a 40-character SK, a 32-hex project id).</summary>
    public const string DemoAccessKey = "HPUAIMGCMDLETSDEMO01";
    public const string DemoSecretKey = "ImageCmdletsEmulatorDemoSecretKey0000001";
    public const string ProjectId = "0f6e4c2a9b8d4e1f8a7b6c5d4e3f2a10";
    /// <summary>Another project: the owner of the images shared to the demo project, and of the public ones.</summary>
    public const string OtherProjectId = "5b1d3f7a2c4e4a6b8d0f1e3c5a7b9d21";
    public const string Account = "imagecmdlets-demo";
    public const string DemoUser = "demo";
    public const string DemoPassword = "ImageCmdlets-Demo-Pass-01";

    private static readonly IReadOnlyDictionary<string, string?> DeleteAnswers = new Dictionary<string, string?>
    {
        // IMS lets the owner delete an image it shares with other projects: that is no condition of its own here
        // (HuaweiEmulatorImage.Members models it).
        [ImageCondition.Deletable] = null,
        [ImageCondition.Protected] = "ImageProtected",
        [ImageCondition.SharedToMe] = "ImageNotOwned",
        [ImageCondition.Public] = "ImageNotOwned",
    };

    private static readonly Regex AuthorizationPattern = new(
        "^SDK-HMAC-SHA256 Access=(?<id>[^,\\s]+), SignedHeaders=(?<headers>[a-z0-9;_-]+), Signature=(?<sig>[0-9a-f]{64})$",
        RegexOptions.CultureInvariant);
    private static readonly Regex ImagePath = new("^/(?<version>v2|v1\\.1)/images/(?<id>[^/]+)$", RegexOptions.CultureInvariant);

    private readonly object _gate = new();
    private readonly List<HuaweiEmulatorImage> _images = new();
    private readonly List<HuaweiDeletion> _deletions = new();
    private readonly Dictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly List<string?> _userAgents = new();

    public HuaweiEmulator() => RegisterKey(DemoAccessKey, DemoSecretKey, null);

    public override string Provider => HuaweiProvider.ProviderName;

    public override IReadOnlyList<string> RegionNames { get; } = new[] { Region };

    public override IReadOnlyDictionary<string, string?> Conditions => DeleteAnswers;

    /// <summary>Every IMS call names its project; the SDKs read it from here.</summary>
    public override IReadOnlyDictionary<string, string> ClientEnvironment { get; } = new Dictionary<string, string>
    {
        ["HUAWEICLOUD_SDK_PROJECT_ID"] = ProjectId,
    };

    /// <summary>How long an IAM token lasts (24 h at Huawei); tests shorten it.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Tokens IAM issued, for tests of renewal.</summary>
    public int TokensIssued { get; private set; }

    /// <summary>Calls per second accepted for each action (more: 429 APIGW.0308); null = the gateway's default is never reached.</summary>
    public int? CallsPerSecondLimit { get; set; }

    public HuaweiEmulatorImage AddImage(HuaweiEmulatorImage image)
    {
        lock (_gate)
        {
            if (image.Id.Length == 0) image = image with { Id = NewImageId() };
            _images.Add(image);
            return image;
        }
    }

    public IReadOnlyList<HuaweiEmulatorImage> Images
    {
        get { lock (_gate) return _images.ToArray(); }
    }

    public HuaweiEmulatorImage? Find(string id) => Images.FirstOrDefault(i => i.Id == id);

    /// <summary>Every delete carried out, in order, with its call and its delete_backup choice.</summary>
    public IReadOnlyList<HuaweiDeletion> Deletions
    {
        get { lock (_gate) return _deletions.ToArray(); }
    }

    /// <summary>The User-Agent of every IMS call, in order.</summary>
    public IReadOnlyList<string?> UserAgents
    {
        get { lock (_gate) return _userAgents.ToArray(); }
    }

    protected override string ActionOf(EmulatorRequest request) => (request.Method, request.Path) switch
    {
        ("GET", "/v2/cloudimages") => HuaweiSession.ListAction,
        ("DELETE", var path) when ImagePath.Match(path) is { Success: true } m =>
            m.Groups["version"].Value == "v2" ? HuaweiSession.DeleteAction : HuaweiSession.SoftDeleteAction,
        var (method, path) => $"{method} {path}",
    };

    /// <summary>IAM is a service beside IMS: its calls take no faults and stay out of the call log.</summary>
    protected override bool IsServedAside(EmulatorRequest request) => request.Path.StartsWith("/v3/", StringComparison.Ordinal);

    protected override Task<EmulatorResponse> HandleAsync(EmulatorRequest request)
    {
        if (IsServedAside(request))
            return Task.FromResult((request.Method, request.Path) switch
            {
                ("POST", "/v3/auth/tokens") => IssueToken(request.Body),
                ("GET", "/v3/projects") => Authenticate(request, projectScoped: false) ?? Projects(request),
                _ => IamError(404, "The resource could not be found."),
            });
        lock (_gate) _userAgents.Add(request.Header("User-Agent"));
        var answer = Authenticate(request, projectScoped: true) ?? (OverCallRate(ActionOf(request), CallsPerSecondLimit) ? ThrottlingAnswer() : null) ?? Route(request);
        return Task.FromResult(answer);
    }

    /// <summary>
    /// An IAM token or an AK/SK signature over exactly what was received; for an IMS call (<paramref name="projectScoped"/>)
    /// the signed X-Project-Id must be the account's project.
    /// </summary>
    private EmulatorResponse? Authenticate(EmulatorRequest request, bool projectScoped)
    {
        if (request.Header("X-Auth-Token") is { } token)
        {
            lock (_gate)
            {
                if (!_tokens.TryGetValue(token, out var expires))
                    return GatewayError(401, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail");
                if (expires <= Clock())
                    return GatewayError(401, HuaweiErrors.TokenExpired, "The token must be updated.");
            }
            return null;
        }
        var authorization = request.Header("Authorization");
        var match = authorization is null ? null : AuthorizationPattern.Match(authorization);
        if (match is null || !match.Success)
            return GatewayError(401, HuaweiErrors.SignatureFailure, "Incorrect IAM authentication information: Authorization format incorrect");
        var signed = match.Groups["headers"].Value.Split(';');
        if (!signed.Contains("x-sdk-date") || !signed.Contains("host"))
            return GatewayError(401, HuaweiErrors.SignatureFailure, "Incorrect IAM authentication information: x-sdk-date and host must be signed");
        if (!DateTimeOffset.TryParseExact(request.Header("X-Sdk-Date"), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            return GatewayError(401, HuaweiErrors.SignatureFailure, "Incorrect IAM authentication information: x-sdk-date format incorrect");
        if ((Clock() - date).Duration() > SignatureWindow)
            return GatewayError(401, HuaweiErrors.SignatureFailure, "Incorrect IAM authentication information: signature expired (x-sdk-date is more than 15 minutes from the server time)");
        if (!TryGetKey(match.Groups["id"].Value, out var key))
            return GatewayError(401, HuaweiErrors.SignatureFailure, "Incorrect IAM authentication information: ak not found");

        var headers = signed.Select(name => new KeyValuePair<string, string>(name,
            name == "host" ? request.Context.Request.Host.Value ?? "" : request.Header(name) ?? "")).ToList();
        var query = CanonicalRequest.ParseQuery(request.Context.Request.QueryString.Value);
        var rawPath = request.Context.Request.Path.ToUriComponent();
        var expected = HuaweiSigner.Compute(request.Method, rawPath, query, headers, signed, Crypto.Utf8Bytes(request.Body),
            request.Header("X-Sdk-Date")!, key.Id, new Secret(key.Secret));
        if (!Crypto.FixedTimeEquals(match.Groups["sig"].Value, expected.Signature))
            return GatewayError(401, HuaweiErrors.SignatureFailure, "Incorrect IAM authentication information: verify aksk signature fail");
        // A temporary AK/SK is only good with the security token it was issued with, sent (and signed) as X-Security-Token.
        if (key.Token is not null && (request.Header("X-Security-Token") != key.Token || !signed.Contains("x-security-token")))
            return GatewayError(401, HuaweiErrors.SignatureFailure, "Incorrect IAM authentication information: verify security token fail");
        if (projectScoped && (request.Header("X-Project-Id") != ProjectId || !signed.Contains("x-project-id")))
            return GatewayError(403, HuaweiErrors.AccessDenied, "The API access is denied: X-Project-Id must name this account's project, signed.");
        return null;
    }

    private EmulatorResponse Route(EmulatorRequest request)
    {
        if (request.Method == "GET" && request.Path == "/v2/cloudimages") return List(request);
        if (request.Method == "DELETE" && ImagePath.Match(request.Path) is { Success: true } m)
            return Delete(request, m.Groups["id"].Value, softly: m.Groups["version"].Value == "v1.1");
        return GlanceError(404, "The resource could not be found.");
    }

    /// <summary>ListImages: what the project can see (its own, shared to it, public), filtered, newest first, marker paging.</summary>
    private EmulatorResponse List(EmulatorRequest request)
    {
        string? Q(string name) => request.Query.TryGetValue(name, out var v) ? v.ToString() : null;
        var limitText = Q("limit");
        var limit = 500;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 1000))
            return GlanceError(400, "limit must be a number from 1 to 1000.");
        lock (_gate)
        {
            var visible = _images
                .Where(i => Q("__imagetype") is not { } type || i.ImageType == type)
                .Where(i => Q("id") is not { } id || i.Id == id)
                .Where(i => Q("name") is not { } name || i.Name == name)
                .Where(i => Q("status") is not { } status || i.Status == status)
                .Where(i => Q("owner") is not { } owner || OwnerOf(i) == owner)
                .OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal)
                .ToList();
            if (Q("marker") is { } marker)
            {
                var at = visible.FindIndex(i => i.Id == marker);
                if (at < 0) return GlanceError(400, $"marker {marker} is not found.");
                visible = visible.Skip(at + 1).ToList();
            }
            var page = JsonValue.NewArray();
            foreach (var image in visible.Take(limit)) page.Add(ToJson(image));
            return new EmulatorResponse(200, JsonValue.NewObject().Set("images", page).ToJson());
        }
    }

    /// <summary>
    /// A delete as IMS answers it: a missing (or already soft-deleted) image is 404; somebody else's image 403 "You
    /// are not permitted"; a protected one 403 "is protected". v2 removes the image (204); v1.1 keeps the record
    /// with status deleted (200, no body). A v2 body, if any, must be {"delete_backup": true|false} sent as JSON.
    /// </summary>
    private EmulatorResponse Delete(EmulatorRequest request, string id, bool softly)
    {
        var deleteBackup = false;
        if (request.Body.Length > 0)
        {
            if (softly) return GlanceError(400, "The v1.1 delete takes no body.");
            if (!(request.Header("Content-Type") ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
                return GlanceError(415, "A body must be sent as application/json.");
            if (!JsonValue.TryParse(request.Body, out var body) || body.Kind != JsonKind.Object || body.Properties.Any(p => p.Key != "delete_backup")
                || body["delete_backup"] is { } flag && flag.Kind != JsonKind.Bool)
                return GlanceError(400, "The body must be {\"delete_backup\": true|false}.");
            deleteBackup = body.GetBool("delete_backup") == true;
        }
        lock (_gate)
        {
            var index = _images.FindIndex(i => i.Id == id);
            if (index < 0 || _images[index].Status == HuaweiImages.Deleted) return GlanceError(404, $"No image found with ID {id}");
            var image = _images[index];
            if (OwnerOf(image) != ProjectId || image.ImageType != HuaweiImages.Private)
                return GlanceError(403, "You are not permitted to delete this image.");
            if (image.Protected) return GlanceError(403, $"Image {id} is protected and cannot be deleted.");
            if (softly) _images[index] = image with { Status = HuaweiImages.Deleted };
            else _images.RemoveAt(index);
            _deletions.Add(new HuaweiDeletion(id, softly ? HuaweiSession.SoftDeleteAction : HuaweiSession.DeleteAction, deleteBackup));
        }
        RecordDeletion(id);
        return softly ? new EmulatorResponse(200, "", "text/plain") : new EmulatorResponse(204, "", "text/plain");
    }

    /// <summary>IAM's KeystoneListProjects (GET /v3/projects?name=…), as the SDKs use it to find a region's project.</summary>
    private EmulatorResponse Projects(EmulatorRequest request)
    {
        var name = request.Query.TryGetValue("name", out var v) ? v.ToString() : null;
        var projects = JsonValue.NewArray();
        if (name is null || name == Region)
            projects.Add(JsonValue.NewObject().Set("id", ProjectId).Set("name", Region).Set("domain_id", "a1b2c3d4e5f60718293a4b5c6d7e8f90").Set("enabled", true));
        return new EmulatorResponse(200, JsonValue.NewObject().Set("projects", projects).ToJson());
    }

    /// <summary>IAM's POST /v3/auth/tokens, password method: the demo user of the demo account, scoped to the region's project (by name or id).</summary>
    private EmulatorResponse IssueToken(string text)
    {
        if (!JsonValue.TryParse(text, out var body) || body["auth"] is not { } auth) return IamError(400, "The request body is not a Keystone auth request.");
        var user = auth["identity"]?["password"]?["user"];
        if (user?.GetString("name") != DemoUser || user["domain"]?.GetString("name") != Account || user.GetString("password") != DemoPassword)
            return IamError(401, "The username or password is wrong.");
        var project = auth["scope"]?["project"];
        if (project?.GetString("id") is { } id ? id != ProjectId : project?.GetString("name") != Region)
            return IamError(401, "The project is not found or the user has no role in it.");
        var token = "MIIEmulatorToken" + Guid.NewGuid().ToString("N");
        var expires = Clock() + TokenLifetime;
        lock (_gate)
        {
            _tokens[token] = expires;
            TokensIssued++;
        }
        var answer = JsonValue.NewObject().Set("token", JsonValue.NewObject()
            .Set("expires_at", expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture))
            .Set("methods", JsonValue.FromStrings(new[] { "password" }))
            .Set("project", JsonValue.NewObject().Set("id", ProjectId).Set("name", Region))
            .Set("roles", JsonValue.NewArray().Add(JsonValue.NewObject().Set("name", "te_admin")))
            .Set("catalog", JsonValue.NewArray()));
        return new EmulatorResponse(201, answer.ToJson(), Headers: new Dictionary<string, string> { ["X-Subject-Token"] = token });
    }

    private static string OwnerOf(HuaweiEmulatorImage image) => image.Owner ?? ProjectId;

    private static JsonValue ToJson(HuaweiEmulatorImage image)
    {
        var created = image.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var json = JsonValue.NewObject()
            .Set("id", image.Id)
            .Set("name", image.Name)
            .Set("status", image.Status)
            .Set("__imagetype", image.ImageType)
            .Set("visibility", image.ImageType switch { "gold" => "public", "shared" => "shared", _ => image.Members.Count > 0 ? "shared" : "private" })
            .Set("protected", image.Protected)
            .Set("owner", OwnerOf(image))
            .Set("created_at", created)
            .Set("updated_at", created)
            .Set("min_disk", image.SizeGiB)
            .Set("__image_size", ((long)image.SizeGiB << 30).ToString(CultureInfo.InvariantCulture))
            .Set("__os_type", "Linux")
            .Set("__platform", "Ubuntu")
            .Set("disk_format", "zvhd2")
            .Set("container_format", "bare")
            .Set("virtual_env_type", "FusionCompute")
            .Set("enterprise_project_id", "0")
            .Set("tags", JsonValue.FromStrings(image.Tags.Select(t => t.Key + "." + t.Value).ToArray()));
        return json;
    }

    // Eight hex digits from a counter lead each id ("1ae5" marks this emulator's ids), so ids are stable from run to run.
    private string NewImageId() =>
        string.Create(CultureInfo.InvariantCulture, $"{NextSerial():x8}-1ae5-4c0d-9e1f-{(uint)Region.GetHashCode() & 0xffff:x4}{NextSerial():x8}");

    protected override EmulatorResponse ThrottlingAnswer() =>
        GatewayError(429, HuaweiErrors.Throttled, "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second");

    protected override EmulatedImage CreateImage(ImageSeed seed)
    {
        var image = AddImage(new HuaweiEmulatorImage
        {
            Name = seed.Name,
            CreatedAt = seed.CreatedAt,
            SizeGiB = seed.SizeGiB,
            Tags = seed.Tags,
            Protected = seed.Condition == ImageCondition.Protected,
            ImageType = seed.Condition switch { ImageCondition.Public => "gold", ImageCondition.SharedToMe => "shared", _ => HuaweiImages.Private },
            Owner = seed.Condition is ImageCondition.Public or ImageCondition.SharedToMe ? OtherProjectId : null,
        });
        return Summary(image);
    }

    protected override IReadOnlyList<EmulatedImage> ListImages() => Images.Select(Summary).ToList();

    protected override void RemoveAllImages()
    {
        lock (_gate) _images.Clear();
    }

    /// <summary>Control settings: tokenLifetimeSeconds and callsPerSecond (null = no limit).</summary>
    protected override bool TryApplySetting(string name, JsonValue value)
    {
        switch (name)
        {
            case "tokenLifetimeSeconds" when value.AsInt64() is long seconds and >= 1 and <= 172_800:
                TokenLifetime = TimeSpan.FromSeconds(seconds);
                return true;
            case "callsPerSecond" when value.Kind == JsonKind.Null:
                CallsPerSecondLimit = null;
                return true;
            case "callsPerSecond" when value.AsInt64() is long limit and >= 1 and <= 100_000:
                CallsPerSecondLimit = (int)limit;
                return true;
            default:
                return false;
        }
    }

    protected override void ResetProviderState()
    {
        lock (_gate)
        {
            TokenLifetime = TimeSpan.FromHours(24);
            CallsPerSecondLimit = null;
            _deletions.Clear();
            _userAgents.Clear();
        }
    }

    private static EmulatedImage Summary(HuaweiEmulatorImage image) => new(image.Id, image.Name, Region, image.Status);

    private static EmulatorResponse GatewayError(int status, string code, string message) =>
        new(status, JsonValue.NewObject().Set("error_msg", message).Set("error_code", code).Set("request_id", NewRequestId()).ToJson());

    /// <summary>IMS's refusals on its OpenStack-native paths, as Glance words them (JSON for Accept: application/json).</summary>
    private static EmulatorResponse GlanceError(int status, string message) =>
        new(status, JsonValue.NewObject().Set("code", status).Set("message", message).Set("title", status switch
        {
            400 => "Bad Request", 403 => "Forbidden", 404 => "Not Found", 415 => "Unsupported Media Type", _ => "Error",
        }).ToJson(), Headers: new Dictionary<string, string> { ["X-Request-Id"] = NewRequestId() });

    private static EmulatorResponse IamError(int status, string message) =>
        new(status, JsonValue.NewObject().Set("error", JsonValue.NewObject().Set("code", status).Set("message", message)).ToJson());

    private static string NewRequestId() => Guid.NewGuid().ToString("N");
}

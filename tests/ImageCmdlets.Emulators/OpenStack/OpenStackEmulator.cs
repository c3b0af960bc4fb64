using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Providers.OpenStack;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Emulators.OpenStack;

/// <summary>
/// An OpenStack cloud as far as images go, Keystone v3 and Glance v2 on one port (the Keystone half is in
/// OpenStackEmulator.Keystone.cs): tokens from POST /v3/auth/tokens whose catalog points at this server,
/// and Glance's GET /v2/images (filters, sorting, marker paging with first/next links), GET and DELETE
/// /v2/images/{id}, with Glance 25's visibility and ownership rules: an admin sees and deletes every
/// project's images, a member only its own, and another project's private image does not exist for it.
/// Answers copy the real ones byte for byte where the transcripts show them: Python's JSON spacing,
/// webob's HTML error pages (JSON only for Accept: application/json, with the &lt;br /&gt; remnants).
/// Not modelled: creating, uploading, changing or sharing images over the API (seed them instead),
/// image members' own API, stores refusing a delete (409), delayed delete, and any Keystone call but
/// issuing a token.
/// </summary>
public sealed partial class OpenStackEmulator : EmulatorServer
{
    public const string Region = "RegionOne";

    private const string ImagesPath = "/v2/images";
    private const int DefaultPageSize = 25;  // Glance's limit_param_default
    private const int MaxPageSize = 1000;    // Glance's api_limit_max
    private const int MaxImageIdLength = 36; // longer ids are never found
    private const long GiB = 1L << 30;

    private static readonly IReadOnlyDictionary<string, string?> DeleteAnswers = new Dictionary<string, string?>
    {
        [ImageCondition.Deletable] = null,
        [ImageCondition.Protected] = GlanceErrors.Protected,
        // Another project's image, shared to the demo project (member accepted) or public: 403 "You do not own this image".
        [ImageCondition.SharedToMe] = GlanceErrors.NotOwner,
        [ImageCondition.Public] = GlanceErrors.NotOwner,
    };

    private static readonly string[] Visibilities = { "community", "public", "private", "shared", "all" };
    private static readonly string[] SortKeys = { "name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at" };
    private static readonly string[] MemberStatuses = { "pending", "accepted", "rejected", "all" };
    private static readonly string[] NumericColumns = { "size", "virtual_size", "min_disk", "min_ram" };
    private static readonly string[] Distributions = { "ubuntu", "debian", "rocky", "centos", "windows" };

    private readonly object _gate = new();
    private readonly List<OpenStackImage> _images = new();

    /// <summary>The demo cloud: region RegionOne, the users demo (member of project demo, the default) and admin.</summary>
    public OpenStackEmulator() => AddAccounts();

    public override string Provider => OpenStackProvider.ProviderName;

    public override IReadOnlyList<string> RegionNames { get; } = new[] { Region };

    public override IReadOnlyDictionary<string, string?> Conditions => DeleteAnswers;

    /// <summary>The module finds Glance in the token's catalog: -Endpoint is not passed.</summary>
    public override bool EndpointIsParameter => false;

    public override IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["OS_AUTH_URL"] = BaseUri + "v3",
        ["OS_PROJECT_NAME"] = DemoProject,
        ["OS_USER_DOMAIN_NAME"] = DomainName,
        ["OS_PROJECT_DOMAIN_NAME"] = DomainName,
        ["OS_REGION_NAME"] = Region,
    };

    /// <summary>Adds an image (an id is made up when it has none).</summary>
    public OpenStackImage AddImage(OpenStackImage image)
    {
        lock (_gate)
        {
            if (image.Id.Length == 0) image = image with { Id = NewImageId() };
            _images.Add(image);
            return image;
        }
    }

    /// <summary>The images that still exist.</summary>
    public IReadOnlyList<OpenStackImage> Images
    {
        get { lock (_gate) return _images.ToArray(); }
    }

    public bool HasImage(string imageId)
    {
        lock (_gate) return _images.Any(i => i.Id == imageId);
    }

    protected override string ActionOf(EmulatorRequest request) => (request.Method, request.Path) switch
    {
        ("GET", ImagesPath) => "ListImages",
        ("GET", var path) when ImageIdOf(path) is not null => "ShowImage",
        ("DELETE", var path) when ImageIdOf(path) is not null => "DeleteImage",
        var (method, path) => $"{method} {path}",
    };

    protected override Task<EmulatorResponse> HandleAsync(EmulatorRequest request) =>
        Task.FromResult(IsIdentity(request) ? Identity(request) : Image(request));

    /// <summary>
    /// Keystone is a service beside Glance (its own port in a real cloud): its requests are not image API
    /// calls, so they take no faults and stay out of the call log (<see cref="TokensIssued"/> counts tokens).
    /// </summary>
    protected override bool IsServedAside(EmulatorRequest request) => IsIdentity(request);

    private static bool IsIdentity(EmulatorRequest request) => request.Path == "/v3" || request.Path.StartsWith("/v3/", StringComparison.Ordinal);

    private EmulatorResponse Identity(EmulatorRequest request) =>
        (request.Method, request.Path) == ("POST", "/v3/auth/tokens")
            ? CreateToken(request)
            : KeystoneError(404, "The resource could not be found.");

    /// <summary>Glance behind keystonemiddleware: no valid token, no answer but 401 (whatever the path).</summary>
    private EmulatorResponse Image(EmulatorRequest request)
    {
        if (ValidToken(request) is not { } caller)
            return GlanceError(request, 401, "This server could not verify that you are authorized to access the document you requested. " +
                "Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.");
        return (request.Method, ImageIdOf(request.Path)) switch
        {
            ("GET", _) when request.Path == ImagesPath => ListImages(request, caller),
            ("GET", { } id) => ShowImage(request, caller, id),
            ("DELETE", { } id) => DeleteImage(request, caller, id),
            _ => GlanceError(request, 404, "The resource could not be found."),
        };
    }

    private static string? ImageIdOf(string path) =>
        path.StartsWith(ImagesPath + "/", StringComparison.Ordinal) && path.Length > ImagesPath.Length + 1 && path.IndexOf('/', ImagesPath.Length + 1) < 0
            ? path.Substring(ImagesPath.Length + 1)
            : null;

    private EmulatorResponse ShowImage(EmulatorRequest request, IssuedToken caller, string id)
    {
        lock (_gate)
            return Find(id, caller) is { } image
                ? GlanceOk(200, PythonJson.Dumps(ImageJson(image), ensureAscii: false))
                : GlanceError(request, 404, $"No image found with ID {id}");
    }

    /// <summary>
    /// DELETE as Glance 25 decides it: not found (or not visible) 404, then the legacy ownership check
    /// (a non-admin deletes only its project's images) 403, then protected 403, else 204.
    /// </summary>
    private EmulatorResponse DeleteImage(EmulatorRequest request, IssuedToken caller, string id)
    {
        lock (_gate)
        {
            if (Find(id, caller) is not { } image) return GlanceError(request, 404, $"Failed to find image {id} to delete");
            if (!caller.IsAdmin && (image.Owner is null || image.Owner != caller.Project.Id))
                return GlanceError(request, 403, "You do not own this image");
            if (image.Protected) return GlanceError(request, 403, $"Image {id} is protected and cannot be deleted.");
            _images.Remove(image);
            RecordDeletion(id);
            return GlanceOk(204, "", "text/html; charset=UTF-8");
        }
    }

    /// <summary>The image with this id if the caller may see it (Glance's is_image_visible, any member status).</summary>
    private OpenStackImage? Find(string id, IssuedToken caller) =>
        id.Length <= MaxImageIdLength && _images.FirstOrDefault(i => i.Id == id) is { } image && IsVisible(image, caller) ? image : null;

    private static bool IsVisible(OpenStackImage image, IssuedToken caller) =>
        caller.IsAdmin || image.Owner is null || image.Visibility is "public" or "community" || image.Owner == caller.Project.Id
        || (image.Visibility == "shared" && image.Members.ContainsKey(caller.Project.Id));

    /// <summary>
    /// GET /v2/images as Glance 25 answers it (images.py and db/sqlalchemy/api.py): the query's checks in
    /// Glance's order, the caller's view (an admin sees every image), filters, sorting with created_at and
    /// id as tie-breakers, the marker, the limit, and "next" whenever a page came back full.
    /// </summary>
    private EmulatorResponse ListImages(EmulatorRequest request, IssuedToken caller)
    {
        var query = CanonicalRequest.ParseQuery((request.Context.Request.QueryString.Value ?? "").Replace("+", "%20", StringComparison.Ordinal));
        string? First(string key) => query.Where(p => p.Key == key).Select(p => p.Value).FirstOrDefault();
        var popped = new HashSet<string>(StringComparer.Ordinal) { "limit", "marker", "member_status", "tag", "sort", "sort_key", "sort_dir" };
        // What is left is Glance's filters dict: each key once, with its last value.
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query.Where(p => !popped.Contains(p.Key))) filters[key] = value;

        if (filters.TryGetValue("visibility", out var visibility) && visibility.Length > 0 && !Visibilities.Contains(visibility))
            return GlanceError(request, 400, $"Invalid visibility value: {visibility}");
        if (filters.ContainsKey("changes-since"))
            return GlanceError(request, 400, "The \"changes-since\" filter is no longer available on v2.");
        var memberStatus = First("member_status") ?? "accepted";
        if (!MemberStatuses.Contains(memberStatus)) return GlanceError(request, 400, $"Invalid status: {memberStatus}");
        var limit = DefaultPageSize;
        if (First("limit") is { } limitText)
        {
            if (!int.TryParse(limitText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
                return GlanceError(request, 400, "limit param must be an integer");
            if (limit < 0) return GlanceError(request, 400, "limit param must be positive");
        }
        limit = Math.Min(limit, MaxPageSize);
        if (SortOrder(query, out var sortError) is not { } order) return GlanceError(request, 400, sortError!);

        var hidden = (filters.TryGetValue("os_hidden", out var h) ? h : "false").ToLowerInvariant();
        if (hidden is not ("true" or "false"))
            return GlanceError(request, 400, $"Invalid value '{hidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.");
        if (filters.TryGetValue("protected", out var prot) && prot is not ("true" or "false"))
            return GlanceError(request, 400, $"Invalid value '{prot}' for 'protected' filter. Valid values are 'true' or 'false'.");

        var tests = new List<Func<OpenStackImage, bool>> { i => i.Hidden == (hidden == "true"), i => i.Status != "killed" };
        foreach (var tag in query.Where(p => p.Key == "tag").Select(p => p.Value.Trim())) tests.Add(i => i.Tags.Contains(tag));
        foreach (var (key, value) in filters.Where(f => f.Key is not ("visibility" or "os_hidden" or "deleted")))
        {
            if (FilterTest(key, value, out var error) is { } test) tests.Add(test);
            else return GlanceError(request, 400, error!);
        }

        lock (_gate)
        {
            var visible = _images.Where(i => InView(i, caller, memberStatus, visibility) && tests.All(t => t(i))).ToList();
            visible.Sort(order);
            var marker = First("marker");
            if (marker is not null)
            {
                var markerImage = marker.Length <= MaxImageIdLength ? _images.FirstOrDefault(i => i.Id == marker) : null;
                if (markerImage is null) return GlanceError(request, 400, $"No image found with ID {marker}");
                if (!IsVisible(markerImage, caller)) return GlanceError(request, 403, $"Forbidding request, image {marker} not visible");
                visible = visible.Where(i => order.Compare(i, markerImage) > 0).ToList();
            }
            var page = visible.Take(limit).ToList();

            var images = JsonValue.NewArray();
            foreach (var image in page) images.Add(ImageJson(image));
            return GlanceOk(200, PythonJson.Dumps(WithLinks(JsonValue.NewObject().Set("images", images), query, page, limit), ensureAscii: false));
        }
    }

    /// <summary>
    /// The "first" link, the schema and, after a full page, "next": the query echoed as webob's dict of it
    /// (each key where it first came, with its last value; the marker left out), in Python's urlencode.
    /// </summary>
    private static JsonValue WithLinks(JsonValue body, List<KeyValuePair<string, string>> query, List<OpenStackImage> page, int limit)
    {
        var echoed = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in query.Where(p => p.Key != "marker"))
        {
            var at = echoed.FindIndex(e => e.Key == key);
            if (at < 0) echoed.Add(new(key, value));
            else echoed[at] = new(key, value);
        }
        body.Set("first", echoed.Count == 0 ? ImagesPath : $"{ImagesPath}?{UrlEncode(echoed)}").Set("schema", "/v2/schemas/images");
        if (page.Count > 0 && page.Count == limit) body.Set("next", $"{ImagesPath}?{UrlEncode(echoed.Append(new("marker", page[^1].Id)))}");
        return body;
    }

    /// <summary>Which images a caller's listing draws from (_select_images_query and the visibility rules of image_get_all).</summary>
    private static bool InView(OpenStackImage image, IssuedToken caller, string memberStatus, string? visibility)
    {
        var project = caller.Project.Id;
        var member = image.Visibility == "shared" && image.Members.TryGetValue(project, out var status) && (memberStatus == "all" || status == memberStatus);
        if (!caller.IsAdmin && !(image.Visibility is "public" or "community" || image.Owner == project || member)) return false;
        // An empty visibility=… still filters (and matches nothing), as in Glance.
        if (visibility is not null) return visibility == "all" || image.Visibility == visibility;
        // Without a visibility, community images only when they are the caller's own.
        return image.Visibility != "community" || image.Owner == project;
    }

    /// <summary>One query filter as Glance applies it; null (with Glance's message) when Glance refuses it.</summary>
    private static Func<OpenStackImage, bool>? FilterTest(string key, string value, out string? error)
    {
        error = null;
        switch (key)
        {
            case "name" or "id" or "status" or "container_format" or "disk_format":
            {
                var (op, operand) = SplitOperator(value);
                if (op == "in")
                {
                    var set = SplitInValues(operand);
                    return i => set.Contains(ColumnText(i, key) ?? "\0");
                }
                if (op == "eq") return i => ColumnText(i, key) == operand;
                error = $"Unable to filter by unknown operator '{op}'.";
                return null;
            }
            case "created_at" or "updated_at":
            {
                var (op, operand) = SplitOperator(value);
                if (!TryParseIsoTime(operand, out var threshold))
                {
                    error = $"Bad \"{key}\" query filter format. Use ISO 8601 DateTime notation.";
                    return null;
                }
                Func<int, bool>? holds = op switch
                {
                    "gt" => c => c > 0, "gte" => c => c >= 0, "lt" => c => c < 0, "lte" => c => c <= 0,
                    "neq" => c => c != 0, "eq" => c => c == 0, _ => null,
                };
                if (holds is null) error = "Unable to filter on a unknown operator.";
                return holds is null ? null : i => holds((key == "created_at" ? i.CreatedAt : i.UpdatedAt ?? i.CreatedAt).CompareTo(threshold));
            }
            case var _ when (key.EndsWith("_min", StringComparison.Ordinal) || key.EndsWith("_max", StringComparison.Ordinal)) && NumericColumns.Contains(key[..^4]):
            {
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound))
                {
                    error = "Unable to filter on a range with a non-numeric value.";
                    return null;
                }
                var column = key[..^4];
                return key.EndsWith("_min", StringComparison.Ordinal)
                    ? i => NumberOf(i, column) >= bound
                    : i => NumberOf(i, column) <= bound;
            }
            case "protected":
                return i => i.Protected == (value == "true");
            case "owner" or "size" or "virtual_size" or "min_disk" or "min_ram" or "checksum" or "os_hash_algo" or "os_hash_value":
                return i => ColumnText(i, key) == value;
            default:
                // Anything else is a custom property: os_distro=ubuntu, ...
                return i => i.Properties.TryGetValue(key, out var property) && property == value;
        }
    }

    private static long? NumberOf(OpenStackImage image, string column) => column switch
    {
        "size" => image.Size,
        "virtual_size" => image.VirtualSize,
        "min_disk" => image.MinDisk,
        _ => image.MinRam,
    };

    private static string? ColumnText(OpenStackImage image, string column) => column switch
    {
        "id" => image.Id,
        "name" => image.Name,
        "status" => image.Status,
        "container_format" => image.ContainerFormat,
        "disk_format" => image.DiskFormat,
        "owner" => image.Owner,
        "size" or "virtual_size" or "min_disk" or "min_ram" => NumberOf(image, column)?.ToString(CultureInfo.InvariantCulture),
        "checksum" => Checksums(image).Md5,
        "os_hash_algo" => image.Size is null ? null : "sha512",
        "os_hash_value" => Checksums(image).Sha512,
        _ => null,
    };

    /// <summary>glance.common.utils.split_filter_op: "op:value", except that a whole ISO 8601 time is "eq".</summary>
    private static (string Op, string Operand) SplitOperator(string expression)
    {
        var colon = expression.IndexOf(':');
        if (colon < 0 || TryParseIsoTime(expression, out _)) return ("eq", expression);
        return (expression.Substring(0, colon), expression.Substring(colon + 1));
    }

    /// <summary>glance.common.utils.split_filter_value_for_quotes: comma-separated, "quoted values" may hold commas.</summary>
    private static HashSet<string> SplitInValues(string list) =>
        Regex.Matches(list, "\"([^\"\\\\]*(?:\\\\.[^\"\\\\]*)*)\",?|([^,]+),?|,")
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            .ToHashSet(StringComparer.Ordinal);

    private static bool TryParseIsoTime(string text, out DateTimeOffset time)
    {
        time = default;
        return Regex.IsMatch(text, @"^\d{4}-?\d{2}-?\d{2}")
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>
    /// The listing's order: sort (name:asc,…) or sort_key/sort_dir, else created_at desc, then created_at and
    /// id in the first direction as tie-breakers (so every image has one place and markers are exact).
    /// </summary>
    private static Comparer<OpenStackImage>? SortOrder(List<KeyValuePair<string, string>> query, out string? error)
    {
        var (keys, directions) = SortKeysAndDirections(query, out error);
        if (error is not null) return null;
        if (directions.Count == 1) directions = Enumerable.Repeat(directions[0], keys.Count).ToList();
        var fallback = directions[0];
        foreach (var tieBreaker in new[] { "created_at", "id" })
        {
            if (keys.Contains(tieBreaker)) continue;
            keys.Add(tieBreaker);
            directions.Add(fallback);
        }
        return Comparer<OpenStackImage>.Create((a, b) =>
        {
            for (var k = 0; k < keys.Count; k++)
            {
                var c = CompareBy(keys[k], a, b);
                if (c != 0) return directions[k] == "desc" ? -c : c;
            }
            return 0;
        });
    }

    /// <summary>Glance's _get_sorting_params, with its messages.</summary>
    private static (List<string> Keys, List<string> Directions) SortKeysAndDirections(List<KeyValuePair<string, string>> query, out string? error)
    {
        error = null;
        var keys = new List<string>();
        var directions = new List<string>();
        var combined = query.Where(p => p.Key == "sort").Select(p => p.Value).FirstOrDefault();
        var classicKeys = query.Where(p => p.Key == "sort_key").Select(p => p.Value.Trim()).ToList();
        var classicDirections = query.Where(p => p.Key == "sort_dir").Select(p => p.Value.Trim()).ToList();
        if (combined is not null)
        {
            if (classicKeys.Count > 0 || classicDirections.Count > 0) error = "Old and new sorting syntax cannot be combined";
            foreach (var part in combined.Trim().Split(','))
            {
                var colon = part.IndexOf(':');
                keys.Add((colon < 0 ? part : part.Substring(0, colon)).Trim());
                directions.Add(colon < 0 || part.Substring(colon + 1).Trim().Length == 0 ? "desc" : part.Substring(colon + 1).Trim());
            }
        }
        else
        {
            keys.AddRange(classicKeys);
            directions.AddRange(classicDirections);
            if (directions.Count > 1 && directions.Count != keys.Count) error ??= "Number of sort dirs does not match the number of sort keys";
        }
        error ??= keys.Where(k => !SortKeys.Contains(k)).Select(k => $"Invalid sort key: {k}. It must be one of the following: {string.Join(", ", SortKeys)}.").FirstOrDefault()
            ?? directions.Where(d => d is not ("asc" or "desc")).Select(d => $"Invalid sort direction: {d}").FirstOrDefault();
        if (error is not null) return (keys, directions);
        if (keys.Count == 0) keys.Add("created_at");
        if (directions.Count == 0) directions.Add("desc");
        return (keys, directions);
    }

    private static int CompareBy(string key, OpenStackImage a, OpenStackImage b) => key switch
    {
        "created_at" => a.CreatedAt.CompareTo(b.CreatedAt),
        "updated_at" => (a.UpdatedAt ?? a.CreatedAt).CompareTo(b.UpdatedAt ?? b.CreatedAt),
        "size" => (a.Size ?? 0).CompareTo(b.Size ?? 0),
        _ => string.CompareOrdinal(ColumnText(a, key) ?? "", ColumnText(b, key) ?? ""),
    };

    /// <summary>Python's urlencode (quote_plus): only letters, digits and _.-~ stay as they are; a space is '+'.</summary>
    private static string UrlEncode(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join("&", pairs.Select(p => QuotePlus(p.Key) + "=" + QuotePlus(p.Value)));

    private static string QuotePlus(string text)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or '-' or '~') sb.Append(c);
            else if (c == ' ') sb.Append('+');
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>An image as Glance's _format_image writes it: custom properties first, then the base fields in Glance's order.</summary>
    private static JsonValue ImageJson(OpenStackImage image)
    {
        var json = JsonValue.NewObject();
        foreach (var property in image.Properties) json.Set(property.Key, property.Value);
        var (md5, sha512) = Checksums(image);
        json.Set("name", image.Name)
            .Set("disk_format", image.DiskFormat)
            .Set("container_format", image.ContainerFormat)
            .Set("visibility", image.Visibility)
            .Set("size", Number(image.Size))
            .Set("virtual_size", Number(image.VirtualSize))
            .Set("status", image.Status)
            .Set("checksum", md5)
            .Set("protected", image.Protected)
            .Set("min_ram", image.MinRam)
            .Set("min_disk", image.MinDisk)
            .Set("owner", image.Owner)
            .Set("os_hidden", image.Hidden)
            .Set("os_hash_algo", image.Size is null ? null : "sha512")
            .Set("os_hash_value", sha512)
            .Set("id", image.Id)
            .Set("created_at", GlanceTime(image.CreatedAt))
            .Set("updated_at", GlanceTime(image.UpdatedAt ?? image.CreatedAt))
            .Set("tags", JsonValue.FromStrings(image.Tags))
            .Set("self", $"{ImagesPath}/{image.Id}")
            .Set("file", $"{ImagesPath}/{image.Id}/file")
            .Set("schema", "/v2/schemas/image");
        if (image.Size is not null) json.Set("stores", "fs");
        return json;
    }

    private static JsonValue Number(long? value) => value is { } n ? JsonValue.From(n) : JsonValue.Null;

    /// <summary>The md5 checksum and sha512 hash of the image's (made-up) data; null while it has none.</summary>
    private static (string? Md5, string? Sha512) Checksums(OpenStackImage image)
    {
        if (image.Size is null) return (null, null);
        var data = Encoding.UTF8.GetBytes("image data of " + image.Id);
        return (Convert.ToHexStringLower(MD5.HashData(data)), Convert.ToHexStringLower(SHA512.HashData(data)));
    }

    private static string GlanceTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static EmulatorResponse GlanceOk(int status, string body, string contentType = "application/json") =>
        new(status, body, contentType, new Dictionary<string, string> { ["X-Openstack-Request-Id"] = NewRequestId() });

    /// <summary>
    /// A webob error page as Glance sends it: HTML, JSON or plain text as the Accept header asks,
    /// the message followed by webob's "&lt;br /&gt;&lt;br /&gt;" and blank lines. A 401 comes from
    /// keystonemiddleware: it names Keystone and has no request id.
    /// </summary>
    private EmulatorResponse GlanceError(EmulatorRequest request, int status, string message)
    {
        var title = status switch { 400 => "Bad Request", 401 => "Unauthorized", 403 => "Forbidden", 404 => "Not Found", _ => "Conflict" };
        var line = $"{status} {title}";
        var headers = status == 401
            ? new Dictionary<string, string> { ["WWW-Authenticate"] = $"Keystone uri=\"{BaseUri.ToString().TrimEnd('/')}\"" }
            : new Dictionary<string, string> { ["X-Openstack-Request-Id"] = NewRequestId() };
        return PreferredErrorType(request.Header("Accept")) switch
        {
            "application/json" => new EmulatorResponse(status, PythonJson.Dumps(JsonValue.NewObject()
                .Set("message", message + "<br /><br />\n\n\n").Set("code", line).Set("title", title), ensureAscii: true), "application/json", headers),
            "text/html" => new EmulatorResponse(status,
                $"<html>\n <head>\n  <title>{line}</title>\n </head>\n <body>\n  <h1>{line}</h1>\n  {HtmlEscape(message)}<br /><br />\n\n\n\n </body>\n</html>",
                "text/html; charset=UTF-8", headers),
            _ => new EmulatorResponse(status, $"{line}\n\n{message}\n\n   ", "text/plain; charset=UTF-8", headers),
        };
    }

    /// <summary>
    /// webob's choice between text/html and application/json by the Accept header; text/plain when neither
    /// is acceptable, which is also the answer to a request without an Accept header (curl sends */*: HTML).
    /// </summary>
    private static string PreferredErrorType(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return "text/plain";
        var ranges = accept.Split(',').Select(r =>
        {
            var parts = r.Split(';');
            var q = parts.Skip(1).Select(p => p.Trim()).Where(p => p.StartsWith("q=", StringComparison.Ordinal))
                .Select(p => double.TryParse(p.Substring(2), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 1.0).FirstOrDefault(1.0);
            return (Range: parts[0].Trim().ToLowerInvariant(), Q: q);
        }).ToList();
        double QualityOf(string offer)
        {
            var type = offer.Split('/')[0] + "/*";
            var match = ranges.FirstOrDefault(r => r.Range == offer);
            if (match.Range is null) match = ranges.FirstOrDefault(r => r.Range == type);
            if (match.Range is null) match = ranges.FirstOrDefault(r => r.Range == "*/*");
            return match.Range is null ? 0 : match.Q;
        }
        var html = QualityOf("text/html");
        var json = QualityOf("application/json");
        if (html <= 0 && json <= 0) return "text/plain";
        return json > html ? "application/json" : "text/html";
    }

    /// <summary>webob's html_escape: &amp; &lt; &gt; " and ' as entities, anything beyond ASCII as a decimal character reference.</summary>
    private static string HtmlEscape(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '&') sb.Append("&amp;");
            else if (c == '<') sb.Append("&lt;");
            else if (c == '>') sb.Append("&gt;");
            else if (c == '"') sb.Append("&quot;");
            else if (c == '\'') sb.Append("&#x27;");
            else if (c < 0x80) sb.Append(c);
            else
            {
                var codePoint = char.IsSurrogatePair(text, i) ? char.ConvertToUtf32(text[i], text[++i]) : c;
                sb.Append("&#").Append(codePoint.ToString(CultureInfo.InvariantCulture)).Append(';');
            }
        }
        return sb.ToString();
    }

    /// <summary>What a rate limiter in front of Glance (HAProxy's default page) answers: a bare 429.</summary>
    protected override EmulatorResponse ThrottlingAnswer() => new(429,
        "<html><body><h1>429 Too Many Requests</h1>\nYou have sent too many requests in a given amount of time.\n</body></html>\n", "text/html");

    protected override EmulatedImage CreateImage(ImageSeed seed)
    {
        var demo = ProjectId(DemoProject);
        var distribution = Distributions.FirstOrDefault(d => seed.Name.Contains(d, StringComparison.OrdinalIgnoreCase));
        return Summary(AddImage(new OpenStackImage
        {
            Name = seed.Name,
            CreatedAt = seed.CreatedAt,
            Owner = seed.Condition switch
            {
                ImageCondition.SharedToMe => ProjectId(PartnerProject),
                ImageCondition.Public => ProjectId(AdminProject),
                _ => demo,
            },
            Visibility = seed.Condition switch
            {
                ImageCondition.SharedToMe => "shared",
                ImageCondition.Public => "public",
                _ => "private",
            },
            Members = seed.Condition == ImageCondition.SharedToMe
                ? new Dictionary<string, string> { [demo] = "accepted" }
                : new Dictionary<string, string>(),
            Protected = seed.Condition == ImageCondition.Protected,
            // A qcow2 file is about a third of its disk.
            Size = seed.SizeGiB * GiB / 3,
            VirtualSize = seed.SizeGiB * GiB,
            MinDisk = seed.SizeGiB,
            Tags = seed.Tags.Select(t => t.Value.Length == 0 ? t.Key : $"{t.Key}={t.Value}").ToArray(),
            Properties = distribution is null
                ? new Dictionary<string, string>()
                : new Dictionary<string, string> { ["os_distro"] = distribution },
        }));
    }

    protected override IReadOnlyList<EmulatedImage> ListImages()
    {
        lock (_gate) return _images.Select(Summary).ToList();
    }

    protected override void RemoveAllImages()
    {
        lock (_gate) _images.Clear();
    }

    /// <summary>Control setting: tokenLifetimeSeconds (how long a new token is valid).</summary>
    protected override bool TryApplySetting(string name, JsonValue value)
    {
        if (name != "tokenLifetimeSeconds" || value.AsInt64() is not long seconds || seconds < 1 || seconds > 7 * 24 * 3600) return false;
        TokenLifetime = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>Tokens already issued stay valid, like keys; the count of tokens issued starts again.</summary>
    protected override void ResetProviderState()
    {
        TokenLifetime = DefaultTokenLifetime;
        Interlocked.Exchange(ref _tokensIssued, 0);
    }

    private static EmulatedImage Summary(OpenStackImage image) => new(image.Id, image.Name ?? "", Region, image.Status);

    /// <summary>A version-4 UUID made from a counter: unique, and the same from run to run.</summary>
    private string NewImageId()
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("image:" + NextSerial().ToString(CultureInfo.InvariantCulture)));
        bytes[6] = (byte)(0x40 | (bytes[6] & 0x0f));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3f));
        var hex = Convert.ToHexStringLower(bytes, 0, 16);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Emulators.OpenStack;

/// <summary>
/// The Keystone v3 half: one domain, the projects demo (the default user's), admin and partner (the owner
/// of the images shared to demo), the users demo (member) and admin (admin), and POST /v3/auth/tokens with
/// the password and token methods, answered as Keystone 22 answers (transcripts in shared/openstack-local).
/// </summary>
public sealed partial class OpenStackEmulator
{
    public const string DomainId = "default";
    public const string DomainName = "Default";
    public const string DemoUser = "demo";
    public const string DemoPassword = "ImageCmdletsEmulatorDemo01";
    public const string DemoProject = "demo";
    public const string AdminUser = "admin";
    public const string AdminPassword = "ImageCmdletsEmulatorAdmin01";
    public const string AdminProject = "admin";
    /// <summary>A project without users that owns the images shared to the demo project.</summary>
    public const string PartnerProject = "partner";

    /// <summary>Keystone's default [token] expiration: 3600 s.</summary>
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(1);

    private const string NotComply = " The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.";
    private const string AuthenticationRequired = "The request you have made requires authentication.";

    private static readonly Named[] Projects = { Project(DemoProject), Project(AdminProject), Project(PartnerProject) };
    private static readonly Named Admin = Role("admin"), Member = Role("member"), Reader = Role("reader");

    private readonly List<Account> _accounts = new();
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);

    private int _tokensIssued;

    /// <summary>Tokens issued so far (POST /v3/auth/tokens answered 201).</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>How long a token is valid from when it is issued (a re-scoped token keeps its expiry).</summary>
    public TimeSpan TokenLifetime { get; set; } = DefaultTokenLifetime;

    /// <summary>A project's id: 32 hex digits like Keystone's, the same on every run.</summary>
    public static string ProjectId(string name) => StableId("project", name);

    /// <summary>A user's id, made like <see cref="ProjectId"/>.</summary>
    public static string UserId(string name) => StableId("user", name);

    /// <summary>Every token issued so far stops working (Glance answers 401 until a new one is asked for).</summary>
    public void RevokeAllTokens() => _tokens.Clear();

    private sealed record Named(string Id, string Name);

    /// <summary>A user, the project an unscoped request gets, and the user's roles per project id.</summary>
    private sealed record Account(string Id, string Name, Named DefaultProject, IReadOnlyDictionary<string, Named[]> Roles);

    private sealed record IssuedToken(Account User, Named Project, Named[] Roles, string[] Methods, string[] AuditIds,
        DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
    {
        public bool IsAdmin => Roles.Contains(Admin);
    }

    /// <summary>The demo user (first: the key GET /_emulator shows) and the admin user.</summary>
    private void AddAccounts()
    {
        AddAccount(DemoUser, DemoPassword, DemoProject, Member, Reader);
        AddAccount(AdminUser, AdminPassword, AdminProject, Admin, Member, Reader);
    }

    private void AddAccount(string name, string password, string project, params Named[] roles)
    {
        var home = Projects.Single(p => p.Name == project);
        _accounts.Add(new Account(UserId(name), name, home, new Dictionary<string, Named[]> { [home.Id] = roles }));
        RegisterKey(name, password, null);
    }

    /// <summary>POST /v3/auth/tokens: 201 with X-Subject-Token and the token (and its catalog, unless ?nocatalog).</summary>
    private EmulatorResponse CreateToken(EmulatorRequest request)
    {
        if (!JsonValue.TryParse(request.Body, out var body) || body.Kind != JsonKind.Object)
            return KeystoneError(400, "Expecting to find valid JSON in request body." + NotComply);
        if (body["auth"] is not { Kind: JsonKind.Object } auth) return KeystoneError(400, "'auth' is a required property");
        if (auth["identity"] is not { Kind: JsonKind.Object } identity) return KeystoneError(400, "'identity' is a required property");
        if (identity["methods"] is not { Kind: JsonKind.Array } methodList) return KeystoneError(400, "'methods' is a required property");
        var methods = methodList.Items.Select(m => m.AsString() ?? "").ToArray();

        var now = Clock();
        Account? user;
        IssuedToken? previous = null;
        if (methods.Contains("password"))
        {
            if (identity["password"]?["user"] is not { Kind: JsonKind.Object } userJson)
                return KeystoneError(400, "Expecting to find user in password." + NotComply);
            if (userJson.GetString("id") is null && userJson["domain"] is null)
                return KeystoneError(400, "Expecting to find domain in user." + NotComply);
            user = FindUser(userJson);
            if (user is null || !TryGetKey(user.Name, out var key) || !Crypto.FixedTimeEquals(key.Secret, userJson.GetString("password") ?? ""))
                return KeystoneError(401, AuthenticationRequired);
        }
        else if (methods.Contains("token"))
        {
            if (identity["token"]?.GetString("id") is not { } presented) return KeystoneError(400, "'id' is a required property");
            if (!_tokens.TryGetValue(presented, out previous)) return KeystoneError(404, "Could not recognize Fernet token");
            if (previous.ExpiresAt <= now) return KeystoneError(404, "Failed to validate token");
            user = previous.User;
        }
        else return KeystoneError(401, AuthenticationRequired);

        Named? project = user.DefaultProject;
        if (auth["scope"]?["project"] is { Kind: JsonKind.Object } scope)
        {
            if (scope.GetString("id") is null && scope["domain"] is null)
                return KeystoneError(400, "Expecting to find domain in project." + NotComply);
            project = FindProject(scope);
        }
        if (project is null || !user.Roles.TryGetValue(project.Id, out var roles)) return KeystoneError(401, AuthenticationRequired);

        var issuedAt = TruncateToSeconds(now);
        var token = new IssuedToken(user, project, roles,
            previous is null ? methods.Where(m => m == "password").ToArray() : previous.Methods.Append("token").Distinct().ToArray(),
            previous is null ? new[] { NewAuditId() } : new[] { NewAuditId(), previous.AuditIds[^1] },
            issuedAt, previous?.ExpiresAt ?? issuedAt + TokenLifetime);
        var tokenId = "gAAAAAB" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(132)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        foreach (var expired in _tokens.Where(t => t.Value.ExpiresAt <= now).Select(t => t.Key).ToList()) _tokens.TryRemove(expired, out _);
        _tokens[tokenId] = token;
        Interlocked.Increment(ref _tokensIssued);

        var withCatalog = !request.Query.ContainsKey("nocatalog");
        return new EmulatorResponse(201, PythonJson.Dumps(JsonValue.NewObject().Set("token", TokenJson(token, withCatalog)), ensureAscii: true),
            "application/json", KeystoneHeaders(("X-Subject-Token", tokenId)));
    }

    /// <summary>The token an X-Auth-Token header names, while it is valid; null otherwise.</summary>
    private IssuedToken? ValidToken(EmulatorRequest request) =>
        request.Header("X-Auth-Token") is { Length: > 0 } id && _tokens.TryGetValue(id, out var token) && token.ExpiresAt > Clock() ? token : null;

    private Account? FindUser(JsonValue user) =>
        user.GetString("id") is { } id
            ? _accounts.FirstOrDefault(a => a.Id == id)
            : IsOurDomain(user["domain"]) ? _accounts.FirstOrDefault(a => a.Name == user.GetString("name")) : null;

    private static Named? FindProject(JsonValue project) =>
        project.GetString("id") is { } id
            ? Projects.FirstOrDefault(p => p.Id == id)
            : IsOurDomain(project["domain"]) ? Projects.FirstOrDefault(p => p.Name == project.GetString("name")) : null;

    private static bool IsOurDomain(JsonValue? domain) =>
        domain?.GetString("id") is { } id ? id == DomainId : domain?.GetString("name") == DomainName;

    private JsonValue TokenJson(IssuedToken token, bool withCatalog)
    {
        var roles = JsonValue.NewArray();
        foreach (var role in token.Roles) roles.Add(JsonValue.NewObject().Set("id", role.Id).Set("name", role.Name));
        var json = JsonValue.NewObject()
            .Set("methods", JsonValue.FromStrings(token.Methods))
            .Set("user", JsonValue.NewObject().Set("domain", DomainJson()).Set("id", token.User.Id).Set("name", token.User.Name).Set("password_expires_at", JsonValue.Null))
            .Set("audit_ids", JsonValue.FromStrings(token.AuditIds))
            .Set("expires_at", KeystoneTime(token.ExpiresAt))
            .Set("issued_at", KeystoneTime(token.IssuedAt))
            .Set("project", JsonValue.NewObject().Set("domain", DomainJson()).Set("id", token.Project.Id).Set("name", token.Project.Name))
            .Set("is_domain", false)
            .Set("roles", roles);
        if (withCatalog)
            json.Set("catalog", JsonValue.NewArray()
                .Add(CatalogEntry("identity", "keystone", BaseUri + "v3"))
                .Add(CatalogEntry("image", "glance", BaseUri.ToString().TrimEnd('/'))));
        return json;
    }

    private static JsonValue CatalogEntry(string type, string name, string url)
    {
        var endpoints = JsonValue.NewArray();
        foreach (var face in new[] { "public", "internal", "admin" })
            endpoints.Add(JsonValue.NewObject()
                .Set("id", StableId("endpoint", $"{name}/{face}"))
                .Set("interface", face)
                .Set("region_id", Region)
                .Set("url", url)
                .Set("region", Region));
        return JsonValue.NewObject().Set("endpoints", endpoints).Set("id", StableId("service", name)).Set("type", type).Set("name", name);
    }

    private static JsonValue DomainJson() => JsonValue.NewObject().Set("id", DomainId).Set("name", DomainName);

    /// <summary>Keystone's error body (compact and ending in a newline, unlike its successes); a 401 names where to authenticate.</summary>
    private EmulatorResponse KeystoneError(int status, string message)
    {
        var title = status switch { 400 => "Bad Request", 401 => "Unauthorized", 404 => "Not Found", _ => "Internal Server Error" };
        var body = JsonValue.NewObject().Set("error", JsonValue.NewObject().Set("code", status).Set("message", message).Set("title", title));
        var headers = status == 401 ? KeystoneHeaders(("WWW-Authenticate", $"Keystone uri=\"{BaseUri}v3\"")) : KeystoneHeaders();
        return new EmulatorResponse(status, body.ToJson() + "\n", "application/json", headers);
    }

    private static Dictionary<string, string> KeystoneHeaders(params (string Name, string Value)[] extra)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Vary"] = "X-Auth-Token", ["x-openstack-request-id"] = NewRequestId() };
        foreach (var (name, value) in extra) headers[name] = value;
        return headers;
    }

    private static string KeystoneTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'.000000Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static string NewAuditId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string NewRequestId() => "req-" + Guid.NewGuid();

    private static Named Project(string name) => new(ProjectId(name), name);

    private static Named Role(string name) => new(StableId("role", name), name);

    private static string StableId(string kind, string name) => Crypto.Sha256Hex($"{kind}:{name}").Substring(0, 32);
}

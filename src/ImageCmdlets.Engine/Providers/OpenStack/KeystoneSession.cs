using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.OpenStack;

/// <summary>
/// Settings for reaching Glance, from -Credential/-Region/-Endpoint and the OS_* environment variables
/// that python-openstackclient uses.
/// </summary>
internal sealed class OpenStackSettings
{
    public Uri? AuthUrl { get; private set; }
    public AccessKeyCredential? User { get; private set; }
    public bool UserIsId { get; private set; }
    public string? ProjectName { get; private set; }
    public string? ProjectId { get; private set; }
    public (string Key, string Value) UserDomain { get; private set; }
    public (string Key, string Value) ProjectDomain { get; private set; }
    public string? Region { get; private set; }
    public string Interface { get; private set; } = "public";
    public Secret? Token { get; private set; }
    public Uri? ImageUrl { get; private set; }

    public const string Help =
        "Set OS_AUTH_URL, OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME (or OS_PROJECT_ID), as for the openstack CLI " +
        "(source your openrc file), or pass -Credential (user name and password) with OS_AUTH_URL set. A token works too: " +
        "OS_TOKEN with OS_AUTH_URL, or OS_TOKEN with OS_IMAGE_URL (or -Endpoint) pointing at Glance.";

    public static OpenStackSettings Resolve(ConnectionRequest request)
    {
        var env = request.Environment;
        if (request.ProfileName is { } profile)
            throw new ImageCmdletsConfigurationException("ProfileNotSupported",
                $"-ProfileName ('{profile}') is not supported for OpenStack yet: clouds.yaml is not read. {Help}", ErrorKind.InvalidArgument);

        var s = new OpenStackSettings
        {
            Region = CredentialResolution.FirstNonEmpty(request.Region, env.GetVariable("OS_REGION_NAME")),
            Interface = (env.GetVariable("OS_INTERFACE") ?? "public").Replace("URL", "").ToLowerInvariant(),
            ProjectName = env.GetVariable("OS_PROJECT_NAME") ?? env.GetVariable("OS_TENANT_NAME"),
            ProjectId = env.GetVariable("OS_PROJECT_ID") ?? env.GetVariable("OS_TENANT_ID"),
            UserDomain = Domain(env, "OS_USER_DOMAIN"),
            ProjectDomain = Domain(env, "OS_PROJECT_DOMAIN"),
        };
        if (env.GetVariable("OS_AUTH_URL") is { } auth)
            s.AuthUrl = EndpointPolicy.Require(ParseUrl(auth, "OS_AUTH_URL"), "Keystone URL (OS_AUTH_URL)");
        if (request.Endpoint is { } endpoint) s.ImageUrl = endpoint;
        else if (env.GetVariable("OS_IMAGE_URL") is { } imageUrl)
            s.ImageUrl = EndpointPolicy.Require(ParseUrl(imageUrl, "OS_IMAGE_URL"), "Glance URL (OS_IMAGE_URL)");

        if (request.Credential is { } credential) s.User = credential;
        else if (env.GetVariable("OS_PASSWORD") is { } password)
        {
            var name = env.GetVariable("OS_USERNAME");
            var id = env.GetVariable("OS_USER_ID");
            if (name is null && id is null)
                throw new ImageCmdletsConfigurationException("IncompleteCredential", "OS_PASSWORD is set but neither OS_USERNAME nor OS_USER_ID is.", ErrorKind.Authentication);
            s.User = new AccessKeyCredential(name ?? id!, new Secret(password), null, "environment variables OS_USERNAME/OS_PASSWORD");
            s.UserIsId = name is null;
        }
        else if (env.GetVariable("OS_TOKEN") is { } token) s.Token = new Secret(token);

        if (s.User is null && s.Token is null)
        {
            if (env.GetVariable("OS_CLOUD") is { } cloud)
                throw new ImageCmdletsConfigurationException("ProfileNotSupported",
                    $"OS_CLOUD is set ('{cloud}') but clouds.yaml is not read by ImageCmdlets yet. {Help}", ErrorKind.Authentication);
            throw CredentialResolution.Missing("OpenStack", Help);
        }
        if (s.AuthUrl is null && !(s.Token is not null && s.ImageUrl is not null))
            throw new ImageCmdletsConfigurationException("MissingAuthUrl",
                "No Keystone URL: set OS_AUTH_URL (for example https://keystone.example.com:5000/v3). " + Help, ErrorKind.Authentication);
        if (s.User is not null && s.ProjectName is null && s.ProjectId is null)
            throw new ImageCmdletsConfigurationException("MissingProject",
                "No project to scope the token to: set OS_PROJECT_NAME or OS_PROJECT_ID.", ErrorKind.Authentication);
        return s;
    }

    private static (string, string) Domain(IEnvironmentReader env, string prefix) =>
        env.GetVariable(prefix + "_ID") is { } id ? ("id", id)
        : env.GetVariable(prefix + "_NAME") is { } name ? ("name", name)
        : env.GetVariable("OS_DEFAULT_DOMAIN") is { } fallback ? ("id", fallback)
        : ("id", "default");

    private static Uri ParseUrl(string text, string variable) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
            ? uri
            : throw new ImageCmdletsConfigurationException("InvalidEndpoint", $"{variable} ('{text}') is not an absolute URL.");
}

/// <summary>A Keystone v3 token scoped to a project, and what came with it.</summary>
internal sealed class KeystoneToken
{
    public KeystoneToken(Secret token, string? projectId, IReadOnlyList<string> roles, JsonValue? catalog)
    {
        Token = token;
        ProjectId = projectId;
        Roles = roles;
        Catalog = catalog;
    }

    public Secret Token { get; }
    public string? ProjectId { get; }
    public IReadOnlyList<string> Roles { get; }
    public JsonValue? Catalog { get; }
    public bool IsAdmin => Roles.Any(r => string.Equals(r, "admin", StringComparison.OrdinalIgnoreCase));
}

/// <summary>Gets tokens from Keystone v3 (password or token method) and finds Glance in the catalog.</summary>
internal static class Keystone
{
    public static async Task<KeystoneToken> AuthenticateAsync(OpenStackSettings settings, HttpTransport transport, CallContext context)
    {
        var identity = JsonValue.NewObject();
        if (settings.User is { } user)
        {
            var userObject = JsonValue.NewObject()
                .Set(settings.UserIsId ? "id" : "name", user.Id)
                .Set("password", user.SecretKey.Reveal());
            if (!settings.UserIsId) userObject.Set("domain", JsonValue.NewObject().Set(settings.UserDomain.Key, settings.UserDomain.Value));
            identity.Set("methods", JsonValue.FromStrings(new[] { "password" }))
                .Set("password", JsonValue.NewObject().Set("user", userObject));
        }
        else
        {
            identity.Set("methods", JsonValue.FromStrings(new[] { "token" }))
                .Set("token", JsonValue.NewObject().Set("id", settings.Token!.Reveal()));
        }
        var project = settings.ProjectId is { } projectId
            ? JsonValue.NewObject().Set("id", projectId)
            : JsonValue.NewObject().Set("name", settings.ProjectName).Set("domain", JsonValue.NewObject().Set(settings.ProjectDomain.Key, settings.ProjectDomain.Value));
        var auth = JsonValue.NewObject().Set("identity", identity);
        if (settings.ProjectId is not null || settings.ProjectName is not null)
            auth.Set("scope", JsonValue.NewObject().Set("project", project));
        var body = JsonValue.NewObject().Set("auth", auth);

        var request = new ApiRequest(HttpMethod.Post, TokensUri(settings.AuthUrl!), "Keystone token")
        {
            Subject = settings.User is { } u ? $"user {u.Id}" : "token re-scope",
            Body = Crypto.Utf8Bytes(body.ToJson()),
            ReadRequestId = e => e.GetHeader("x-openstack-request-id"),
        };
        request.SetHeader("Content-Type", "application/json");
        request.SetHeader("Accept", "application/json");

        HttpExchange answer;
        try
        {
            answer = await transport.SendAsync(request, context).ConfigureAwait(false);
        }
        catch (CloudApiException ex)
        {
            throw new ImageCmdletsConfigurationException("IdentityServiceUnreachable",
                $"Keystone at {settings.AuthUrl!.GetLeftPart(UriPartial.Authority)} could not be reached: {ex.Error.Message}", ErrorKind.Connection, ex);
        }

        if (answer.StatusCode is 401 or 403 or 404 || (answer.StatusCode == 400 && settings.User is not null))
        {
            var message = answer.Json?["error"]?.GetString("message") ?? answer.Body;
            var who = settings.User is { } named ? $"user '{named.Id}'" : "the token in OS_TOKEN";
            throw new ImageCmdletsConfigurationException("AuthenticationFailed",
                $"Keystone at {settings.AuthUrl!.GetLeftPart(UriPartial.Authority)} rejected {who} for project '{settings.ProjectName ?? settings.ProjectId}' (HTTP {answer.StatusCode}: {message.Trim()}). Check the password and OS_* settings.",
                ErrorKind.Authentication);
        }
        var tokenText = answer.GetHeader("X-Subject-Token");
        var token = answer.Json?["token"];
        if (answer.StatusCode != 201 || tokenText is null || token is null)
            throw new ImageCmdletsConfigurationException("IdentityServiceError",
                $"Keystone answered HTTP {answer.StatusCode} without a token.", ErrorKind.ServerError);

        var roles = token.GetArray("roles").Select(r => r.GetString("name") ?? "").ToArray();
        return new KeystoneToken(new Secret(tokenText), token["project"]?.GetString("id"), roles, token["catalog"]);
    }

    /// <summary>The image endpoint from the token's catalog, for the wanted interface and region.</summary>
    public static (Uri Url, string Region) FindImageEndpoint(KeystoneToken token, OpenStackSettings settings)
    {
        var endpoints = (token.Catalog?.Items ?? Array.Empty<JsonValue>())
            .Where(service => service.GetString("type") == "image")
            .SelectMany(service => service.GetArray("endpoints"))
            .Where(e => string.Equals(e.GetString("interface"), settings.Interface, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        var regions = endpoints.Select(e => e.GetString("region_id") ?? e.GetString("region") ?? "").Distinct().ToArray();
        var chosen = settings.Region is null
            ? endpoints.FirstOrDefault()
            : endpoints.FirstOrDefault(e => string.Equals(e.GetString("region_id") ?? e.GetString("region"), settings.Region, StringComparison.OrdinalIgnoreCase));
        if (chosen?.GetString("url") is not { } url)
        {
            var what = settings.Region is null ? "" : $" in region '{settings.Region}'";
            var have = regions.Length == 0 ? "The catalog has no image service at all." : $"Regions with one: {string.Join(", ", regions)}.";
            throw new ImageCmdletsConfigurationException(settings.Region is null ? "NoImageEndpoint" : "UnknownRegion",
                $"The Keystone catalog has no '{settings.Interface}' image (Glance) endpoint{what}. {have}");
        }
        var uri = EndpointPolicy.Require(new Uri(url), "Glance URL from the Keystone catalog");
        return (uri, chosen.GetString("region_id") ?? chosen.GetString("region") ?? settings.Region ?? "");
    }

    private static Uri TokensUri(Uri authUrl)
    {
        var baseText = authUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (!baseText.EndsWith("/v3", StringComparison.OrdinalIgnoreCase)) baseText += "/v3";
        return new Uri(baseText + "/auth/tokens");
    }
}

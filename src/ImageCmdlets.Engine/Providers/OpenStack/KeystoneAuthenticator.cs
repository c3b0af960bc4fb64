using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.OpenStack;

/// <summary>
/// Authenticates Glance requests with a Keystone token (X-Auth-Token). When Glance refuses the token
/// (HTTP 401) and the token came from a password, a new one is asked for once, by one caller for all.
/// </summary>
internal sealed class KeystoneAuthenticator : IRequestAuthenticator
{
    private readonly OpenStackCredentials _settings;
    private readonly HttpTransport _transport;
    private readonly SemaphoreSlim _reauth = new(1, 1);
    private KeystoneToken? _token;
    private Secret _authToken;

    public KeystoneAuthenticator(OpenStackCredentials settings, HttpTransport transport, KeystoneToken? token)
    {
        _settings = settings;
        _transport = transport;
        _token = token;
        _authToken = token?.Token ?? settings.Token!;
    }

    public string? ProjectId => _token?.ProjectId ?? _settings.ProjectId;
    public bool IsAdmin => _token?.IsAdmin == true;

    public async Task<HttpExchange> SendAsync(ApiRequest request, CallContext context)
    {
        // The token this request carried, not whatever the field holds once the 401 is back: another call
        // may have renewed it meanwhile, and then this one only needs to be sent again with the new token.
        var stale = _authToken;
        var answer = await SendOnceAsync(request, stale, context).ConfigureAwait(false);
        if (answer.StatusCode != 401 || _settings.User is null || _settings.AuthUrl is null) return answer;

        await _reauth.WaitAsync(context.Cancellation).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(stale, _authToken))
            {
                context.Log.Verbose($"{request.Action}: token rejected (HTTP 401); getting a new one from Keystone");
                try { _token = await KeystoneTokenCache.RenewAsync(_settings, _transport, context).ConfigureAwait(false); }
                catch (ImageCmdletsConfigurationException ex)
                {
                    throw new CloudApiException(new CloudApiError(EngineErrors.Unauthorized, ex.Kind, ex.Message, null, 401), ex);
                }
                _authToken = _token.Token;
            }
        }
        finally
        {
            _reauth.Release();
        }
        return await SendOnceAsync(request, _authToken, context).ConfigureAwait(false);
    }

    private Task<HttpExchange> SendOnceAsync(ApiRequest request, Secret token, CallContext context)
    {
        request.SetHeader("X-Auth-Token", token.Reveal());
        return _transport.SendAsync(request, context);
    }
}

/// <summary>A Keystone v3 token scoped to a project, and what came with it.</summary>
internal sealed class KeystoneToken
{
    public KeystoneToken(Secret token, string? projectId, IReadOnlyList<string> roles, JsonValue? catalog, DateTimeOffset? expiresAt = null)
    {
        Token = token;
        ExpiresAt = expiresAt;
        ProjectId = projectId;
        Roles = roles;
        Catalog = catalog;
    }

    public Secret Token { get; }
    public string? ProjectId { get; }
    public IReadOnlyList<string> Roles { get; }
    public JsonValue? Catalog { get; }
    /// <summary>When Keystone says the token stops working; null when it did not say.</summary>
    public DateTimeOffset? ExpiresAt { get; }
    public bool IsAdmin => Roles.Any(r => string.Equals(r, "admin", StringComparison.OrdinalIgnoreCase));
}

/// <summary>Gets tokens from Keystone v3 (password or token method) and finds Glance in the catalog.</summary>
internal static class Keystone
{
    public static async Task<KeystoneToken> AuthenticateAsync(OpenStackCredentials settings, HttpTransport transport, CallContext context)
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
                $"Keystone at {EndpointPolicy.Display(settings.AuthUrl!)} could not be reached: {ex.Error.Message}", ErrorKind.Connection, ex);
        }

        if (answer.StatusCode is 401 or 403 or 404 || (answer.StatusCode == 400 && settings.User is not null))
        {
            var message = answer.Json?["error"]?.GetString("message") ?? answer.Body;
            var who = settings.User is { } named ? $"user '{named.Id}'" : "the token in OS_TOKEN";
            throw new ImageCmdletsConfigurationException("AuthenticationFailed",
                $"Keystone at {EndpointPolicy.Display(settings.AuthUrl!)} rejected {who} for project '{settings.ProjectName ?? settings.ProjectId}' (HTTP {answer.StatusCode}: {message.Trim()}). Check the password and OS_* settings.",
                ErrorKind.Authentication);
        }
        var tokenText = answer.GetHeader("X-Subject-Token");
        var token = answer.Json?["token"];
        if (answer.StatusCode != 201 || tokenText is null || token is null)
            throw new ImageCmdletsConfigurationException("IdentityServiceError",
                $"Keystone answered HTTP {answer.StatusCode} without a token.", ErrorKind.ServerError);

        var roles = token.GetArray("roles").Select(r => r.GetString("name") ?? "").ToArray();
        return new KeystoneToken(new Secret(tokenText), token["project"]?.GetString("id"), roles, token["catalog"],
            ProviderValues.ParseTime(token.GetString("expires_at")));
    }

    /// <summary>The image endpoint from the token's catalog, for the wanted interface and region.</summary>
    public static (Uri Url, string Region) FindImageEndpoint(KeystoneToken token, OpenStackCredentials settings)
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

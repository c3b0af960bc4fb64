using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;

namespace ImageCmdlets.Tests.OpenStack;

/// <summary>
/// The real Glance + Keystone started by tools/openstack/start.sh. Its settings come from the env.sh
/// that script writes (IMAGECMDLETS_OPENSTACK_ENV, default /tmp/imagecmdlets-openstack/env.sh).
/// Without it the tests are skipped on a developer machine; under CI=true they fail instead.
/// </summary>
public static class GlanceServer
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>?> Settings = new(Load);

    public static string EnvFile =>
        Environment.GetEnvironmentVariable("IMAGECMDLETS_OPENSTACK_ENV") is { Length: > 0 } f ? f : "/tmp/imagecmdlets-openstack/env.sh";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when no server was started; then the tests skip (or, under CI, fail).</summary>
    public static IReadOnlyDictionary<string, string>? Variables => Settings.Value;

    public static IReadOnlyDictionary<string, string> Require() =>
        Variables ?? throw new InvalidOperationException(
            $"No OpenStack test server: {EnvFile} is missing. Run tools/openstack/install.sh and tools/openstack/start.sh first.");

    /// <summary>
    /// The OS_* environment of the admin user (or of the demo user), from env.sh or from <paramref name="variables"/>
    /// shaped like it (an emulator's).
    /// </summary>
    public static FixedEnvironment Environment_(bool demo = false, Action<Dictionary<string, string>>? change = null, IReadOnlyDictionary<string, string>? variables = null)
    {
        var vars = new Dictionary<string, string>(variables ?? Require());
        if (demo)
        {
            vars["OS_USERNAME"] = vars["OS_CI_DEMO_USERNAME"];
            vars["OS_PASSWORD"] = vars["OS_CI_DEMO_PASSWORD"];
            vars["OS_PROJECT_NAME"] = vars["OS_CI_DEMO_PROJECT_NAME"];
        }
        change?.Invoke(vars);
        return new FixedEnvironment(vars);
    }

    private static IReadOnlyDictionary<string, string>? Load()
    {
        if (!File.Exists(EnvFile)) return null;
        var vars = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(EnvFile))
        {
            var m = Regex.Match(line.Trim(), "^export ([A-Z_0-9]+)=(.*)$");
            if (!m.Success) continue;
            var value = m.Groups[2].Value;
            if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') value = value[1..^1];
            vars[m.Groups[1].Value] = value;
        }
        return vars.ContainsKey("OS_AUTH_URL") && vars.ContainsKey("GLANCE_URL") ? vars : null;
    }
}

/// <summary>A fact that needs the real Glance: skipped without one, except under CI where it must run (and fail).</summary>
public sealed class GlanceFactAttribute : FactAttribute
{
    public GlanceFactAttribute()
    {
        if (GlanceServer.Variables is null && !GlanceServer.IsCi)
            Skip = $"No OpenStack test server ({GlanceServer.EnvFile} missing); run tools/openstack/start.sh. Under CI=true this fails instead.";
    }
}

/// <summary>Sets up images in Glance directly over its API (not through the module under test).</summary>
public sealed class GlanceSeeder
{
    private static readonly HttpClient Http = new();
    private readonly string _glance;
    private readonly string _token;

    private GlanceSeeder(string glance, string token, string projectId)
    {
        _glance = glance.TrimEnd('/');
        _token = token;
        ProjectId = projectId;
    }

    public string ProjectId { get; }
    public string Token => _token;

    /// <summary>Logs in to the real Glance's Keystone, or to the one <paramref name="variables"/> (shaped like env.sh) name.</summary>
    public static async Task<GlanceSeeder> LoginAsync(bool demo = false, IReadOnlyDictionary<string, string>? variables = null)
    {
        var v = variables ?? GlanceServer.Require();
        var user = demo ? v["OS_CI_DEMO_USERNAME"] : v["OS_USERNAME"];
        var password = demo ? v["OS_CI_DEMO_PASSWORD"] : v["OS_PASSWORD"];
        var project = demo ? v["OS_CI_DEMO_PROJECT_NAME"] : v["OS_PROJECT_NAME"];
        var body = JsonValue.NewObject().Set("auth", JsonValue.NewObject()
            .Set("identity", JsonValue.NewObject().Set("methods", JsonValue.FromStrings(new[] { "password" }))
                .Set("password", JsonValue.NewObject().Set("user", JsonValue.NewObject()
                    .Set("name", user).Set("domain", JsonValue.NewObject().Set("id", "default")).Set("password", password))))
            .Set("scope", JsonValue.NewObject().Set("project", JsonValue.NewObject().Set("name", project).Set("domain", JsonValue.NewObject().Set("id", "default")))));
        using var response = await Http.PostAsync(v["OS_AUTH_URL"].TrimEnd('/') + "/auth/tokens",
            new StringContent(body.ToJson(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"Keystone login failed: {(int)response.StatusCode} {text}");
        var projectId = JsonValue.Parse(text)["token"]!["project"]!.GetString("id")!;
        return new GlanceSeeder(v["GLANCE_URL"], response.Headers.GetValues("X-Subject-Token").Single(), projectId);
    }

    public async Task<string> CreateAsync(string name, string visibility = "private", bool isProtected = false, bool upload = false)
    {
        var body = JsonValue.NewObject().Set("name", name).Set("disk_format", "raw").Set("container_format", "bare")
            .Set("visibility", visibility).Set("protected", isProtected);
        var created = await SendAsync(HttpMethod.Post, "/v2/images", new StringContent(body.ToJson(), Encoding.UTF8, "application/json"));
        var id = JsonValue.Parse(created).GetString("id")!;
        if (upload)
        {
            var data = new ByteArrayContent(Encoding.UTF8.GetBytes("image data of " + name));
            data.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            await SendAsync(HttpMethod.Put, $"/v2/images/{id}/file", data);
        }
        return id;
    }

    public async Task<string[]> CreateManyAsync(string prefix, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i += 8)
        {
            var batch = Enumerable.Range(i, Math.Min(8, count - i)).Select(async n => ids[n] = await CreateAsync($"{prefix}{n:d3}"));
            await Task.WhenAll(batch);
        }
        return ids;
    }

    public async Task UnprotectAsync(string id)
    {
        var patch = new StringContent("[{\"op\":\"replace\",\"path\":\"/protected\",\"value\":false}]", Encoding.UTF8);
        patch.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/openstack-images-v2.1-json-patch");
        await SendAsync(HttpMethod.Patch, $"/v2/images/{id}", patch);
    }

    public async Task<bool> ExistsAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{_glance}/v2/images/{id}");
        request.Headers.Add("X-Auth-Token", _token);
        using var response = await Http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Deletes what a test left behind (protected ones are unprotected first).</summary>
    public async Task CleanUpAsync(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            if (!await ExistsAsync(id)) continue;
            await UnprotectAsync(id);
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"{_glance}/v2/images/{id}");
            request.Headers.Add("X-Auth-Token", _token);
            using var _ = await Http.SendAsync(request);
        }
    }

    private async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, _glance + path) { Content = content };
        request.Headers.Add("X-Auth-Token", _token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text;
    }
}

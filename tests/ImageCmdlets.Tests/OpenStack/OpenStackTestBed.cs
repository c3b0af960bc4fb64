using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.OpenStack;
using ImageCmdlets.Json;
using ImageCmdlets.Operations;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.OpenStack;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.OpenStack;

/// <summary>A running OpenStack emulator and the module's OpenStack provider connected to it through Keystone.</summary>
internal sealed class OpenStackTestBed : EmulatorTestBed<OpenStackEmulator>
{
    private OpenStackTestBed(OpenStackEmulator emulator)
        : base(emulator, ProviderRegistry.Find(OpenStackProvider.ProviderName), Demo, OpenStackEmulator.Region) { }

    public static AccessKeyCredential Demo => new(OpenStackEmulator.DemoUser, new Secret(OpenStackEmulator.DemoPassword));
    public static AccessKeyCredential Admin => new(OpenStackEmulator.AdminUser, new Secret(OpenStackEmulator.AdminPassword));

    public static string DemoProjectId => OpenStackEmulator.ProjectId(OpenStackEmulator.DemoProject);
    public static string AdminProjectId => OpenStackEmulator.ProjectId(OpenStackEmulator.AdminProject);
    public static string PartnerProjectId => OpenStackEmulator.ProjectId(OpenStackEmulator.PartnerProject);

    public static async Task<OpenStackTestBed> StartAsync()
    {
        var emulator = new OpenStackEmulator();
        await emulator.StartAsync();
        return new OpenStackTestBed(emulator);
    }

    /// <summary>Connects as the demo user in project demo (the emulator's OS_* environment), or as told.</summary>
    public IImageSession Connect(AccessKeyCredential? credential = null, Action<Dictionary<string, string>>? change = null)
    {
        var environment = new Dictionary<string, string>(Emulator.ClientEnvironment);
        change?.Invoke(environment);
        return ConnectProvider(credential, null, environment);
    }

    /// <summary>Connects as the admin user in project admin.</summary>
    public IImageSession ConnectAsAdmin() => Connect(Admin, v => v["OS_PROJECT_NAME"] = OpenStackEmulator.AdminProject);

    /// <summary>Adds an active image (a few bytes of raw data, as the real-Glance tests upload) owned by a project.</summary>
    public string Add(string name, string? owner = null, string visibility = "private", bool isProtected = false,
        DateTimeOffset? createdAt = null, params string[] tags) =>
        Emulator.AddImage(new OpenStackImage
        {
            Name = name,
            Owner = owner ?? DemoProjectId,
            Visibility = visibility,
            Protected = isProtected,
            CreatedAt = createdAt ?? DateTimeOffset.UtcNow.AddMinutes(-10),
            DiskFormat = "raw",
            Size = 20,
            VirtualSize = 20,
            Tags = tags,
            Members = visibility == "shared" ? new Dictionary<string, string> { [DemoProjectId] = "accepted" } : new Dictionary<string, string>(),
        }).Id;

    /// <summary>
    /// The emulator's settings shaped like tools/openstack/start.sh's env.sh (admin user, demo user, Glance URL),
    /// so the real-Glance helpers (<see cref="GlanceServer.Environment_"/>, <see cref="GlanceSeeder"/>) work on it too.
    /// </summary>
    public IReadOnlyDictionary<string, string> EnvFileVariables => new Dictionary<string, string>
    {
        ["GLANCE_URL"] = Emulator.BaseUri.ToString().TrimEnd('/'),
        ["OS_AUTH_URL"] = Emulator.ClientEnvironment["OS_AUTH_URL"],
        ["OS_REGION_NAME"] = OpenStackEmulator.Region,
        ["OS_USERNAME"] = OpenStackEmulator.AdminUser,
        ["OS_PASSWORD"] = OpenStackEmulator.AdminPassword,
        ["OS_PROJECT_NAME"] = OpenStackEmulator.AdminProject,
        ["OS_USER_DOMAIN_ID"] = OpenStackEmulator.DomainId,
        ["OS_PROJECT_DOMAIN_ID"] = OpenStackEmulator.DomainId,
        ["OS_CI_DEMO_USERNAME"] = OpenStackEmulator.DemoUser,
        ["OS_CI_DEMO_PASSWORD"] = OpenStackEmulator.DemoPassword,
        ["OS_CI_DEMO_PROJECT_NAME"] = OpenStackEmulator.DemoProject,
    };
}

/// <summary>An HTTP answer as received, for comparing the emulator's with the real Glance's.</summary>
internal sealed record RawAnswer(int Status, string ContentType, string Body, string? WwwAuthenticate, string? SubjectToken)
{
    public JsonValue Json => JsonValue.Parse(Body);
}

/// <summary>
/// One OpenStack to run a scenario on, the emulator or the real Glance + Keystone, reached the same way:
/// settings shaped like env.sh, the module's provider as the demo (member) user, raw HTTP for the answers
/// themselves. Its <see cref="Normalize"/> takes out what differs by nature (ids, addresses, times).
/// </summary>
internal sealed class OpenStackSide
{
    private static readonly HttpClient Http = new();
    private readonly Func<string, bool, string, bool, Task<string>> _create;

    private OpenStackSide(string name, IReadOnlyDictionary<string, string> variables, GlanceSeeder demo, GlanceSeeder admin,
        Func<string, bool, string, bool, Task<string>> create)
    {
        Name = name;
        Variables = variables;
        DemoSeeder = demo;
        AdminSeeder = admin;
        _create = create;
    }

    public string Name { get; }
    public IReadOnlyDictionary<string, string> Variables { get; }
    public GlanceSeeder DemoSeeder { get; }
    public GlanceSeeder AdminSeeder { get; }
    public string GlanceUrl => Variables["GLANCE_URL"].TrimEnd('/');
    public string AuthUrl => Variables["OS_AUTH_URL"].TrimEnd('/');

    public static async Task<OpenStackSide> EmulatorAsync(OpenStackTestBed bed)
    {
        var variables = bed.EnvFileVariables;
        return new OpenStackSide("emulator", variables, await GlanceSeeder.LoginAsync(demo: true, variables), await GlanceSeeder.LoginAsync(variables: variables),
            (name, isProtected, visibility, asAdmin) => Task.FromResult(bed.Add(name, asAdmin ? OpenStackTestBed.AdminProjectId : null, visibility, isProtected)));
    }

    /// <summary>The real one; images it creates are listed in <paramref name="created"/> for the test to remove.</summary>
    public static async Task<OpenStackSide> RealAsync(List<string> created)
    {
        var variables = GlanceServer.Require();
        var demo = await GlanceSeeder.LoginAsync(demo: true);
        var admin = await GlanceSeeder.LoginAsync();
        return new OpenStackSide("real Glance", variables, demo, admin, async (name, isProtected, visibility, asAdmin) =>
        {
            // With data, so that it is active.
            var id = await (asAdmin ? admin : demo).CreateAsync(name, visibility, isProtected, upload: true);
            created.Add(id);
            return id;
        });
    }

    /// <summary>An active image of the demo project's, or of the admin project's (always so for a public one: only an admin may publicize).</summary>
    public Task<string> CreateAsync(string name, bool isProtected = false, string visibility = "private", bool asAdmin = false) =>
        _create(name, isProtected, visibility, asAdmin || visibility == "public");

    /// <summary>The module's OpenStack provider as the demo user, from OS_* variables only.</summary>
    public IImageSession ConnectAsDemo(Action<Dictionary<string, string>>? change = null) =>
        ProviderRegistry.Find(OpenStackProvider.ProviderName).Connect(new ConnectionRequest
        {
            Environment = GlanceServer.Environment_(demo: true, change, Variables),
        });

    /// <summary>A Glance request with the demo user's token (or none).</summary>
    public Task<RawAnswer> GlanceAsync(HttpMethod method, string pathAndQuery, string? accept = null, bool withToken = true) =>
        SendAsync(new HttpRequestMessage(method, GlanceUrl + pathAndQuery), accept, withToken ? DemoSeeder.Token : null);

    public Task<RawAnswer> KeystoneTokenAsync(string body) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, AuthUrl + "/auth/tokens") { Content = new StringContent(body, Encoding.UTF8, "application/json") }, null, null);

    /// <summary>
    /// The text with what differs between two clouds by nature replaced: Keystone's and Glance's addresses
    /// (the emulator serves both on one), UUIDs, times, hex ids and checksums.
    /// </summary>
    public string Normalize(string text)
    {
        text = text.Replace(GlanceUrl, "<host>", StringComparison.Ordinal)
            .Replace(new Uri(AuthUrl).GetLeftPart(UriPartial.Authority), "<host>", StringComparison.Ordinal);
        text = Regex.Replace(text, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>");
        text = Regex.Replace(text, @"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<time>");
        return Regex.Replace(text, "\\b[0-9a-f]{32,128}\\b", "<hex>");
    }

    private static async Task<RawAnswer> SendAsync(HttpRequestMessage request, string? accept, string? token)
    {
        using (request)
        {
            if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
            if (token is not null) request.Headers.Add("X-Auth-Token", token);
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return new RawAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", body,
                response.Headers.TryGetValues("WWW-Authenticate", out var w) ? w.First() : null,
                response.Headers.TryGetValues("X-Subject-Token", out var t) ? t.First() : null);
        }
    }
}

internal static class OpenStackAssert
{
    /// <summary>
    /// Remove-CloudImage's core given one id with a sign-in Keystone refuses: one terminating
    /// AuthenticationFailed that names the user and Keystone's 401, no output, and the password nowhere.
    /// </summary>
    public static ImageCmdletsConfigurationException RefusedSignIn(ConnectionOptions connection, string imageId, string user, string password, OperationSettings settings)
    {
        var host = new RecordingHost();
        var core = new RemoveCloudImageCore(host, connection, DeleteOptions.Default, new ConfirmationSettings { Force = true }, settings);
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => core.Process(new ImageInput { ImageId = imageId, Provider = OpenStackProvider.ProviderName }));

        Assert.Equal("AuthenticationFailed", ex.ErrorId);
        Assert.Equal(ErrorKind.Authentication, ex.Kind);
        Assert.Contains("HTTP 401", ex.Message);
        Assert.Contains($"'{user}'", ex.Message);
        Assert.DoesNotContain(password, ex.ToString());
        Assert.DoesNotContain(host.AllText(), t => t.Contains(password));
        Assert.Empty(host.Output);
        return ex;
    }
}

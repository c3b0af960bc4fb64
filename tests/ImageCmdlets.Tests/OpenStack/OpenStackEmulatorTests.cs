using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.OpenStack;
using ImageCmdlets.Json;
using ImageCmdlets.Operations;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Providers.OpenStack;
using ImageCmdlets.Tests.Support;
using Xunit.Abstractions;

namespace ImageCmdlets.Tests.OpenStack;

/// <summary>
/// The module's real OpenStack provider (Keystone sign-in, catalog, GlanceSession) against the OpenStack
/// emulator over HTTP: paging, filters, every delete outcome and verdict, token renewal, admin and member,
/// throttling, and the emulator's answers pinned to what the real Glance 25 and Keystone 22 sent
/// (shared/openstack-local transcripts). OpenStackEmulatorVersusGlanceTests runs scenarios on both.
/// </summary>
public sealed class OpenStackEmulatorTests : IAsyncLifetime
{
    private static readonly OperationSettings Fast = TestSettings.FastRetries(jitterSeed: 17);
    private static readonly string DemoProject = OpenStackTestBed.DemoProjectId;
    private static readonly string AdminProject = OpenStackTestBed.AdminProjectId;
    private static readonly string PartnerProject = OpenStackTestBed.PartnerProjectId;

    private OpenStackTestBed _bed = null!;
    private OpenStackEmulator Emulator => _bed.Emulator;

    public async Task InitializeAsync() => _bed = await OpenStackTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static Task<CollectingSink> ListAsync(IImageSession session, ImageQuery query, params string[] ids) => TestRuns.ListAsync(session, query, Fast, ids);

    private static async Task<string[]> ListedIdsAsync(IImageSession session, ImageQuery query) =>
        (await ListAsync(session, query)).Images.Select(i => i.ImageId).ToArray();

    private static Task<CollectingSink> RemoveAsync(IImageSession session, params string[] ids) => TestRuns.RemoveAsync(session, Fast, ids);

    private static Task<CollectingSink> CheckAsync(IImageSession session, params string[] ids) => TestRuns.CheckAsync(session, Fast, ids);

    private static void AssertRefused(CollectingSink sink, string id, string code, int status, ErrorKind kind)
    {
        var error = sink.ErrorFor(id).Error;
        Assert.Equal((code, status, kind), (error.Code, error.HttpStatus ?? 0, error.Kind));
    }

    private static string[] ReasonsOf(CollectingSink sink, string id) =>
        sink.Verdicts.Single(v => v.ImageId == id).Reasons.Select(r => r.Code).ToArray();

    [Fact]
    public async Task Lists_every_own_image_across_pages_following_next_with_its_filters()
    {
        var start = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var own = Enumerable.Range(0, 6).Select(i => _bed.Add($"ci-build-{i}", createdAt: start.AddHours(i))).ToList();
        _bed.Add("partner-base", PartnerProject, "shared");
        _bed.Add("ubuntu-24.04", AdminProject, "public");

        var sink = await ListAsync(_bed.Connect(), new ImageQuery { PageSize = 3 });

        Assert.Empty(sink.Errors);
        Assert.Equal(Enumerable.Reverse(own), sink.Images.Select(i => i.ImageId)); // newest first, as Glance sorts
        Assert.All(sink.Images, i => Assert.Equal((OpenStackProvider.ProviderName, OpenStackEmulator.Region, DemoProject), (i.Provider, i.Region, i.Owner)));
        // Each page asks for what "next" said: the same filters and the last id seen. A full last page
        // still has a "next", so the listing ends on an empty page, as on a real Glance.
        Assert.Equal(new[]
        {
            $"?limit=3&owner={DemoProject}",
            $"?limit=3&owner={DemoProject}&marker={own[3]}",
            $"?limit=3&owner={DemoProject}&marker={own[0]}",
        }, Emulator.CallsOf("ListImages").Select(c => c.Query));
    }

    [Fact]
    public async Task Filters_go_to_Glance_which_applies_them_as_the_real_one_does()
    {
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var v1 = _bed.Add("golden-v1", createdAt: t0, tags: "golden");
        var v2 = _bed.Add("golden-v2", createdAt: t0.AddDays(30), tags: "golden");
        var scratch = _bed.Add("scratch", createdAt: t0.AddDays(31));
        var queued = Emulator.AddImage(new OpenStackImage { Name = "golden-v3", Owner = DemoProject, Status = "queued", CreatedAt = t0.AddDays(32) }).Id;
        var session = _bed.Connect();

        Assert.Equal(new[] { v2 }, await ListedIdsAsync(session, new ImageQuery { NamePatterns = new[] { "golden-v2" } }));
        Assert.Equal(new[] { v2, v1 }, await ListedIdsAsync(session, new ImageQuery { NamePatterns = new[] { "golden-v1", "golden-v2" } }));
        Assert.Equal(new[] { v2, v1 }, await ListedIdsAsync(session, new ImageQuery { Tags = new[] { "golden" } }));
        Assert.Equal(new[] { queued }, await ListedIdsAsync(session, new ImageQuery { States = new[] { "queued" } }));
        Assert.Equal(new[] { queued, scratch, v2 }, await ListedIdsAsync(session, new ImageQuery { CreatedAfter = t0.AddDays(1) }));
        Assert.Equal(new[] { v1 }, await ListedIdsAsync(session, new ImageQuery { CreatedBefore = t0.AddDays(1) }));

        // The module filters again locally, so look at Glance's own answers to the same queries.
        var raw = await OpenStackSide.EmulatorAsync(_bed);
        async Task<string[]> GlanceIds(string query) =>
            (await raw.GlanceAsync(HttpMethod.Get, "/v2/images?" + query)).Json.GetArray("images").Select(i => i.GetString("id")!).ToArray();
        foreach (var call in Emulator.CallsOf("ListImages").Select(c => c.Query))
            Assert.Matches("&(name=golden-v2|name=in%3Agolden-v1%2Cgolden-v2|status=in%3Aqueued|created_at=(gt|lt)%3A2025-01-02T00%3A00%3A00Z|tag=golden)$", call);
        Assert.Equal(new[] { v2 }, await GlanceIds("name=golden-v2"));
        Assert.Equal(new[] { v2, v1 }, await GlanceIds("name=in:golden-v1,golden-v2"));
        Assert.Equal(new[] { v2, v1 }, await GlanceIds("tag=golden"));
        Assert.Equal(new[] { queued, scratch }, await GlanceIds("status=in:queued,active&created_at=gte:2025-02-01T00:00:00Z"));
        Assert.Equal(new[] { v1, v2, scratch, queued }, await GlanceIds("sort=created_at:asc"));
        Assert.Equal(new[] { v1, v2, queued, scratch }, await GlanceIds("sort_key=name&sort_dir=asc"));
        Assert.Empty(await GlanceIds("name=golden"));
    }

    [Fact]
    public async Task Names_Glance_would_read_as_an_operator_or_a_list_are_matched_by_the_module_not_sent()
    {
        var colon = _bed.Add("web:v1");
        var comma = _bed.Add("a,b");
        _bed.Add("web");
        var session = _bed.Connect();

        Assert.Equal(new[] { colon }, await ListedIdsAsync(session, new ImageQuery { NamePatterns = new[] { "web:v1" } }));
        Assert.Equal(new[] { comma }, await ListedIdsAsync(session, new ImageQuery { NamePatterns = new[] { "a,b" } }));
        Assert.All(Emulator.CallsOf("ListImages"), c => Assert.DoesNotContain("name=", c.Query));
    }

    [Fact]
    public async Task A_member_lists_its_own_images_and_with_AllVisible_the_shared_and_public_ones_it_may_see()
    {
        var own = _bed.Add("own", createdAt: DateTimeOffset.UtcNow.AddDays(-1));
        var shared = _bed.Add("partner-shared", PartnerProject, "shared", createdAt: DateTimeOffset.UtcNow.AddDays(-2));
        var pending = Emulator.AddImage(new OpenStackImage
        {
            Name = "partner-pending", Owner = PartnerProject, Visibility = "shared",
            Members = new Dictionary<string, string> { [DemoProject] = "pending" },
        }).Id;
        var published = _bed.Add("ubuntu", AdminProject, "public", createdAt: DateTimeOffset.UtcNow.AddDays(-3));
        var hidden = _bed.Add("partner-private", PartnerProject);
        var session = _bed.Connect();

        Assert.Equal(new[] { own }, await ListedIdsAsync(session, new ImageQuery()));
        Assert.Equal(new[] { own, shared, published }, await ListedIdsAsync(session, new ImageQuery { IncludeNonCustom = true }));

        // Looking ids up (visibility=all&id=in:…) finds what the listing finds; another project's private
        // image, and a share not yet accepted, are not there for the member.
        var lookup = await ListAsync(session, new ImageQuery(), own, shared, published, hidden, pending);
        Assert.Equal(new[] { own, shared, published }.OrderBy(i => i), lookup.Images.Select(i => i.ImageId).OrderBy(i => i));
        Assert.Equal(GlanceErrors.NotFound, lookup.ErrorFor(hidden).Error.Code);
        Assert.Equal(GlanceErrors.NotFound, lookup.ErrorFor(pending).Error.Code);
        var image = lookup.Images.Single(i => i.ImageId == shared);
        Assert.Equal(("shared", PartnerProject, false, "active"), (image.ImageType, image.Owner, image.IsProtected, image.State));
    }

    /// <summary>One image for each answer a member's delete can get (the member's own, protected, shared to it, public, another project's private) and an id that does not exist.</summary>
    private (string Deletable, string Protected, string Shared, string Public, string Invisible, string Missing) SeedOneOfEachKind() =>
        (_bed.Add("ok"), _bed.Add("protected", isProtected: true), _bed.Add("shared-to-me", PartnerProject, "shared"),
            _bed.Add("public", AdminProject, "public"), _bed.Add("partner-private", PartnerProject), Guid.NewGuid().ToString());

    [Fact]
    public async Task Each_delete_gets_Glances_answer_under_the_modules_error_id()
    {
        var (deletable, protectedImage, shared, published, invisible, missing) = SeedOneOfEachKind();

        var sink = await RemoveAsync(_bed.Connect(), deletable, protectedImage, shared, published, invisible, missing, "not-a-uuid");

        Assert.Equal(RemovalStatus.Deleted, sink.RemovalFor(deletable).Status);
        Assert.NotNull(sink.RemovalFor(deletable).RequestId);
        AssertRefused(sink, protectedImage, GlanceErrors.Protected, 403, ErrorKind.PermissionDenied);
        Assert.Equal($"Image {protectedImage} is protected and cannot be deleted.", sink.ErrorFor(protectedImage).Error.Message);
        AssertRefused(sink, shared, GlanceErrors.NotOwner, 403, ErrorKind.PermissionDenied);
        AssertRefused(sink, published, GlanceErrors.NotOwner, 403, ErrorKind.PermissionDenied);
        Assert.Equal("You do not own this image", sink.ErrorFor(published).Error.Message);
        AssertRefused(sink, invisible, GlanceErrors.NotFound, 404, ErrorKind.NotFound);
        AssertRefused(sink, missing, GlanceErrors.NotFound, 404, ErrorKind.NotFound);
        Assert.Equal(EngineErrors.MalformedImageId, sink.ErrorFor("not-a-uuid").Error.Code);

        Assert.Equal(new[] { deletable }, Emulator.DeletedImageIds);
        Assert.Equal(6, Emulator.CallsOf("DeleteImage").Count); // the malformed id is never sent
        Assert.Equal(new[] { protectedImage, shared, published, invisible }.OrderBy(i => i), Emulator.Images.Select(i => i.Id).OrderBy(i => i));
    }

    [Fact]
    public async Task Verdicts_name_the_error_a_delete_would_get_and_delete_nothing()
    {
        var (deletable, protectedImage, shared, published, invisible, missing) = SeedOneOfEachKind();

        var sink = await CheckAsync(_bed.Connect(), deletable, protectedImage, shared, published, invisible, missing);

        Assert.True(sink.Verdicts.Single(v => v.ImageId == deletable).IsDeletable);
        Assert.Equal(new[] { GlanceErrors.Protected }, ReasonsOf(sink, protectedImage));
        Assert.Equal(new[] { GlanceErrors.NotOwner }, ReasonsOf(sink, shared));
        Assert.Equal(new[] { GlanceErrors.NotOwner }, ReasonsOf(sink, published));
        Assert.Equal(GlanceErrors.NotFound, sink.ErrorFor(invisible).Error.Code);
        Assert.Equal(GlanceErrors.NotFound, sink.ErrorFor(missing).Error.Code);
        Assert.Empty(Emulator.CallsOf("DeleteImage"));
        Assert.Empty(Emulator.DeletedImageIds);
    }

    [Fact]
    public async Task The_admin_sees_and_deletes_every_projects_images_a_member_only_its_own()
    {
        var now = DateTimeOffset.UtcNow;
        var demoImage = _bed.Add("demo-own", createdAt: now.AddMinutes(-1));
        var partnerShared = _bed.Add("partner-shared", PartnerProject, "shared", createdAt: now.AddMinutes(-2));
        var partnerPrivate = _bed.Add("partner-private", PartnerProject, createdAt: now.AddMinutes(-3));
        var adminOwn = _bed.Add("admin-own", AdminProject, createdAt: now.AddMinutes(-4));
        var adminProtected = _bed.Add("admin-protected", AdminProject, isProtected: true, createdAt: now.AddMinutes(-5));
        var admin = _bed.ConnectAsAdmin();
        var member = _bed.Connect();

        Assert.Equal(new[] { adminOwn, adminProtected }, await ListedIdsAsync(admin, new ImageQuery()));
        Assert.Equal(new[] { demoImage, partnerShared, partnerPrivate, adminOwn, adminProtected }, await ListedIdsAsync(admin, new ImageQuery { IncludeNonCustom = true }));
        Assert.Equal(new[] { demoImage, partnerShared }, await ListedIdsAsync(member, new ImageQuery { IncludeNonCustom = true }));

        // The module judges as Glance decides: the admin may delete other projects' images, the member not.
        var asAdmin = await CheckAsync(admin, demoImage, partnerShared, partnerPrivate, adminProtected);
        Assert.All(new[] { demoImage, partnerShared, partnerPrivate }, id => Assert.Empty(ReasonsOf(asAdmin, id)));
        Assert.Equal(new[] { GlanceErrors.Protected }, ReasonsOf(asAdmin, adminProtected));
        var asMember = await CheckAsync(member, partnerShared, adminOwn);
        Assert.Equal(new[] { GlanceErrors.NotOwner }, ReasonsOf(asMember, partnerShared));
        Assert.Equal(GlanceErrors.NotFound, asMember.ErrorFor(adminOwn).Error.Code);

        var refused = await RemoveAsync(member, partnerShared, adminOwn);
        AssertRefused(refused, partnerShared, GlanceErrors.NotOwner, 403, ErrorKind.PermissionDenied);
        AssertRefused(refused, adminOwn, GlanceErrors.NotFound, 404, ErrorKind.NotFound);
        var removed = await RemoveAsync(admin, demoImage, partnerShared, partnerPrivate, adminProtected);
        Assert.Equal(new[] { demoImage, partnerShared, partnerPrivate }.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        AssertRefused(removed, adminProtected, GlanceErrors.Protected, 403, ErrorKind.PermissionDenied);
    }

    [Theory]
    [InlineData("revoked")]
    [InlineData("expired")]
    public async Task A_refused_token_is_renewed_once_from_Keystone_and_the_call_repeated(string why)
    {
        var id = _bed.Add("one");
        var session = _bed.Connect();
        await session.ListImagesAsync(new ImageQuery(), null, OpenStackTestBed.Call());
        if (why == "revoked") Emulator.RevokeAllTokens();
        else Emulator.Clock = () => DateTimeOffset.UtcNow + OpenStackEmulator.DefaultTokenLifetime + TimeSpan.FromMinutes(1);

        var page = await session.ListImagesAsync(new ImageQuery(), null, OpenStackTestBed.Call());

        Assert.Equal(id, Assert.Single(page.Images).ImageId);
        Assert.Equal(2, Emulator.TokensIssued);
        Assert.Equal(new[] { 200, 401, 200 }, Emulator.CallsOf("ListImages").Select(c => c.Status));
        // And the renewed token goes on working for deletes.
        Assert.Equal(RemovalStatus.Deleted, (await RemoveAsync(session, id)).RemovalFor(id).Status);
        Assert.Equal(2, Emulator.TokensIssued);
    }

    [Fact]
    public async Task Consecutive_connections_with_the_same_sign_in_share_one_Keystone_token()
    {
        var id = _bed.Add("one");
        await _bed.Connect().ListImagesAsync(new ImageQuery(), null, OpenStackTestBed.Call());
        var second = _bed.Connect();

        Assert.Equal(RemovalStatus.Deleted, (await RemoveAsync(second, id)).RemovalFor(id).Status);
        Assert.Equal(1, Emulator.TokensIssued);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("project")]
    public void A_refused_sign_in_is_one_terminating_AuthenticationFailed_before_any_image_call(string wrong)
    {
        var id = _bed.Add("keep");
        var environment = new Dictionary<string, string>(Emulator.ClientEnvironment);
        if (wrong == "project") environment["OS_PROJECT_NAME"] = "no-such-project";
        var password = wrong == "password" ? "wrong-password-123" : OpenStackEmulator.DemoPassword;
        var connection = new ConnectionOptions
        {
            Environment = new FixedEnvironment(environment),
            Credential = new AccessKeyCredential(OpenStackEmulator.DemoUser, new Secret(password)),
            Transport = _bed.Transport,
        };
        var refusal = OpenStackAssert.RefusedSignIn(connection, id, OpenStackEmulator.DemoUser, password, Fast);

        Assert.Contains("(HTTP 401: The request you have made requires authentication.)", refusal.Message);

        Assert.Empty(Emulator.Calls);
        Assert.Equal(0, Emulator.TokensIssued);
        Assert.True(Emulator.HasImage(id));
    }

    [Fact]
    public async Task A_rate_limiters_429_is_TooManyRequests_and_retried_with_backoff()
    {
        var id = _bed.Add("one");
        var session = _bed.Connect();
        Emulator.InjectFaults(new Fault(FaultKind.Throttle, "ListImages"));

        var ex = await Assert.ThrowsAsync<CloudApiException>(() => session.ListImagesAsync(new ImageQuery(), null, OpenStackTestBed.Call()));
        Assert.Equal((EngineErrors.TooManyRequests, ErrorKind.Throttled, 429), (ex.Error.Code, ex.Error.Kind, ex.Error.HttpStatus ?? 0));

        Emulator.InjectFaults(new Fault(FaultKind.Throttle, "DeleteImage"), new Fault(FaultKind.Throttle, "DeleteImage"));
        Assert.Equal(RemovalStatus.Deleted, (await RemoveAsync(session, id)).RemovalFor(id).Status);
        Assert.Equal(new[] { 429, 429, 204 }, Emulator.CallsOf("DeleteImage").Select(c => c.Status));
    }

    [Fact]
    public async Task A_token_in_OS_TOKEN_is_rescoped_and_users_and_projects_may_be_given_by_id()
    {
        var id = _bed.Add("one");
        var login = await GlanceSeeder.LoginAsync(demo: true, _bed.EnvFileVariables);
        var provider = ProviderRegistry.Find(OpenStackProvider.ProviderName);
        IImageSession Connect(Dictionary<string, string> variables) =>
            provider.Connect(new ConnectionRequest { Environment = new FixedEnvironment(variables), Transport = _bed.Transport });
        var authUrl = Emulator.ClientEnvironment["OS_AUTH_URL"];

        var byToken = Connect(new() { ["OS_AUTH_URL"] = authUrl, ["OS_TOKEN"] = login.Token, ["OS_PROJECT_NAME"] = "demo", ["OS_PROJECT_DOMAIN_ID"] = "default" });
        var byIds = Connect(new()
        {
            ["OS_AUTH_URL"] = authUrl, ["OS_PASSWORD"] = OpenStackEmulator.DemoPassword,
            ["OS_USER_ID"] = OpenStackEmulator.UserId(OpenStackEmulator.DemoUser), ["OS_PROJECT_ID"] = DemoProject,
        });

        Assert.Equal(new[] { id }, await ListedIdsAsync(byToken, new ImageQuery()));
        Assert.Equal(new[] { id }, await ListedIdsAsync(byIds, new ImageQuery()));
        Assert.Equal(3, Emulator.TokensIssued);
    }

    /// <summary>The answers themselves, pinned to what the real Glance 25.1 and Keystone 22 sent (see shared/openstack-local).</summary>
    [Fact]
    public async Task Answers_are_the_real_ones_to_the_byte()
    {
        var side = await OpenStackSide.EmulatorAsync(_bed);
        var missing = "00000000-1111-2222-3333-444444444444";

        var html = await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{missing}", "*/*"); // as curl sends
        Assert.Equal((404, "text/html; charset=UTF-8"), (html.Status, html.ContentType));
        Assert.Equal($"<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  Failed to find image {missing} to delete<br /><br />\n\n\n\n </body>\n</html>", html.Body);
        var json = await side.GlanceAsync(HttpMethod.Delete, "/v2/images/not-a-uuid", "application/json");
        Assert.Equal((404, "application/json"), (json.Status, json.ContentType));
        Assert.Equal("{\"message\": \"Failed to find image not-a-uuid to delete<br /><br />\\n\\n\\n\", \"code\": \"404 Not Found\", \"title\": \"Not Found\"}", json.Body);
        var plain = await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{missing}"); // no Accept header at all
        Assert.Equal("text/plain; charset=UTF-8", plain.ContentType);
        Assert.Equal($"404 Not Found\n\nFailed to find image {missing} to delete\n\n   ", plain.Body);

        var noToken = await side.GlanceAsync(HttpMethod.Get, "/v2/images", "application/json", withToken: false);
        Assert.Equal((401, $"Keystone uri=\"{side.GlanceUrl}\""), (noToken.Status, noToken.WwwAuthenticate));
        Assert.Equal("{\"message\": \"This server could not verify that you are authorized to access the document you requested. Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.<br /><br />\\n\\n\\n\", \"code\": \"401 Unauthorized\", \"title\": \"Unauthorized\"}", noToken.Body);

        var refused = await side.KeystoneTokenAsync("{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"demo\",\"domain\":{\"id\":\"default\"},\"password\":\"wrong\"}}}}}");
        Assert.Equal((401, $"Keystone uri=\"{side.AuthUrl}\""), (refused.Status, refused.WwwAuthenticate));
        Assert.Equal("{\"error\":{\"code\":401,\"message\":\"The request you have made requires authentication.\",\"title\":\"Unauthorized\"}}\n", refused.Body);
        var noDomain = await side.KeystoneTokenAsync("{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"demo\",\"password\":\"x\"}}}}}");
        Assert.Equal("{\"error\":{\"code\":400,\"message\":\"Expecting to find domain in user. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.\",\"title\":\"Bad Request\"}}\n", noDomain.Body);
        Assert.Equal(404, (await side.KeystoneTokenAsync("{\"auth\":{\"identity\":{\"methods\":[\"token\"],\"token\":{\"id\":\"gAAAAABbogus\"}}}}")).Status);

        foreach (var (query, message) in new[]
        {
            ("limit=abc", "limit param must be an integer"),
            ("limit=-1", "limit param must be positive"),
            ("marker=00000000-0000-0000-0000-000000000000", "No image found with ID 00000000-0000-0000-0000-000000000000"),
            ("visibility=bogus", "Invalid visibility value: bogus"),
            ("sort_key=bogus", "Invalid sort key: bogus. It must be one of the following: name, status, container_format, disk_format, size, id, created_at, updated_at."),
            ("name=a:b", "Unable to filter by unknown operator 'a'."),
            ("created_at=gt:yesterday", "Bad \"created_at\" query filter format. Use ISO 8601 DateTime notation."),
            ("protected=maybe", "Invalid value 'maybe' for 'protected' filter. Valid values are 'true' or 'false'."),
        })
        {
            var answer = await side.GlanceAsync(HttpMethod.Get, "/v2/images?" + query, "application/json");
            Assert.Equal((query, 400, message + "<br /><br />\n\n\n"), (query, answer.Status, answer.Json.GetString("message")));
        }

        // The links echo the query as Python's urlencode does, each key once with its last value.
        var list = await side.GlanceAsync(HttpMethod.Get, "/v2/images?tag=a&tag=b&name=x+y&limit=1&owner=" + DemoProject);
        Assert.Equal($"{{\"images\": [], \"first\": \"/v2/images?tag=b&name=x+y&limit=1&owner={DemoProject}\", \"schema\": \"/v2/schemas/images\"}}", list.Body);
    }
}

/// <summary>
/// The same scenarios on the emulator and on the real Glance + Keystone (tools/openstack/start.sh; skipped
/// without it, failing under CI): each one is run on both, as the demo (member) user, and gives a text of
/// what the module and the raw answers showed, with only what differs by nature (ids, addresses, times)
/// taken out. The emulator's text must be the real one's.
/// </summary>
public sealed class OpenStackEmulatorVersusGlanceTests : IAsyncLifetime
{
    private static readonly OperationSettings Fast = TestSettings.FastRetries(jitterSeed: 19);
    private readonly string _prefix = "icte" + Guid.NewGuid().ToString("N")[..8] + "-";
    private readonly List<string> _created = new();
    private OpenStackTestBed _bed = null!;
    private OpenStackSide _emulator = null!;
    private readonly ITestOutputHelper _output;
    private OpenStackSide? _real;

    public OpenStackEmulatorVersusGlanceTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        _bed = await OpenStackTestBed.StartAsync();
        _emulator = await OpenStackSide.EmulatorAsync(_bed);
        if (GlanceServer.Variables is not null || GlanceServer.IsCi) _real = await OpenStackSide.RealAsync(_created);
    }

    public async Task DisposeAsync()
    {
        if (_real is not null) await _real.AdminSeeder.CleanUpAsync(_created);
        await _bed.DisposeAsync();
    }

    /// <summary>Runs the scenario on the real Glance, then on the emulator, and insists on the same account of it.</summary>
    private async Task SameOnBothAsync(Func<OpenStackSide, Task<IEnumerable<string>>> scenario)
    {
        var real = string.Join("\n", await scenario(_real!));
        var emulated = string.Join("\n", await scenario(_emulator));
        _output.WriteLine(real);
        Assert.Equal(real, emulated);
    }

    private static string Describe(OpenStackSide side, RawAnswer answer) =>
        $"{answer.Status} {answer.ContentType} {side.Normalize(answer.Body)}";

    /// <summary>What the module made of one delete: the removal's status, or the error's id, HTTP status, kind and message.</summary>
    private static async Task<string> RemoveThroughModuleAsync(OpenStackSide side, string id)
    {
        var sink = await TestRuns.RemoveAsync(side.ConnectAsDemo(), Fast, id);
        if (sink.Errors.SingleOrDefault() is { } failed)
            return $"module: {failed.Error.Code} {failed.Error.HttpStatus} {failed.Error.Kind} {side.Normalize(failed.Error.Message)}";
        var removal = sink.RemovalFor(id);
        return $"module: {removal.Status}, request id {(removal.RequestId?.StartsWith("req-", StringComparison.Ordinal) == true ? "req-…" : removal.RequestId)}";
    }

    private static async Task<string> VerdictThroughModuleAsync(OpenStackSide side, string id)
    {
        var verdict = (await TestRuns.CheckAsync(side.ConnectAsDemo(), Fast, id)).Verdicts.Single();
        return $"verdict: {verdict.IsDeletable} {string.Join(",", verdict.Reasons.Select(r => r.Code))} by {verdict.CheckedBy}";
    }

    /// <summary>Keys and kinds of a JSON document, values left out.</summary>
    private static string Shape(JsonValue value) => value.Kind switch
    {
        JsonKind.Object => "{" + string.Join(",", value.Properties.Select(p => p.Key + ":" + Shape(p.Value))) + "}",
        JsonKind.Array => "[" + string.Join(",", value.Items.Select(Shape)) + "]",
        _ => value.Kind.ToString(),
    };

    [GlanceFact]
    public Task Listing_pages_links_and_image_records_are_the_same() => SameOnBothAsync(async side =>
    {
        var names = Enumerable.Range(0, 5).Select(i => $"{_prefix}list-{i}").ToArray();
        foreach (var name in names) await side.CreateAsync(name);
        var sink = await TestRuns.ListAsync(side.ConnectAsDemo(), new ImageQuery { NamePatterns = names, PageSize = 2 }, Fast);

        var lines = new List<string> { $"errors: {sink.Errors.Count}", $"list calls: {sink.VerboseLines.Count(l => l.Contains("ListImages"))}" };
        lines.AddRange(sink.Images.OrderBy(i => i.Name).Select(i =>
            $"{i.Name} {i.Provider} {i.Region} {i.State} {i.ImageType} protected={i.IsProtected} own={i.Owner == side.DemoSeeder.ProjectId} " +
            $"sized={i.SizeBytes > 0} tags=[{string.Join(",", i.Tags)}] properties=[{string.Join(",", i.Properties.Keys.OrderBy(k => k, StringComparer.Ordinal))}]"));
        // Glance's own answer: layout, Python's spacing, the links, every record's fields in Glance's order.
        var raw = await side.GlanceAsync(HttpMethod.Get, $"/v2/images?name=in:{string.Join(",", names)}&limit=2");
        lines.Add($"{raw.Status} {raw.ContentType} spaced={raw.Body.StartsWith("{\"images\": [{\"", StringComparison.Ordinal)}");
        lines.Add($"first: {raw.Json.GetString("first")}");
        lines.Add($"next: {side.Normalize(raw.Json.GetString("next")!)}");
        lines.AddRange(raw.Json.GetArray("images").Select(i => "record: " + Shape(i)));
        var last = await side.GlanceAsync(HttpMethod.Get, $"/v2/images?name=in:{string.Join(",", names)}&limit=2&marker={sink.Images[^1].ImageId}");
        lines.Add($"after the oldest: {last.Status} {Shape(last.Json)}");
        return lines;
    });

    [GlanceFact]
    public Task Deleting_a_protected_image_is_refused_the_same_way() => SameOnBothAsync(async side =>
    {
        var id = await side.CreateAsync(_prefix + "protected", isProtected: true);
        return new[]
        {
            await VerdictThroughModuleAsync(side, id),
            await RemoveThroughModuleAsync(side, id),
            "json: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{id}", "application/json")),
            "html: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{id}", "*/*")),
            "no accept: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{id}")),
            $"still there: {await side.DemoSeeder.ExistsAsync(id)}",
        };
    });

    [GlanceFact]
    public Task Deleting_a_missing_image_is_the_same_404() => SameOnBothAsync(async side =>
    {
        var missing = Guid.NewGuid().ToString();
        return new[]
        {
            await RemoveThroughModuleAsync(side, missing),
            "json: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{missing}", "application/json")),
            "html: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, "/v2/images/not-a-uuid", "text/html")),
            "plain: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, "/v2/images/not-a-uuid", "text/plain")),
            "no accept: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, "/v2/images/not-a-uuid")),
            "json preferred: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, "/v2/images/not-a-uuid", "text/html;q=0.5, application/json")),
            "show: " + Describe(side, await side.GlanceAsync(HttpMethod.Get, $"/v2/images/{missing}", "application/json")),
        };
    });

    [GlanceFact]
    public Task Deleting_an_image_works_the_same_way_and_only_once() => SameOnBothAsync(async side =>
    {
        var first = await side.CreateAsync(_prefix + "ok-1");
        var second = await side.CreateAsync(_prefix + "ok-2");
        return new[]
        {
            await VerdictThroughModuleAsync(side, first),
            await RemoveThroughModuleAsync(side, first),
            "raw: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{second}")),
            $"gone: {!await side.DemoSeeder.ExistsAsync(first)} {!await side.DemoSeeder.ExistsAsync(second)}",
            "again: " + await RemoveThroughModuleAsync(side, first),
            "again raw: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{second}", "application/json")),
        };
    });

    [GlanceFact]
    public Task Another_projects_images_are_not_the_members_to_delete() => SameOnBothAsync(async side =>
    {
        var published = await side.CreateAsync(_prefix + "public", visibility: "public");
        var adminPrivate = await side.CreateAsync(_prefix + "admin-private", asAdmin: true);
        return new[]
        {
            await VerdictThroughModuleAsync(side, published),
            await RemoveThroughModuleAsync(side, published),
            "json: " + Describe(side, await side.GlanceAsync(HttpMethod.Delete, $"/v2/images/{published}", "application/json")),
            "private: " + await RemoveThroughModuleAsync(side, adminPrivate),
            $"both still there: {await side.AdminSeeder.ExistsAsync(published)} {await side.AdminSeeder.ExistsAsync(adminPrivate)}",
        };
    });

    [GlanceFact]
    public Task Sign_in_tokens_and_refusals_are_the_same() => SameOnBothAsync(async side =>
    {
        var user = $"\"user\":{{\"name\":\"{side.Variables["OS_CI_DEMO_USERNAME"]}\",\"domain\":{{\"id\":\"default\"}},\"password\":\"{side.Variables["OS_CI_DEMO_PASSWORD"]}\"}}";
        var scope = "\"scope\":{\"project\":{\"name\":\"demo\",\"domain\":{\"id\":\"default\"}}}";
        var signedIn = await side.KeystoneTokenAsync($"{{\"auth\":{{\"identity\":{{\"methods\":[\"password\"],\"password\":{{{user}}}}},{scope}}}}}");
        var token = signedIn.Json["token"]!;
        var rescoped = await side.KeystoneTokenAsync($"{{\"auth\":{{\"identity\":{{\"methods\":[\"token\"],\"token\":{{\"id\":\"{signedIn.SubjectToken}\"}}}},{scope}}}}}");
        var wrong = await side.KeystoneTokenAsync(
            "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"demo\",\"domain\":{\"id\":\"default\"},\"password\":\"wrong\"}}}," + scope + "}}");
        var refusal = Assert.Throws<ImageCmdletsConfigurationException>(() => side.ConnectAsDemo(v => v["OS_PASSWORD"] = "wrong-password-123"));
        return new[]
        {
            $"token: {signedIn.Status} {signedIn.ContentType} subject token={signedIn.SubjectToken?.StartsWith("gAAAAAB", StringComparison.Ordinal)} {signedIn.SubjectToken?.Length}",
            "shape: " + Shape(signedIn.Json),
            // Keystone keeps methods and roles in sets: their order differs from one token to the next.
            $"methods {string.Join(",", token.GetArray("methods").Select(m => m.AsString()).OrderBy(m => m, StringComparer.Ordinal))} roles {string.Join(",", token.GetArray("roles").Select(r => r.GetString("name")).OrderBy(n => n, StringComparer.Ordinal))}",
            "catalog: " + string.Join(" ", token.GetArray("catalog").Select(s =>
                $"{s.GetString("type")}/{s.GetString("name")}:{string.Join(",", s.GetArray("endpoints").Select(e => $"{e.GetString("interface")}@{e.GetString("region_id")}={side.Normalize(e.GetString("url")!)}"))}")),
            $"rescoped: {rescoped.Status} {string.Join(",", rescoped.Json["token"]!.GetArray("methods").Select(m => m.AsString()).OrderBy(m => m, StringComparer.Ordinal))} audit ids {rescoped.Json["token"]!.GetArray("audit_ids").Count}",
            "wrong password: " + Describe(side, wrong) + " " + side.Normalize(wrong.WwwAuthenticate ?? ""),
            $"module: {refusal.ErrorId} {refusal.Kind} {side.Normalize(refusal.Message)}",
            "no token: " + Describe(side, await side.GlanceAsync(HttpMethod.Get, "/v2/images", "*/*", withToken: false)),
            "no token, json: " + Describe(side, await side.GlanceAsync(HttpMethod.Get, "/v2/images", "application/json", withToken: false)),
        };
    });
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Emulators;

/// <summary>
/// The control API of every emulator the host would run (found the same way, by reflection), used over
/// real HTTP, with the module's real provider as the client: what the API claims must be what the
/// module then meets.
/// </summary>
public sealed class EmulatorControlTests
{
    private static readonly OperationSettings Fast = TestSettings.FastRetries(jitterSeed: 5);

    private static readonly string[] KnownConditions =
    {
        ImageCondition.Deletable, ImageCondition.InUse, ImageCondition.SharedToOthers, ImageCondition.SharedToMe,
        ImageCondition.Public, ImageCondition.Busy, ImageCondition.Protected,
    };

    public static IEnumerable<object[]> EmulatorTypes => EmulatorCatalog.Types.Select(t => new object[] { t.Name });

    [Fact]
    public void Every_emulator_is_found_and_stands_for_a_provider_of_the_module()
    {
        var emulators = EmulatorCatalog.CreateAll();
        Assert.Contains(emulators, e => e.Provider == "Tencent");
        Assert.Contains(emulators, e => e.Provider == "Alibaba");
        Assert.All(emulators, e => Assert.Contains(e.Provider, ProviderRegistry.Names));
        Assert.Equal(emulators.Count, emulators.Select(e => e.Provider).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(EmulatorTypes))]
    public async Task Describes_itself_well_enough_for_the_module_to_sign_in(string emulatorType)
    {
        await using var bed = await Bed.StartAsync(emulatorType);
        var description = await bed.Control.GetAsync();

        Assert.Equal(bed.Emulator.Provider, description.GetString("provider"));
        Assert.Equal(bed.Emulator.BaseUri.ToString(), description.GetString("endpoint"));
        var regions = description.GetArray("regions").Select(r => r.AsString()).ToList();
        Assert.NotEmpty(regions);
        Assert.Equal(regions[0], description.GetString("defaultRegion"));
        Assert.Equal(ProviderRegistry.Find(bed.Emulator.Provider).Capabilities.ImageIdExample, description.GetString("idExample"));
        Assert.Equal(0, description.GetInt64("images"));
        var conditions = description["conditions"]!.Properties;
        Assert.Contains(conditions, c => c.Key == ImageCondition.Deletable && c.Value.Kind == JsonKind.Null);
        Assert.All(conditions, c => Assert.Contains(c.Key, KnownConditions));
        Assert.All(conditions.Where(c => c.Key != ImageCondition.Deletable), c => Assert.False(string.IsNullOrEmpty(c.Value.AsString())));

        var page = await bed.Provider.ListImagesAsync(new ImageQuery(), null, Bed.Call());
        Assert.Empty(page.Images);
    }

    [Theory]
    [MemberData(nameof(EmulatorTypes))]
    public async Task Each_declared_condition_is_seeded_listed_and_deletes_with_the_expected_error(string emulatorType)
    {
        await using var bed = await Bed.StartAsync(emulatorType);
        var conditions = bed.Emulator.Conditions.Keys.ToList();
        var request = JsonValue.NewObject().Set("images", JsonValue.NewArray()
            .Add(JsonValue.NewObject().Set("name", "ci-batch").Set("count", 3).Set("tags", JsonValue.NewObject().Set("team", "ci"))));
        foreach (var condition in conditions)
            request["images"]!.Add(JsonValue.NewObject().Set("name", "img-" + condition).Set("condition", condition).Set("createdAt", "2024-05-01T10:00:00Z"));

        var seeded = (await bed.Control.PostAsync("images", request.ToJson())).GetArray("images");

        Assert.Equal(conditions.Count + 3, seeded.Count);
        Assert.Equal(new[] { "ci-batch-0000", "ci-batch-0001", "ci-batch-0002" }, seeded.Take(3).Select(i => i.GetString("name")));
        Assert.All(seeded, i => Assert.Equal(bed.Emulator.DefaultRegion, i.GetString("region")));
        Assert.All(seeded, i => Assert.Equal(bed.Emulator.Conditions[i.GetString("condition")!], i.GetString("expectedError")));
        var listed = (await bed.Control.GetAsync("images")).GetArray("images");
        Assert.Equal(seeded.Select(i => (i.GetString("id"), i.GetString("name"))), listed.Select(i => (i.GetString("id"), i.GetString("name"))));

        // The module deletes them all, as Remove-CloudImage would: each image's outcome is what the API promised.
        var sink = new CollectingSink();
        var run = new RemovalRun(bed.Provider, DeleteOptions.Default, sink, Fast);
        foreach (var image in seeded) run.Add(image.GetString("id"));
        await run.CompleteAsync();

        foreach (var image in seeded)
        {
            var id = image.GetString("id")!;
            var expected = image.GetString("expectedError");
            var reported = sink.Errors.Where(e => e.ImageId == id).Select(e => e.Error.Code).SingleOrDefault();
            Assert.Equal((image.GetString("condition"), expected), (image.GetString("condition"), reported));
            // Accepted: deleted, or (where the cloud finishes deletions later) being deleted.
            var accepted = ProviderRegistry.Find(bed.Emulator.Provider).Capabilities.DeleteCompletesAsynchronously ? RemovalStatus.Deleting : RemovalStatus.Deleted;
            if (expected is null) Assert.Equal(accepted, sink.RemovalFor(id).Status);
        }
        var deletable = seeded.Where(i => i.GetString("expectedError") is null).Select(i => i.GetString("id")).ToList();
        var deleted = (await bed.Control.GetAsync("deleted")).GetArray("deleted").Select(d => d.AsString()).ToList();
        Assert.Equal(deletable.OrderBy(i => i), deleted.OrderBy(i => i));
        // An image whose deletion the cloud has accepted is listed until it finishes, marked deleting.
        var left = (await bed.Control.GetAsync("images")).GetArray("images").Where(i => i.GetBool("deleting") != true).Select(i => i.GetString("id")).ToList();
        Assert.Equal(seeded.Select(i => i.GetString("id")).Except(deletable).OrderBy(i => i), left.OrderBy(i => i));
    }

    [Theory]
    [MemberData(nameof(EmulatorTypes))]
    public async Task An_injected_fault_answers_the_next_matching_call_and_the_call_log_shows_it(string emulatorType)
    {
        await using var bed = await Bed.StartAsync(emulatorType);
        await bed.Provider.ListImagesAsync(new ImageQuery(), null, Bed.Call());
        var first = await bed.Control.GetAsync("calls");
        var listAction = Assert.Single(first.GetArray("calls")).GetString("action");

        await bed.Control.PostAsync("faults", $$"""{"faults":[{"kind":"Throttle"},{"kind":"ServiceUnavailable","action":"{{listAction}}","count":2}]}""");
        var throttled = await Assert.ThrowsAsync<CloudApiException>(() => bed.Provider.ListImagesAsync(new ImageQuery(), null, Bed.Call()));
        Assert.Equal(ErrorKind.Throttled, throttled.Error.Kind);
        for (var i = 0; i < 2; i++)
        {
            var unavailable = await Assert.ThrowsAsync<CloudApiException>(() => bed.Provider.ListImagesAsync(new ImageQuery(), null, Bed.Call()));
            Assert.Equal(503, unavailable.Error.HttpStatus);
        }
        await bed.Provider.ListImagesAsync(new ImageQuery(), null, Bed.Call());

        var later = await bed.Control.GetAsync($"calls?since={first.GetInt64("next")}");
        var calls = later.GetArray("calls");
        Assert.Equal(new[] { "Throttle", "ServiceUnavailable", "ServiceUnavailable", null }, calls.Select(c => c.GetString("fault")));
        Assert.Equal(new long?[] { 2, 3, 4, 5 }, calls.Select(c => c.GetInt64("seq")));
        Assert.Equal(503, calls[1].GetInt64("status"));
        Assert.All(calls, c => Assert.Equal(listAction, c.GetString("action")));
        Assert.Equal(5, later.GetInt64("next"));
        Assert.Empty((await bed.Control.GetAsync("calls?since=5")).GetArray("calls"));
    }

    [Theory]
    [MemberData(nameof(EmulatorTypes))]
    public async Task Latency_is_added_to_every_API_call_and_reset_forgets_everything(string emulatorType)
    {
        await using var bed = await Bed.StartAsync(emulatorType);
        var settings = await bed.Control.PostAsync("settings", """{"latencyMs":300}""");
        Assert.Equal(300, settings.GetInt64("latencyMs"));
        var clock = Stopwatch.StartNew();
        await bed.Provider.ListImagesAsync(new ImageQuery(), null, Bed.Call());
        Assert.True(clock.ElapsedMilliseconds >= 290, $"the call took {clock.ElapsedMilliseconds} ms");

        var seeded = (await bed.Control.PostAsync("images", """{"images":[{"name":"tmp","count":2}]}""")).GetArray("images");
        var run = new RemovalRun(bed.Provider, DeleteOptions.Default, new CollectingSink(), Fast);
        run.Add(seeded[0].GetString("id"));
        await run.CompleteAsync();
        await bed.Control.PostAsync("faults", """{"faults":[{"kind":"ServerError","count":3}]}""");

        var reset = await bed.Control.PostAsync("reset");

        Assert.Equal(0, reset.GetInt64("images"));
        Assert.Equal(0, reset.GetInt64("latencyMs"));
        Assert.Equal(0, bed.Emulator.PendingFaults);
        Assert.Empty((await bed.Control.GetAsync("calls")).GetArray("calls"));
        Assert.Empty((await bed.Control.GetAsync("deleted")).GetArray("deleted"));
        Assert.Empty((await bed.Control.GetAsync("images")).GetArray("images"));
        await bed.Provider.ListImagesAsync(new ImageQuery(), null, Bed.Call()); // no fault left, key still valid
    }

    [Theory]
    [MemberData(nameof(EmulatorTypes))]
    public async Task The_sample_is_a_realistic_mix_spread_over_months(string emulatorType)
    {
        await using var bed = await Bed.StartAsync(emulatorType);
        var description = await bed.Control.PostAsync("reset?sample=true");
        Assert.InRange(description.GetInt64("images") ?? 0, 12, 20);

        var listing = new CollectingSink();
        await ImageListing.RunAsync(bed.Provider, new ImageQuery(), Array.Empty<string>(), listing, Fast);
        var own = listing.Images;
        Assert.InRange(own.Count, 8, 20);
        // Where the provider reports creation times at all (Zenlayer keeps none), they spread over more than a year.
        var created = own.Where(i => i.CreatedAt is not null).Select(i => i.CreatedAt!.Value).ToList();
        Assert.True(created.Count == 0 || created.Count == own.Count, "creation times for some images only");
        if (created.Count > 0) Assert.True((created.Max() - created.Min()).TotalDays > 365, "creation dates spread over more than a year");
        Assert.All(created, c => Assert.True(c <= DateTimeOffset.UtcNow));
        Assert.Contains(own, i => i.Name!.StartsWith("ci-build-", StringComparison.Ordinal));
        Assert.Contains(own, i => i.Name!.StartsWith("golden-base-", StringComparison.Ordinal));
        Assert.Contains(own, i => i.Tags.Count > 0);

        var verdicts = new CollectingSink();
        var check = new DeletabilityRun(bed.Provider, DeleteOptions.Default, verdicts, Fast);
        foreach (var image in own) check.Add(image.ImageId, image);
        await check.CompleteAsync();
        Assert.Contains(verdicts.Verdicts, v => v.IsDeletable);
        Assert.Contains(verdicts.Verdicts, v => !v.IsDeletable);
        Assert.Empty(bed.Emulator.DeletedImageIds);
    }

    [Theory]
    [MemberData(nameof(EmulatorTypes))]
    public async Task Bad_control_requests_are_answered_with_what_is_wrong_and_change_nothing(string emulatorType)
    {
        await using var bed = await Bed.StartAsync(emulatorType);

        var (status, body) = await bed.Control.SendAsync(HttpMethod.Post, "images",
            """{"images":[{"name":"fine"},{"name":"odd","condition":"haunted"}]}""");
        Assert.Equal(400, status);
        Assert.Contains("haunted", body.GetString("error"));
        Assert.Empty((await bed.Control.GetAsync("images")).GetArray("images"));

        (status, body) = await bed.Control.SendAsync(HttpMethod.Post, "faults", """{"faults":[{"kind":"Gremlins"}]}""");
        Assert.Equal(400, status);
        Assert.Contains("Throttle", body.GetString("error"));
        (status, _) = await bed.Control.SendAsync(HttpMethod.Post, "settings", """{"warpFactor":9}""");
        Assert.Equal(400, status);
        (status, _) = await bed.Control.SendAsync(HttpMethod.Get, "nothing-here");
        Assert.Equal(404, status);
        Assert.Equal(0, bed.Emulator.PendingFaults);
    }

    /// <summary>
    /// A started emulator of one discovered type, its control client, and the module's provider connected
    /// with nothing but what GET /_emulator tells (as a script would).
    /// </summary>
    private sealed class Bed : IAsyncDisposable
    {
        private readonly HttpTransport _transport = new(new SocketsHttpHandler { UseCookies = false }, TimeSpan.FromSeconds(30));

        private Bed(EmulatorServer emulator) => Emulator = emulator;

        public EmulatorServer Emulator { get; }
        public EmulatorControlClient Control { get; private set; } = null!;
        public IImageSession Provider { get; private set; } = null!;

        public static CallContext Call() => new(default, NullApiLog.Instance);

        public static async Task<Bed> StartAsync(string emulatorType)
        {
            var bed = new Bed(EmulatorCatalog.Create(EmulatorCatalog.Types.Single(t => t.Name == emulatorType)));
            await bed.Emulator.StartAsync();
            bed.Control = new EmulatorControlClient(bed.Emulator.BaseUri);
            var description = await bed.Control.GetAsync();
            // The environment the description names (OpenStack: OS_AUTH_URL, ...) and no -Endpoint where it says so.
            var environment = description["environment"]!.Properties.ToDictionary(v => v.Key, v => v.Value.AsString() ?? "");
            bed.Provider = ProviderRegistry.Find(description.GetString("provider")).Connect(new ConnectionRequest
            {
                Region = description.GetString("defaultRegion"),
                Endpoint = description.GetBool("endpointParameter") == false ? null : new Uri(description.GetString("endpoint")!),
                Credential = new AccessKeyCredential(description.GetString("accessKeyId")!, new Secret(description.GetString("secret")!)),
                Environment = new FixedEnvironment(environment),
                Transport = bed._transport,
            });
            return bed;
        }

        public async ValueTask DisposeAsync()
        {
            Control?.Dispose();
            await Emulator.DisposeAsync();
        }
    }
}

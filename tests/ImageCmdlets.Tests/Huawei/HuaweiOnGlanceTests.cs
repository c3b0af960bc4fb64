using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Providers.Huawei;
using ImageCmdlets.Tests.OpenStack;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Huawei;

/// <summary>
/// Huawei's OpenStack-native delete (DELETE /v2/images/{id} with an IAM token) pointed at the real Glance CI runs:
/// a token from its Keystone given as HUAWEICLOUD_IAM_TOKEN, -Endpoint the Glance URL. It deletes there, and its
/// 204/403/404 answers become the same outcomes as the OpenStack provider's: the OpenStack-native shape is proved
/// against a real server, not only against the emulator written from the documentation.
/// </summary>
public sealed class HuaweiOnGlanceTests : IAsyncLifetime
{
    private GlanceSeeder _demo = null!;
    private GlanceSeeder _admin = null!;
    private readonly List<string> _created = new();
    private readonly string _prefix = "huawei-" + Guid.NewGuid().ToString("N")[..6] + "-";

    public async Task InitializeAsync()
    {
        if (GlanceServer.Variables is null && !GlanceServer.IsCi) return; // skipped tests
        _demo = await GlanceSeeder.LoginAsync(demo: true);
        _admin = await GlanceSeeder.LoginAsync();
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null) await _admin.CleanUpAsync(_created);
    }

    private async Task<string> Create(GlanceSeeder owner, string name, string visibility = "private", bool isProtected = false)
    {
        var id = await owner.CreateAsync(_prefix + name, visibility, isProtected);
        _created.Add(id);
        return id;
    }

    /// <summary>The Huawei provider as a user with a token would connect it to Glance.</summary>
    private IImageSession Huawei() => ProviderRegistry.Find(HuaweiProvider.ProviderName).Connect(new ConnectionRequest
    {
        // A label only: -Endpoint says where the calls go.
        Region = "cn-north-4",
        Endpoint = new Uri(GlanceServer.Require()["GLANCE_URL"]),
        Environment = new FixedEnvironment(new Dictionary<string, string>
        {
            [HuaweiCredentials.TokenVariable] = _demo.Token,
            [HuaweiCredentials.ProjectIdVariable] = _demo.ProjectId,
        }),
    });

    private static IImageSession OpenStack() =>
        ProviderRegistry.Find("OpenStack").Connect(new ConnectionRequest { Environment = GlanceServer.Environment_(demo: true) });

    [GlanceFact]
    public async Task The_v2_delete_deletes_on_Glance_and_maps_403_and_404_as_the_OpenStack_provider_does()
    {
        var deletable = await Create(_demo, "deletable");
        var refused = new[]
        {
            await Create(_demo, "protected", isProtected: true),
            await Create(_admin, "public", visibility: "public"),
            Guid.NewGuid().ToString(),
        };

        var huawei = await RunHarness.RemoveAsync(Huawei(), DeleteOptions.Default, refused.Prepend(deletable).ToArray());
        var openStack = await RunHarness.RemoveAsync(OpenStack(), DeleteOptions.Default, refused);

        Assert.Equal(RemovalStatus.Deleted, huawei.Sink.RemovalFor(deletable).Status);
        Assert.False(await _demo.ExistsAsync(deletable));
        Assert.Equal(new[] { GlanceErrors.Protected, GlanceErrors.NotOwner, GlanceErrors.NotFound }, refused.Select(id => huawei.Sink.ErrorFor(id).Error.Code));
        Assert.Equal(refused.Select(id => (openStack.Sink.ErrorFor(id).Error.Code, openStack.Sink.ErrorFor(id).Error.Kind)),
            refused.Select(id => (huawei.Sink.ErrorFor(id).Error.Code, huawei.Sink.ErrorFor(id).Error.Kind)));
        Assert.True(await _demo.ExistsAsync(refused[0]));
        Assert.True(await _demo.ExistsAsync(refused[1]));
    }
}

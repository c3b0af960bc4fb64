using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Providers;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Conformance;

/// <summary>
/// A provider's emulator running on loopback, and the module's real provider connected to it the way a
/// user would connect (only what the emulator's description tells: endpoint, key, region, environment).
/// </summary>
public sealed class EmulatorCloud : IAsyncDisposable
{
    private EmulatorCloud(EmulatorServer emulator, HttpTransport? transport)
    {
        Emulator = emulator;
        Transport = transport ?? new HttpTransport(new SocketsHttpHandler { UseCookies = false }, TimeSpan.FromSeconds(30));
    }

    public EmulatorServer Emulator { get; }
    public HttpTransport Transport { get; }
    public ImageProvider Provider => ProviderRegistry.Find(Emulator.Provider);
    public EmulatorKey Key => Emulator.PrimaryKey!;

    public static async Task<EmulatorCloud> StartAsync(EmulatorServer emulator, HttpTransport? transport = null)
    {
        await emulator.StartAsync();
        return new EmulatorCloud(emulator, transport);
    }

    /// <summary>A session with the emulator's key (or that key with another secret: a tampered signature).</summary>
    public IImageSession Connect(string? secret = null) => Provider.Connect(Request(secret: secret));

    /// <summary>What a user connecting to the emulator gives (another region or secret when asked).</summary>
    public ConnectionRequest Request(string? region = null, string? secret = null) =>
        new()
        {
            Region = region ?? Emulator.DefaultRegion,
            Endpoint = Emulator.EndpointIsParameter ? Emulator.BaseUri : null,
            Credential = new AccessKeyCredential(Key.Id, new Secret(secret ?? Key.Secret), Key.Token is null ? null : new Secret(Key.Token)),
            Environment = new FixedEnvironment(Emulator.ClientEnvironment),
            Transport = Transport,
        };

    /// <summary>Adds an image in a condition (named uniquely when a prefix is given).</summary>
    public SeededImage Seed(string name, string condition = ImageCondition.Deletable) =>
        Emulator.SeedImage(new ImageSeed(name, Emulator.DefaultRegion, condition, DateTimeOffset.UtcNow.AddDays(-1), 10,
            new Dictionary<string, string>()));

    public bool Exists(string id) => Emulator.CurrentImages.Any(i => i.Id == id);

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}

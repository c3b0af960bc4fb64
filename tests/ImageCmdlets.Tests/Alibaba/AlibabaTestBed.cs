using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Alibaba;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Alibaba;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Alibaba;

/// <summary>A running ECS emulator with one registered access key, and providers connected to it.</summary>
internal sealed class AlibabaTestBed : EmulatorTestBed<AlibabaEcsEmulator>
{
    public const string KeyId = "LTAI5tEmulatorTestKey001";
    public const string KeySecret = "emulatorAccessKeySecret0001";
    public const string Region = "cn-hangzhou";

    private AlibabaTestBed(AlibabaEcsEmulator emulator, TimeSpan? timeout)
        : base(emulator, ProviderRegistry.Find(AlibabaProvider.ProviderName), Credential, Region, timeout) { }

    public static AccessKeyCredential Credential => new(KeyId, new Secret(KeySecret));

    public static async Task<AlibabaTestBed> StartAsync(TimeSpan? requestTimeout = null)
    {
        var emulator = new AlibabaEcsEmulator(KeyId, KeySecret);
        await emulator.StartAsync();
        return new AlibabaTestBed(emulator, requestTimeout);
    }

    /// <summary>Connects the real provider to the emulator, with a made-up empty environment.</summary>
    public AlibabaSession Connect(AccessKeyCredential? credential = null, string region = Region) =>
        (AlibabaSession)ConnectProvider(credential, region);

    /// <summary>A custom image of this account, available and idle unless the test says otherwise.</summary>
    public static AlibabaImage Image(string id, string? name = null, string status = "Available", DateTimeOffset? created = null,
        IReadOnlyDictionary<string, string>? tags = null) => new()
    {
        ImageId = id,
        Name = name ?? "img-" + id,
        Status = status,
        CreatedAt = created ?? new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Tags = tags ?? new Dictionary<string, string>(),
    };
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Tencent;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Tencent;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Tencent;

/// <summary>A running Tencent emulator with one registered key, and providers connected to it.</summary>
internal sealed class TencentTestBed : EmulatorTestBed<TencentEmulator>
{
    public const string SecretId = "AKIDemulatorTestKey0000000000000001";
    public const string SecretKey = "emulatorSecretKeyValue000000000001";
    public const string Region = "ap-guangzhou";

    private TencentTestBed(TencentEmulator emulator)
        : base(emulator, ProviderRegistry.Find(TencentProvider.ProviderName), Credential, Region) { }

    public static AccessKeyCredential Credential => new(SecretId, new Secret(SecretKey));

    public static async Task<TencentTestBed> StartAsync()
    {
        var emulator = new TencentEmulator(Region, "ap-shanghai");
        emulator.AddKey(SecretId, SecretKey);
        await emulator.StartAsync();
        return new TencentTestBed(emulator);
    }

    /// <summary>Connects the real provider to the emulator, with a made-up empty environment.</summary>
    public IImageSession Connect(string region = Region, AccessKeyCredential? credential = null) =>
        ConnectProvider(credential, region);
}

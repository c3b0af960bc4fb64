using System;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Zenlayer;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Zenlayer;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Zenlayer;

/// <summary>A running Zenlayer emulator with one registered key, and sessions of the real provider connected to it.</summary>
internal sealed class ZenlayerTestBed : EmulatorTestBed<ZenlayerEmulator>
{
    public const string KeyId = "ZLemulatorTest01";
    public const string KeyPassword = "emulatorAccessKeyPassword0001";
    public const string Region = "asia-east-1";

    private ZenlayerTestBed(ZenlayerEmulator emulator, TimeSpan? timeout)
        : base(emulator, ProviderRegistry.Find(ZenlayerProvider.ProviderName), Credential, Region, timeout) { }

    public static AccessKeyCredential Credential => new(KeyId, new Secret(KeyPassword));

    /// <param name="deletionTime">How long an accepted deletion stays DELETING (short, so -Wait tests are quick).</param>
    public static async Task<ZenlayerTestBed> StartAsync(TimeSpan? deletionTime = null, TimeSpan? requestTimeout = null)
    {
        var emulator = new ZenlayerEmulator(KeyId, KeyPassword) { DeletionTime = deletionTime ?? TimeSpan.FromMilliseconds(150) };
        await emulator.StartAsync();
        return new ZenlayerTestBed(emulator, requestTimeout);
    }

    /// <summary>Connects the real provider to the emulator (region asia-east-1 unless given; "" = the whole account).</summary>
    public ZenlayerSession Connect(string? region = Region, AccessKeyCredential? credential = null) =>
        (ZenlayerSession)ConnectProvider(credential, region);
}

using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Volcengine;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Volcengine;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Volcengine;

/// <summary>A running Volcengine emulator with one registered key, and providers connected to it.</summary>
internal sealed class VolcengineTestBed : EmulatorTestBed<VolcengineEmulator>
{
    public const string AccessKeyId = "AKLTZW11bGF0b3JUZXN0S2V5MDAwMDAwMDAwMDE";
    public const string SecretKey = "ZW11bGF0b3JTZWNyZXRLZXlWYWx1ZTAwMDAwMDE=";
    public const string Region = "cn-beijing";

    private VolcengineTestBed(VolcengineEmulator emulator)
        : base(emulator, ProviderRegistry.Find(VolcengineProvider.ProviderName), Credential, Region) { }

    public static AccessKeyCredential Credential => new(AccessKeyId, new Secret(SecretKey));

    public static async Task<VolcengineTestBed> StartAsync()
    {
        var emulator = new VolcengineEmulator(Region, "cn-shanghai");
        emulator.AddKey(AccessKeyId, SecretKey);
        await emulator.StartAsync();
        return new VolcengineTestBed(emulator);
    }

    /// <summary>Connects the real provider to the emulator, with a made-up empty environment.</summary>
    public IImageSession Connect(string region = Region, AccessKeyCredential? credential = null) =>
        ConnectProvider(credential, region);
}

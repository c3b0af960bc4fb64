using System.Collections.Generic;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Huawei;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Huawei;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Huawei;

/// <summary>A running Huawei IMS emulator, and sessions of the real provider connected to it (AK/SK unless told otherwise).</summary>
internal sealed class HuaweiTestBed : EmulatorTestBed<HuaweiEmulator>
{
    private HuaweiTestBed(HuaweiEmulator emulator)
        : base(emulator, ProviderRegistry.Find(HuaweiProvider.ProviderName), AccessKey, HuaweiEmulator.Region) { }

    public static AccessKeyCredential AccessKey => new(HuaweiEmulator.DemoAccessKey, new Secret(HuaweiEmulator.DemoSecretKey));

    /// <summary>The emulator's IAM user, written account\user as -Credential takes it.</summary>
    public static AccessKeyCredential IamUser(string? password = null) =>
        new($"{HuaweiEmulator.Account}\\{HuaweiEmulator.DemoUser}", new Secret(password ?? HuaweiEmulator.DemoPassword));

    public static async Task<HuaweiTestBed> StartAsync()
    {
        var emulator = new HuaweiEmulator();
        await emulator.StartAsync();
        return new HuaweiTestBed(emulator);
    }

    public IImageSession Connect(AccessKeyCredential? credential = null, IReadOnlyDictionary<string, string>? environment = null) =>
        ConnectProvider(credential, null, environment);

    /// <summary>With an IAM token given as is (HUAWEICLOUD_IAM_TOKEN) and no credential at all.</summary>
    public IImageSession ConnectWithToken(string token) => ProviderRegistry.Find(HuaweiProvider.ProviderName).Connect(new ConnectionRequest
    {
        Region = HuaweiEmulator.Region,
        Endpoint = Emulator.BaseUri,
        Environment = new FixedEnvironment(new Dictionary<string, string>
        {
            [HuaweiCredentials.TokenVariable] = token,
            [HuaweiCredentials.ProjectIdVariable] = HuaweiEmulator.ProjectId,
        }),
        Transport = Transport,
    });

    /// <summary>Signed in as the IAM user: a token from the emulator's IAM (which stands in for iam.&lt;region&gt;).</summary>
    public IImageSession ConnectWithIamUser(string? password = null) =>
        Connect(IamUser(password), new Dictionary<string, string> { [HuaweiCredentials.IamEndpointVariable] = Emulator.BaseUri + "v3" });
}

using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Tencent;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Tencent;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Bench;

/// <summary>
/// The whole engine over real HTTP: the Tencent emulator on 127.0.0.1 verifies every TC3 signature and
/// enforces 10 DeleteImages calls per second. ImageCmdlets sends 50 ids per call, so the paced limit costs
/// it 1/50 of what one call per image (a loop over a CLI) costs at the same rate.
/// </summary>
internal static class TencentOverHttp
{
    private const int Images = 3_000;

    public static async Task<Program.Figures> RunAsync()
    {
        await using var emulator = new TencentEmulator("ap-guangzhou");
        emulator.AddKey("AKIDbench0000000000000000000000000001", "benchSecretKey000000000000000000001");
        await emulator.StartAsync();
        var ids = emulator.SeedPrivateImages(Images, "bench");
        var provider = ProviderRegistry.Find(TencentProvider.ProviderName).Connect(new ConnectionRequest
        {
            Region = "ap-guangzhou",
            Endpoint = emulator.BaseUri,
            Credential = new AccessKeyCredential("AKIDbench0000000000000000000000000001", new Secret("benchSecretKey000000000000000000001")),
            Environment = new FixedEnvironment(),
            Transport = new HttpTransport(new SocketsHttpHandler { UseCookies = false }, TimeSpan.FromSeconds(30)),
        });

        return await Program.MeasureAsync(Images, async () =>
        {
            var sink = new Program.CountingSink();
            var run = new RemovalRun(provider, DeleteOptions.Default, sink);
            foreach (var id in ids) run.Add(id);
            await run.CompleteAsync();
            var deleteCalls = emulator.CallsOf("DeleteImages");
            var calls = deleteCalls.Count;
            var resent = calls - deleteCalls.Select(c => c.Body).Distinct().Count();
            Program.Check(sink.Results == Images && sink.Errors == 0 && ids.All(id => !emulator.HasImage(id)),
                $"expected {Images} deletions, got {sink.Results} results and {sink.Errors} errors");
            var loopSeconds = Images / 10.0;
            return $"{calls} DeleteImages calls ({resent} of them resent after RequestLimitExceeded) at <=10/s; one call per image at 10/s would take {loopSeconds:0} s";
        });
    }
}

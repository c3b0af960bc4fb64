using System.Threading.Tasks;

namespace ImageCmdlets.Bench;

/// <summary>Filled in once the Tencent provider and emulator exist.</summary>
internal static class TencentOverHttp
{
    public static Task<Program.Figures> RunAsync() => Task.FromResult(new Program.Figures(1, 1, 0, 0, "not yet"));
}

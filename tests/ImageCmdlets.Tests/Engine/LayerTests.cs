using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImageCmdlets.Tests.Commands;
using Xunit;

namespace ImageCmdlets.Tests.Engine;

/// <summary>
/// The engine's layers point one way: cmdlet cores → operations → providers → transport. Checked in the
/// source, where a wrong reference first appears: a using directive or a qualified name.
/// </summary>
public class LayerTests
{
    private static readonly string Engine = Path.Combine(CmdletMetadataTests.RepoRoot(), "src", "ImageCmdlets.Engine");

    private static (string File, string Text)[] Sources(string folder) =>
        Directory.GetFiles(Path.Combine(Engine, folder), "*.cs", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(Engine, f), File.ReadAllText(f))).ToArray();

    private static string[] Offenders((string File, string Text)[] sources, string pattern) =>
        sources.Where(s => Regex.IsMatch(s.Text, pattern)).Select(s => s.File).ToArray();

    [Theory]
    [InlineData("Operations")]
    [InlineData("Pipeline")]
    public void Operations_and_command_cores_never_reach_into_a_provider(string folder)
    {
        // They know providers only through ImageProvider, IImageSession and the capabilities.
        Assert.Empty(Offenders(Sources(folder), @"ImageCmdlets\.Providers\.\w+"));
    }

    [Fact]
    public void Providers_never_reference_operations_or_command_cores()
    {
        Assert.Empty(Offenders(Sources("Providers"), @"ImageCmdlets\.(Operations|Pipeline)\b"));
    }

    [Fact]
    public void A_provider_reaches_no_other_provider_only_the_shared_Glance_calls()
    {
        var providers = Directory.GetDirectories(Path.Combine(Engine, "Providers")).Select(Path.GetFileName).ToArray();
        foreach (var provider in providers)
        {
            var others = providers.Where(p => p != provider && p != "Glance").ToArray();
            if (others.Length == 0) continue;
            Assert.Empty(Offenders(Sources(Path.Combine("Providers", provider!)), $@"ImageCmdlets\.Providers\.({string.Join("|", others)})\b"));
        }
    }

    [Fact]
    public void Transport_and_credentials_never_reference_providers_or_operations()
    {
        var sources = Sources("Transport").Concat(Sources("Credentials")).Concat(Sources("Json")).ToArray();
        Assert.Empty(Offenders(sources, @"ImageCmdlets\.(Providers|Operations|Pipeline)\b"));
    }
}

using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImageCmdlets.Providers;
using Xunit;

namespace ImageCmdlets.Tests.Commands;

/// <summary>
/// Every place that names the providers for a person (manifest, help, README) names every provider the
/// registry has, so a provider added without them fails the build instead of going unannounced.
/// </summary>
public class ProviderListsTests
{
    public static TheoryData<string> Providers() => new(ProviderRegistry.Names);

    private static string Read(params string[] path) => File.ReadAllText(Path.Combine(new[] { CmdletMetadataTests.RepoRoot() }.Concat(path).ToArray()));

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_manifest_describes_and_tags_every_provider(string provider)
    {
        var manifest = Read("ImageCmdlets.psd1");
        Assert.Matches(new Regex(@"Description\s*=\s*'[^']*\b" + provider + @"\b"), manifest);
        Assert.Matches(new Regex(@"Tags\s*=\s*@\([^)]*'" + provider + "'"), manifest);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_README_lists_every_provider(string provider)
    {
        var line = Read("README.md").Split('\n').Single(l => l.StartsWith("Providers:", System.StringComparison.Ordinal));
        Assert.Contains($"**{provider}**", line);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Help_for_every_Provider_parameter_names_every_provider(string provider)
    {
        var help = Read("src", "ImageCmdlets", "en-US", "ImageCmdlets.dll-Help.xml");
        var providerParameters = Regex.Matches(help, @"<maml:name>Provider</maml:name><maml:description><maml:para>([^<]*)</maml:para>");
        Assert.NotEmpty(providerParameters);
        Assert.All(providerParameters, m => Assert.Contains(provider, m.Groups[1].Value));
    }
}

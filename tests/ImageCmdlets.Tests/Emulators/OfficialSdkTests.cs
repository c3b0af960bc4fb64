using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Tests.Commands;
using Xunit;

namespace ImageCmdlets.Tests.Emulators;

/// <summary>
/// The clouds' official Node SDKs (tools/sdk-check, installed by build.ps1 with npm) list and delete an
/// image on each emulator: an emulator that the official client cannot talk to is wrong, and so would
/// be a module that agrees with it.
/// </summary>
public class OfficialSdkTests
{
    private static readonly string Folder = Path.Combine(CmdletMetadataTests.RepoRoot(), "tools", "sdk-check");

    /// <summary>Providers without an official Node SDK, and what proves their emulator instead.</summary>
    private static readonly IReadOnlyDictionary<string, string> ProvedOtherwise = new Dictionary<string, string>
    {
        ["OpenStack"] = "the same scenarios run against a real Glance + Keystone (OpenStackEmulatorTests)",
        ["Zenlayer"] = "no official Node SDK is published; the signer is proved against the documentation's worked example",
    };

    public static TheoryData<string> Emulated() => new(EmulatorCatalog.Types.Select(t => EmulatorCatalog.Create(t).Provider));

    private static string ScriptOf(string provider) => Path.Combine(Folder, provider.ToLowerInvariant() + ".mjs");

    [Theory]
    [MemberData(nameof(Emulated))]
    public void Every_emulator_is_checked_by_its_official_SDK_or_says_what_proves_it_instead(string provider)
    {
        Assert.True(File.Exists(ScriptOf(provider)) || ProvedOtherwise.ContainsKey(provider),
            $"{provider} has no tools/sdk-check/{provider.ToLowerInvariant()}.mjs and no reason why not.");
    }

    [SdkCheckTheory]
    [MemberData(nameof(Emulated))]
    public async Task The_official_SDK_lists_dry_runs_and_deletes_an_image_on_the_emulator(string provider)
    {
        if (!File.Exists(ScriptOf(provider))) return; // proved otherwise (see the test above)
        await using var emulator = EmulatorCatalog.Create(EmulatorCatalog.Types.Single(t => EmulatorCatalog.Create(t).Provider == provider));
        await emulator.StartAsync();
        var image = emulator.SeedImage(new ImageSeed("sdk-check", emulator.DefaultRegion, ImageCondition.Deletable, DateTimeOffset.UtcNow, 20, new Dictionary<string, string>()));

        var start = new ProcessStartInfo("node", ScriptOf(provider)) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Folder };
        start.Environment["EMULATOR_PORT"] = emulator.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["EMULATOR_KEY"] = emulator.PrimaryKey!.Id;
        start.Environment["EMULATOR_SECRET"] = emulator.PrimaryKey.Secret;
        start.Environment["EMULATOR_REGION"] = emulator.DefaultRegion;
        start.Environment["IMAGE_ID"] = image.Id;
        // What the emulator says a client needs besides (Huawei: HUAWEICLOUD_SDK_PROJECT_ID).
        foreach (var variable in emulator.ClientEnvironment) start.Environment[variable.Key] = variable.Value;
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(node.ExitCode == 0, $"the official {provider} SDK failed against the emulator:\n{await errors}\n{await output}");
        Assert.Equal(new[] { image.Id }, emulator.DeletedImageIds);
    }
}

/// <summary>
/// Runs when the SDKs are installed (tools/sdk-check/node_modules; build.ps1 installs them). Under CI
/// they must be: the theory then fails instead of skipping.
/// </summary>
public sealed class SdkCheckTheoryAttribute : TheoryAttribute
{
    public SdkCheckTheoryAttribute()
    {
        var installed = Directory.Exists(Path.Combine(CmdletMetadataTests.RepoRoot(), "tools", "sdk-check", "node_modules"));
        if (!installed && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Skip = "The official SDKs are not installed: npm ci --prefix tools/sdk-check (build.ps1 does it).";
    }
}

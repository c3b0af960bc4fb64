using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.InMemory;
using ImageCmdlets.Operations;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Operations;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Commands;

/// <summary>What a user reads besides the output objects: the run summary, exported text, completion lists.</summary>
public class UserFacingOutputTests
{
    private readonly InMemoryCloud _cloud = new();
    private readonly RecordingHost _host = new();

    public UserFacingOutputTests() => _cloud.AddMany(3);

    private void Remove(bool whatIf, params string[] ids)
    {
        _host.WhatIfMode = whatIf;
        var core = new RemoveCloudImageCore(_host, new ConnectionOptions { FindProvider = _ => _cloud }, DeleteOptions.Default,
            new ConfirmationSettings { WhatIf = whatIf, Force = true }, RemovalRunTests.Fast);
        core.Begin();
        foreach (var id in ids) core.Process(new ImageInput { ImageId = id, Provider = "Fake" });
        core.Complete();
    }

    [Theory]
    [InlineData(false, "2 deleted, 1 failed")]
    [InlineData(true, "2 would delete, 1 failed")]
    public void A_run_ends_with_one_summary_line_on_the_information_stream_and_none_in_the_output(bool whatIf, string expected)
    {
        Remove(whatIf, "img-0000", "img-0001", "img-0404");

        var line = Assert.Single(_host.Information);
        Assert.Equal((expected, ImageInputCore.SummaryTag), line);
        Assert.Equal(2, _host.Output.Count);
        Assert.All(_host.Output, o => Assert.IsType<CloudImageRemoval>(o));
    }

    [Fact]
    public void The_summary_names_each_outcome_that_occurred_and_always_the_failures()
    {
        Remove(false, "img-0000", "img-0000");
        Assert.Equal("1 deleted, 1 duplicate, 0 failed", Assert.Single(_host.Information).Message);
    }

    [Fact]
    public void Collections_read_as_pairs_when_exported_and_statuses_as_words()
    {
        var image = new CloudImage
        {
            Tags = new[] { "env=prod", "team=ci" },
            Properties = new Dictionary<string, string> { ["osType"] = "linux", ["minDiskSize"] = "20" },
        };
        Assert.Equal("env=prod;team=ci", image.Tags.ToString());
        Assert.Equal("minDiskSize=20;osType=linux", image.Properties.ToString());

        var verdict = new CloudImageDeletability
        {
            Reasons = new[] { new DeletabilityReason("ImageInUse", "used by 2 instances", DeletabilityCheck.DryRun, ErrorKind.InUse) },
            CheckedBy = DeletabilityCheck.DryRun,
        };
        Assert.Equal("ImageInUse: used by 2 instances", verdict.Reasons.ToString());
        Assert.Equal(("InUse", "DryRun"), (verdict.Reasons[0].Kind, verdict.Reasons[0].Source));
    }

    [Fact]
    public void Profile_names_come_from_every_providers_files_and_a_broken_file_lists_none()
    {
        var home = Directory.CreateTempSubdirectory("profiles-").FullName;
        try
        {
            foreach (var (folder, file) in new[] { (".aliyun", "config.json"), (".volcengine", "config.json"), (".zenlayer", "credentials.json") })
            {
                Directory.CreateDirectory(Path.Combine(home, folder));
                File.WriteAllText(Path.Combine(home, folder, file), "{ not json");
            }
            var environment = new FixedEnvironment(homeDirectory: home);
            Assert.All(ProviderRegistry.All, p => Assert.Empty(p.ProfileNames(environment)));

            Directory.CreateDirectory(Path.Combine(home, ".tccli"));
            File.WriteAllText(Path.Combine(home, ".tccli", "prod.credential"), "{}");
            File.WriteAllText(Path.Combine(home, ".tccli", "prod.configure"), "{}");
            Directory.CreateDirectory(Path.Combine(home, ".tencentcloud"));
            File.WriteAllText(Path.Combine(home, ".tencentcloud", "credentials"), "[default]\nsecret_id = x\n[staging]\n");
            Assert.Equal(new[] { "default", "prod", "staging" }, ProviderRegistry.Find("Tencent").ProfileNames(environment));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public void Completion_keeps_the_newest_listed_ids_of_each_region_and_never_more()
    {
        var provider = "Cap" + Guid.NewGuid().ToString("N").Substring(0, 8);
        for (var i = 0; i < ListedImages.MaxPerRegion + 5; i++)
            ListedImages.Remember(new CloudImage { Provider = provider, Region = "r1", ImageId = $"img-{i:0000}" });
        ListedImages.Remember(new CloudImage { Provider = provider, Region = "r1", ImageId = "img-0010", Name = "again" });

        var ids = ListedImages.Find(provider, "R1");
        Assert.Equal(ListedImages.MaxPerRegion, ids.Count);
        Assert.Equal(("img-0010", (string?)"again"), ids[0]);
        Assert.DoesNotContain(ids, i => i.ImageId == "img-0004");
        Assert.Contains(ids, i => i.ImageId == "img-0005");
        Assert.Empty(ListedImages.Find(provider, "r2"));
    }
}

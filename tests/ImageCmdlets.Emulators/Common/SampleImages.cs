using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ImageCmdlets.Emulators.Common;

/// <summary>
/// The images a person sees first in a fresh emulator: a team's real mix of CI builds, nightlies,
/// golden bases and leftovers, created over the last ~18 months, some deletable and some not for each
/// reason the provider models. One list for every provider, so they all tell the same story; rows whose
/// condition a provider does not model are left out.
/// </summary>
public static class SampleImages
{
    private sealed record Row(string Name, string Condition, double AgeDays, int SizeGiB, string Tags, bool SecondRegion = false);

    /// <summary>{date} and {year} in a name are the creation date (yyyyMMdd) and year. Tags: key=value pairs, comma-separated.</summary>
    private static readonly Row[] Rows =
    {
        new("ci-build-{year}-0117", ImageCondition.Deletable, 530, 40, "team=ci,pipeline=build"),
        new("ci-build-{year}-0342", ImageCondition.Deletable, 455, 40, "team=ci,pipeline=build"),
        new("ci-build-{year}-0051", ImageCondition.Deletable, 300, 40, "team=ci,pipeline=build"),
        new("ci-build-{year}-0188", ImageCondition.Deletable, 160, 50, "team=ci,pipeline=build"),
        new("ci-build-{year}-0263", ImageCondition.InUse, 40, 50, "team=ci,pipeline=build"),
        new("ci-build-{year}-0270", ImageCondition.Deletable, 25, 50, "team=ci,pipeline=build", SecondRegion: true),
        new("nightly-ubuntu-22.04-{date}", ImageCondition.Deletable, 96, 20, "team=platform,schedule=nightly"),
        new("nightly-ubuntu-22.04-{date}", ImageCondition.Deletable, 12, 20, "team=platform,schedule=nightly"),
        new("nightly-ubuntu-24.04-{date}", ImageCondition.Busy, 0.05, 20, "team=platform,schedule=nightly"),
        new("golden-base-ubuntu-22.04-v6", ImageCondition.Protected, 380, 40, "team=platform,tier=golden"),
        new("golden-base-ubuntu-22.04-v7", ImageCondition.InUse, 240, 40, "team=platform,tier=golden"),
        new("golden-base-ubuntu-22.04-v7", ImageCondition.InUse, 239, 40, "team=platform,tier=golden", SecondRegion: true),
        new("golden-base-rocky-9-v3", ImageCondition.SharedToOthers, 150, 40, "team=platform,tier=golden"),
        new("golden-base-windows-2022-v2", ImageCondition.SharedToOthers, 205, 60, "team=platform,tier=golden,os=windows"),
        new("tmp-debug-alice", ImageCondition.Deletable, 3, 50, "owner=alice,temp=true"),
        new("tmp-repro-issue-4211", ImageCondition.Deletable, 33, 40, "owner=bob,temp=true"),
        new("vendor-hardened-ubuntu-22.04", ImageCondition.SharedToMe, 330, 40, "vendor=acme-security"),
        new("partner-gpu-driver-base-535", ImageCondition.SharedToMe, 62, 80, "vendor=gpu-partner"),
        new("ubuntu-server-24.04-lts", ImageCondition.Public, 410, 20, ""),
    };

    /// <summary>The sample for this emulator's conditions and regions, dated relative to <paramref name="now"/>.</summary>
    public static IEnumerable<ImageSeed> For(EmulatorServer emulator, DateTimeOffset now)
    {
        var secondRegion = emulator.RegionNames.Count > 1 ? emulator.RegionNames[1] : emulator.DefaultRegion;
        foreach (var row in Rows.Where(r => emulator.Conditions.ContainsKey(r.Condition)))
        {
            var createdAt = now.AddDays(-row.AgeDays);
            var name = row.Name
                .Replace("{date}", createdAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{year}", createdAt.ToString("yyyy", CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var tags = row.Tags.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(t => t.Split('=', 2))
                .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
            yield return new ImageSeed(name, row.SecondRegion ? secondRegion : emulator.DefaultRegion, row.Condition, createdAt, row.SizeGiB, tags);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageCmdlets.Providers;

/// <summary>Every provider the module knows. Adding a provider = its folder + one line here.</summary>
public static class ProviderRegistry
{
    public static IReadOnlyList<ImageProvider> All { get; } = new ImageProvider[]
    {
        new OpenStack.OpenStackProvider(),
        new Alibaba.AlibabaProvider(),
        new Tencent.TencentProvider(),
        new Volcengine.VolcengineProvider(),
        new Zenlayer.ZenlayerProvider(),
        new Huawei.HuaweiProvider(),
    };

    public static IEnumerable<string> Names => All.Select(p => p.Name);

    /// <summary>The provider of that name (case-insensitive), or a clear error listing the known ones.</summary>
    public static ImageProvider Find(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ImageCmdletsConfigurationException("MissingProvider",
                $"No provider given. Use -Provider with one of: {string.Join(", ", Names)}.", ErrorKind.InvalidArgument);
        // Asked once per piped image: a plain loop, no closure.
        var wanted = name!.Trim();
        foreach (var provider in All)
            if (string.Equals(provider.Name, wanted, StringComparison.OrdinalIgnoreCase)) return provider;
        throw new ImageCmdletsConfigurationException("UnknownProvider",
            $"Unknown provider '{name}'. Known providers: {string.Join(", ", Names)}.", ErrorKind.InvalidArgument);
    }
}

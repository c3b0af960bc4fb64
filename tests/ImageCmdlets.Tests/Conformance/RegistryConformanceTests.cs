using System;
using System.Linq;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Providers;
using Xunit;

namespace ImageCmdlets.Tests.Conformance;

/// <summary>No registered provider escapes the conformance suite, and none is registered without an emulator.</summary>
public class RegistryConformanceTests
{
    public static TheoryData<string> Providers() => new(ProviderRegistry.Names);

    [Theory]
    [MemberData(nameof(Providers))]
    public void Every_registered_provider_runs_the_conformance_suite(string provider)
    {
        var covered = typeof(RegistryConformanceTests).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(ProviderConformance<>))
            .Select(t => ((EmulatorServer)Activator.CreateInstance(t.BaseType!.GetGenericArguments()[0])!).Provider);
        Assert.Contains(provider, covered);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Every_registered_provider_has_an_emulator_in_the_host(string provider)
    {
        Assert.Contains(provider, EmulatorCatalog.Types.Select(t => EmulatorCatalog.Create(t).Provider));
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageCmdlets.Emulators.Common;

/// <summary>
/// Every emulator in this assembly, found by reflection: each non-abstract <see cref="EmulatorServer"/>
/// subclass, made with its public parameterless constructor (the ready-to-use demo account). Adding a
/// provider's emulator class is all it takes for the host and the control-API tests to run it.
/// </summary>
public static class EmulatorCatalog
{
    public static IReadOnlyList<Type> Types { get; } = Discover();

    /// <summary>A fresh, not yet started emulator of that type.</summary>
    public static EmulatorServer Create(Type type) => (EmulatorServer)Activator.CreateInstance(type)!;

    /// <summary>One fresh emulator of every type, in the order of their provider names (the host's port order).</summary>
    public static IReadOnlyList<EmulatorServer> CreateAll() =>
        Types.Select(Create).OrderBy(e => e.Provider, StringComparer.Ordinal).ToList();

    private static IReadOnlyList<Type> Discover()
    {
        var types = typeof(EmulatorServer).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(EmulatorServer)) && !t.IsAbstract)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        // Fail loudly rather than leave an emulator out of the host without a word.
        var unusable = types.Where(t => t.GetConstructor(Type.EmptyTypes) is null).Select(t => t.Name).ToList();
        if (unusable.Count > 0)
            throw new InvalidOperationException(
                $"Emulators need a public parameterless constructor (their demo account): {string.Join(", ", unusable)}.");
        return types;
    }
}

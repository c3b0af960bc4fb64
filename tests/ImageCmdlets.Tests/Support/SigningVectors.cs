using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageCmdlets.Json;

namespace ImageCmdlets.Tests.Support;

/// <summary>
/// The official signing examples (shared/test-vectors, copied to the test output as TestVectors/), read the
/// same way by every provider's signer tests.
/// </summary>
internal static class SigningVectors
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "TestVectors");

    /// <summary>The vector files whose names start with <paramref name="prefix"/>, in name order, as xunit member data.</summary>
    public static IEnumerable<object[]> Named(string prefix) =>
        Directory.GetFiles(Folder, prefix + "*.json").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new object[] { Path.GetFileName(f) });

    public static JsonValue Read(string file) => JsonValue.Parse(File.ReadAllText(Path.Combine(Folder, file)));
}

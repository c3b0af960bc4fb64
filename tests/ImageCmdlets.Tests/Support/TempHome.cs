using System;
using System.Collections.Generic;
using System.IO;
using ImageCmdlets.Credentials;

namespace ImageCmdlets.Tests.Support;

/// <summary>
/// A made-up home folder for credential tests: the providers' CLI files are written into it, and the
/// environment a provider resolves from is fixed (nothing of the machine running the tests leaks in).
/// </summary>
public sealed class TempHome : IDisposable
{
    public TempHome() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imagecmdlets-home-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes a file under the home folder (folders made as needed); returns its full path.</summary>
    public string Write(string relativePath, string text)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    /// <summary>An environment with these variables and this home folder, nothing else.</summary>
    public FixedEnvironment Environment(IReadOnlyDictionary<string, string>? variables = null) =>
        new(variables ?? new Dictionary<string, string>(), Path);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

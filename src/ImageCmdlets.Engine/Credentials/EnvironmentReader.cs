using System;
using System.Collections.Generic;
using System.IO;

namespace ImageCmdlets.Credentials;

/// <summary>
/// Where credential and region settings are read from: environment variables and the user's home
/// folder. An interface so tests can give each provider a made-up environment and home.
/// </summary>
public interface IEnvironmentReader
{
    string? GetVariable(string name);
    /// <summary>The user's home folder (for ~/.tccli, ~/.aliyun and the like).</summary>
    string HomeDirectory { get; }
}

public sealed class ProcessEnvironment : IEnvironmentReader
{
    public static readonly ProcessEnvironment Instance = new();

    public string? GetVariable(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    public string HomeDirectory =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}

/// <summary>A fixed environment, for tests and for callers that must not read the process environment.</summary>
public sealed class FixedEnvironment : IEnvironmentReader
{
    private readonly IReadOnlyDictionary<string, string> _variables;

    public FixedEnvironment(IReadOnlyDictionary<string, string>? variables = null, string? homeDirectory = null)
    {
        _variables = variables ?? new Dictionary<string, string>();
        HomeDirectory = homeDirectory ?? Path.Combine(Path.GetTempPath(), "imagecmdlets-empty-home");
    }

    public string? GetVariable(string name) =>
        _variables.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;

    public string HomeDirectory { get; }
}

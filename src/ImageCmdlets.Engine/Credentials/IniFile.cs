using System;
using System.Collections.Generic;
using System.IO;

namespace ImageCmdlets.Credentials;

/// <summary>
/// The INI dialect of cloud CLI credential files (~/.tencentcloud/credentials,
/// ~/.alibabacloud/credentials): [section] headers, key = value lines, '#' and ';' comments.
/// Section and key names are case-sensitive, values trimmed (and unquoted when quoted).
/// </summary>
public sealed class IniFile
{
    private readonly Dictionary<string, Dictionary<string, string>> _sections;

    private IniFile(Dictionary<string, Dictionary<string, string>> sections) => _sections = sections;

    public static IniFile Parse(string text)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[' && line[line.Length - 1] == ']')
            {
                var name = line.Substring(1, line.Length - 2).Trim();
                if (!sections.TryGetValue(name, out current))
                {
                    current = new Dictionary<string, string>(StringComparer.Ordinal);
                    sections[name] = current;
                }
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0 || current is null) continue;
            var value = line.Substring(eq + 1).Trim();
            if (value.Length >= 2 && value[0] == value[value.Length - 1] && value[0] is '"' or '\'')
                value = value.Substring(1, value.Length - 2);
            current[line.Substring(0, eq).Trim()] = value;
        }
        return new IniFile(sections);
    }

    /// <summary>Reads a file; null when it does not exist.</summary>
    public static IniFile? Load(string path) => File.Exists(path) ? Parse(File.ReadAllText(path)) : null;

    public IEnumerable<string> SectionNames => _sections.Keys;

    public IReadOnlyDictionary<string, string>? Section(string name) =>
        _sections.TryGetValue(name, out var s) ? s : null;

    public string? Get(string section, string key) =>
        _sections.TryGetValue(section, out var s) && s.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
}

using System;
using System.Text;
using System.Text.RegularExpressions;

namespace ImageCmdlets;

/// <summary>
/// PowerShell's wildcard syntax (*, ?, [abc], [a-z], backtick escapes), case-insensitive, without a
/// dependency on System.Management.Automation (the engine must not load it).
/// </summary>
public sealed class WildcardPattern
{
    private readonly Regex _regex;

    public WildcardPattern(string pattern)
    {
        Pattern = pattern ?? throw new ArgumentNullException(nameof(pattern));
        _regex = new Regex(ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public string Pattern { get; }

    public bool IsMatch(string? text) => text is not null && _regex.IsMatch(text);

    /// <summary>True when the pattern has wildcard characters (so a server-side exact filter cannot express it).</summary>
    public static bool ContainsWildcard(string pattern) => pattern.IndexOfAny(WildcardCharacters) >= 0;

    private static readonly char[] WildcardCharacters = { '*', '?', '[', ']', '`' };

    /// <summary>The literal text of a pattern with no wildcard characters.</summary>
    public static string? LiteralOf(string pattern) => ContainsWildcard(pattern) ? null : pattern;

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '`' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0) throw new ArgumentException($"The wildcard pattern '{pattern}' has a '[' without a closing ']'.", nameof(pattern));
                    var set = pattern.Substring(i + 1, close - i - 1);
                    if (set.Length == 0) throw new ArgumentException($"The wildcard pattern '{pattern}' has an empty '[]'.", nameof(pattern));
                    sb.Append('[');
                    foreach (var ch in set) sb.Append(ch is '\\' or '^' or ']' ? "\\" + ch : ch.ToString());
                    sb.Append(']');
                    i = close;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.Append('$').ToString();
    }
}

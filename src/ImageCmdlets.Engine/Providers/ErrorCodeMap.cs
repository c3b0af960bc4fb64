using System;
using System.Collections.Generic;

namespace ImageCmdlets.Providers;

/// <summary>
/// A provider's table of documented error codes → <see cref="ErrorKind"/>. Exact codes first, then
/// the longest matching prefix (for families such as "RequestLimitExceeded.*"), else Unknown.
/// </summary>
public sealed class ErrorCodeMap
{
    private readonly Dictionary<string, ErrorKind> _exact = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, ErrorKind>> _prefixes = new();

    /// <summary>Adds a code; a code ending in '*' is a prefix.</summary>
    public ErrorCodeMap Add(string code, ErrorKind kind)
    {
        if (code.EndsWith("*", StringComparison.Ordinal))
        {
            _prefixes.Add(new KeyValuePair<string, ErrorKind>(code.Substring(0, code.Length - 1), kind));
            _prefixes.Sort((a, b) => b.Key.Length.CompareTo(a.Key.Length));
        }
        else _exact[code] = kind;
        return this;
    }

    public ErrorKind KindOf(string? code)
    {
        if (string.IsNullOrEmpty(code)) return ErrorKind.Unknown;
        if (_exact.TryGetValue(code!, out var kind)) return kind;
        foreach (var p in _prefixes)
            if (code!.StartsWith(p.Key, StringComparison.Ordinal)) return p.Value;
        return ErrorKind.Unknown;
    }

    /// <summary>A kind from the HTTP status alone, for answers that carry no code.</summary>
    public static ErrorKind KindOfStatus(int status) => status switch
    {
        400 => ErrorKind.InvalidArgument,
        401 => ErrorKind.Authentication,
        403 => ErrorKind.PermissionDenied,
        404 => ErrorKind.NotFound,
        409 => ErrorKind.InUse,
        429 => ErrorKind.Throttled,
        >= 500 => ErrorKind.ServerError,
        _ => ErrorKind.Unknown,
    };
}

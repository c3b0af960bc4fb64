using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;

namespace ImageCmdlets;

/// <summary>
/// A read-only list whose text is its items joined, so Export-Csv (which writes each property's ToString)
/// writes "env=prod;team=ci" rather than the list's type name. ConvertTo-Json still writes an array.
/// </summary>
public sealed class TextList<T> : ReadOnlyCollection<T>
{
    private readonly string _separator;

    public TextList(IEnumerable<T>? items, string separator)
        : base(items?.ToList() ?? new List<T>()) => _separator = separator;

    /// <summary>An empty list; read-only, so one per separator is shared by every object that has no items.</summary>
    internal static TextList<T> Empty(string separator) => separator switch
    {
        ";" => EmptySemicolon,
        "; " => EmptySemicolonSpace,
        _ => new(null, separator),
    };

    private static readonly TextList<T> EmptySemicolon = new(null, ";");
    private static readonly TextList<T> EmptySemicolonSpace = new(null, "; ");

    public override string ToString() => string.Join(_separator, this.Select(i => i?.ToString()));
}

/// <summary>
/// A read-only text dictionary whose text is "key=value;key=value" (keys sorted), for the same reason as
/// <see cref="TextList{T}"/>. ConvertTo-Json still writes an object.
/// </summary>
public sealed class TextMap : ReadOnlyDictionary<string, string>
{
    public TextMap(IEnumerable<KeyValuePair<string, string>>? items)
        : base(Copy(items)) { }

    /// <summary>No entries; read-only, so shared by every object that has none.</summary>
    internal static TextMap Empty { get; } = new(null);

    /// <summary>A copy (the caller keeps its own dictionary), sized at once: one is made for every image listed.</summary>
    private static Dictionary<string, string> Copy(IEnumerable<KeyValuePair<string, string>>? items)
    {
        var copy = items is IReadOnlyCollection<KeyValuePair<string, string>> sized
            ? new Dictionary<string, string>(sized.Count, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items ?? Array.Empty<KeyValuePair<string, string>>()) copy.Add(item.Key, item.Value);
        return copy;
    }

    public override string ToString() =>
        string.Join(";", this.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
}

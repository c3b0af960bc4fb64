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

    internal static TextList<T> Empty(string separator) => new(null, separator);

    public override string ToString() => string.Join(_separator, this.Select(i => i?.ToString()));
}

/// <summary>
/// A read-only text dictionary whose text is "key=value;key=value" (keys sorted), for the same reason as
/// <see cref="TextList{T}"/>. ConvertTo-Json still writes an object.
/// </summary>
public sealed class TextMap : ReadOnlyDictionary<string, string>
{
    public TextMap(IEnumerable<KeyValuePair<string, string>>? items)
        : base((items ?? Array.Empty<KeyValuePair<string, string>>()).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)) { }

    public override string ToString() =>
        string.Join(";", this.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
}

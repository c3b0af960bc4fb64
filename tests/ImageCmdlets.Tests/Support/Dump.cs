using System.Collections;
using System.Linq;
using System.Reflection;
using System.Text;

namespace ImageCmdlets.Tests.Support;

/// <summary>Renders an object's public properties (recursively, like a formatter would) as text.</summary>
public static class Dump
{
    public static string Of(object? value, int depth = 0)
    {
        if (value is null) return "";
        if (depth > 4 || value is string || value.GetType().IsPrimitive || value is System.Enum) return value.ToString() ?? "";
        var sb = new StringBuilder(value.ToString());
        if (value is IEnumerable items)
        {
            foreach (var item in items) sb.Append(' ').Append(Of(item, depth + 1));
            return sb.ToString();
        }
        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            sb.Append(' ').Append(p.Name).Append('=').Append(Of(p.GetValue(value), depth + 1));
        return sb.ToString();
    }
}

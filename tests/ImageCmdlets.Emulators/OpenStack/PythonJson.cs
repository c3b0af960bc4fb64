using System.Globalization;
using System.Text;
using ImageCmdlets.Json;

namespace ImageCmdlets.Emulators.OpenStack;

/// <summary>
/// JSON written the way Python's json.dumps writes it by default, as Glance and Keystone (both Python)
/// answer: ", " between items, ": " after keys, and with <c>ensureAscii</c> every non-ASCII character as \uXXXX.
/// </summary>
internal static class PythonJson
{
    public static string Dumps(JsonValue value, bool ensureAscii)
    {
        var sb = new StringBuilder();
        Write(sb, value, ensureAscii);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonValue value, bool ensureAscii)
    {
        switch (value.Kind)
        {
            case JsonKind.Null: sb.Append("null"); break;
            case JsonKind.Bool: sb.Append(value.AsBool() == true ? "true" : "false"); break;
            case JsonKind.Number: sb.Append(value.AsString()); break;
            case JsonKind.String: WriteString(sb, value.AsString()!, ensureAscii); break;
            case JsonKind.Array:
                sb.Append('[');
                for (var i = 0; i < value.Items.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(sb, value.Items[i], ensureAscii);
                }
                sb.Append(']');
                break;
            case JsonKind.Object:
                sb.Append('{');
                for (var i = 0; i < value.Properties.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteString(sb, value.Properties[i].Key, ensureAscii);
                    sb.Append(": ");
                    Write(sb, value.Properties[i].Value, ensureAscii);
                }
                sb.Append('}');
                break;
        }
    }

    /// <summary>The engine's escaping (quotes, backslashes, control characters), then Python's ensure_ascii.</summary>
    private static void WriteString(StringBuilder sb, string text, bool ensureAscii)
    {
        foreach (var c in JsonValue.From(text).ToJson())
        {
            if (ensureAscii && c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
    }
}

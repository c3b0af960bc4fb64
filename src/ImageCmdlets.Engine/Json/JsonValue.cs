using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ImageCmdlets.Json;

public enum JsonKind { Null, Bool, Number, String, Array, Object }

/// <summary>
/// A small JSON document model. The module ships without System.Text.Json or Newtonsoft.Json on
/// purpose: PowerShell and other modules load their own versions of those into the same process,
/// and a version clash breaks the user's session. Cloud API bodies are small, so a plain tree is enough.
/// </summary>
public sealed class JsonValue
{
    public static readonly JsonValue Null = new(JsonKind.Null);
    public static readonly JsonValue True = new(JsonKind.Bool) { _bool = true };
    public static readonly JsonValue False = new(JsonKind.Bool) { _bool = false };

    private string? _text;          // string value, or a number's literal text
    private bool _bool;
    private List<JsonValue>? _items;
    private List<KeyValuePair<string, JsonValue>>? _properties;

    private JsonValue(JsonKind kind) => Kind = kind;

    public JsonKind Kind { get; }

    public static JsonValue NewObject() => new(JsonKind.Object) { _properties = new List<KeyValuePair<string, JsonValue>>() };
    public static JsonValue NewArray() => new(JsonKind.Array) { _items = new List<JsonValue>() };
    public static JsonValue From(string? value) => value is null ? Null : new JsonValue(JsonKind.String) { _text = value };
    public static JsonValue From(long value) => new(JsonKind.Number) { _text = value.ToString(CultureInfo.InvariantCulture) };
    public static JsonValue From(double value) => new(JsonKind.Number) { _text = value.ToString("R", CultureInfo.InvariantCulture) };
    public static JsonValue From(bool value) => value ? True : False;
    public static JsonValue FromStrings(IEnumerable<string> values)
    {
        var array = NewArray();
        foreach (var v in values) array.Add(From(v));
        return array;
    }

    internal static JsonValue NumberLiteral(string text) => new(JsonKind.Number) { _text = text };

    /// <summary>Adds a property to an object (builder style; returns this object).</summary>
    public JsonValue Set(string name, JsonValue value)
    {
        var props = _properties ?? throw new InvalidOperationException("Not a JSON object.");
        for (var i = 0; i < props.Count; i++)
        {
            if (props[i].Key == name) { props[i] = new KeyValuePair<string, JsonValue>(name, value); return this; }
        }
        props.Add(new KeyValuePair<string, JsonValue>(name, value));
        return this;
    }

    public JsonValue Set(string name, string? value) => Set(name, From(value));
    public JsonValue Set(string name, long value) => Set(name, From(value));
    public JsonValue Set(string name, bool value) => Set(name, From(value));

    /// <summary>Appends an item to an array (builder style; returns this array).</summary>
    public JsonValue Add(JsonValue item)
    {
        (_items ?? throw new InvalidOperationException("Not a JSON array.")).Add(item);
        return this;
    }

    public IReadOnlyList<JsonValue> Items => (IReadOnlyList<JsonValue>?)_items ?? Array.Empty<JsonValue>();

    public IReadOnlyList<KeyValuePair<string, JsonValue>> Properties =>
        (IReadOnlyList<KeyValuePair<string, JsonValue>>?)_properties ?? Array.Empty<KeyValuePair<string, JsonValue>>();

    /// <summary>The named property of an object; null when absent or when this is not an object.</summary>
    public JsonValue? this[string name]
    {
        get
        {
            if (_properties is null) return null;
            foreach (var p in _properties) if (p.Key == name) return p.Value;
            return null;
        }
    }

    /// <summary>A string value, or a number's literal text; null for anything else.</summary>
    public string? AsString() => Kind is JsonKind.String or JsonKind.Number ? _text : null;

    public long? AsInt64() =>
        Kind == JsonKind.Number && long.TryParse(_text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l
        : Kind == JsonKind.Number && double.TryParse(_text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? (long)d
        : Kind == JsonKind.String && long.TryParse(_text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
        : null;

    public bool? AsBool() =>
        Kind == JsonKind.Bool ? _bool
        : Kind == JsonKind.String && bool.TryParse(_text, out var b) ? b
        : null;

    /// <summary>A scalar as text (strings, number literals, "true"/"false"); null for null, arrays and objects.</summary>
    public string? AsScalarText() => Kind == JsonKind.Bool ? (_bool ? "true" : "false") : AsString();

    public string? GetString(string name) => this[name]?.AsString();
    public long? GetInt64(string name) => this[name]?.AsInt64();
    public bool? GetBool(string name) => this[name]?.AsBool();
    public IReadOnlyList<JsonValue> GetArray(string name) => this[name]?.Items ?? Array.Empty<JsonValue>();

    public static JsonValue Parse(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text)));
        return new JsonParser(utf8, utf8.Length).ParseDocument();
    }

    /// <summary>Parses UTF-8 text as it came off the wire (the first <paramref name="length"/> bytes).</summary>
    public static JsonValue Parse(byte[] utf8, int length) => new JsonParser(utf8, length).ParseDocument();

    public static bool TryParse(string text, out JsonValue value)
    {
        try { value = Parse(text); return true; }
        catch (FormatException) { value = Null; return false; }
    }

    public static bool TryParse(byte[] utf8, int length, out JsonValue value)
    {
        try { value = Parse(utf8, length); return true; }
        catch (FormatException) { value = Null; return false; }
    }

    public string ToJson()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    public override string ToString() => ToJson();

    private void Write(StringBuilder sb)
    {
        switch (Kind)
        {
            case JsonKind.Null: sb.Append("null"); break;
            case JsonKind.Bool: sb.Append(_bool ? "true" : "false"); break;
            case JsonKind.Number: sb.Append(_text); break;
            case JsonKind.String: WriteString(sb, _text!); break;
            case JsonKind.Array:
                sb.Append('[');
                for (var i = 0; i < _items!.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    _items[i].Write(sb);
                }
                sb.Append(']');
                break;
            case JsonKind.Object:
                sb.Append('{');
                for (var i = 0; i < _properties!.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    WriteString(sb, _properties[i].Key);
                    sb.Append(':');
                    _properties[i].Value.Write(sb);
                }
                sb.Append('}');
                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>
    /// A recursive-descent reader over UTF-8 bytes, as answers arrive: an answer is never copied into a
    /// UTF-16 string first (a describe of a hundred images would be a 120 KB string on the large-object
    /// heap, which only a full collection frees). A bulk run parses thousands of such answers, so the reader
    /// also spares the GC what it can: an object's members and an array's items are gathered in a list kept
    /// per depth and copied once into an exactly-sized one, and property names, which repeat in every image,
    /// are decoded once per answer and shared. Text that is not valid UTF-8 reads as U+FFFD.
    /// </summary>
    private sealed class JsonParser
    {
        private const int MaxDepth = 128;
        private const int NameSlots = 128;
        private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
        private readonly byte[] _b;
        private readonly int _end;
        private readonly string?[] _names = new string?[NameSlots];
        private readonly int[] _nameStarts = new int[NameSlots];
        private readonly List<List<KeyValuePair<string, JsonValue>>> _memberScratch = new();
        private readonly List<List<JsonValue>> _itemScratch = new();
        private int _pos;

        public JsonParser(byte[] utf8, int length)
        {
            _b = utf8 ?? throw new ArgumentNullException(nameof(utf8));
            if (length < 0 || length > utf8.Length) throw new ArgumentOutOfRangeException(nameof(length));
            _end = length;
        }

        public JsonValue ParseDocument()
        {
            SkipWhitespace();
            var value = ParseValue(0);
            SkipWhitespace();
            if (_pos != _end) throw Error("unexpected text after the JSON value");
            return value;
        }

        private FormatException Error(string what) =>
            new($"Malformed JSON at byte {_pos.ToString(CultureInfo.InvariantCulture)}: {what}.");

        private void SkipWhitespace()
        {
            while (_pos < _end && _b[_pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') _pos++;
        }

        private JsonValue ParseValue(int depth)
        {
            if (depth > MaxDepth) throw Error("nesting too deep");
            if (_pos >= _end) throw Error("unexpected end");
            switch (_b[_pos])
            {
                case (byte)'{': return ParseObject(depth);
                case (byte)'[': return ParseArray(depth);
                case (byte)'"': return From(ParseString());
                case (byte)'t': Expect("true"); return True;
                case (byte)'f': Expect("false"); return False;
                case (byte)'n': Expect("null"); return Null;
                default: return ParseNumber();
            }
        }

        private void Expect(string literal)
        {
            if (_pos + literal.Length > _end) throw Error($"expected '{literal}'");
            for (var i = 0; i < literal.Length; i++)
                if (_b[_pos + i] != literal[i]) throw Error($"expected '{literal}'");
            _pos += literal.Length;
        }

        private static List<T> ScratchFor<T>(List<List<T>> scratch, int depth)
        {
            while (scratch.Count <= depth) scratch.Add(new List<T>());
            return scratch[depth];
        }

        private JsonValue ParseObject(int depth)
        {
            _pos++; // {
            SkipWhitespace();
            if (_pos < _end && _b[_pos] == '}') { _pos++; return NewObject(); }
            var members = ScratchFor(_memberScratch, depth);
            members.Clear();
            while (true)
            {
                SkipWhitespace();
                if (_pos >= _end || _b[_pos] != '"') throw Error("expected a property name");
                var name = ParseName();
                SkipWhitespace();
                if (_pos >= _end || _b[_pos] != ':') throw Error("expected ':'");
                _pos++;
                SkipWhitespace();
                members.Add(new KeyValuePair<string, JsonValue>(name, ParseValue(depth + 1)));
                SkipWhitespace();
                if (_pos >= _end) throw Error("unexpected end in object");
                if (_b[_pos] == ',') { _pos++; continue; }
                if (_b[_pos] == '}')
                {
                    _pos++;
                    var obj = new JsonValue(JsonKind.Object) { _properties = new List<KeyValuePair<string, JsonValue>>(members) };
                    members.Clear();
                    return obj;
                }
                throw Error("expected ',' or '}'");
            }
        }

        private JsonValue ParseArray(int depth)
        {
            _pos++; // [
            SkipWhitespace();
            if (_pos < _end && _b[_pos] == ']') { _pos++; return NewArray(); }
            var items = ScratchFor(_itemScratch, depth);
            items.Clear();
            while (true)
            {
                SkipWhitespace();
                items.Add(ParseValue(depth + 1));
                SkipWhitespace();
                if (_pos >= _end) throw Error("unexpected end in array");
                if (_b[_pos] == ',') { _pos++; continue; }
                if (_b[_pos] == ']')
                {
                    _pos++;
                    var array = new JsonValue(JsonKind.Array) { _items = new List<JsonValue>(items) };
                    items.Clear();
                    return array;
                }
                throw Error("expected ',' or ']'");
            }
        }

        /// <summary>A property name: one without escapes is looked up among the names this answer already had.</summary>
        private string ParseName()
        {
            var start = _pos + 1;
            var hash = 0;
            for (var i = start; i < _end; i++)
            {
                var c = _b[i];
                if (c == '\\' || c < 0x20) break; // escapes and errors: the general reader
                if (c != '"')
                {
                    hash = unchecked(hash * 31 + c);
                    continue;
                }
                var length = i - start;
                var slot = (hash & int.MaxValue) % NameSlots;
                var known = _names[slot];
                if (known is null || !SameBytes(_nameStarts[slot], start, length))
                {
                    _names[slot] = known = Utf8.GetString(_b, start, length);
                    _nameStarts[slot] = start;
                }
                _pos = i + 1;
                return known;
            }
            return ParseString();
        }

        /// <summary>Whether the bytes at <paramref name="start"/> spell the name first read at <paramref name="knownStart"/>.</summary>
        private bool SameBytes(int knownStart, int start, int length)
        {
            // A cached name has no escapes, so it ends at its closing quote: a longer or shorter one differs there.
            if (knownStart + length >= _end || _b[knownStart + length] != '"') return false;
            for (var k = 0; k < length; k++)
                if (_b[knownStart + k] != _b[start + k]) return false;
            return true;
        }

        private string ParseString()
        {
            _pos++; // opening quote
            StringBuilder? sb = null;
            var start = _pos;
            while (true)
            {
                if (_pos >= _end) throw Error("unterminated string");
                var c = _b[_pos];
                if (c == '"')
                {
                    var tail = Utf8.GetString(_b, start, _pos - start);
                    _pos++;
                    return sb is null ? tail : sb.Append(tail).ToString();
                }
                if (c < 0x20) throw Error("control character in string");
                if (c != '\\') { _pos++; continue; }

                sb ??= new StringBuilder();
                sb.Append(Utf8.GetString(_b, start, _pos - start));
                _pos++;
                if (_pos >= _end) throw Error("unterminated escape");
                var e = _b[_pos++];
                switch (e)
                {
                    case (byte)'"': sb.Append('"'); break;
                    case (byte)'\\': sb.Append('\\'); break;
                    case (byte)'/': sb.Append('/'); break;
                    case (byte)'b': sb.Append('\b'); break;
                    case (byte)'f': sb.Append('\f'); break;
                    case (byte)'n': sb.Append('\n'); break;
                    case (byte)'r': sb.Append('\r'); break;
                    case (byte)'t': sb.Append('\t'); break;
                    case (byte)'u':
                        if (_pos + 4 > _end || !TryHex4(_pos, out var code)) throw Error("bad \\u escape");
                        sb.Append((char)code);
                        _pos += 4;
                        break;
                    default: throw Error($"bad escape '\\{(char)e}'");
                }
                start = _pos;
            }
        }

        private bool TryHex4(int at, out int code)
        {
            code = 0;
            for (var i = at; i < at + 4; i++)
            {
                var c = _b[i];
                var digit = c is >= (byte)'0' and <= (byte)'9' ? c - '0'
                    : c is >= (byte)'a' and <= (byte)'f' ? c - 'a' + 10
                    : c is >= (byte)'A' and <= (byte)'F' ? c - 'A' + 10
                    : -1;
                if (digit < 0) return false;
                code = code * 16 + digit;
            }
            return true;
        }

        private JsonValue ParseNumber()
        {
            var start = _pos;
            if (_pos < _end && _b[_pos] == '-') _pos++;
            var digits = _pos;
            while (_pos < _end && _b[_pos] is >= (byte)'0' and <= (byte)'9') _pos++;
            if (_pos == digits) throw Error("unexpected character");
            if (_pos < _end && _b[_pos] == '.')
            {
                _pos++;
                var frac = _pos;
                while (_pos < _end && _b[_pos] is >= (byte)'0' and <= (byte)'9') _pos++;
                if (_pos == frac) throw Error("digits expected after '.'");
            }
            if (_pos < _end && _b[_pos] is (byte)'e' or (byte)'E')
            {
                _pos++;
                if (_pos < _end && _b[_pos] is (byte)'+' or (byte)'-') _pos++;
                var exp = _pos;
                while (_pos < _end && _b[_pos] is >= (byte)'0' and <= (byte)'9') _pos++;
                if (_pos == exp) throw Error("digits expected in exponent");
            }
            return NumberLiteral(Utf8.GetString(_b, start, _pos - start));
        }
    }
}

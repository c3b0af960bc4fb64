using System;
using System.Linq;
using ImageCmdlets.Json;

namespace ImageCmdlets.Tests.Engine;

public class JsonValueTests
{
    [Fact]
    public void Parses_objects_arrays_strings_numbers_and_literals()
    {
        var v = JsonValue.Parse("{\"a\":[1,-2.5e3,\"x\\u00e9\\n\",true,false,null],\"b\":{\"c\":\"\\\"q\\\"\"}}");
        Assert.Equal(6, v["a"]!.Items.Count);
        Assert.Equal(1, v["a"]!.Items[0].AsInt64());
        Assert.Equal("-2.5e3", v["a"]!.Items[1].AsString());
        Assert.Equal("xé\n", v["a"]!.Items[2].AsString());
        Assert.True(v["a"]!.Items[3].AsBool());
        Assert.Equal(JsonKind.Null, v["a"]!.Items[5].Kind);
        Assert.Equal("\"q\"", v["b"]!.GetString("c"));
        Assert.Null(v["missing"]);
    }

    [Fact]
    public void Reads_UTF8_bytes_as_they_came_off_the_wire()
    {
        var text = "{\"名前\":\"café \\u00e9\\\"x\\\" ☃\",\"n\":-1.5}";
        var bytes = System.Text.Encoding.UTF8.GetBytes(text + "   trailing bytes past the length are not read");

        var v = JsonValue.Parse(bytes, System.Text.Encoding.UTF8.GetByteCount(text));

        Assert.Equal("café é\"x\" ☃", v.GetString("名前"));
        Assert.Equal("-1.5", v.GetString("n"));
        // Bytes that are not UTF-8 read as U+FFFD, as a decoded body did.
        var invalid = new byte[] { (byte)'[', (byte)'"', 0xC3, (byte)'"', (byte)']' };
        Assert.Equal("\uFFFD", JsonValue.Parse(invalid, invalid.Length).Items[0].AsString());
        Assert.False(JsonValue.TryParse(bytes, bytes.Length, out _));
    }

    [Fact]
    public void Shared_property_names_and_reused_member_lists_keep_every_object_its_own()
    {
        // 300 distinct names force slot collisions in the parser's name table; escaped names, nested objects
        // at the same depth and arrays of objects must all come back exactly as written.
        var names = new System.Collections.Generic.List<string>();
        for (var i = 0; i < 300; i++) names.Add("name" + i);
        var text = "{\"items\":[" + string.Join(",", new[] { 0, 1, 2 }.Select(k =>
            "{" + string.Join(",", names.Select((n, i) => $"\"{n}\":{i + k}")) + ",\"inner\":{\"a\":" + k + "},\"a\\u0062\":\"esc\"}")) + "],\"after\":{\"a\":\"last\"}}";

        var root = JsonValue.Parse(text);

        var items = root.GetArray("items");
        Assert.Equal(3, items.Count);
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(302, items[k].Properties.Count);
            for (var i = 0; i < names.Count; i++) Assert.Equal(i + k, items[k].GetInt64(names[i]));
            Assert.Equal(k, items[k]["inner"]!.GetInt64("a"));
            Assert.Equal("esc", items[k].GetString("ab"));
        }
        Assert.Equal("last", root["after"]!.GetString("a"));
        Assert.Equal(2, root.Properties.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"a\":}")]
    [InlineData("[1,]")]
    [InlineData("\"unterminated")]
    [InlineData("{\"a\":1} extra")]
    [InlineData("{\"Response\": <truncated")]
    public void Rejects_malformed_text(string text)
    {
        Assert.Throws<FormatException>(() => JsonValue.Parse(text));
        Assert.False(JsonValue.TryParse(text, out _));
    }

    [Fact]
    public void Writes_what_it_reads()
    {
        var built = JsonValue.NewObject().Set("s", "a\"b\\c\u0001").Set("n", 42).Set("t", true)
            .Set("arr", JsonValue.FromStrings(new[] { "x", "y" }));
        var text = built.ToJson();
        Assert.Equal("{\"s\":\"a\\\"b\\\\c\\u0001\",\"n\":42,\"t\":true,\"arr\":[\"x\",\"y\"]}", text);
        Assert.Equal(text, JsonValue.Parse(text).ToJson());
    }

    [Fact]
    public void Deep_nesting_is_refused_rather_than_overflowing_the_stack()
    {
        Assert.Throws<FormatException>(() => JsonValue.Parse(new string('[', 10000)));
    }
}

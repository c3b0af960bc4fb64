using System;
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

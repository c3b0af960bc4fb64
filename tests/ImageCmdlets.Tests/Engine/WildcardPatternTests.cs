using System;
using ImageCmdlets.Operations;

namespace ImageCmdlets.Tests.Engine;

public class WildcardPatternTests
{
    [Theory]
    [InlineData("ci-*", "CI-build-7", true)]
    [InlineData("ci-*", "web-ci-1", false)]
    [InlineData("img-??", "img-ab", true)]
    [InlineData("img-??", "img-abc", false)]
    [InlineData("build-[0-9]", "build-5", true)]
    [InlineData("build-[0-9]", "build-x", false)]
    [InlineData("a`*b", "a*b", true)]
    [InlineData("a`*b", "axb", false)]
    [InlineData("exact.name", "exact.name", true)]
    [InlineData("exact.name", "exactXname", false)]
    [InlineData("(x)+", "(x)+", true)]
    public void Matches_like_PowerShell(string pattern, string text, bool expected) =>
        Assert.Equal(expected, new WildcardPattern(pattern).IsMatch(text));

    [Fact]
    public void A_null_name_never_matches() => Assert.False(new WildcardPattern("*").IsMatch(null));

    [Fact]
    public void A_bad_pattern_is_an_argument_error() => Assert.Throws<ArgumentException>(() => new WildcardPattern("img-[0-9"));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("with*star", null)]
    [InlineData("q?", null)]
    public void Literal_patterns_can_be_sent_to_the_server(string pattern, string? literal) =>
        Assert.Equal(literal, WildcardPattern.LiteralOf(pattern));
}

public class ServerSideNameFilterTests
{
    [Theory]
    [InlineData("a`*b")]
    [InlineData("a]b")]
    [InlineData("ci-*")]
    public void Escaped_or_bracketed_patterns_are_never_sent_as_literal_names(string pattern) =>
        Assert.Null(ImageCmdlets.WildcardPattern.LiteralOf(pattern));
}

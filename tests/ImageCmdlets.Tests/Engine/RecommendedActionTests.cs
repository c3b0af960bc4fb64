using System;
using System.Linq;
using ImageCmdlets.Providers;
using Xunit;

namespace ImageCmdlets.Tests.Engine;

/// <summary>
/// ErrorDetails.RecommendedAction, for every provider and every kind of error: derived in one place
/// (<see cref="RecommendedAction"/>) from the error's kind and the provider's capabilities, never per provider.
/// </summary>
public class RecommendedActionTests
{
    public static TheoryData<string, ErrorKind> EveryProviderAndKind()
    {
        var data = new TheoryData<string, ErrorKind>();
        foreach (var provider in ProviderRegistry.Names)
            foreach (ErrorKind kind in Enum.GetValues(typeof(ErrorKind))) data.Add(provider, kind);
        return data;
    }

    public static TheoryData<string> Providers() => new(ProviderRegistry.Names);

    private static ProviderCapabilities Capabilities(string provider) => ProviderRegistry.Find(provider).Capabilities;

    [Theory]
    [MemberData(nameof(EveryProviderAndKind))]
    public void Every_kind_of_provider_error_says_what_to_do_in_one_sentence_or_two(string provider, ErrorKind kind)
    {
        var action = RecommendedAction.For("SomeProvider.Code", kind, Capabilities(provider));

        Assert.False(string.IsNullOrWhiteSpace(action));
        Assert.DoesNotContain('\n', action);
        Assert.EndsWith(".", action);
    }

    [Fact]
    public void Each_kind_has_its_own_action()
    {
        var kinds = Enum.GetValues(typeof(ErrorKind)).Cast<ErrorKind>().ToArray();
        var actions = kinds.Select(k => RecommendedAction.For("SomeProvider.Code", k)).ToArray();
        Assert.Equal(kinds.Length, actions.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void An_image_in_use_points_to_EvenIfInUse_only_where_the_provider_has_it(string provider)
    {
        var action = RecommendedAction.For("SomeProvider.InUse", ErrorKind.InUse, Capabilities(provider));

        Assert.Equal(Capabilities(provider).SupportsEvenIfInUse, action.Contains("-EvenIfInUse"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_malformed_id_is_answered_with_the_shape_of_the_provider_s_ids(string provider)
    {
        var action = RecommendedAction.For(EngineErrors.MalformedImageId, ErrorKind.InvalidArgument, Capabilities(provider));

        Assert.Contains(Capabilities(provider).ImageIdExample, action);
    }

    [Theory]
    [InlineData(EngineErrors.ImageTargetConflict, ErrorKind.InvalidArgument, "-Provider")]
    [InlineData(EngineErrors.DeletionFailed, ErrorKind.InvalidState, "Get-CloudImage -ImageId")]
    [InlineData("UnknownProvider", ErrorKind.InvalidArgument, "OpenStack")]
    [InlineData("InvalidWildcardPattern", ErrorKind.InvalidArgument, "-Name")]
    [InlineData("EvenIfInUseNotSupported", ErrorKind.InvalidArgument, "Leave out -EvenIfInUse")]
    public void The_module_s_own_errors_have_their_own_action(string errorId, ErrorKind kind, string expected)
    {
        var action = RecommendedAction.For(errorId, kind);

        Assert.Contains(expected, action);
        Assert.NotEqual(RecommendedAction.For("SomeProvider.Code", kind), action);
    }

    [Fact]
    public void A_server_message_over_several_lines_becomes_one_line()
    {
        var error = new CloudApiError("SignatureDoesNotMatch", ErrorKind.Authentication, "Signature mismatch.\r\nPOST\n/\n\nhost:ecs.aliyuncs.com");

        Assert.Equal("Signature mismatch. POST / host:ecs.aliyuncs.com", error.Message);
    }
}

using ImageCmdlets.Emulators.InMemory;
using System;
using System.Linq;
using ImageCmdlets.Operations;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Operations;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Commands;

/// <summary>Remove-CloudImage's decision logic, driven through its command core as PowerShell would.</summary>
public class RemoveCommandTests
{
    private readonly InMemoryCloud _cloud = new();
    private readonly RecordingHost _host = new();

    public RemoveCommandTests() => _cloud.AddMany(3);

    private ConnectionOptions Connection => new() { FindProvider = name => name == "Fake" ? _cloud : ProviderRegistry.Find(name) };

    private void Remove(ConfirmationSettings confirmation, DeleteOptions? options = null, params string[] ids)
    {
        var core = new RemoveCloudImageCore(_host, Connection, options ?? DeleteOptions.Default, confirmation, RemovalRunTests.Fast);
        core.Begin();
        foreach (var id in ids) core.Process(new ImageInput { ImageId = id, Provider = "Fake" });
        core.Complete();
    }

    [Fact]
    public void WhatIf_asks_ShouldProcess_then_runs_the_dry_check_and_deletes_nothing()
    {
        _host.WhatIfMode = true;
        Remove(new ConfirmationSettings { WhatIf = true }, null, "img-0000", "img-0001", "img-nope");

        Assert.Equal(3, _cloud.ImageCount);
        Assert.All(_cloud.DeleteCalls, c => Assert.True(c.DryRun));
        Assert.Equal(3, _host.ShouldProcessTargets.Count);
        Assert.Contains("img-0000 in Fake region r1", _host.ShouldProcessTargets); // the prompt names the resolved target
        Assert.All(_host.Removals, r => Assert.Equal(RemovalStatus.WouldDelete, r.Status));
        Assert.Equal(ErrorKind.NotFound, _host.Errors.Single().Error.Kind);
        Assert.False(_host.WroteFromAnotherThread);
    }

    [Fact]
    public void WhatIf_wins_over_Force()
    {
        _host.WhatIfMode = true;
        Remove(new ConfirmationSettings { WhatIf = true, Force = true }, null, "img-0000");
        Assert.True(_cloud.Exists("img-0000"));
        Assert.Equal(RemovalStatus.WouldDelete, _host.Removals.Single().Status);
    }

    [Fact]
    public void Force_suppresses_prompts_and_deletes()
    {
        _host.AnswerYes = false; // would decline if asked
        Remove(new ConfirmationSettings { Force = true }, null, "img-0000", "img-0001");
        Assert.Empty(_host.ShouldProcessTargets);
        Assert.False(_cloud.Exists("img-0000"));
        Assert.All(_host.Removals, r => Assert.Equal(RemovalStatus.Deleted, r.Status));
    }

    [Fact]
    public void Explicit_Confirm_is_honoured_even_with_Force()
    {
        _host.AnswerYes = false;
        Remove(new ConfirmationSettings { Force = true, ConfirmExplicit = true }, null, "img-0000");
        Assert.Single(_host.ShouldProcessTargets);
        Assert.True(_cloud.Exists("img-0000"));
        Assert.Equal(RemovalStatus.Declined, _host.Removals.Single().Status);
    }

    [Fact]
    public void Answering_no_declines_that_image_only()
    {
        var core = new RemoveCloudImageCore(_host, Connection, DeleteOptions.Default, new ConfirmationSettings(), RemovalRunTests.Fast);
        core.Process(new ImageInput { ImageId = "img-0000", Provider = "Fake" });
        _host.AnswerYes = false;
        core.Process(new ImageInput { ImageId = "img-0001", Provider = "Fake" });
        core.Complete();

        Assert.False(_cloud.Exists("img-0000"));
        Assert.True(_cloud.Exists("img-0001"));
        Assert.Equal(RemovalStatus.Declined, _host.Removals.Single(r => r.ImageId == "img-0001").Status);
        Assert.True(_host.Progress.Last().Completed);
    }

    [Fact]
    public void Deleting_snapshots_is_confirmed_separately_unless_Force()
    {
        _host.ContinueYes = false;
        Remove(new ConfirmationSettings(), new DeleteOptions { DeleteSnapshots = true }, "img-0000");
        Assert.Single(_host.ShouldContinueQueries);
        Assert.Contains("snapshots", _host.ShouldContinueQueries[0]);
        Assert.True(_cloud.Exists("img-0000"));
        Assert.Equal(RemovalStatus.Declined, _host.Removals.Single().Status);
    }

    [Fact]
    public void Yes_to_all_at_the_extra_prompt_is_asked_once()
    {
        _host.ContinueYesToAll = true;
        Remove(new ConfirmationSettings(), new DeleteOptions { DeleteSnapshots = true }, "img-0000", "img-0001", "img-0002");
        Assert.Single(_host.ShouldContinueQueries);
        Assert.Equal(0, _cloud.ImageCount);
    }

    [Fact]
    public void Force_also_skips_the_extra_prompt()
    {
        _host.ContinueYes = false;
        Remove(new ConfirmationSettings { Force = true }, new DeleteOptions { DeleteSnapshots = true }, "img-0000");
        Assert.Empty(_host.ShouldContinueQueries);
        Assert.False(_cloud.Exists("img-0000"));
    }

    [Fact]
    public void Unsupported_switch_is_refused_before_any_call()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Remove(new ConfirmationSettings { Force = true }, new DeleteOptions { EvenIfInUse = true }, "img-0000"));
        Assert.Equal("EvenIfInUseNotSupported", ex.ErrorId);
        Assert.Empty(_cloud.Calls);
    }

    [Fact]
    public void Piped_images_keep_their_own_connection()
    {
        var other = new InMemoryCloud();
        other.Add("img-0000");
        var piped = new CloudImage { Provider = "Fake", Region = "r1", ImageId = "img-0000", Connection = other };
        var core = new RemoveCloudImageCore(_host, Connection, DeleteOptions.Default, new ConfirmationSettings { Force = true }, RemovalRunTests.Fast);
        core.Process(new ImageInput { Image = piped });
        core.Complete();

        Assert.False(other.Exists("img-0000"));
        Assert.True(_cloud.Exists("img-0000"));
    }

    [Theory]
    [InlineData("Nope", "UnknownProvider")]
    [InlineData(null, "MissingProvider")]
    [InlineData("  ", "MissingProvider")]
    public void Unknown_or_missing_provider_is_a_clear_error_before_any_call(string? provider, string errorId)
    {
        var core = new RemoveCloudImageCore(_host, new ConnectionOptions(), DeleteOptions.Default, new ConfirmationSettings { Force = true });
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => core.Process(new ImageInput { ImageId = "x", Provider = provider }));
        Assert.Equal(errorId, ex.ErrorId);
        if (provider == "Nope") Assert.Contains("OpenStack", ex.Message);
    }

    [Theory]
    [InlineData("http://images.example.com", "InsecureEndpoint")]
    [InlineData("ftp://127.0.0.1", "InvalidEndpoint")]
    [InlineData("https://", "InvalidEndpoint")]
    public void A_bad_endpoint_is_refused_before_any_call(string endpoint, string errorId)
    {
        var core = new RemoveCloudImageCore(_host, new ConnectionOptions { Endpoint = endpoint }, DeleteOptions.Default, new ConfirmationSettings());
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(core.Begin);
        Assert.Equal(errorId, ex.ErrorId);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9292")]
    [InlineData("http://localhost:1234/x")]
    [InlineData("http://[::1]:80")]
    [InlineData("ecs.cn-hangzhou.aliyuncs.com")]
    public void Https_and_loopback_http_endpoints_are_accepted(string endpoint)
    {
        var core = new RemoveCloudImageCore(_host, new ConnectionOptions { Endpoint = endpoint }, DeleteOptions.Default, new ConfirmationSettings());
        core.Begin();
    }
}

/// <summary>Bad input is answered before anything connects (a connect may itself be a call, e.g. Keystone).</summary>
public class BadInputBeforeConnectTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("IMG_bad")]
    [InlineData("img-1,img-2")]
    public void Malformed_ids_get_their_error_without_connecting(string id)
    {
        var cloud = new InMemoryCloud();
        var host = new RecordingHost();
        var options = new ConnectionOptions { FindProvider = _ => cloud };

        var remove = new RemoveCloudImageCore(host, options, DeleteOptions.Default, new ConfirmationSettings { Force = true });
        remove.Process(new ImageInput { ImageId = id, Provider = "Fake" });
        remove.Complete();
        var test = new TestCloudImageDeletableCore(host, options, DeleteOptions.Default);
        test.Process(new ImageInput { ImageId = id, Provider = "Fake" });
        test.Complete();
        new GetCloudImageCore(host, options).Run("Fake", Array.Empty<string>(), new ImageQuery(), new[] { id });

        Assert.Equal(0, cloud.Connects);
        Assert.Empty(cloud.Calls);
        Assert.Equal(3, host.Errors.Count);
        Assert.All(host.Errors, e => Assert.Contains(e.Error.Code, new[] { "EmptyImageId", "MalformedImageId" }));
        Assert.All(host.Errors, e => Assert.Equal(ErrorKind.InvalidArgument, e.Error.Kind));
    }

    [Fact]
    public void A_bad_wildcard_pattern_fails_before_connecting()
    {
        var cloud = new InMemoryCloud();
        var get = new GetCloudImageCore(new RecordingHost(), new ConnectionOptions { FindProvider = _ => cloud });
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => get.Run("Fake", Array.Empty<string>(), new ImageQuery { NamePatterns = new[] { "ci-[" } }, Array.Empty<string>()));
        Assert.Equal("InvalidWildcardPattern", ex.ErrorId);
        Assert.DoesNotContain("(Parameter", ex.Message);
        Assert.Equal(0, cloud.Connects);
    }
}

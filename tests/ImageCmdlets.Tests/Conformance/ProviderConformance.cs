using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Operations;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;
using Xunit;

namespace ImageCmdlets.Tests.Conformance;

/// <summary>
/// The contract every provider keeps, run against its emulator over real HTTP through the module's real
/// provider and operations layer. A provider joins by one class: its emulator type, the name of its delete
/// action and the optional flags its delete call must always carry.
/// </summary>
public abstract class ProviderConformance<TEmulator> : IAsyncLifetime where TEmulator : EmulatorServer, new()
{
    private EmulatorCloud _cloud = null!;

    /// <summary>The action the emulator logs for a delete call (fault injection, call counting).</summary>
    protected abstract string DeleteAction { get; }

    /// <summary>Parameters the delete call must always send, set or not (DryRun, snapshot and force flags).</summary>
    protected abstract IReadOnlyList<string> ExplicitDeleteFlags { get; }

    protected EmulatorCloud Cloud => _cloud;
    private ProviderCapabilities Capabilities => _cloud.Provider.Capabilities;
    private EmulatorServer Emulator => _cloud.Emulator;

    public async Task InitializeAsync() => _cloud = await EmulatorCloud.StartAsync(new TEmulator());

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    private IReadOnlyList<RecordedCall> DeleteCalls => Emulator.CallsOf(DeleteAction);

    private static Transport.CallContext Call() => new(default, Transport.NullApiLog.Instance);

    private string[] SeedDeletable(int count, string prefix) =>
        Enumerable.Range(0, count).Select(i => _cloud.Seed($"{prefix}-{i:d4}").Id).ToArray();

    [Fact]
    public async Task Listing_returns_every_seeded_image_exactly_once_and_ends()
    {
        var ids = SeedDeletable(7, "conformance-list");
        var other = _cloud.Seed("unrelated").Id;
        var session = _cloud.Connect();

        // Page by page, as the provider pages: it ends, and every own image comes exactly once.
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await session.ListImagesAsync(new ImageQuery { PageSize = 3 }, token, Call());
            seen.AddRange(page.Images.Select(i => i.ImageId));
            token = page.NextPageToken;
            Assert.True(++pages <= 10, "the listing does not end");
        }
        while (token is not null);
        Assert.Equal(ids.Append(other).OrderBy(i => i), seen.OrderBy(i => i));

        // Through the operations layer, with a name filter.
        var sink = new CollectingSink();
        await ImageListing.RunAsync(session, new ImageQuery { PageSize = 3, NamePatterns = new[] { "conformance-list-*" } }, Array.Empty<string>(), sink, TestSettings.FastRetries());
        Assert.Equal(ids.OrderBy(i => i), sink.Images.Select(i => i.ImageId).OrderBy(i => i));
        Assert.All(sink.Images, i => Assert.Same(session, i.Connection));
    }

    [Fact]
    public async Task Describe_leaves_out_missing_ids()
    {
        var id = _cloud.Seed("conformance-describe").Id;
        var missing = Capabilities.ImageIdExample;
        Assert.False(_cloud.Exists(missing));

        var found = await _cloud.Connect().DescribeImagesAsync(new[] { id, missing }, Call());

        Assert.Equal(new[] { id }, found.Select(i => i.ImageId));
        Assert.Equal("conformance-describe", found[0].Name);
    }

    [Fact]
    public async Task Deleting_a_missing_id_gives_the_not_found_outcome_never_Deleted()
    {
        var missing = Capabilities.ImageIdExample;
        var result = await RunHarness.RemoveAsync(_cloud.Connect(), DeleteOptions.Default, new[] { missing });

        Assert.Empty(result.Sink.Removals);
        var error = Assert.Single(result.Sink.Errors);
        Assert.Equal(Capabilities.NotFoundErrorCode, error.Error.Code);
        Assert.Equal(ErrorKind.NotFound, error.Error.Kind);
    }

    [Fact]
    public async Task A_dry_run_and_a_check_never_delete()
    {
        var ids = SeedDeletable(3, "conformance-dryrun");
        var session = _cloud.Connect();

        var dryRun = await RunHarness.RemoveAsync(session, DeleteOptions.Default.AsDryRun(), ids);
        var check = await RunHarness.CheckAsync(session, DeleteOptions.Default, ids);

        Assert.All(dryRun.Sink.Removals, r => Assert.Equal(RemovalStatus.WouldDelete, r.Status));
        Assert.Equal(3, dryRun.Sink.Removals.Count);
        Assert.All(check.Sink.Verdicts, v => Assert.True(v.IsDeletable));
        Assert.Equal(3, check.Sink.Verdicts.Count);
        Assert.Empty(Emulator.DeletedImageIds);
        Assert.All(ids, id => Assert.True(_cloud.Exists(id)));
    }

    [Fact]
    public async Task The_delete_call_always_sends_its_optional_flags()
    {
        // A provider whose delete call has a DryRun or a switch must declare the flags that carry them.
        var hasOptions = Capabilities.HasNativeDryRun || Capabilities.SupportsDeleteSnapshots || Capabilities.SupportsEvenIfInUse;
        Assert.Equal(hasOptions, ExplicitDeleteFlags.Count > 0);

        var ids = SeedDeletable(2, "conformance-flags");
        var session = _cloud.Connect();
        await RunHarness.RemoveAsync(session, DeleteOptions.Default.AsDryRun(), ids.Take(1).ToArray());
        await RunHarness.RemoveAsync(session, DeleteOptions.Default, ids);

        Assert.NotEmpty(DeleteCalls);
        foreach (var call in DeleteCalls)
            foreach (var flag in ExplicitDeleteFlags)
                Assert.Contains(flag, call.Body + call.Query);
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
    }

    [Fact]
    public void A_switch_the_provider_has_no_flag_for_is_refused_before_any_call()
    {
        var unsupported = new List<DeleteOptions>();
        if (!Capabilities.SupportsDeleteSnapshots) unsupported.Add(new DeleteOptions { DeleteSnapshots = true });
        if (!Capabilities.SupportsEvenIfInUse) unsupported.Add(new DeleteOptions { EvenIfInUse = true });
        if (unsupported.Count == 0)
        {
            // Both switches are honoured: then both must be sent explicitly.
            Assert.True(ExplicitDeleteFlags.Count >= 3, "DryRun, snapshot and force flags must all be declared");
            return;
        }
        var id = _cloud.Seed("conformance-switch").Id;
        foreach (var options in unsupported)
        {
            var core = new RemoveCloudImageCore(new RecordingHost(), new ConnectionOptions
            {
                FindProvider = _ => _cloud.Provider,
                Endpoint = Emulator.BaseUri.ToString(),
                Environment = new Credentials.FixedEnvironment(),
            }, options, new ConfirmationSettings { Force = true });
            var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
                core.Process(new ImageInput { ImageId = id, Provider = _cloud.Provider.Name, Region = Emulator.DefaultRegion }));
            Assert.EndsWith("NotSupported", ex.ErrorId);
        }
        Assert.Empty(Emulator.Calls);
    }

    [Fact]
    public async Task A_tampered_signature_is_an_authentication_error_that_stops_the_run()
    {
        var ids = SeedDeletable(3, "conformance-tampered");
        IImageSession session;
        try
        {
            session = _cloud.Connect(secret: _cloud.Key.Secret + "x");
        }
        catch (ImageCmdletsConfigurationException ex)
        {
            // Providers that authenticate while connecting (a token service) refuse here, before any image call.
            Assert.Equal(ErrorKind.Authentication, ex.Kind);
            Assert.Empty(DeleteCalls);
            return;
        }

        var result = await RunHarness.RemoveAsync(session, DeleteOptions.Default, ids);

        Assert.Equal(ErrorKind.Authentication, result.Run.Fatal?.Kind);
        // One line, without what the server echoes of the request (Alibaba's string to sign).
        Assert.DoesNotContain('\n', result.Run.Fatal!.Message);
        Assert.DoesNotContain("string to sign", result.Run.Fatal.Message, StringComparison.OrdinalIgnoreCase);
        Assert.All(result.Record.Entries, e => Assert.Equal(CloudImageRunStatus.NotProcessed, e.Status));
        Assert.Empty(Emulator.DeletedImageIds);
        // The fatal answer stops the run: at most the calls already under way were sent.
        Assert.True(Emulator.Calls.Count <= Capabilities.MaxConcurrentCalls, $"{Emulator.Calls.Count} calls after an authentication failure");
    }

    [Fact]
    public async Task No_secret_appears_in_any_text_of_a_full_run()
    {
        var ok = SeedDeletable(2, "conformance-secret");
        var log = new RecordingApiLog();
        var session = _cloud.Connect();
        var listing = new CollectingSink();
        await ImageListing.RunAsync(session, new ImageQuery(), Array.Empty<string>(), listing, TestSettings.FastRetries());
        Emulator.InjectFaults(new Fault(FaultKind.ServiceUnavailable, DeleteAction));
        var check = await RunHarness.CheckAsync(session, DeleteOptions.Default, ok.Append(Capabilities.ImageIdExample).ToArray());
        var removal = await RunHarness.RemoveAsync(session, DeleteOptions.Default, ok.Append(Capabilities.ImageIdExample).ToArray());
        var tampered = await RunHarness.RemoveAsync(TamperedOrNull() ?? session, DeleteOptions.Default, new[] { Capabilities.ImageIdExample });
        await session.ListImagesAsync(new ImageQuery(), null, new Transport.CallContext(default, log));

        var text = listing.AllText().Concat(check.Sink.AllText()).Concat(removal.Sink.AllText()).Concat(tampered.Sink.AllText())
            .Concat(log.Lines).Concat(new[] { tampered.Run.Fatal?.ToString() ?? "", session.ToString() ?? "" })
            .Concat(tampered.Record.Entries.Select(e => e.Message ?? "")).ToArray();
        Assert.NotEmpty(log.Lines);
        foreach (var secret in new[] { _cloud.Key.Secret, _cloud.Key.Token }.Where(s => !string.IsNullOrEmpty(s)))
            Assert.DoesNotContain(text, t => t.Contains(secret!, StringComparison.Ordinal));
    }

    private IImageSession? TamperedOrNull()
    {
        try { return _cloud.Connect(secret: _cloud.Key.Secret + "x"); }
        catch (ImageCmdletsConfigurationException) { return null; }
    }

    [Fact]
    public async Task A_bodiless_503_is_retried()
    {
        var id = _cloud.Seed("conformance-503").Id;
        Emulator.InjectFaults(new Fault(FaultKind.ServiceUnavailable, DeleteAction));

        var result = await RunHarness.RemoveAsync(_cloud.Connect(), DeleteOptions.Default, new[] { id });

        var removal = Assert.Single(result.Sink.Removals);
        Assert.Equal(AcceptedStatus, removal.Status);
        Assert.Equal(2, removal.Attempts);
        Assert.Equal(new[] { 503 }, DeleteCalls.Take(1).Select(c => c.Status));
        Assert.Equal(new[] { id }, Emulator.DeletedImageIds);
    }

    [Fact]
    public async Task A_garbled_delete_answer_for_an_image_still_there_is_followed_by_one_more_delete()
    {
        var id = _cloud.Seed("conformance-garbled").Id;
        Emulator.InjectFaults(new Fault(FaultKind.MalformedBody, DeleteAction));

        var result = await RunHarness.RemoveAsync(_cloud.Connect(), DeleteOptions.Default, new[] { id });

        // The garbled answer did not delete it (the emulator garbles without doing the work), so the image is
        // still there when it is looked up; the second delete is the real answer.
        Assert.Equal(AcceptedStatus, Assert.Single(result.Sink.Removals).Status);
        Assert.Empty(result.Sink.Errors);
        Assert.Equal(new[] { id }, Emulator.DeletedImageIds);
        Assert.Equal(2, DeleteCalls.Count());
    }

    public static TheoryData<string> HostileRegions() => new()
    {
        "evil.example/x-fsi", "ap-guangzhou\r\nX-Evil: injected", "cn-hangzhou.evil.com", "region\u0000", "../../etc",
        "a b", "ｃｎ-ｈａｎｇｚｈｏｕ", "cn-hangzhou/", "x@y", new string('a', 300), "cn-hangzhou?x=1", "cn-hangzhou#",
    };

    [Theory]
    [MemberData(nameof(HostileRegions))]
    public void A_hostile_region_is_refused_before_any_call(string region)
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => _cloud.Provider.Connect(_cloud.Request(region: region)));
        Assert.Equal("InvalidRegion", ex.ErrorId);
        Assert.DoesNotContain("\n", ex.Message);
        Assert.Empty(Emulator.Calls);
    }

    [Fact]
    public async Task Hostile_ids_are_refused_before_any_call()
    {
        var hostile = new[] { Capabilities.ImageIdExample + "\r\nX-Evil: 1", Capabilities.ImageIdExample + "/../x", new string('a', 5000),
            Capabilities.ImageIdExample + ",other", " ", "" };
        var result = await RunHarness.RemoveAsync(_cloud.Connect(), DeleteOptions.Default, hostile);
        Assert.All(result.Sink.Errors, e => Assert.Contains(e.Error.Code, new[] { EngineErrors.MalformedImageId, EngineErrors.EmptyImageId }));
        Assert.Equal(hostile.Length, result.Sink.Errors.Count);
        Assert.Empty(Emulator.Calls);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-10)]
    [InlineData(40)]
    public async Task A_clock_minutes_off_is_accepted_or_corrected_from_the_cloud_s_Date_header(int minutes)
    {
        var ids = SeedDeletable(2, "conformance-clock");
        Emulator.Clock = () => DateTimeOffset.UtcNow.AddMinutes(minutes);

        var result = await RunHarness.RemoveAsync(_cloud.Connect(), DeleteOptions.Default, ids);

        Assert.All(result.Sink.Removals, r => Assert.Equal(AcceptedStatus, r.Status));
        Assert.Equal(2, result.Sink.Removals.Count);
        // Either the cloud took the time (within its window: no call refused), or it refused it and the
        // module learnt the cloud's time and said so.
        var corrected = result.Sink.VerboseLines.Any(l => l.Contains($"clock is {Math.Abs(minutes)} minute(s) " + (minutes > 0 ? "behind" : "ahead of"), StringComparison.Ordinal));
        Assert.True(corrected || !result.Sink.VerboseLines.Any(l => l.Contains(", error ", StringComparison.Ordinal)), string.Join("\n", result.Sink.VerboseLines));
        if (minutes == 40 && _cloud.Provider is AccessKeyProvider) Assert.True(corrected, "40 minutes is beyond every signing window");
    }

    /// <summary>What an accepted delete is reported as without -Wait: Deleted, or Deleting where the cloud finishes it later.</summary>
    private string AcceptedStatus => Capabilities.DeleteCompletesAsynchronously ? RemovalStatus.Deleting : RemovalStatus.Deleted;

    [Fact]
    public void A_provider_that_deletes_asynchronously_can_be_followed_and_only_such_a_one_says_so()
    {
        Assert.Equal(Capabilities.DeleteCompletesAsynchronously, _cloud.Connect() is IDeletionPoller);
    }

    [Fact]
    public async Task Under_Wait_every_accepted_deletion_ends_Deleted_and_the_image_is_really_gone()
    {
        var ids = SeedDeletable(3, "conformance-wait");
        var refused = Emulator.Conditions.FirstOrDefault(c => c.Value is not null);
        var blocked = refused.Key is null ? null : _cloud.Seed("conformance-wait-refused", refused.Key);

        var input = blocked is null ? ids : ids.Append(blocked.Id).ToArray();
        var result = await RunHarness.RemoveAsync(_cloud.Connect(), DeleteOptions.Default, input, wait: new DeletionWait(TimeSpan.FromSeconds(60)));

        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status));
        Assert.DoesNotContain(Emulator.CurrentImages, i => ids.Contains(i.Id));
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        if (blocked is not null)
        {
            Assert.Equal(blocked.ExpectedError, result.Sink.ErrorFor(blocked.Id).Error.Code);
            Assert.Contains(Emulator.CurrentImages, i => i.Id == blocked.Id && !i.Deleting);
        }
    }

    [Fact]
    public void Ids_examples_regions_and_patterns_agree()
    {
        Assert.Matches(Capabilities.ImageIdPattern, Capabilities.ImageIdExample);
        Assert.Matches(Capabilities.ImageIdPattern, _cloud.Seed("conformance-pattern").Id);
        Assert.All(_cloud.Provider.KnownRegions, r => Assert.Matches(Capabilities.RegionPattern, r));
        Assert.All(Emulator.RegionNames, r => Assert.Matches(Capabilities.RegionPattern, r));
        Assert.DoesNotMatch(Capabilities.ImageIdPattern, Capabilities.ImageIdExample + "/../x");
        Assert.DoesNotMatch(Capabilities.ImageIdPattern, new string('a', 5000));
        Assert.False(string.IsNullOrEmpty(Capabilities.NotFoundErrorCode));
        Assert.True(Capabilities.MaxIdsPerDelete >= 1 && Capabilities.MaxIdsPerDescribe >= 1 && Capabilities.MaxPageSize >= 1 && Capabilities.MaxConcurrentCalls >= 1);
        // The emulator answers in the provider's own terms: its condition codes are what the module reports.
        Assert.Equal(Emulator.Provider, _cloud.Provider.Name);
    }
}

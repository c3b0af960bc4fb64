using ImageCmdlets.Providers.Glance;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Operations;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.OpenStack;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.OpenStack;

/// <summary>
/// The three cmdlets' logic end to end against a real Glance v2 behind a real Keystone v3 on 127.0.0.1
/// (tools/openstack/start.sh). Each test makes its own uniquely named images and removes what it leaves.
/// </summary>
public class OpenStackEndToEndTests : IAsyncLifetime
{
    private static readonly OperationSettings Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(20), RetryMaxDelay = TimeSpan.FromMilliseconds(200) };
    private readonly string _prefix = "ict" + Guid.NewGuid().ToString("N")[..8] + "-";
    private readonly List<string> _created = new();
    private GlanceSeeder _admin = null!;

    public async Task InitializeAsync()
    {
        if (GlanceServer.Variables is null && !GlanceServer.IsCi) return; // skipped tests
        _admin = await GlanceSeeder.LoginAsync();
    }

    public async Task DisposeAsync()
    {
        if (_admin is not null) await _admin.CleanUpAsync(_created);
    }

    private async Task<string> Create(string name, string visibility = "private", bool isProtected = false, bool upload = false)
    {
        var id = await _admin.CreateAsync(_prefix + name, visibility, isProtected, upload);
        _created.Add(id);
        return id;
    }

    private static ConnectionOptions Admin(Action<Dictionary<string, string>>? change = null) =>
        new() { Environment = GlanceServer.Environment_(change: change) };

    private static ConnectionOptions Demo() => new() { Environment = GlanceServer.Environment_(demo: true) };

    private static RecordingHost Get(ConnectionOptions connection, ImageQuery query, params string[] ids)
    {
        var host = new RecordingHost();
        new GetCloudImageCore(host, connection, Fast).Run("OpenStack", Array.Empty<string>(), query, ids);
        return host;
    }

    private static RecordingHost Test(ConnectionOptions connection, params string[] ids)
    {
        var host = new RecordingHost();
        var core = new TestCloudImageDeletableCore(host, connection, DeleteOptions.Default, Fast);
        core.Begin();
        foreach (var id in ids) core.Process(new ImageInput { ImageId = id, Provider = "OpenStack" });
        core.Complete();
        return host;
    }

    private static RecordingHost Remove(ConnectionOptions connection, bool whatIf, IEnumerable<ImageInput> inputs)
    {
        var host = new RecordingHost { WhatIfMode = whatIf };
        var core = new RemoveCloudImageCore(host, connection, DeleteOptions.Default, new ConfirmationSettings { WhatIf = whatIf, Force = !whatIf }, Fast);
        core.Begin();
        foreach (var input in inputs) core.Process(input);
        core.Complete();
        return host;
    }

    private static IEnumerable<ImageInput> Ids(params string[] ids) => ids.Select(id => new ImageInput { ImageId = id, Provider = "OpenStack" });

    [GlanceFact]
    public async Task Lists_more_than_sixty_images_across_pages_and_filters_by_wildcard_name()
    {
        var ids = await _admin.CreateManyAsync(_prefix + "list-", 63);
        _created.AddRange(ids);
        await Create("other-1");

        var host = Get(Admin(), new ImageQuery { NamePatterns = new[] { _prefix + "list-*" }, PageSize = 10 });

        var listed = host.Output.Cast<CloudImage>().ToArray();
        Assert.Equal(ids.OrderBy(i => i), listed.Select(i => i.ImageId).OrderBy(i => i));
        Assert.All(listed, i => Assert.Equal("OpenStack", i.Provider));
        Assert.All(listed, i => Assert.Equal("RegionOne", i.Region));
        Assert.All(listed, i => Assert.Equal(_admin.ProjectId, i.Owner));
        Assert.True(host.Verbose.Count(v => v.Contains("ListImages")) >= 7, "expected at least 7 pages of 10");
        Assert.Empty(host.Errors);
    }

    [GlanceFact]
    public async Task Filters_by_state_and_exact_name()
    {
        var active = await Create("state-active", upload: true);
        var queued = await Create("state-queued");

        var onlyActive = Get(Admin(), new ImageQuery { NamePatterns = new[] { _prefix + "state-*" }, States = new[] { "active" } });
        Assert.Equal(new[] { active }, onlyActive.Output.Cast<CloudImage>().Select(i => i.ImageId));

        var exact = Get(Admin(), new ImageQuery { NamePatterns = new[] { _prefix + "state-queued" } });
        Assert.Equal(new[] { queued }, exact.Output.Cast<CloudImage>().Select(i => i.ImageId));
        Assert.Equal("queued", exact.Output.Cast<CloudImage>().Single().State);
    }

    [GlanceFact]
    public async Task Get_by_id_reports_a_missing_id_as_not_found()
    {
        var id = await Create("byid");
        var missing = Guid.NewGuid().ToString();
        var host = Get(Admin(), new ImageQuery(), id, missing);
        Assert.Equal(id, host.Output.Cast<CloudImage>().Single().ImageId);
        Assert.Equal(GlanceErrors.NotFound, host.Errors.Single().Error.Code);
        Assert.Equal(missing, host.Errors.Single().ImageId);
    }

    [GlanceFact]
    public async Task Test_deletable_gives_reasons_for_protected_and_foreign_owned_images()
    {
        var deletable = await Create("t-ok");
        var protectedImage = await Create("t-protected", isProtected: true);
        var adminPublic = await Create("t-public", visibility: "public");

        var asAdmin = Test(Admin(), deletable, protectedImage);
        var ok = asAdmin.Output.Cast<CloudImageDeletability>().Single(v => v.ImageId == deletable);
        Assert.True(ok.IsDeletable);
        Assert.Equal(DeletabilityCheck.Describe, ok.CheckedBy);
        var prot = asAdmin.Output.Cast<CloudImageDeletability>().Single(v => v.ImageId == protectedImage);
        Assert.False(prot.IsDeletable);
        Assert.Equal(GlanceErrors.Protected, prot.Reasons.Single().Code);

        var asDemo = Test(Demo(), adminPublic);
        var foreign = asDemo.Output.Cast<CloudImageDeletability>().Single();
        Assert.False(foreign.IsDeletable);
        Assert.Equal(GlanceErrors.NotOwner, foreign.Reasons.Single().Code);

        // The verdicts match what Glance really does.
        var realDelete = Remove(Demo(), whatIf: false, Ids(adminPublic));
        Assert.Equal(GlanceErrors.NotOwner, realDelete.Errors.Single().Error.Code);
        Assert.Equal(403, realDelete.Errors.Single().Error.HttpStatus);
        Assert.True(await _admin.ExistsAsync(adminPublic));
    }

    [GlanceFact]
    public async Task WhatIf_deletes_nothing_and_reports_WouldDelete_or_the_real_error()
    {
        var a = await Create("w-a");
        var b = await Create("w-b", upload: true);
        var p = await Create("w-protected", isProtected: true);
        var missing = Guid.NewGuid().ToString();

        var host = Remove(Admin(), whatIf: true, Ids(a, b, p, missing));

        foreach (var id in new[] { a, b, p }) Assert.True(await _admin.ExistsAsync(id), $"{id} must survive -WhatIf");
        Assert.Equal(new[] { a, b }.OrderBy(x => x), host.Removals.Where(r => r.Status == RemovalStatus.WouldDelete).Select(r => r.ImageId).OrderBy(x => x));
        Assert.Equal(GlanceErrors.Protected, host.Errors.Single(e => e.ImageId == p).Error.Code);
        Assert.Equal(GlanceErrors.NotFound, host.Errors.Single(e => e.ImageId == missing).Error.Code);
        Assert.Equal(4, host.ShouldProcessTargets.Count);
        var listed = Get(Admin(), new ImageQuery { NamePatterns = new[] { _prefix + "w-*" } });
        Assert.Equal(3, listed.Output.Count);
    }

    [GlanceFact]
    public async Task Mixed_batch_gives_every_input_exactly_one_outcome()
    {
        var d1 = await Create("m-1");
        var d2 = await Create("m-2", upload: true);
        var d3 = await Create("m-3");
        var p = await Create("m-protected", isProtected: true);
        var missing = Guid.NewGuid().ToString();

        var inputs = Ids(d1, p, d2, missing, d1, d3, "not-a-uuid").ToArray();
        var host = Remove(Admin(), whatIf: false, inputs);

        Assert.Equal(inputs.Length, host.Removals.Count() + host.Errors.Count);
        Assert.Equal(new[] { d1, d2, d3 }.OrderBy(x => x), host.Removals.Where(r => r.Status == RemovalStatus.Deleted).Select(r => r.ImageId).OrderBy(x => x));
        Assert.Single(host.Removals, r => r.ImageId == d1 && r.Status == RemovalStatus.Duplicate);
        Assert.Equal(GlanceErrors.Protected, host.Errors.Single(e => e.ImageId == p).Error.Code);
        Assert.Equal(GlanceErrors.NotFound, host.Errors.Single(e => e.ImageId == missing).Error.Code);
        Assert.Equal("MalformedImageId", host.Errors.Single(e => e.ImageId == "not-a-uuid").Error.Code);
        foreach (var id in new[] { d1, d2, d3 }) Assert.False(await _admin.ExistsAsync(id));
        Assert.True(await _admin.ExistsAsync(p));
        Assert.All(host.Removals.Where(r => r.Status == RemovalStatus.Deleted), r => Assert.NotNull(r.RequestId));
        Assert.True(host.Progress.Last().Completed);
    }

    [GlanceFact]
    public async Task Piped_images_are_removed_through_the_session_that_listed_them()
    {
        await Create("pipe-1");
        await Create("pipe-2");
        var listed = Get(Admin(), new ImageQuery { NamePatterns = new[] { _prefix + "pipe-*" } }).Output.Cast<CloudImage>().ToArray();
        Assert.Equal(2, listed.Length);

        // No credentials at all in the remover's environment: the piped images carry their connection.
        var host = Remove(new ConnectionOptions { Environment = new FixedEnvironment() }, whatIf: false, listed.Select(i => new ImageInput { Image = i }));
        Assert.Equal(2, host.Removals.Count(r => r.Status == RemovalStatus.Deleted));
        Assert.Equal(listed.Select(i => i.Name).OrderBy(n => n), host.Removals.Select(r => r.Name).OrderBy(n => n));
    }

    [GlanceFact]
    public async Task A_direct_token_on_Glance_needs_its_project_and_then_lists_only_that_project()
    {
        var own = await Create("token-own");
        var demo = await GlanceSeeder.LoginAsync(demo: true);
        var other = await demo.CreateAsync(_prefix + "token-other");
        _created.Add(other);
        var variables = new Dictionary<string, string> { ["OS_TOKEN"] = _admin.Token, ["OS_IMAGE_URL"] = GlanceServer.Require()["GLANCE_URL"] };

        // The admin token sees every project's images: without a project, "own images" cannot be told apart.
        var refused = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Get(new ConnectionOptions { Environment = new FixedEnvironment(variables) }, new ImageQuery { NamePatterns = new[] { _prefix + "token-*" } }));
        Assert.Equal("MissingProject", refused.ErrorId);

        variables["OS_PROJECT_ID"] = _admin.ProjectId;
        var host = Get(new ConnectionOptions { Environment = new FixedEnvironment(variables) }, new ImageQuery { NamePatterns = new[] { _prefix + "token-*" } });
        Assert.Equal(new[] { own }, host.Output.Cast<CloudImage>().Select(i => i.ImageId));
        // And a dry run on the other project's image says what Glance would (not owned), never WouldDelete.
        var whatIf = Remove(new ConnectionOptions { Environment = new FixedEnvironment(variables) }, whatIf: true, Ids(other));
        Assert.Empty(whatIf.Removals);
        Assert.Equal(GlanceErrors.NotOwner, Assert.Single(whatIf.Errors).Error.Code);
    }

    [GlanceFact]
    public void A_wrong_password_is_one_clear_terminating_error()
    {
        OpenStackAssert.RefusedSignIn(Admin(v => v["OS_PASSWORD"] = "wrong-password-123"), Guid.NewGuid().ToString(), "admin", "wrong-password-123", Fast);
    }

    [GlanceFact]
    public async Task Cancellation_mid_run_leaves_every_image_accounted_for()
    {
        var ids = await _admin.CreateManyAsync(_prefix + "c-", 40);
        _created.AddRange(ids);
        var session = ProviderRegistry.Find(OpenStackProvider.ProviderName).Connect(new ConnectionRequest { Environment = GlanceServer.Environment_() });
        using var cts = new CancellationTokenSource();
        var sink = new CancelAfterSink(cts, after: 5);
        var record = new CloudImageRun("Remove-CloudImage");
        var run = new RemovalRun(session, DeleteOptions.Default, sink, new OperationSettings { MaxConcurrentCalls = 2 }, StopSignal.From(cts.Token), record);
        foreach (var id in ids) run.Add(id);
        await run.CompleteAsync();

        Assert.Equal(40, record.Received);
        Assert.DoesNotContain(record.Entries, e => e.Status == CloudImageRunStatus.Pending);
        Assert.All(sink.OutcomeCountsById().Values, n => Assert.Equal(1, n));
        var deleted = sink.Removals.Where(r => r.Status == RemovalStatus.Deleted).Select(r => r.ImageId).ToArray();
        Assert.Equal(deleted.OrderBy(i => i), record.Entries.Where(e => e.Status == CloudImageRunStatus.Deleted).Select(e => e.ImageId).OrderBy(i => i));
        var notStarted = record.Entries.Where(e => e.Status == CloudImageRunStatus.NotProcessed).Select(e => e.ImageId).ToArray();
        var detail = $"deleted {deleted.Length}, not started {notStarted.Length}, other {string.Join(" | ", record.Entries.Where(e => !notStarted.Contains(e.ImageId)).Select(e => e.Status + ": " + e.Message).Distinct())}";
        Assert.True(deleted.Length is >= 5 and <= 39, detail);
        Assert.True(notStarted.Length > 0, detail);
        // Only calls actually under way (at most MaxConcurrentCalls = 2) may have an unknown effect.
        var inFlight = record.Entries.Count(e => e.Status == CloudImageRunStatus.Unknown);
        Assert.True(inFlight <= 2, detail);
        Assert.Equal(40, deleted.Length + notStarted.Length + inFlight);
        foreach (var id in deleted) Assert.False(await _admin.ExistsAsync(id), $"{id} reported deleted but exists");
        foreach (var id in notStarted) Assert.True(await _admin.ExistsAsync(id), $"{id} reported not started but is gone");
    }

    [GlanceFact]
    public async Task No_secret_appears_in_any_stream_of_a_full_run()
    {
        var password = GlanceServer.Require()["OS_PASSWORD"];
        var ok = await Create("s-ok");
        var prot = await Create("s-protected", isProtected: true);
        var connection = Admin();
        // Tokens are kept for the session: this run must sign in itself, to show that no stream tells the password.
        KeystoneTokenCache.Clear();

        var hosts = new List<RecordingHost>
        {
            Get(connection, new ImageQuery { NamePatterns = new[] { _prefix + "s-*" } }),
            Test(connection, ok, prot, Guid.NewGuid().ToString()),
            Remove(connection, whatIf: true, Ids(ok, prot)),
            Remove(connection, whatIf: false, Ids(ok, prot, Guid.NewGuid().ToString())),
        };
        var listed = hosts[0].Output.Cast<CloudImage>().First();
        var auth = typeof(GlanceSession).GetField("_auth", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(listed.Connection)!;
        var token = ((Secret)typeof(KeystoneAuthenticator).GetField("_authToken", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(auth)!).Reveal();
        Assert.True(token.Length > 20);

        var text = hosts.SelectMany(h => h.AllText()).Concat(hosts.SelectMany(h => h.Errors.Select(e => new CloudApiException(e.Error).ToString()))).ToArray();
        Assert.Contains(text, t => t.Contains("DeleteImage")); // verbose lines were captured
        Assert.Contains(text, t => t.Contains("Keystone token"));
        Assert.DoesNotContain(text, t => t.Contains(password));
        Assert.DoesNotContain(text, t => t.Contains(token));
        Assert.DoesNotContain(text, t => t.Contains(token[..16]));
        Assert.DoesNotContain(password, Dump.Of(listed));
        Assert.DoesNotContain(token, Dump.Of(listed));
        Assert.DoesNotContain(token, listed.Connection!.ToString() ?? "");
    }

    /// <summary>Cancels the run once a number of outcomes have arrived (Ctrl+C in the middle of a run).</summary>
    private sealed class CancelAfterSink : IOperationSink
    {
        private readonly CollectingSink _inner = new();
        private readonly CancellationTokenSource _cts;
        private readonly int _after;

        public CancelAfterSink(CancellationTokenSource cts, int after) { _cts = cts; _after = after; }

        public void Result(object result) { _inner.Result(result); if (_inner.Results.Count >= _after) _cts.Cancel(); }
        public void Error(ImageError error) => _inner.Error(error);
        public void Outcome(CloudImageRunEntry entry) { _inner.Outcome(entry); if (_inner.Results.Count >= _after) _cts.Cancel(); }
        public void Verbose(string message) => _inner.Verbose(message);
        public void Debug(string message) => _inner.Debug(message);
        public void Progress(ProgressUpdate progress) => _inner.Progress(progress);

        public int OutcomeCount => _inner.OutcomeCount;
        public IReadOnlyList<CloudImageRemoval> Removals => _inner.Removals;
        public IReadOnlyList<ImageError> Errors => _inner.Errors;
        public Dictionary<string, int> OutcomeCountsById() => _inner.OutcomeCountsById();
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.Huawei;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Providers.Huawei;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Huawei;

/// <summary>
/// The operations layer driving the real Huawei provider over HTTP against the IMS emulator: listing across pages,
/// the v2 delete and the deprecated v1.1 soft delete with the state each leaves, a mixed run, -WhatIf, throttling
/// and faults, IAM tokens, counting every outcome and every deletion the emulator carried out.
/// </summary>
public sealed class HuaweiEndToEndTests : IAsyncLifetime
{
    private static readonly OperationSettings Fast = TestSettings.FastRetries(jitterSeed: 10);

    private HuaweiTestBed _bed = null!;
    private HuaweiEmulator Emulator => _bed.Emulator;

    public async Task InitializeAsync() => _bed = await HuaweiTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private string Add(string name, string type = HuaweiImages.Private, bool isProtected = false, string? owner = null, string status = "active") =>
        Emulator.AddImage(new HuaweiEmulatorImage { Name = name, ImageType = type, Protected = isProtected, Owner = owner, Status = status }).Id;

    private string[] AddMany(int count, string prefix) => Enumerable.Range(0, count).Select(i => Add($"{prefix}-{i:d4}")).ToArray();

    [Fact]
    public async Task Listing_streams_the_project_s_private_images_across_pages_and_leaves_out_other_kinds()
    {
        var own = AddMany(23, "ci-build");
        Add("ci-build-public", type: "gold", owner: HuaweiEmulator.OtherProjectId);
        Add("ci-build-shared", type: "shared", owner: HuaweiEmulator.OtherProjectId);
        var softDeleted = Add("ci-build-old", status: HuaweiImages.Deleted);

        var sink = await TestRuns.ListAsync(_bed.Connect(), new ImageQuery { PageSize = 5, NamePatterns = new[] { "ci-build*" } }, Fast);

        Assert.Empty(sink.Errors);
        Assert.Equal(own.OrderBy(i => i), sink.Images.Select(i => i.ImageId).OrderBy(i => i));
        Assert.All(sink.Images, i => Assert.Equal("private", i.ImageType));
        Assert.All(sink.Images, i => Assert.Equal(40L << 30, i.SizeBytes));
        // 24 private records (one soft-deleted) in pages of 5: five pages, the last one short.
        var pages = Emulator.Calls.Where(c => c.Action == HuaweiSession.ListAction).ToArray();
        Assert.Equal(5, pages.Length);
        Assert.All(pages, p => Assert.Contains("__imagetype=private", p.Query));
        Assert.Equal(4, pages.Count(p => p.Query.Contains("marker=")));

        var deleted = await TestRuns.ListAsync(_bed.Connect(), new ImageQuery { States = new[] { "deleted" } }, Fast);
        Assert.Equal(new[] { softDeleted }, deleted.Images.Select(i => i.ImageId));
        var everything = await TestRuns.ListAsync(_bed.Connect(), new ImageQuery { IncludeNonCustom = true, NamePatterns = new[] { "ci-build-*" } }, Fast);
        Assert.Equal(25, everything.Images.Count);
    }

    [Fact]
    public async Task IMS_tags_written_key_dot_value_read_as_key_equals_value_and_filter_like_every_provider_s()
    {
        var tagged = Emulator.SeedImage(new ImageSeed("tagged", HuaweiEmulator.Region, ImageCondition.Deletable, DateTimeOffset.UtcNow.AddDays(-1), 10,
            new Dictionary<string, string> { ["env"] = "prod", ["team"] = "ci.build" })).Id;
        Emulator.SeedImage(new ImageSeed("untagged", HuaweiEmulator.Region, ImageCondition.Deletable, DateTimeOffset.UtcNow.AddDays(-1), 10, new Dictionary<string, string>()));

        var sink = await TestRuns.ListAsync(_bed.Connect(), new ImageQuery { Tags = new[] { "env=prod" } }, Fast);

        var image = Assert.Single(sink.Images);
        Assert.Equal(tagged, image.ImageId);
        // The first dot separates key and value: a value may hold dots of its own.
        Assert.Equal(new[] { "env=prod", "team=ci.build" }, image.Tags.OrderBy(t => t));
    }

    [Fact]
    public async Task The_v2_delete_removes_the_image_sends_no_body_and_names_the_module()
    {
        var ids = AddMany(3, "tmp");

        var result = await RunHarness.RemoveAsync(_bed.Connect(), DeleteOptions.Default, ids, Fast);

        Assert.All(result.Sink.Removals, r => Assert.Equal(RemovalStatus.Deleted, r.Status));
        Assert.Equal(3, result.Sink.Removals.Count);
        Assert.All(ids, id => Assert.Null(Emulator.Find(id)));
        Assert.All(Emulator.Deletions, d => Assert.Equal((HuaweiSession.DeleteAction, false), (d.Action, d.DeleteBackup)));
        Assert.All(Emulator.CallsOf(HuaweiSession.DeleteAction), c => Assert.Equal("", c.Body));
        Assert.All(Emulator.UserAgents, ua => Assert.Matches(@"^ImageCmdlets/\d+\.\d+\.\d+$", ua));
    }

    [Fact]
    public async Task DeleteBackup_sends_delete_backup_true_in_a_json_body()
    {
        var id = Add("full-server");

        var result = await RunHarness.RemoveAsync(_bed.Connect(), new DeleteOptions { DeleteBackups = true }, new[] { id }, Fast);

        Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status);
        Assert.Equal(new HuaweiDeletion(id, HuaweiSession.DeleteAction, true), Emulator.Deletions.Single());
        Assert.Equal("{\"delete_backup\":true}", Emulator.CallsOf(HuaweiSession.DeleteAction).Single().Body);
    }

    [Fact]
    public async Task The_v1_1_soft_delete_is_reported_SoftDeleted_and_leaves_the_record_marked_deleted()
    {
        var id = Add("legacy");

        var result = await RunHarness.RemoveAsync(_bed.Connect(), new DeleteOptions { SoftDelete = true }, new[] { id }, Fast);

        var removal = result.Sink.RemovalFor(id);
        Assert.Equal(RemovalStatus.SoftDeleted, removal.Status);
        Assert.Contains("keeps its record", removal.Message);
        Assert.Equal(CloudImageRunStatus.SoftDeleted, result.Record.Entries.Single().Status);
        Assert.Equal(HuaweiImages.Deleted, Emulator.Find(id)!.Status);
        Assert.Equal(HuaweiSession.SoftDeleteAction, Emulator.Deletions.Single().Action);

        // The record is gone as far as lookups go: a second delete (either call) finds nothing.
        var again = await RunHarness.RemoveAsync(_bed.Connect(), DeleteOptions.Default, new[] { id }, Fast);
        Assert.Equal(GlanceErrors.NotFound, again.Sink.ErrorFor(id).Error.Code);
    }

    [Fact]
    public async Task A_mixed_run_gives_each_image_its_one_correct_outcome()
    {
        var deletable = AddMany(6, "mixed");
        // An image this project shares with another is still its own to delete.
        var sharedToOthers = Emulator.AddImage(new HuaweiEmulatorImage { Name = "shared-out", Members = new[] { HuaweiEmulator.OtherProjectId } }).Id;
        var refused = new Dictionary<string, string>
        {
            [Add("protected", isProtected: true)] = GlanceErrors.Protected,
            [Add("public", type: "gold", owner: HuaweiEmulator.OtherProjectId)] = GlanceErrors.NotOwner,
            [Add("shared-in", type: "shared", owner: HuaweiEmulator.OtherProjectId)] = GlanceErrors.NotOwner,
            ["4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90"] = GlanceErrors.NotFound,
        };
        var input = deletable.Append(sharedToOthers).Concat(refused.Keys).Append(deletable[0]).ToArray();

        var result = await RunHarness.RemoveAsync(_bed.Connect(), DeleteOptions.Default, input, Fast);

        Assert.All(deletable.Append(sharedToOthers), id => Assert.Equal(RemovalStatus.Deleted, result.Sink.Removals.First(r => r.ImageId == id && r.Status != RemovalStatus.Duplicate).Status));
        Assert.Single(result.Sink.Removals, r => r.Status == RemovalStatus.Duplicate && r.ImageId == deletable[0]);
        foreach (var (id, code) in refused) Assert.Equal(code, result.Sink.ErrorFor(id).Error.Code);
        Assert.Equal(ErrorKind.NotFound, result.Sink.ErrorFor("4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90").Error.Kind);
        Assert.Equal(deletable.Append(sharedToOthers).OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        Assert.Equal(input.Length, result.Sink.OutcomeCount);
    }

    [Fact]
    public async Task WhatIf_and_a_check_judge_from_the_record_and_make_no_delete_call()
    {
        var ok = Add("ok");
        var isProtected = Add("protected", isProtected: true);
        var foreign = Add("public", type: "gold", owner: HuaweiEmulator.OtherProjectId);
        var saving = Add("saving", status: "saving");
        var missing = "4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90";
        var ids = new[] { ok, isProtected, foreign, saving, missing };

        var whatIf = await RunHarness.RemoveAsync(_bed.Connect(), DeleteOptions.Default.AsDryRun(), ids, Fast);
        var check = await RunHarness.CheckAsync(_bed.Connect(), DeleteOptions.Default, ids, Fast);

        Assert.Equal(RemovalStatus.WouldDelete, whatIf.Sink.RemovalFor(ok).Status);
        Assert.Equal(GlanceErrors.Protected, whatIf.Sink.ErrorFor(isProtected).Error.Code);
        Assert.Equal(GlanceErrors.NotOwner, whatIf.Sink.ErrorFor(foreign).Error.Code);
        Assert.Equal(GlanceErrors.InvalidState, whatIf.Sink.ErrorFor(saving).Error.Code);
        Assert.Equal(GlanceErrors.NotFound, whatIf.Sink.ErrorFor(missing).Error.Code);
        Assert.True(check.Sink.Verdicts.Single(v => v.ImageId == ok).IsDeletable);
        Assert.Equal(new[] { GlanceErrors.NotOwner }, check.Sink.Verdicts.Single(v => v.ImageId == foreign).Reasons.Select(r => r.Code));
        Assert.Empty(Emulator.CallsOf(HuaweiSession.DeleteAction));
        Assert.Empty(Emulator.CallsOf(HuaweiSession.SoftDeleteAction));
        Assert.Equal(4, Emulator.Images.Count);
    }

    [Fact]
    public async Task Throttling_and_faults_are_retried_and_lose_nothing()
    {
        var ids = AddMany(12, "faulty");
        Emulator.InjectFaults(
            new Fault(FaultKind.Throttle, HuaweiSession.DeleteAction), new Fault(FaultKind.Throttle, HuaweiSession.DeleteAction),
            new Fault(FaultKind.ServiceUnavailable, HuaweiSession.DeleteAction), new Fault(FaultKind.ServerError, HuaweiSession.DeleteAction),
            new Fault(FaultKind.ConnectionReset, HuaweiSession.DeleteAction), new Fault(FaultKind.ResetAfterProcessing, HuaweiSession.DeleteAction));

        var result = await RunHarness.RemoveAsync(_bed.Connect(), DeleteOptions.Default, ids, Fast);

        Assert.Empty(result.Sink.Errors);
        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status));
        Assert.Empty(Emulator.Images);
        Assert.Equal(ids.OrderBy(i => i), Emulator.DeletedImageIds.OrderBy(i => i));
        Assert.Equal(0, Emulator.PendingFaults);
        Assert.Contains(Emulator.CallsOf(HuaweiSession.DeleteAction), c => c.Status == 429);
    }

    [Fact]
    public async Task Without_a_project_id_the_region_s_project_is_looked_up_in_IAM_once()
    {
        var ids = AddMany(3, "lookup");
        var session = _bed.Connect(null, new Dictionary<string, string> { [HuaweiCredentials.IamEndpointVariable] = Emulator.BaseUri + "v3" });
        Assert.Equal("(token)", session.Account); // not known before the first call

        var result = await RunHarness.RemoveAsync(session, DeleteOptions.Default, ids, Fast);

        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status));
        Assert.Equal(HuaweiEmulator.ProjectId, session.Account);
        Assert.Contains(result.Sink.VerboseLines, l => l.Contains("from IAM"));
    }

    [Fact]
    public async Task An_IAM_user_signs_in_and_an_expired_token_is_renewed_once()
    {
        var ids = AddMany(2, "iam");
        var session = _bed.ConnectWithIamUser();
        Assert.Equal(HuaweiEmulator.ProjectId, session.Account);
        Assert.Equal(1, Emulator.TokensIssued);

        Emulator.TokenLifetime = TimeSpan.Zero;
        var expiring = _bed.ConnectWithIamUser();
        Emulator.TokenLifetime = TimeSpan.FromHours(1);
        var result = await RunHarness.RemoveAsync(expiring, DeleteOptions.Default, ids, Fast);

        Assert.All(ids, id => Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status));
        Assert.Contains(Emulator.CallsOf(HuaweiSession.DeleteAction), c => c.Status == 401);
        Assert.Equal(3, Emulator.TokensIssued);
    }

    [Fact]
    public void A_wrong_IAM_password_stops_before_any_image_call()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => _bed.ConnectWithIamUser("Not-The-Password-77"));
        Assert.Equal(ErrorKind.Authentication, ex.Kind);
        Assert.DoesNotContain("Not-The-Password-77", ex.Message);
        Assert.Empty(Emulator.Calls);
    }

    [Fact]
    public async Task A_token_given_as_is_is_used_and_a_bad_one_stops_the_run()
    {
        var id = Add("given-token");
        _bed.ConnectWithIamUser(); // the emulator's IAM issues the token a user would have got elsewhere
        var issued = await IssueTokenAsync();

        var result = await RunHarness.RemoveAsync(_bed.ConnectWithToken(issued), DeleteOptions.Default, new[] { id }, Fast);
        Assert.Equal(RemovalStatus.Deleted, result.Sink.RemovalFor(id).Status);
        Assert.Equal(HuaweiEmulator.ProjectId, _bed.ConnectWithToken(issued).Account);

        var other = Add("bad-token");
        var refused = await RunHarness.RemoveAsync(_bed.ConnectWithToken("MIIbogus"), DeleteOptions.Default, new[] { other }, Fast);
        Assert.True(refused.Run.Fatal?.Kind == ErrorKind.Authentication, string.Join("\n", refused.Sink.AllText()));
        Assert.NotNull(Emulator.Find(other));
    }

    private async Task<string> IssueTokenAsync()
    {
        using var http = new System.Net.Http.HttpClient();
        var body = $"{{\"auth\":{{\"identity\":{{\"methods\":[\"password\"],\"password\":{{\"user\":{{\"name\":\"{HuaweiEmulator.DemoUser}\",\"domain\":{{\"name\":\"{HuaweiEmulator.Account}\"}},\"password\":\"{HuaweiEmulator.DemoPassword}\"}}}}}},\"scope\":{{\"project\":{{\"name\":\"{HuaweiEmulator.Region}\"}}}}}}}}";
        using var answer = await http.PostAsync(Emulator.BaseUri + "v3/auth/tokens", new System.Net.Http.StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(201, (int)answer.StatusCode);
        return answer.Headers.GetValues("X-Subject-Token").Single();
    }
}

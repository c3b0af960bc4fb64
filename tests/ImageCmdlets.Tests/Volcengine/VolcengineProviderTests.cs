using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.Volcengine;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Volcengine;
using ImageCmdlets.Tests.Commands;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Volcengine;

/// <summary>The Volcengine provider against the emulator over real HTTP, one API call at a time.</summary>
public sealed class VolcengineProviderTests : IAsyncLifetime
{
    private VolcengineTestBed _bed = null!;
    private VolcengineEmulator Emulator => _bed.Emulator;

    public async Task InitializeAsync() => _bed = await VolcengineTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private IReadOnlyDictionary<string, string> LastParameters(string action) => Emulator.RequestsOf(action).Last().Parameters;

    [Fact]
    public async Task Listing_reads_every_custom_image_across_pages_with_next_token()
    {
        var seeded = Emulator.SeedPrivateImages(230);
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "public", Visibility = "public" });
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "shared-to-me", Visibility = "shared" });
        Emulator.SeedPrivateImages(5, "other-region", "cn-shanghai");
        var session = _bed.Connect();

        var listed = new List<CloudImage>();
        var pages = new List<ImagePage>();
        string? token = null;
        do
        {
            var page = await session.ListImagesAsync(new ImageQuery(), token, VolcengineTestBed.Call());
            pages.Add(page);
            listed.AddRange(page.Images);
            token = page.NextPageToken;
        }
        while (token is not null && pages.Count < 10);

        Assert.Equal(new[] { 100, 100, 30 }, pages.Select(p => p.Images.Count));
        Assert.All(pages, p => Assert.Equal(230, p.TotalCount));
        Assert.Equal(seeded.OrderBy(i => i), listed.Select(i => i.ImageId).OrderBy(i => i));
        Assert.All(listed, i => Assert.Equal("private", i.ImageType));
        var calls = Emulator.RequestsOf("DescribeImages");
        Assert.All(calls, c => Assert.Equal("private", c.Parameters["Visibility"]));
        Assert.All(calls, c => Assert.Equal("100", c.Parameters["MaxResults"]));
        Assert.False(calls[0].Parameters.ContainsKey("NextToken"));
        Assert.All(calls.Skip(1), c => Assert.False(string.IsNullOrEmpty(c.Parameters["NextToken"])));
    }

    [Fact]
    public async Task Include_non_custom_drops_the_visibility_filter()
    {
        Emulator.SeedPrivateImages(2);
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "public", Visibility = "public" });
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "shared-to-me", Visibility = "shared" });
        var page = await _bed.Connect().ListImagesAsync(new ImageQuery { IncludeNonCustom = true }, null, VolcengineTestBed.Call());
        Assert.Equal(4, page.Images.Count);
        Assert.Null(page.NextPageToken);
        Assert.True(page.Images.Single(i => i.Name == "shared-to-me").IsShared);
        Assert.False(LastParameters("DescribeImages").ContainsKey("Visibility"));
    }

    [Fact]
    public async Task Name_state_and_tag_filters_go_to_the_server()
    {
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "release-1", Tags = new Dictionary<string, string> { ["team"] = "ci", ["temp"] = "1" } });
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "release-2", Tags = new Dictionary<string, string> { ["team"] = "web", ["temp"] = "1" } });
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "release-3", Status = "creating", Tags = new Dictionary<string, string> { ["team"] = "ci", ["temp"] = "1" } });
        Emulator.AddImage(new VolcengineEmulatorImage { Name = "other", Tags = new Dictionary<string, string> { ["team"] = "ci", ["temp"] = "1" } });

        var page = await _bed.Connect().ListImagesAsync(new ImageQuery
        {
            NamePatterns = new[] { "release" },
            States = new[] { "Available" },
            Tags = new[] { "team=ci", "temp" },
        }, null, VolcengineTestBed.Call());

        Assert.Equal(new[] { "release-1" }, page.Images.Select(i => i.Name));
        var sent = LastParameters("DescribeImages");
        Assert.Equal("release", sent["ImageName"]);
        Assert.Equal("available", sent["Status.1"]);
        Assert.Equal(("team", "ci"), (sent["TagFilters.1.Key"], sent["TagFilters.1.Values.1"]));
        Assert.Equal("temp", sent["TagFilters.2.Key"]);
        Assert.False(sent.ContainsKey("TagFilters.2.Values.1"));
    }

    [Fact]
    public void Server_side_filters_are_only_ever_a_superset_of_what_the_client_side_keeps()
    {
        var sent = VolcengineSession.ListParameters(new ImageQuery
        {
            NamePatterns = new[] { "ci-*" },
            States = new[] { "available", "Deprecated" },
            Tags = new[] { "owner", "team=ci", "team=web", "=orphan", "" },
        }).Select(p => p.Key + "=" + p.Value).ToArray();
        // No ImageName for a wildcard, no Status when one state is unknown to the API, one filter per tag key.
        Assert.Equal(new[] { "Visibility=private", "TagFilters.1.Key=owner", "TagFilters.2.Key=team", "TagFilters.2.Values.1=ci" }, sent);
        Assert.Equal(new[] { "Status.1=available", "Status.2=creating" },
            VolcengineSession.ListParameters(new ImageQuery { States = new[] { "AVAILABLE", "creating", "available" }, IncludeNonCustom = true })
                .Select(p => p.Key + "=" + p.Value));
    }

    [Fact]
    public async Task The_page_size_is_the_querys_and_at_most_one_hundred()
    {
        Emulator.SeedPrivateImages(12);
        var session = _bed.Connect();
        var first = await session.ListImagesAsync(new ImageQuery { PageSize = 5 }, null, VolcengineTestBed.Call());
        Assert.Equal(5, first.Images.Count);
        Assert.Equal("5", LastParameters("DescribeImages")["MaxResults"]);
        var second = await session.ListImagesAsync(new ImageQuery { PageSize = 5 }, first.NextPageToken, VolcengineTestBed.Call());
        var last = await session.ListImagesAsync(new ImageQuery { PageSize = 5 }, second.NextPageToken, VolcengineTestBed.Call());
        Assert.Equal(2, last.Images.Count);
        Assert.Null(last.NextPageToken);
        await session.ListImagesAsync(new ImageQuery { PageSize = 500 }, null, VolcengineTestBed.Call());
        Assert.Equal("100", LastParameters("DescribeImages")["MaxResults"]);
    }

    [Fact]
    public async Task Only_an_empty_next_token_ends_the_listing_and_a_repeated_one_is_stopped()
    {
        // Token-based pages may come back empty before the last one: answers scripted below, one per call.
        var answers = new Queue<string>(new[]
        {
            """{"ResponseMetadata":{"RequestId":"r1"},"Result":{"Images":[],"NextToken":"t1","TotalCount":1}}""",
            """{"ResponseMetadata":{"RequestId":"r2"},"Result":{"Images":[{"ImageId":"image-ydi2wozhozfu03z2abcd","Visibility":"private"}],"NextToken":"","TotalCount":1}}""",
            """{"ResponseMetadata":{"RequestId":"r3"},"Result":{"Images":[],"NextToken":"same","TotalCount":0}}""",
            """{"ResponseMetadata":{"RequestId":"r4"},"Result":{"Images":[],"NextToken":"same","TotalCount":0}}""",
        });
        var session = ProviderRegistry.Find("Volcengine").Connect(new ConnectionRequest
        {
            Region = "cn-beijing", Endpoint = new Uri("http://127.0.0.1:9/"), Credential = VolcengineTestBed.Credential, Environment = new FixedEnvironment(),
            Transport = new Transport.HttpTransport(new ScriptedHandler(answers), TimeSpan.FromSeconds(5)),
        });

        var listed = new CollectingSink();
        await ImageListing.RunAsync(session, new ImageQuery(), Array.Empty<string>(), listed, TestSettings.FastRetries());
        Assert.Equal(new[] { "image-ydi2wozhozfu03z2abcd" }, listed.Images.Select(i => i.ImageId));

        var looping = await Assert.ThrowsAsync<CloudApiException>(() =>
            ImageListing.RunAsync(session, new ImageQuery(), Array.Empty<string>(), new CollectingSink(), TestSettings.FastRetries()));
        Assert.Equal(EngineErrors.PaginationLoop, looping.Error.Code);
    }

    private sealed class ScriptedHandler : System.Net.Http.HttpMessageHandler
    {
        private readonly Queue<string> _answers;

        public ScriptedHandler(Queue<string> answers) => _answers = answers;

        protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken cancellationToken) =>
            Task.FromResult(new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new System.Net.Http.StringContent(_answers.Dequeue()) });
    }

    [Fact]
    public async Task Describe_by_ids_finds_images_of_any_visibility_and_leaves_out_missing_ones()
    {
        var ids = Emulator.SeedPrivateImages(30);
        var shared = Emulator.AddImage(new VolcengineEmulatorImage { Name = "theirs", Visibility = "shared" }).ImageId;
        var wanted = ids.Append(shared).Append("image-zzzzzzzzzzzzzzzzzzzz").ToList();

        var images = await _bed.Connect().DescribeImagesAsync(wanted, VolcengineTestBed.Call());

        Assert.Equal(ids.Append(shared).OrderBy(i => i), images.Select(i => i.ImageId).OrderBy(i => i));
        var sent = LastParameters("DescribeImages");
        Assert.False(sent.ContainsKey("Visibility"));
        Assert.Equal("32", sent["MaxResults"]);
        Assert.Equal(wanted, Enumerable.Range(1, 32).Select(n => sent[$"ImageIds.{n}"]));
    }

    [Fact]
    public async Task Describe_of_no_ids_makes_no_call()
    {
        Emulator.SeedPrivateImages(1);
        Assert.Empty(await _bed.Connect().DescribeImagesAsync(Array.Empty<string>(), VolcengineTestBed.Call()));
        Assert.Empty(Emulator.Calls);
    }

    [Fact]
    public async Task Images_are_mapped_with_their_fields()
    {
        var seeded = Emulator.AddImage(new VolcengineEmulatorImage
        {
            Name = "web-golden", Description = "golden image", SizeGiB = 20, OsName = "Ubuntu 22.04 with GPU driver",
            CreatedAt = new DateTimeOffset(2024, 3, 4, 5, 6, 7, TimeSpan.Zero),
            Tags = new Dictionary<string, string> { ["env"] = "prod" }, SnapshotIds = new[] { "snap-aaaa1111", "snap-bbbb2222" },
        });

        var image = (await _bed.Connect().DescribeImagesAsync(new[] { seeded.ImageId }, VolcengineTestBed.Call())).Single();

        Assert.Equal("Volcengine", image.Provider);
        Assert.Equal("cn-beijing", image.Region);
        Assert.Equal("web-golden", image.Name);
        Assert.Equal("golden image", image.Description);
        Assert.Equal("available", image.State);
        Assert.Equal("private", image.ImageType);
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 5, 6, 7, TimeSpan.Zero), image.CreatedAt);
        Assert.Equal(20L * 1024 * 1024 * 1024, image.SizeBytes);
        Assert.Equal("Ubuntu 22.04 with GPU driver", image.OsName);
        Assert.Equal("2100000001", image.Owner);
        Assert.Equal(new[] { "env=prod" }, image.Tags);
        Assert.Equal("snap-aaaa1111,snap-bbbb2222", image.Properties["SnapshotIds"]);
        Assert.Equal("amd64", image.Properties["Architecture"]);
        Assert.False(image.IsShared);
        Assert.False(string.IsNullOrEmpty(image.RequestId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_sends_delete_binded_snapshots_explicitly_and_keeps_snapshots_unless_asked(bool deleteSnapshots)
    {
        var a = Emulator.AddImage(new VolcengineEmulatorImage { Name = "a", SnapshotIds = new[] { "snap-a0000001" } });
        var b = Emulator.AddImage(new VolcengineEmulatorImage { Name = "b", SnapshotIds = new[] { "snap-b0000001" } });
        var keep = Emulator.AddImage(new VolcengineEmulatorImage { Name = "keep", SnapshotIds = new[] { "snap-k0000001" } });

        var results = await _bed.Connect().DeleteImagesAsync(new[] { a.ImageId, b.ImageId },
            new DeleteOptions { DeleteSnapshots = deleteSnapshots }, VolcengineTestBed.Call());

        Assert.Equal(new[] { a.ImageId, b.ImageId }, results.Select(r => r.ImageId));
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.RequestId)));
        Assert.Equal(new[] { keep.ImageId }, Emulator.ImageIds);
        var sent = LastParameters("DeleteImages");
        Assert.Equal(deleteSnapshots ? "true" : "false", sent["DeleteBindedSnapshots"]);
        Assert.Equal(new[] { a.ImageId, b.ImageId }, new[] { sent["ImageIds.1"], sent["ImageIds.2"] });
        var expectedSnapshots = deleteSnapshots ? new[] { "snap-k0000001" } : new[] { "snap-a0000001", "snap-b0000001", "snap-k0000001" };
        Assert.Equal(expectedSnapshots, Emulator.SnapshotIds.OrderBy(s => s));
    }

    [Fact]
    public async Task Without_the_flag_the_service_would_delete_the_snapshots()
    {
        // Why the flag is always sent: the emulator, like the service, deletes bound snapshots by default.
        var image = Emulator.AddImage(new VolcengineEmulatorImage { Name = "a", SnapshotIds = new[] { "snap-a0000001" } });
        var session = (VolcengineSession)_bed.Connect();
        var request = session.BuildRequest("DeleteImages", new KeyValuePair<string, string>[] { new("ImageIds.1", image.ImageId) }, DateTimeOffset.UtcNow);
        using var client = new System.Net.Http.HttpClient();
        using var message = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, request.Uri);
        foreach (var h in request.Headers) message.Headers.TryAddWithoutValidation(h.Key, h.Value);
        using var response = await client.SendAsync(message);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Empty(Emulator.SnapshotIds);
    }

    public static IEnumerable<object[]> RefusedImages() => new[]
    {
        new object[] { new VolcengineEmulatorImage { Status = "creating" }, "InvalidImageStatus", ErrorKind.InvalidState },
        new object[] { new VolcengineEmulatorImage { SharedToOtherAccounts = true }, "InvalidImage.Shared", ErrorKind.InUse },
        new object[] { new VolcengineEmulatorImage { Task = VolcengineImageTask.Copying }, "OperationDenied.ImageIsCopying", ErrorKind.InvalidState },
        new object[] { new VolcengineEmulatorImage { Task = VolcengineImageTask.Exporting }, "OperationDenied.ImageIsExporting", ErrorKind.InvalidState },
        new object[] { new VolcengineEmulatorImage { Visibility = "shared" }, "InvalidImage.NotFound", ErrorKind.NotFound },
        new object[] { new VolcengineEmulatorImage { Visibility = "public" }, "InvalidImage.NotFound", ErrorKind.NotFound },
    };

    [Theory]
    [MemberData(nameof(RefusedImages))]
    public async Task A_call_partly_succeeds_and_each_image_gets_its_own_answer(VolcengineEmulatorImage refused, string code, ErrorKind kind)
    {
        var good = Emulator.SeedPrivateImages(2);
        var bad = Emulator.AddImage(refused with { Name = "refused" }).ImageId;
        const string missing = "image-ydi2wozhozfu03z20000";

        var results = await _bed.Connect().DeleteImagesAsync(new[] { good[0], bad, missing, good[1] }, DeleteOptions.Default, VolcengineTestBed.Call());

        Assert.Equal(new[] { good[0], bad, missing, good[1] }, results.Select(r => r.ImageId));
        Assert.True(results[0].Succeeded && results[3].Succeeded);
        Assert.Equal((code, kind), (results[1].Error!.Code, results[1].Error!.Kind));
        Assert.Contains(bad, results[1].Error!.Message);
        Assert.Equal(("InvalidImage.NotFound", ErrorKind.NotFound), (results[2].Error!.Code, results[2].Error!.Kind));
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.RequestId)));
        Assert.Single(Emulator.RequestsOf("DeleteImages"));
        Assert.Equal(good, Emulator.DeletedImageIds);
        Assert.True(Emulator.HasImage(bad));
    }

    [Fact]
    public async Task A_call_whose_every_image_failed_with_internal_error_fails_as_a_whole_to_be_retried()
    {
        var ids = Emulator.SeedPrivateImages(3);
        foreach (var id in ids.Take(2)) Emulator.InjectImageError(id, "InternalError");
        var session = _bed.Connect();

        var mixed = await session.DeleteImagesAsync(ids, DeleteOptions.Default, VolcengineTestBed.Call());
        Assert.Equal(new[] { false, false, true }, mixed.Select(r => r.Succeeded));
        Assert.Equal(ErrorKind.ServerError, mixed[0].Error!.Kind);

        foreach (var id in ids.Take(2)) Emulator.InjectImageError(id, "InternalError");
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => session.DeleteImagesAsync(ids.Take(2).ToList(), DeleteOptions.Default, VolcengineTestBed.Call()));
        Assert.Equal("InternalError", ex.Error.Code);
        Assert.True(ex.Error.IsRetryable);
    }

    [Fact]
    public async Task No_dry_run_and_no_more_than_a_hundred_ids_are_ever_sent()
    {
        var ids = Emulator.SeedPrivateImages(101);
        var session = _bed.Connect();
        await Assert.ThrowsAsync<ArgumentException>(() => session.DeleteImagesAsync(ids.Take(1).ToList(), new DeleteOptions { DryRun = true }, VolcengineTestBed.Call()));
        await Assert.ThrowsAsync<ArgumentException>(() => session.DeleteImagesAsync(ids, DeleteOptions.Default, VolcengineTestBed.Call()));
        await Assert.ThrowsAsync<ArgumentException>(() => session.DescribeImagesAsync(ids, VolcengineTestBed.Call()));
        Assert.Empty(Emulator.Calls);
    }

    [Fact]
    public async Task Every_call_sends_a_user_agent_naming_the_module_and_its_version()
    {
        var version = Regex.Match(File.ReadAllText(Path.Combine(CmdletMetadataTests.RepoRoot(), "ImageCmdlets.psd1")), "ModuleVersion\\s*=\\s*'([0-9.]+)'").Groups[1].Value;
        var ids = Emulator.SeedPrivateImages(1);
        var session = _bed.Connect();
        await session.ListImagesAsync(new ImageQuery(), null, VolcengineTestBed.Call());
        await session.DeleteImagesAsync(ids, DeleteOptions.Default, VolcengineTestBed.Call());
        Assert.Equal(2, Emulator.Requests.Count);
        Assert.All(Emulator.Requests, r => Assert.Equal($"ImageCmdlets/{version}", r.UserAgent));
    }

    [Theory]
    [InlineData(FaultKind.ServerError, ErrorKind.ServerError)]
    [InlineData(FaultKind.ServiceUnavailable, ErrorKind.ServerError)]
    [InlineData(FaultKind.MalformedBody, ErrorKind.InvalidResponse)]
    [InlineData(FaultKind.ConnectionReset, ErrorKind.Connection)]
    [InlineData(FaultKind.Throttle, ErrorKind.Throttled)]
    public async Task Faults_become_the_right_kind_of_error(FaultKind fault, ErrorKind kind)
    {
        var ids = Emulator.SeedPrivateImages(1);
        Emulator.InjectFaults(new Fault(fault, "DeleteImages"));
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => _bed.Connect().DeleteImagesAsync(ids, DeleteOptions.Default, VolcengineTestBed.Call()));
        Assert.Equal(kind, ex.Error.Kind);
        Assert.True(Emulator.HasImage(ids[0]));
    }

    [Fact]
    public async Task An_unserved_region_is_a_configuration_error()
    {
        var ex = await Assert.ThrowsAsync<CloudApiException>(() =>
            _bed.Connect(region: "xx-nowhere").ListImagesAsync(new ImageQuery(), null, VolcengineTestBed.Call()));
        Assert.Equal("ServiceNotFound", ex.Error.Code);
        Assert.True(ex.Error.IsFatal);
    }

    [Fact]
    public async Task A_wrong_secret_is_an_authentication_error_that_never_shows_the_secret()
    {
        const string wrongSecret = "dGhlV3JvbmdTZWNyZXRLZXlWYWx1ZTAwMDAwMDE=";
        Emulator.AddKey(VolcengineTestBed.AccessKeyId, VolcengineTestBed.SecretKey, "someSessionTokenValue");
        var log = new RecordingApiLog();
        var session = _bed.Connect(credential: new AccessKeyCredential(VolcengineTestBed.AccessKeyId, new Secret(wrongSecret), new Secret("someSessionTokenValue")));

        var ex = await Assert.ThrowsAsync<CloudApiException>(() => session.ListImagesAsync(new ImageQuery(), null, VolcengineTestBed.Call(log)));

        Assert.Equal(("SignatureDoesNotMatch", ErrorKind.Authentication), (ex.Error.Code, ex.Error.Kind));
        Assert.NotEmpty(log.Lines);
        foreach (var text in log.Lines.Append(ex.ToString()).Append(session.Account).Append(session.ToString() ?? ""))
        {
            Assert.DoesNotContain(wrongSecret, text);
            Assert.DoesNotContain("someSessionTokenValue", text);
        }
    }

    [Fact]
    public async Task Verbose_lines_name_the_action_region_ids_and_request_id()
    {
        var ids = Emulator.SeedPrivateImages(7);
        var log = new RecordingApiLog();
        await _bed.Connect().DeleteImagesAsync(ids, new DeleteOptions { DeleteSnapshots = true }, VolcengineTestBed.Call(log));
        var line = Assert.Single(log.Lines, l => l.StartsWith("DeleteImages", StringComparison.Ordinal));
        Assert.Contains("cn-beijing " + ids[0], line);
        Assert.Contains("(+2 more) (and their snapshots)", line);
        Assert.Contains("RequestId", line);
    }

    [Fact]
    public void Errors_are_read_from_the_envelope_whatever_the_http_status()
    {
        var ex = Assert.Throws<CloudApiException>(() => VolcengineErrors.ReadResult(Exchange(200,
            "{\"ResponseMetadata\":{\"RequestId\":\"req-1\",\"Error\":{\"Code\":\"InvalidImage.NotFound\",\"Message\":\"gone\"}}}"), "DeleteImages"));
        Assert.Equal(("InvalidImage.NotFound", ErrorKind.NotFound, "req-1", 200), (ex.Error.Code, ex.Error.Kind, ex.Error.RequestId, ex.Error.HttpStatus));

        // An unknown code takes its kind from the HTTP status.
        var unknown = Assert.Throws<CloudApiException>(() => VolcengineErrors.ReadResult(Exchange(403,
            "{\"ResponseMetadata\":{\"RequestId\":\"req-2\",\"Error\":{\"Code\":\"SomethingNew\",\"Message\":\"m\"}}}"), "DeleteImages"));
        Assert.Equal(("SomethingNew", ErrorKind.PermissionDenied), (unknown.Error.Code, unknown.Error.Kind));

        var ok = VolcengineErrors.ReadResult(Exchange(200, "{\"ResponseMetadata\":{\"RequestId\":\"req-3\"},\"Result\":{\"TotalCount\":0}}"), "DescribeImages");
        Assert.Equal(0, ok.GetInt64("TotalCount"));
        Assert.Equal(Json.JsonKind.Object, VolcengineErrors.ReadResult(Exchange(200, "{\"ResponseMetadata\":{\"RequestId\":\"r\"},\"Result\":null}"), "DeleteImages").Kind);
    }

    [Theory]
    [InlineData(502, "<html>Bad Gateway</html>", ErrorKind.ServerError)]
    [InlineData(500, "", ErrorKind.ServerError)]
    [InlineData(429, "slow down", ErrorKind.Throttled)]
    [InlineData(200, "{\"ResponseMetadata\": <cut", ErrorKind.InvalidResponse)]
    [InlineData(200, "{\"Result\":{}}", ErrorKind.InvalidResponse)]
    [InlineData(200, "[]", ErrorKind.InvalidResponse)]
    // A bare 404 (a proxy, a wrong path) must never read as "image not found".
    [InlineData(404, "Not Found", ErrorKind.InvalidResponse)]
    [InlineData(400, "{\"ResponseMetadata\":{\"RequestId\":\"r\"}}", ErrorKind.InvalidResponse)]
    public void Answers_without_the_envelopes_error_are_classified_by_status(int status, string body, ErrorKind kind)
    {
        var ex = Assert.Throws<CloudApiException>(() => VolcengineErrors.ReadResult(Exchange(status, body), "DescribeImages"));
        Assert.Equal(kind, ex.Error.Kind);
    }

    [Theory]
    [InlineData("InvalidImage.NotFound", ErrorKind.NotFound)]
    [InlineData("InvalidImageStatus", ErrorKind.InvalidState)]
    [InlineData("InvalidImage.Shared", ErrorKind.InUse)]
    [InlineData("OperationDenied.ImageIsCopying", ErrorKind.InvalidState)]
    [InlineData("OperationDenied.ImageIsExporting", ErrorKind.InvalidState)]
    [InlineData("InvalidImage.Malformed", ErrorKind.InvalidArgument)]
    [InlineData("MissingParameter", ErrorKind.InvalidArgument)]
    [InlineData("InvalidParameter", ErrorKind.InvalidArgument)]
    [InlineData("MissingAuthenticationToken", ErrorKind.Authentication)]
    [InlineData("MissingSignature", ErrorKind.Authentication)]
    [InlineData("InvalidAccessKey", ErrorKind.Authentication)]
    [InlineData("SignatureDoesNotMatch", ErrorKind.Authentication)]
    [InlineData("InvalidTimestamp", ErrorKind.ClockSkew)]
    [InlineData("LackPolicy", ErrorKind.PermissionDenied)]
    [InlineData("AccessDenied", ErrorKind.PermissionDenied)]
    [InlineData("ServiceNotFound", ErrorKind.InvalidConfiguration)]
    [InlineData("InvalidActionOrVersion", ErrorKind.InvalidConfiguration)]
    [InlineData("FlowLimitExceeded", ErrorKind.Throttled)]
    [InlineData("AccountFlowLimitExceeded", ErrorKind.Throttled)]
    [InlineData("InternalError", ErrorKind.ServerError)]
    [InlineData("InternalServiceTimeout", ErrorKind.ServerError)]
    [InlineData("ServiceUnavailableTemp", ErrorKind.ServerError)]
    [InlineData("FailToConnect", ErrorKind.ServerError)]
    [InlineData("SomethingNew.NobodyDocumented", ErrorKind.Unknown)]
    public void Documented_codes_map_to_their_kinds(string code, ErrorKind kind) => Assert.Equal(kind, VolcengineErrors.Map.KindOf(code));

    [Theory]
    [InlineData("private", "available", "NotShared", null)]
    [InlineData("private", "error", "", null)]
    [InlineData("private", "available", "SomethingUndocumented", null)]
    [InlineData("private", "creating", "NotShared", "InvalidImageStatus")]
    [InlineData("private", "importing", "NotShared", "InvalidImageStatus")]
    [InlineData("private", "available", "Shared", "InvalidImage.Shared")]
    [InlineData("shared", "available", "", "InvalidImage.NotFound")]
    [InlineData("public", "available", "", "InvalidImage.NotFound")]
    public void Assessment_gives_the_code_a_real_delete_would(string visibility, string status, string shareStatus, string? code)
    {
        var item = Json.JsonValue.NewObject().Set("ImageId", "image-ydi2wozhozfu03z20000").Set("Visibility", visibility)
            .Set("Status", status).Set("ShareStatus", shareStatus);
        var image = VolcengineImages.ToCloudImage(item, "cn-beijing", null, _bed.Connect());
        var reasons = _bed.Connect().AssessImage(image, DeleteOptions.Default);
        if (code is null) Assert.Empty(reasons);
        else Assert.Equal(code, Assert.Single(reasons).Code);
        Assert.All(reasons, r => Assert.Equal(DeletabilityCheck.Describe, r.Source));
        Assert.All(reasons, r => Assert.Equal(VolcengineErrors.Map.KindOf(r.Code), r.ErrorKind));
    }

    [Theory]
    [InlineData("cn-beijing", "https://open.volcengineapi.com/")]
    [InlineData("cn-shanghai", "https://open.volcengineapi.com/")]
    [InlineData("ap-southeast-1", "https://open.volcengineapi.com/")]
    [InlineData("ap-southeast-3", "https://ecs.ap-southeast-3.volcengineapi.com/")]
    [InlineData("cn-beijing-autodriving", "https://ecs.cn-beijing-autodriving.volcengineapi.com/")]
    public void The_endpoint_is_the_gateway_except_for_regions_with_their_own_host(string region, string expected)
    {
        Assert.Equal(new Uri(expected), new VolcengineProvider().StandardEndpoint(region));
        var session = (VolcengineSession)ProviderRegistry.Find("Volcengine").Connect(new ConnectionRequest
        {
            Region = region, Credential = VolcengineTestBed.Credential, Environment = new FixedEnvironment(),
        });
        var request = session.BuildRequest("DescribeImages", Array.Empty<KeyValuePair<string, string>>(), DateTimeOffset.UtcNow);
        Assert.Equal(expected + "?Action=DescribeImages&Version=2020-04-01", request.Uri.AbsoluteUri);
        Assert.Contains($"/{region}/ecs/request, ", request.GetHeader("Authorization"));
    }

    [Fact]
    public void An_endpoint_with_a_path_is_refused_and_a_region_that_would_bend_the_host_is_too()
    {
        var provider = ProviderRegistry.Find("Volcengine");
        var withPath = Assert.Throws<ImageCmdletsConfigurationException>(() => provider.Connect(new ConnectionRequest
        {
            Region = "cn-beijing", Endpoint = new Uri("https://open.volcengineapi.com/ecs"), Credential = VolcengineTestBed.Credential, Environment = new FixedEnvironment(),
        }));
        Assert.Equal("InvalidEndpoint", withPath.ErrorId);
        var badRegion = Assert.Throws<ImageCmdletsConfigurationException>(() => provider.Connect(new ConnectionRequest
        {
            Region = "cn-beijing.evil.example", Credential = VolcengineTestBed.Credential, Environment = new FixedEnvironment(),
        }));
        Assert.Equal("InvalidRegion", badRegion.ErrorId);
    }

    [Theory]
    [InlineData("image-ydi2wozhozfu03z2abcd", true)]
    [InlineData("image-ybqi99s7yq8rx7mnk44b", true)]
    [InlineData("image-YDI2WOZHOZFU03Z2ABCD", false)]
    [InlineData("image-1234567", false)]
    [InlineData("img-mfih409y", false)]
    [InlineData("image-ydi2wozhozfu03z2****", false)]
    public void The_image_id_pattern_follows_the_documented_shape(string id, bool valid) =>
        Assert.Equal(valid, ProviderRegistry.Find("Volcengine").Capabilities.ImageIdPattern.IsMatch(id));

    private static Transport.HttpExchange Exchange(int status, string body) =>
        new(status, body, new Dictionary<string, string>(), TimeSpan.Zero);
}

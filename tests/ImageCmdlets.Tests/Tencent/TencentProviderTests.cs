using ImageCmdlets.Tests.Support;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.Tencent;
using ImageCmdlets.Json;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Tencent;

namespace ImageCmdlets.Tests.Tencent;

/// <summary>The Tencent provider against the emulator over real HTTP, one API call at a time.</summary>
public sealed class TencentProviderTests : IAsyncLifetime
{
    private TencentTestBed _bed = null!;
    private TencentEmulator Emulator => _bed.Emulator;

    public async Task InitializeAsync() => _bed = await TencentTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Listing_reads_every_custom_image_across_pages()
    {
        var seeded = Emulator.SeedPrivateImages(260);
        Emulator.AddImage(new TencentEmulatorImage { Name = "public", ImageType = "PUBLIC_IMAGE" });
        Emulator.AddImage(new TencentEmulatorImage { Name = "shared-to-me", ImageType = "SHARED_IMAGE" });
        Emulator.SeedPrivateImages(5, "other-region", "ap-shanghai");
        var provider = _bed.Connect();

        var listed = new List<CloudImage>();
        var pages = new List<ImagePage>();
        string? token = null;
        do
        {
            var page = await provider.ListImagesAsync(new ImageQuery(), token, TencentTestBed.Call());
            pages.Add(page);
            listed.AddRange(page.Images);
            token = page.NextPageToken;
        }
        while (token is not null && pages.Count < 10);

        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal(260, p.TotalCount));
        Assert.Equal(seeded, listed.Select(i => i.ImageId).ToList());
        Assert.All(listed, i => Assert.Equal("PRIVATE_IMAGE", i.ImageType));
        // Offsets 0, 100, 200 with the largest page, filtered to custom images.
        var bodies = Emulator.CallsOf("DescribeImages").Select(c => JsonValue.Parse(c.Body)).ToList();
        Assert.Equal(new long?[] { 0, 100, 200 }, bodies.Select(b => b.GetInt64("Offset")).ToArray());
        Assert.All(bodies, b => Assert.Equal(100, b.GetInt64("Limit")));
        Assert.All(bodies, b => Assert.Equal(new[] { "PRIVATE_IMAGE" }, FilterValues(b, "image-type")));
    }

    [Fact]
    public async Task Include_non_custom_drops_the_image_type_filter()
    {
        Emulator.SeedPrivateImages(2);
        Emulator.AddImage(new TencentEmulatorImage { Name = "public", ImageType = "PUBLIC_IMAGE" });
        Emulator.AddImage(new TencentEmulatorImage { Name = "shared-to-me", ImageType = "SHARED_IMAGE" });
        var page = await _bed.Connect().ListImagesAsync(new ImageQuery { IncludeNonCustom = true }, null, TencentTestBed.Call());
        Assert.Equal(4, page.Images.Count);
        Assert.Null(page.NextPageToken);
        Assert.True(page.Images.Single(i => i.Name == "shared-to-me").IsShared);
    }

    [Fact]
    public async Task A_literal_name_is_filtered_server_side_and_a_wildcard_is_not()
    {
        Emulator.SeedPrivateImages(3, "ci-build");
        Emulator.SeedPrivateImages(3, "release");
        var provider = _bed.Connect();

        var literal = await provider.ListImagesAsync(new ImageQuery { NamePatterns = new[] { "release-0001" } }, null, TencentTestBed.Call());
        Assert.Equal(new[] { "release-0001" }, literal.Images.Select(i => i.Name).ToArray());
        Assert.Equal(new[] { "release-0001" }, FilterValues(LastBody("DescribeImages"), "image-name"));

        var wildcard = await provider.ListImagesAsync(new ImageQuery { NamePatterns = new[] { "ci-*" } }, null, TencentTestBed.Call());
        Assert.Equal(6, wildcard.Images.Count); // the operations layer applies the pattern
        Assert.Null(FilterValues(LastBody("DescribeImages"), "image-name"));
    }

    [Fact]
    public async Task Tag_filters_are_sent_as_tag_key_and_tag_colon_key()
    {
        Emulator.AddImage(new TencentEmulatorImage { Name = "a", Tags = new Dictionary<string, string> { ["team"] = "ci", ["temp"] = "1" } });
        Emulator.AddImage(new TencentEmulatorImage { Name = "b", Tags = new Dictionary<string, string> { ["team"] = "web", ["temp"] = "1" } });
        Emulator.AddImage(new TencentEmulatorImage { Name = "c", Tags = new Dictionary<string, string> { ["team"] = "ci" } });

        var page = await _bed.Connect().ListImagesAsync(new ImageQuery { Tags = new[] { "team=ci", "temp" } }, null, TencentTestBed.Call());

        Assert.Equal(new[] { "a" }, page.Images.Select(i => i.Name).ToArray());
        Assert.Contains("team=ci", page.Images[0].Tags);
        var body = LastBody("DescribeImages");
        Assert.Equal(new[] { "ci" }, FilterValues(body, "tag:team"));
        Assert.Equal(new[] { "temp" }, FilterValues(body, "tag-key"));
    }

    [Fact]
    public void Server_side_filters_are_only_ever_a_superset_of_what_the_client_side_keeps()
    {
        var filters = TencentSession.ListFilters(new ImageQuery
        {
            NamePatterns = new[] { "exact", "ci-*" },
            Tags = new[] { "owner", "project", "team=ci", "team=web", "=orphan", "" },
        });
        var sent = filters.Items.Select(f => f.GetString("Name") + ":" + string.Join("|", f.GetArray("Values").Select(v => v.AsString()))).ToArray();
        // No image-name (one pattern is a wildcard, and names are OR-ed); one filter per name, since a
        // repeated filter name has no documented meaning.
        Assert.Equal(new[] { "image-type:PRIVATE_IMAGE", "tag-key:owner", "tag:team:ci" }, sent);
    }

    [Fact]
    public async Task The_page_size_is_the_querys_and_at_most_one_hundred()
    {
        Emulator.SeedPrivateImages(12);
        var provider = _bed.Connect();
        var page = await provider.ListImagesAsync(new ImageQuery { PageSize = 5 }, null, TencentTestBed.Call());
        Assert.Equal(5, page.Images.Count);
        Assert.Equal("5", page.NextPageToken);
        var last = await provider.ListImagesAsync(new ImageQuery { PageSize = 5 }, "10", TencentTestBed.Call());
        Assert.Equal(2, last.Images.Count);
        Assert.Null(last.NextPageToken);
        await provider.ListImagesAsync(new ImageQuery { PageSize = 500 }, null, TencentTestBed.Call());
        Assert.Equal(100, LastBody("DescribeImages").GetInt64("Limit"));
    }

    [Fact]
    public async Task Describe_by_ids_uses_image_ids_alone_and_asks_for_all_of_them()
    {
        var ids = Emulator.SeedPrivateImages(30);
        var wanted = ids.Concat(new[] { "img-zzzzzzzz" }).ToList();

        var images = await _bed.Connect().DescribeImagesAsync(wanted, TencentTestBed.Call());

        // More than DescribeImages' default Limit of 20; the missing id is simply absent.
        Assert.Equal(ids.OrderBy(i => i), images.Select(i => i.ImageId).OrderBy(i => i));
        var body = LastBody("DescribeImages");
        Assert.Null(body["Filters"]);
        Assert.Equal(31, body.GetArray("ImageIds").Count);
    }

    [Fact]
    public async Task Describe_of_no_ids_makes_no_call()
    {
        Emulator.SeedPrivateImages(1);
        Assert.Empty(await _bed.Connect().DescribeImagesAsync(Array.Empty<string>(), TencentTestBed.Call()));
        Assert.Empty(Emulator.Calls);
    }

    [Fact]
    public async Task Images_are_mapped_with_their_fields()
    {
        var seeded = Emulator.AddImage(new TencentEmulatorImage
        {
            Name = "web-golden", Description = "golden image", State = "NORMAL", SizeGiB = 20,
            CreatedTime = new DateTimeOffset(2024, 3, 4, 5, 6, 7, TimeSpan.Zero), OsName = "Ubuntu Server 22.04 LTS 64bit",
            Tags = new Dictionary<string, string> { ["env"] = "prod" }, SnapshotIds = new[] { "snap-aaaa1111", "snap-bbbb2222" },
        });

        var image = (await _bed.Connect().DescribeImagesAsync(new[] { seeded.ImageId }, TencentTestBed.Call())).Single();

        Assert.Equal("Tencent", image.Provider);
        Assert.Equal("ap-guangzhou", image.Region);
        Assert.Equal("web-golden", image.Name);
        Assert.Equal("golden image", image.Description);
        Assert.Equal("NORMAL", image.State);
        Assert.Equal("PRIVATE_IMAGE", image.ImageType);
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 5, 6, 7, TimeSpan.Zero), image.CreatedAt);
        Assert.Equal(20L * 1024 * 1024 * 1024, image.SizeBytes);
        Assert.Equal("Ubuntu Server 22.04 LTS 64bit", image.OsName);
        Assert.Equal(new[] { "env=prod" }, image.Tags);
        Assert.Equal("snap-aaaa1111,snap-bbbb2222", image.Properties["SnapshotIds"]);
        Assert.Equal("x86_64", image.Properties["Architecture"]);
        Assert.Null(image.IsShared);
        Assert.False(string.IsNullOrEmpty(image.RequestId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Delete_sends_delete_binded_snap_explicitly_and_keeps_snapshots_unless_asked(bool deleteSnapshots)
    {
        var a = Emulator.AddImage(new TencentEmulatorImage { Name = "a", SnapshotIds = new[] { "snap-a0000001" } });
        var b = Emulator.AddImage(new TencentEmulatorImage { Name = "b", SnapshotIds = new[] { "snap-b0000001" } });
        var keep = Emulator.AddImage(new TencentEmulatorImage { Name = "keep", SnapshotIds = new[] { "snap-k0000001" } });

        var results = await _bed.Connect().DeleteImagesAsync(new[] { a.ImageId, b.ImageId },
            new DeleteOptions { DeleteSnapshots = deleteSnapshots }, TencentTestBed.Call());

        Assert.Equal(new[] { a.ImageId, b.ImageId }, results.Select(r => r.ImageId).ToArray());
        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.RequestId)));
        Assert.Equal(new[] { keep.ImageId }, Emulator.ImageIds);
        Assert.Equal(deleteSnapshots, LastBody("DeleteImages").GetBool("DeleteBindedSnap"));
        var expectedSnapshots = deleteSnapshots ? new[] { "snap-k0000001" } : new[] { "snap-a0000001", "snap-b0000001", "snap-k0000001" };
        Assert.Equal(expectedSnapshots, Emulator.SnapshotIds.OrderBy(s => s).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_passing_dry_run_is_a_success_and_deletes_nothing(bool answerWithDryRunOperation)
    {
        Emulator.AnswerPassingDryRunWithDryRunOperation = answerWithDryRunOperation;
        var ids = Emulator.SeedPrivateImages(3);

        var results = await _bed.Connect().DeleteImagesAsync(ids, new DeleteOptions { DryRun = true }, TencentTestBed.Call());

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(ids, Emulator.ImageIds);
        Assert.Empty(Emulator.DeletedImageIds);
        var body = LastBody("DeleteImages");
        Assert.Equal(true, body.GetBool("DryRun"));
        Assert.Equal(false, body.GetBool("DeleteBindedSnap"));
    }

    [Fact]
    public void Dry_run_operation_outside_a_dry_run_is_no_success()
    {
        // Only a dry run may read DryRunOperation as "would succeed".
        var ex = Assert.Throws<CloudApiException>(() => TencentErrors.ReadResponse(Exchange(200,
            "{\"Response\":{\"Error\":{\"Code\":\"DryRunOperation\",\"Message\":\"m\"},\"RequestId\":\"r\"}}"), "DeleteImages"));
        Assert.Equal("DryRunOperation", ex.Error.Code);
    }

    [Fact]
    public async Task A_failing_dry_run_gives_the_code_a_real_delete_would()
    {
        var shared = Emulator.AddImage(new TencentEmulatorImage { Name = "shared", SharedToOtherAccounts = true });
        var ex = await Assert.ThrowsAsync<CloudApiException>(() =>
            _bed.Connect().DeleteImagesAsync(new[] { shared.ImageId }, new DeleteOptions { DryRun = true }, TencentTestBed.Call()));
        Assert.Equal("InvalidImageId.InShared", ex.Error.Code);
        Assert.Equal(ErrorKind.InUse, ex.Error.Kind);
        Assert.True(Emulator.HasImage(shared.ImageId));
    }

    public static IEnumerable<object[]> RefusedImages() => new[]
    {
        new object[] { new TencentEmulatorImage { State = "CREATING" }, "InvalidImageId.IncorrectState", ErrorKind.InvalidState },
        new object[] { new TencentEmulatorImage { State = "SYNCING" }, "InvalidImageId.IncorrectState", ErrorKind.InvalidState },
        new object[] { new TencentEmulatorImage { State = "IMPORTING" }, "InvalidImageId.IncorrectState", ErrorKind.InvalidState },
        new object[] { new TencentEmulatorImage { SharedToOtherAccounts = true }, "InvalidImageId.InShared", ErrorKind.InUse },
        new object[] { new TencentEmulatorImage { ImageType = "SHARED_IMAGE" }, "InvalidParameterValue.InvalidImageIdIsShared", ErrorKind.PermissionDenied },
        new object[] { new TencentEmulatorImage { ImageType = "PUBLIC_IMAGE" }, "UnauthorizedOperation.ImageNotBelongToAccount", ErrorKind.PermissionDenied },
        new object[] { new TencentEmulatorImage { TaskRunning = true }, "MutexOperation.TaskRunning", ErrorKind.InvalidState },
    };

    [Theory]
    [MemberData(nameof(RefusedImages))]
    public async Task One_refused_image_fails_the_whole_call_and_nothing_is_deleted(TencentEmulatorImage refused, string code, ErrorKind kind)
    {
        var good = Emulator.SeedPrivateImages(2);
        var bad = Emulator.AddImage(refused);

        var ex = await Assert.ThrowsAsync<CloudApiException>(() =>
            _bed.Connect().DeleteImagesAsync(new[] { good[0], bad.ImageId, good[1] }, DeleteOptions.Default, TencentTestBed.Call()));

        Assert.Equal(code, ex.Error.Code);
        Assert.Equal(kind, ex.Error.Kind);
        Assert.Contains(bad.ImageId, ex.Error.Message);
        Assert.False(string.IsNullOrEmpty(ex.Error.RequestId));
        Assert.Equal(3, Emulator.ImageIds.Count);
        Assert.Empty(Emulator.DeletedImageIds);
    }

    [Fact]
    public async Task A_missing_image_is_not_found()
    {
        var ex = await Assert.ThrowsAsync<CloudApiException>(() =>
            _bed.Connect().DeleteImagesAsync(new[] { "img-00000000" }, DeleteOptions.Default, TencentTestBed.Call()));
        Assert.Equal("InvalidImageId.NotFound", ex.Error.Code);
        Assert.Equal(ErrorKind.NotFound, ex.Error.Kind);
        Assert.Equal("InvalidImageId.NotFound", ProviderRegistry.Find(TencentProvider.ProviderName).Capabilities.NotFoundErrorCode);
    }

    [Fact]
    public async Task Too_many_ids_in_one_call_is_batch_too_large()
    {
        Emulator.MaxIdsPerDeleteCall = 2;
        var ids = Emulator.SeedPrivateImages(3);
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => _bed.Connect().DeleteImagesAsync(ids, DeleteOptions.Default, TencentTestBed.Call()));
        Assert.Equal("InvalidParameterValue.LimitExceeded", ex.Error.Code);
        Assert.Equal(ErrorKind.BatchTooLarge, ex.Error.Kind);
        Assert.Equal(3, Emulator.ImageIds.Count);
    }

    [Fact]
    public async Task The_rate_limit_is_throttled()
    {
        Emulator.DeleteCallsPerSecond = 1;
        // The emulator's clock stands still, so both calls fall in the same second.
        var now = DateTimeOffset.UtcNow;
        Emulator.Clock = () => now;
        var ids = Emulator.SeedPrivateImages(2);
        var provider = _bed.Connect();
        await provider.DeleteImagesAsync(new[] { ids[0] }, DeleteOptions.Default, TencentTestBed.Call());
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => provider.DeleteImagesAsync(new[] { ids[1] }, DeleteOptions.Default, TencentTestBed.Call()));
        Assert.Equal("RequestLimitExceeded", ex.Error.Code);
        Assert.Equal(ErrorKind.Throttled, ex.Error.Kind);
        Assert.True(ex.Error.IsRetryable);
        Assert.True(Emulator.HasImage(ids[1]));
    }

    [Theory]
    [InlineData(FaultKind.ServerError, ErrorKind.ServerError)]
    [InlineData(FaultKind.ServiceUnavailable, ErrorKind.ServerError)]
    [InlineData(FaultKind.MalformedBody, ErrorKind.InvalidResponse)]
    [InlineData(FaultKind.ConnectionReset, ErrorKind.Connection)]
    public async Task Faults_become_the_right_kind_of_error(FaultKind fault, ErrorKind kind)
    {
        var ids = Emulator.SeedPrivateImages(1);
        Emulator.InjectFaults(new Fault(fault, "DeleteImages"));
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => _bed.Connect().DeleteImagesAsync(ids, DeleteOptions.Default, TencentTestBed.Call()));
        Assert.Equal(kind, ex.Error.Kind);
    }

    [Fact]
    public async Task An_unsupported_region_is_a_configuration_error()
    {
        var ex = await Assert.ThrowsAsync<CloudApiException>(() =>
            _bed.Connect(region: "xx-nowhere").ListImagesAsync(new ImageQuery(), null, TencentTestBed.Call()));
        Assert.Equal("UnsupportedRegion", ex.Error.Code);
        Assert.True(ex.Error.IsFatal);
    }

    [Fact]
    public async Task A_wrong_secret_is_an_authentication_error_that_never_shows_the_secret()
    {
        const string wrongSecret = "theWrongSecretKeyValue00000000001";
        var log = new RecordingApiLog();
        var provider = _bed.Connect(credential: new Credentials.AccessKeyCredential(TencentTestBed.SecretId,
            new Credentials.Secret(wrongSecret), new Credentials.Secret("someSessionTokenValue")));
        Emulator.AddKey(TencentTestBed.SecretId, TencentTestBed.SecretKey, "someSessionTokenValue");

        var ex = await Assert.ThrowsAsync<CloudApiException>(() => provider.ListImagesAsync(new ImageQuery(), null, TencentTestBed.Call(log)));

        Assert.Equal("AuthFailure.SignatureFailure", ex.Error.Code);
        Assert.Equal(ErrorKind.Authentication, ex.Error.Kind);
        Assert.NotEmpty(log.Lines);
        foreach (var text in log.Lines.Append(ex.ToString()).Append(provider.Account))
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
        await _bed.Connect().DeleteImagesAsync(ids, new DeleteOptions { DryRun = true }, TencentTestBed.Call(log));
        var line = Assert.Single(log.Lines, l => l.StartsWith("DeleteImages", StringComparison.Ordinal));
        Assert.Contains("ap-guangzhou " + ids[0], line);
        Assert.Contains("(+2 more)", line);
        Assert.Contains("RequestId", line);
    }

    [Fact]
    public void Errors_are_read_from_the_body_whatever_the_http_status()
    {
        var ex = Assert.Throws<CloudApiException>(() => TencentErrors.ReadResponse(Exchange(400,
            "{\"Response\":{\"Error\":{\"Code\":\"InvalidImageId.InShared\",\"Message\":\"shared\"},\"RequestId\":\"req-1\"}}"), "DeleteImages"));
        Assert.Equal("InvalidImageId.InShared", ex.Error.Code);
        Assert.Equal(ErrorKind.InUse, ex.Error.Kind);
        Assert.Equal("req-1", ex.Error.RequestId);
        Assert.Equal(400, ex.Error.HttpStatus);

        var ok = TencentErrors.ReadResponse(Exchange(200, "{\"Response\":{\"RequestId\":\"req-2\"}}"), "DeleteImages");
        Assert.Equal("req-2", ok.GetString("RequestId"));
    }

    [Theory]
    [InlineData(502, "<html>Bad Gateway</html>", ErrorKind.ServerError)]
    [InlineData(500, "", ErrorKind.ServerError)]
    [InlineData(429, "slow down", ErrorKind.Throttled)]
    [InlineData(200, "{\"Response\": <cut", ErrorKind.InvalidResponse)]
    [InlineData(200, "{\"Result\":{}}", ErrorKind.InvalidResponse)]
    [InlineData(200, "[]", ErrorKind.InvalidResponse)]
    // A bare 404 (a proxy, a wrong path) must never read as "image not found".
    [InlineData(404, "Not Found", ErrorKind.InvalidResponse)]
    [InlineData(400, "Bad Request", ErrorKind.InvalidResponse)]
    public void Answers_without_a_tencent_body_are_classified_by_status(int status, string body, ErrorKind kind)
    {
        var ex = Assert.Throws<CloudApiException>(() => TencentErrors.ReadResponse(Exchange(status, body), "DescribeImages"));
        Assert.Equal(kind, ex.Error.Kind);
    }

    [Theory]
    [InlineData("InvalidImageId.NotFound", ErrorKind.NotFound)]
    [InlineData("InvalidImageId.Malformed", ErrorKind.InvalidArgument)]
    [InlineData("InvalidImageId.InShared", ErrorKind.InUse)]
    [InlineData("InvalidImageId.IncorrectState", ErrorKind.InvalidState)]
    [InlineData("InvalidParameterValue.InvalidImageId", ErrorKind.InvalidArgument)]
    [InlineData("InvalidParameterValue.InvalidImageIdIsShared", ErrorKind.PermissionDenied)]
    [InlineData("InvalidParameterValue.InvalidAppIdFormat", ErrorKind.InvalidArgument)]
    [InlineData("InvalidParameterValue.LimitExceeded", ErrorKind.BatchTooLarge)]
    [InlineData("MutexOperation.TaskRunning", ErrorKind.InvalidState)]
    [InlineData("UnauthorizedOperation.ImageNotBelongToAccount", ErrorKind.PermissionDenied)]
    [InlineData("AuthFailure.SignatureFailure", ErrorKind.Authentication)]
    [InlineData("AuthFailure.SignatureExpire", ErrorKind.ClockSkew)]
    [InlineData("AuthFailure.SecretIdNotFound", ErrorKind.Authentication)]
    [InlineData("AuthFailure.InvalidSecretId", ErrorKind.Authentication)]
    [InlineData("AuthFailure.TokenFailure", ErrorKind.Authentication)]
    [InlineData("AuthFailure.InvalidAuthorization", ErrorKind.Authentication)]
    [InlineData("AuthFailure.MFAFailure", ErrorKind.Authentication)]
    [InlineData("AuthFailure.UnauthorizedOperation", ErrorKind.PermissionDenied)]
    [InlineData("UnauthorizedOperation", ErrorKind.PermissionDenied)]
    [InlineData("RequestLimitExceeded", ErrorKind.Throttled)]
    [InlineData("RequestLimitExceeded.UinLimitExceeded", ErrorKind.Throttled)]
    [InlineData("RequestLimitExceeded.GlobalRegionUinLimitExceeded", ErrorKind.Throttled)]
    [InlineData("InternalError", ErrorKind.ServerError)]
    [InlineData("InvalidRegion", ErrorKind.InvalidConfiguration)]
    [InlineData("UnsupportedRegion", ErrorKind.InvalidConfiguration)]
    [InlineData("InvalidParameter.InvalidParameterCoexistImageIdsFilters", ErrorKind.InvalidArgument)]
    [InlineData("SomethingNew.NobodyDocumented", ErrorKind.Unknown)]
    public void Documented_codes_map_to_their_kinds(string code, ErrorKind kind) => Assert.Equal(kind, TencentErrors.Map.KindOf(code));

    [Theory]
    [InlineData("PRIVATE_IMAGE", "NORMAL", null)]
    [InlineData("PRIVATE_IMAGE", "CREATEFAILED", null)]
    [InlineData("PRIVATE_IMAGE", "IMPORTFAILED", null)]
    [InlineData("PRIVATE_IMAGE", "CREATING", "InvalidImageId.IncorrectState")]
    [InlineData("PRIVATE_IMAGE", "SYNCING", "InvalidImageId.IncorrectState")]
    [InlineData("PRIVATE_IMAGE", "IMPORTING", "InvalidImageId.IncorrectState")]
    [InlineData("SHARED_IMAGE", "NORMAL", "InvalidParameterValue.InvalidImageIdIsShared")]
    [InlineData("PUBLIC_IMAGE", "NORMAL", "UnauthorizedOperation.ImageNotBelongToAccount")]
    public void Assessment_gives_the_code_a_real_delete_would(string type, string state, string? code)
    {
        var provider = _bed.Connect();
        var reasons = provider.AssessImage(new CloudImage { ImageId = "img-abcdefgh", ImageType = type, State = state }, DeleteOptions.Default);
        if (code is null) Assert.Empty(reasons);
        else Assert.Equal(code, Assert.Single(reasons).Code);
        Assert.All(reasons, r => Assert.Equal(DeletabilityCheck.Describe, r.Source));
        Assert.All(reasons, r => Assert.Equal(TencentErrors.Map.KindOf(r.Code), r.ErrorKind));
    }

    [Theory]
    [InlineData("img-mfih409y", true)]
    [InlineData("img-34vaef8fe", true)]
    [InlineData("img-MFIH409Y", false)]
    [InlineData("img-1234567", false)]
    [InlineData("ami-12345678", false)]
    public void The_image_id_pattern_follows_the_documented_shape(string id, bool valid) =>
        Assert.Equal(valid, ProviderRegistry.Find(TencentProvider.ProviderName).Capabilities.ImageIdPattern.IsMatch(id));

    private JsonValue LastBody(string action) => JsonValue.Parse(Emulator.CallsOf(action).Last().Body);

    private static string[]? FilterValues(JsonValue body, string name) =>
        body.GetArray("Filters").FirstOrDefault(f => f.GetString("Name") == name)?.GetArray("Values").Select(v => v.AsString()!).ToArray();

    private static Transport.HttpExchange Exchange(int status, string body) =>
        new(status, body, new Dictionary<string, string>(), TimeSpan.Zero);
}

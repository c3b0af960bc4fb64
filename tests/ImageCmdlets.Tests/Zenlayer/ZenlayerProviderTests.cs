using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Emulators.Zenlayer;
using ImageCmdlets.Json;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Zenlayer;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Zenlayer;

/// <summary>The Zenlayer provider against the emulator over real HTTP, one session method at a time.</summary>
public sealed class ZenlayerProviderTests : IAsyncLifetime
{
    private ZenlayerTestBed _bed = null!;
    private ZenlayerEmulator Emulator => _bed.Emulator;

    public async Task InitializeAsync() => _bed = await ZenlayerTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static CallContext Call(IApiLog? log = null) => ZenlayerTestBed.Call(log);

    private JsonValue LastBody(string action) => JsonValue.Parse(Emulator.RequestsOf(action)[^1].Body);

    [Fact]
    public async Task Listing_reads_the_custom_images_of_the_region_page_by_page()
    {
        var seeded = Emulator.SeedCustomImages(25);
        Emulator.SeedCustomImages(3, "elsewhere", "asia-southeast-1");
        Emulator.AddImage(new ZenlayerEmulatorImage { Name = "public", ImageType = "PUBLIC_IMAGE" });

        var pages = await Pages.AllAsync(_bed.Connect(), new ImageQuery { PageSize = 10 });

        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal(25, p.TotalCount));
        Assert.Equal(seeded, pages.SelectMany(p => p.Images).Select(i => i.ImageId));
        var bodies = Emulator.RequestsOf("DescribeCustomImages").Select(r => JsonValue.Parse(r.Body)).ToList();
        Assert.Equal(new long?[] { 1, 2, 3 }, bodies.Select(b => b.GetInt64("pageNum")));
        Assert.All(bodies, b => Assert.Equal(10, b.GetInt64("pageSize")));
        Assert.All(bodies, b => Assert.Equal("asia-east-1", b.GetString("regionId")));
        Assert.Empty(Emulator.RequestsOf("DescribeImages"));
    }

    [Fact]
    public async Task Without_a_region_the_listing_covers_the_whole_account_with_the_largest_page()
    {
        Emulator.SeedCustomImages(2);
        Emulator.SeedCustomImages(3, "elsewhere", "asia-southeast-1");
        var session = _bed.Connect(region: "");

        var pages = await Pages.AllAsync(session, new ImageQuery());

        Assert.Equal("", session.Region);
        Assert.Equal(5, Assert.Single(pages).Images.Count);
        Assert.Null(LastBody("DescribeCustomImages")["regionId"]);
        Assert.Equal(1000, LastBody("DescribeCustomImages").GetInt64("pageSize"));
    }

    [Fact]
    public async Task All_visible_lists_public_images_too_through_describe_images()
    {
        Emulator.SeedCustomImages(2);
        Emulator.AddImage(new ZenlayerEmulatorImage { Name = "ubuntu-24.04", ImageType = "PUBLIC_IMAGE" });

        var page = await _bed.Connect().ListImagesAsync(new ImageQuery { IncludeNonCustom = true }, null, Call());

        Assert.Equal(3, page.Images.Count);
        Assert.Equal("PUBLIC_IMAGE", page.Images.Single(i => i.Name == "ubuntu-24.04").ImageType);
        Assert.Single(Emulator.RequestsOf("DescribeImages"));
    }

    [Fact]
    public async Task A_literal_name_and_one_known_state_are_filtered_server_side_patterns_are_not()
    {
        Emulator.SeedCustomImages(3, "ci-build");
        Emulator.AddImage(new ZenlayerEmulatorImage { Name = "release-1", Status = "CREATING" });
        var session = _bed.Connect();

        var literal = await session.ListImagesAsync(new ImageQuery { NamePatterns = new[] { "release-1" }, States = new[] { "creating" } }, null, Call());
        Assert.Equal(new[] { "release-1" }, literal.Images.Select(i => i.Name));
        Assert.Equal("release-1", LastBody("DescribeCustomImages").GetString("imageName"));
        Assert.Equal("CREATING", LastBody("DescribeCustomImages").GetString("imageStatus"));

        var wildcard = await session.ListImagesAsync(new ImageQuery { NamePatterns = new[] { "ci-*" }, States = new[] { "AVAILABLE", "FAILED" } }, null, Call());
        Assert.Equal(4, wildcard.Images.Count); // the operations layer applies the pattern and the states
        Assert.Null(LastBody("DescribeCustomImages")["imageName"]);
        Assert.Null(LastBody("DescribeCustomImages")["imageStatus"]);
    }

    [Fact]
    public async Task Images_are_mapped_with_their_fields()
    {
        var id = Emulator.AddImage(new ZenlayerEmulatorImage
        {
            Name = "golden", Description = "the base", SizeGiB = 40, Category = "Rocky", ImageVersion = "9", Status = "SYNCING",
            Regions = new[] { "asia-east-1", "asia-southeast-1" }, Tags = new Dictionary<string, string> { ["team"] = "platform" },
        }).ImageId;

        var image = Assert.Single((await _bed.Connect().ListImagesAsync(new ImageQuery(), null, Call())).Images);

        Assert.Equal(("Zenlayer", "asia-east-1", id, "golden", "SYNCING", "CUSTOM_IMAGE"), (image.Provider, image.Region, image.ImageId, image.Name, image.State, image.ImageType));
        Assert.Equal(40L << 30, image.SizeBytes);
        Assert.Equal("Rocky 9", image.OsName);
        Assert.Equal("the base", image.Description);
        Assert.Null(image.CreatedAt); // Zenlayer keeps no creation time
        Assert.Equal(new[] { "team=platform" }, image.Tags);
        Assert.Equal("asia-east-1,asia-southeast-1", image.Properties["regionIds"]);
        Assert.False(string.IsNullOrEmpty(image.RequestId));
    }

    [Fact]
    public async Task Describe_by_ids_finds_custom_and_public_images_in_any_region_and_leaves_out_missing_ones()
    {
        var own = Emulator.SeedCustomImages(1, "own", "asia-southeast-1")[0];
        var pub = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "public", ImageType = "PUBLIC_IMAGE" }).ImageId;

        var found = await _bed.Connect().DescribeImagesAsync(new[] { own, pub, "img-000000000000" }, Call());

        Assert.Equal(new[] { own, pub }.OrderBy(i => i), found.Select(i => i.ImageId).OrderBy(i => i));
        var body = LastBody("DescribeImages");
        Assert.Equal(3, body.GetArray("imageIds").Count);
        Assert.Equal(3, body.GetInt64("pageSize"));
    }

    [Fact]
    public async Task Describe_of_no_ids_makes_no_call()
    {
        Assert.Empty(await _bed.Connect().DescribeImagesAsync(Array.Empty<string>(), Call()));
        Assert.Empty(Emulator.Calls);
    }

    [Fact]
    public async Task Accepted_deletions_finish_later_and_the_failed_ids_get_their_precise_reasons()
    {
        Emulator.MissingIds = MissingIdAnswer.ListAsFailed;
        var ok = Emulator.SeedCustomImages(2);
        var creating = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "creating", Status = "CREATING" }).ImageId;
        var pub = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "public", ImageType = "PUBLIC_IMAGE" }).ImageId;
        var failed = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "failed", Status = "FAILED" }).ImageId;
        const string missing = "img-000000000000";

        var results = await _bed.Connect().DeleteImagesAsync(new[] { ok[0], creating, pub, missing, ok[1], failed }, DeleteOptions.Default, Call());

        var byId = results.ToDictionary(r => r.ImageId);
        Assert.Equal(6, byId.Count);
        Assert.All(new[] { ok[0], ok[1], failed }, id => Assert.True(byId[id].Succeeded && byId[id].CompletesLater));
        Assert.Equal((ZenlayerErrors.InvalidImageStatus, ErrorKind.InvalidState), (byId[creating].Error!.Code, byId[creating].Error!.Kind));
        Assert.Contains("CREATING", byId[creating].Error!.Message);
        Assert.Equal((ZenlayerErrors.ImageNotCustom, ErrorKind.PermissionDenied), (byId[pub].Error!.Code, byId[pub].Error!.Kind));
        Assert.Equal((ZenlayerErrors.ResourceNotFound, ErrorKind.NotFound), (byId[missing].Error!.Code, byId[missing].Error!.Kind));
        // One DeleteImages call, one DescribeImages for the three failed ids.
        Assert.Equal(new[] { ok[0], creating, pub, missing, ok[1], failed }, LastBody("DeleteImages").GetArray("imageIds").Select(i => i.AsString()));
        Assert.Equal(new[] { creating, pub, missing }.OrderBy(i => i), LastBody("DescribeImages").GetArray("imageIds").Select(i => i.AsString()).OrderBy(i => i));
        Assert.Equal("DELETING", Emulator.Find(ok[0])!.Status);
        Assert.Equal(new[] { ok[0], ok[1], failed }, Emulator.DeletedImageIds);
        Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.RequestId)));
    }

    [Fact]
    public async Task An_image_already_being_deleted_is_accepted_again_not_an_error()
    {
        var id = Emulator.SeedCustomImages(1)[0];
        Emulator.DeletionTime = TimeSpan.FromMinutes(5);
        var session = _bed.Connect();
        await session.DeleteImagesAsync(new[] { id }, DeleteOptions.Default, Call());

        var again = Assert.Single(await session.DeleteImagesAsync(new[] { id }, DeleteOptions.Default, Call()));

        Assert.True(again.Succeeded && again.CompletesLater);
        Assert.Equal(new[] { id }, Emulator.DeletedImageIds); // deleted once
    }

    [Fact]
    public async Task The_lookup_of_the_failed_ids_is_tried_again_on_throttling_and_server_errors_never_the_delete()
    {
        var ok = Emulator.SeedCustomImages(1)[0];
        var creating = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "creating", Status = "CREATING" }).ImageId;
        Emulator.InjectFaults(new Fault(FaultKind.Throttle, "DescribeImages"), new Fault(FaultKind.ServiceUnavailable, "DescribeImages"));
        var session = _bed.Connect();
        session.LookupRetryDelay = _ => TimeSpan.FromMilliseconds(10);

        var results = (await session.DeleteImagesAsync(new[] { ok, creating }, DeleteOptions.Default, Call())).ToDictionary(r => r.ImageId);

        Assert.True(results[ok].CompletesLater);
        Assert.Equal(ZenlayerErrors.InvalidImageStatus, results[creating].Error!.Code);
        Assert.Equal(3, Emulator.CallsOf("DescribeImages").Count);
        Assert.Single(Emulator.CallsOf("DeleteImages"));
    }

    [Fact]
    public async Task When_the_lookup_of_the_failed_ids_keeps_failing_each_still_gets_its_own_error_saying_its_state_is_unknown()
    {
        var ok = Emulator.SeedCustomImages(1)[0];
        var creating = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "creating", Status = "CREATING" }).ImageId;
        Emulator.InjectFaults(Enumerable.Repeat(new Fault(FaultKind.ServiceUnavailable, "DescribeImages"), 3).ToArray());
        var session = _bed.Connect();
        session.LookupRetryDelay = _ => TimeSpan.FromMilliseconds(10);

        var results = (await session.DeleteImagesAsync(new[] { ok, creating }, DeleteOptions.Default, Call())).ToDictionary(r => r.ImageId);

        Assert.True(results[ok].CompletesLater);
        Assert.Equal(ZenlayerErrors.DeleteRefused, results[creating].Error!.Code);
        Assert.Contains("state is unknown", results[creating].Error!.Message);
    }

    [Fact]
    public async Task A_missing_id_fails_the_whole_call_as_not_found_and_nothing_is_deleted()
    {
        var id = Emulator.SeedCustomImages(1)[0];

        var ex = await Assert.ThrowsAsync<CloudApiException>(() =>
            _bed.Connect().DeleteImagesAsync(new[] { id, "img-000000000000" }, DeleteOptions.Default, Call()));

        Assert.Equal((ZenlayerErrors.ResourceNotFound, ErrorKind.NotFound, 404), (ex.Error.Code, ex.Error.Kind, ex.Error.HttpStatus));
        Assert.Empty(Emulator.DeletedImageIds);
    }

    [Fact]
    public async Task Too_many_ids_in_one_call_is_batch_too_large()
    {
        Emulator.MaxIdsPerDeleteCall = 2;
        var ex = await Assert.ThrowsAsync<CloudApiException>(() =>
            _bed.Connect().DeleteImagesAsync(Emulator.SeedCustomImages(3), DeleteOptions.Default, Call()));
        Assert.Equal((ZenlayerErrors.ExceedLength, ErrorKind.BatchTooLarge), (ex.Error.Code, ex.Error.Kind));
    }

    [Fact]
    public async Task Throttling_is_a_throttled_error_with_status_429()
    {
        Emulator.CallsPerSecondLimit = 1;
        var session = _bed.Connect();
        await session.ListImagesAsync(new ImageQuery(), null, Call());
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => session.ListImagesAsync(new ImageQuery(), null, Call()));
        Assert.Equal((ZenlayerErrors.RequestLimitExceeded, ErrorKind.Throttled, 429), (ex.Error.Code, ex.Error.Kind, ex.Error.HttpStatus));
        Assert.True(ex.Error.IsRetryable);
    }

    [Theory]
    [InlineData(FaultKind.ServerError, ErrorKind.ServerError)]
    [InlineData(FaultKind.ServiceUnavailable, ErrorKind.ServerError)]
    [InlineData(FaultKind.Throttle, ErrorKind.Throttled)]
    [InlineData(FaultKind.MalformedBody, ErrorKind.InvalidResponse)]
    [InlineData(FaultKind.ConnectionReset, ErrorKind.Connection)]
    public async Task Faults_become_the_right_kind_of_error(FaultKind fault, ErrorKind kind)
    {
        Emulator.InjectFaults(new Fault(fault));
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => _bed.Connect().ListImagesAsync(new ImageQuery(), null, Call()));
        Assert.Equal(kind, ex.Error.Kind);
    }

    [Fact]
    public async Task Polling_tells_gone_from_still_deleting_from_a_failed_deletion()
    {
        Emulator.DeletionTime = TimeSpan.FromMinutes(5);
        var deleting = Emulator.SeedCustomImages(1)[0];
        var back = Emulator.AddImage(new ZenlayerEmulatorImage { Name = "back", Status = "AVAILABLE" }).ImageId;
        var session = _bed.Connect();
        await session.DeleteImagesAsync(new[] { deleting }, DeleteOptions.Default, Call());

        var progress = (await session.PollDeletionsAsync(new[] { deleting, back, "img-000000000000" }, Call())).ToDictionary(p => p.ImageId);

        Assert.Equal((DeletionState.InProgress, "DELETING"), (progress[deleting].State, progress[deleting].ImageState));
        Assert.Equal((DeletionState.Failed, "AVAILABLE"), (progress[back].State, progress[back].ImageState));
        Assert.Equal(DeletionState.Completed, progress["img-000000000000"].State);
    }

    [Fact]
    public async Task Every_call_is_a_signed_json_post_to_the_zec_path_with_the_modules_user_agent()
    {
        var session = _bed.Connect();
        await session.ListImagesAsync(new ImageQuery(), null, Call());
        await session.DescribeImagesAsync(new[] { "img-000000000000" }, Call());

        var version = typeof(ZenlayerProvider).Assembly.GetName().Version!.ToString(3);
        Assert.Equal(new Uri(Emulator.BaseUri, "api/v2/zec"), session.ApiUri);
        Assert.All(Emulator.Requests, r => Assert.Equal($"ImageCmdlets/{version}", r.UserAgent));
        Assert.All(Emulator.Requests, r => Assert.Equal(200, r.Status));
        var request = session.BuildRequest("DeleteImages", JsonValue.NewObject(), 1700000000);
        Assert.Equal(("DeleteImages", "2025-09-01", "zec", "ZC2-HMAC-SHA256", "application/json"),
            (request.GetHeader("X-ZC-Action"), request.GetHeader("X-ZC-Version"), request.GetHeader("X-ZC-Service"),
             request.GetHeader("X-ZC-Signature-Method"), request.GetHeader("Content-Type")));
    }

    [Fact]
    public async Task Verbose_lines_name_the_action_region_ids_and_request_id_but_never_the_secret()
    {
        var log = new RecordingApiLog();
        var ids = Emulator.SeedCustomImages(7);
        await _bed.Connect().DeleteImagesAsync(ids, DeleteOptions.Default, Call(log));

        var line = Assert.Single(log.Lines, l => l.StartsWith("DeleteImages", StringComparison.Ordinal));
        Assert.Contains("asia-east-1 " + ids[0], line);
        Assert.Contains("(+2 more)", line);
        Assert.Contains("RequestId T", line);
        Assert.All(log.Lines, l => Assert.DoesNotContain(ZenlayerTestBed.KeyPassword, l));
    }

    [Fact]
    public async Task A_dry_run_or_a_switch_never_reaches_the_delete_call()
    {
        var session = _bed.Connect();
        foreach (var options in new[] { DeleteOptions.Default.AsDryRun(), new DeleteOptions { EvenIfInUse = true }, new DeleteOptions { DeleteSnapshots = true } })
            await Assert.ThrowsAsync<ArgumentException>(() => session.DeleteImagesAsync(new[] { "img-000000000000" }, options, Call()));
        Assert.Empty(Emulator.Calls);
    }

    [Theory]
    [InlineData(ZenlayerErrors.ResourceNotFound, ErrorKind.NotFound)]
    [InlineData(ZenlayerErrors.InvalidImageStatus, ErrorKind.InvalidState)]
    [InlineData(ZenlayerErrors.RequestLimitExceeded, ErrorKind.Throttled)]
    [InlineData("INTERNAL_SERVER_ERROR", ErrorKind.ServerError)]
    [InlineData("SERVICE_TEMPORARY_UNAVAILABLE", ErrorKind.ServerError)]
    [InlineData(ZenlayerErrors.SignatureFailure, ErrorKind.Authentication)]
    [InlineData(ZenlayerErrors.SignatureExpired, ErrorKind.ClockSkew)]
    [InlineData(ZenlayerErrors.InvalidAuthorization, ErrorKind.Authentication)]
    [InlineData(ZenlayerErrors.UnauthorizedOperation, ErrorKind.PermissionDenied)]
    [InlineData(ZenlayerErrors.ExceedLength, ErrorKind.BatchTooLarge)]
    [InlineData("INVALID_PARAMETER_VALUE", ErrorKind.InvalidArgument)]
    [InlineData("MISSING_PARAMETER", ErrorKind.InvalidArgument)]
    [InlineData("REQUEST_TIMED_OUT", ErrorKind.Unknown)]
    public void Documented_codes_map_to_their_kinds(string code, ErrorKind kind) => Assert.Equal(kind, ZenlayerErrors.Map.KindOf(code));

    [Theory]
    // Only 429 and 5xx are retried: the same undocumented code is retried or not by its status alone.
    [InlineData(503, "{\"code\":\"REQUEST_TIMED_OUT\",\"message\":\"m\",\"requestId\":\"r\"}", null, "REQUEST_TIMED_OUT", ErrorKind.ServerError)]
    [InlineData(408, "{\"code\":\"REQUEST_TIMED_OUT\",\"message\":\"m\",\"requestId\":\"r\"}", null, "REQUEST_TIMED_OUT", ErrorKind.Unknown)]
    [InlineData(429, "", null, EngineErrors.TooManyRequests, ErrorKind.Throttled)]
    [InlineData(401, "{\"code\":\"SOMETHING_NEW\",\"message\":\"m\"}", null, "SOMETHING_NEW", ErrorKind.Authentication)]
    [InlineData(502, "<html>Bad gateway</html>", null, EngineErrors.ServerError, ErrorKind.ServerError)]
    [InlineData(404, "<html>Not found</html>", null, EngineErrors.InvalidResponse, ErrorKind.InvalidResponse)]
    [InlineData(200, "{\"requestId\":\"r\"}", null, EngineErrors.InvalidResponse, ErrorKind.InvalidResponse)]
    [InlineData(403, "<html>Just a moment...</html>", "challenge", ZenlayerErrors.NetworkChallenge, ErrorKind.InvalidConfiguration)]
    [InlineData(451, "", null, ZenlayerErrors.Blocked, ErrorKind.InvalidConfiguration)]
    public void AnswersAreReadByTheirStatusAndBody(int status, string body, string? cfMitigated, string code, ErrorKind kind)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (cfMitigated is not null) headers["cf-mitigated"] = cfMitigated;
        var error = ZenlayerErrors.ErrorOf(new HttpExchange(status, body, headers, TimeSpan.Zero), "DescribeImages");
        Assert.NotNull(error);
        Assert.Equal((code, kind), (error!.Code, error.Kind));
        Assert.Equal(status is 429 or >= 500, error.IsRetryable);
    }

    [Fact]
    public void A_success_is_any_http_200_with_a_response_object()
    {
        var exchange = new HttpExchange(200, "{\"requestId\":\"outer\",\"response\":{\"requestId\":\"inner\"}}", new Dictionary<string, string>(), TimeSpan.Zero);
        Assert.Null(ZenlayerErrors.ErrorOf(exchange, "DeleteImages"));
        Assert.Equal("outer", ZenlayerErrors.RequestIdOf(exchange));
    }

    [Theory]
    [InlineData("CUSTOM_IMAGE", "AVAILABLE", null)]
    [InlineData("CUSTOM_IMAGE", "FAILED", null)]
    [InlineData("CUSTOM_IMAGE", "UNAVAILABLE", null)]
    [InlineData("CUSTOM_IMAGE", "DELETING", null)]
    [InlineData("CUSTOM_IMAGE", "CREATING", ZenlayerErrors.InvalidImageStatus)]
    [InlineData("CUSTOM_IMAGE", "SYNCING", ZenlayerErrors.InvalidImageStatus)]
    [InlineData("CUSTOM_IMAGE", "PROCESSING", ZenlayerErrors.InvalidImageStatus)]
    [InlineData("PUBLIC_IMAGE", "AVAILABLE", ZenlayerErrors.ImageNotCustom)]
    public void Assessment_gives_the_code_a_real_delete_is_reported_with(string type, string state, string? code)
    {
        var reasons = ZenlayerImages.Assess(new CloudImage { ImageId = "img-1", ImageType = type, State = state });
        Assert.Equal(code, reasons.FirstOrDefault()?.Code);
        Assert.All(reasons, r => Assert.Equal(DeletabilityCheck.Describe, r.Source));
    }

    [Theory]
    [InlineData("img-000000qc6qkh", true)]
    [InlineData("1660545330971680835", true)]
    [InlineData("ubuntu-22.04_x64", true)]
    [InlineData("", false)]
    [InlineData("-leading-dash", false)]
    [InlineData("img/../x", false)]
    [InlineData("img 1", false)]
    [InlineData("img-1\n", false)]
    public void Image_ids_are_opaque_but_plain_and_bounded(string id, bool valid) =>
        Assert.Equal(valid, ProviderRegistry.Find("Zenlayer").Capabilities.ImageIdPattern.IsMatch(id));
}

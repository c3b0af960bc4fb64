using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Alibaba;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Alibaba;
using ImageCmdlets.Tests.Support;
using Xunit;

namespace ImageCmdlets.Tests.Alibaba;

/// <summary>The provider against the emulator, one method call at a time (no operations layer).</summary>
public sealed class AlibabaProviderTests : IAsyncLifetime
{
    private static readonly string[] AllStatuses = { "Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated" };

    private AlibabaTestBed _bed = null!;
    private AlibabaSession _provider = null!;

    public async Task InitializeAsync()
    {
        _bed = await AlibabaTestBed.StartAsync();
        _provider = _bed.Connect();
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private AlibabaEcsEmulator Emulator => _bed.Emulator;

    private static string Id(int n) => $"m-bp{n:d16}";

    /// <summary>250 custom images in every status, plus images that are not this account's and one in another region.</summary>
    private List<string> SeedMany()
    {
        var own = Enumerable.Range(1, 250).Select(n => AlibabaTestBed.Image(Id(n), status: AllStatuses[n % AllStatuses.Length],
            created: new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(n))).ToArray();
        Emulator.Seed(own);
        Emulator.Seed(
            AlibabaTestBed.Image("m-shared0000000001") with { OwnerAlias = "others" },
            AlibabaTestBed.Image("m-market0000000001") with { OwnerAlias = "marketplace" },
            AlibabaTestBed.Image("m-otherregion000001") with { Region = "cn-shanghai" });
        return own.Select(i => i.ImageId).ToList();
    }

    private Task<List<ImagePage>> ListAllAsync(ImageQuery query) => Pages.AllAsync(_provider, query);

    [Fact]
    public async Task Listing_reads_every_page_and_every_status()
    {
        var own = SeedMany();

        var pages = await ListAllAsync(new ImageQuery());

        Assert.Equal(3, pages.Count); // 100 + 100 + 50
        Assert.All(pages, p => Assert.Equal(250, p.TotalCount));
        Assert.Null(pages[^1].NextPageToken);
        var listed = pages.SelectMany(p => p.Images).ToList();
        Assert.Equal(own.OrderBy(x => x), listed.Select(i => i.ImageId).OrderBy(x => x));
        Assert.Equal(AllStatuses.OrderBy(s => s), listed.Select(i => i.State).Distinct().OrderBy(s => s));

        var calls = Emulator.RequestsOf("DescribeImages");
        Assert.All(calls, c =>
        {
            Assert.Equal("self", c.Parameters["ImageOwnerAlias"]);
            Assert.Equal(AllStatuses.OrderBy(s => s), c.Parameters["Status"].Split(',').OrderBy(s => s));
            Assert.Equal("100", c.Parameters["PageSize"]);
        });
        Assert.Equal(new[] { "1", "2", "3" }, calls.Select(c => c.Parameters["PageNumber"]));
    }

    [Fact]
    public async Task Listing_stops_at_total_count_on_an_exact_multiple_of_the_page_size()
    {
        Emulator.Seed(Enumerable.Range(1, 20).Select(n => AlibabaTestBed.Image(Id(n))).ToArray());

        var pages = await ListAllAsync(new ImageQuery { PageSize = 10 });

        Assert.Equal(2, pages.Count);
        Assert.Equal(20, pages.Sum(p => p.Images.Count));
        Assert.Equal(2, Emulator.RequestsOf("DescribeImages").Count);
    }

    [Fact]
    public async Task Include_non_custom_drops_the_owner_filter()
    {
        SeedMany();

        var listed = (await ListAllAsync(new ImageQuery { IncludeNonCustom = true })).SelectMany(p => p.Images).ToList();

        Assert.Equal(252, listed.Count);
        Assert.Contains(listed, i => i.ImageId == "m-shared0000000001" && i.ImageType == "others");
        Assert.DoesNotContain(listed, i => i.ImageId == "m-otherregion000001");
        Assert.All(Emulator.RequestsOf("DescribeImages"), c => Assert.False(c.Parameters.ContainsKey("ImageOwnerAlias")));
    }

    [Fact]
    public async Task States_name_filter_and_tags_go_to_the_server()
    {
        Emulator.Seed(
            AlibabaTestBed.Image("m-a1", "ci-build-1", "CreateFailed", tags: new Dictionary<string, string> { ["env"] = "ci", ["team"] = "x" }),
            AlibabaTestBed.Image("m-a2", "ci-build-2", "Available", tags: new Dictionary<string, string> { ["env"] = "ci", ["team"] = "x" }),
            AlibabaTestBed.Image("m-a3", "ci-build-3", "CreateFailed", tags: new Dictionary<string, string> { ["env"] = "prod", ["team"] = "x" }),
            AlibabaTestBed.Image("m-a4", "other", "CreateFailed", tags: new Dictionary<string, string> { ["env"] = "ci", ["team"] = "x" }));

        var page = await _provider.ListImagesAsync(new ImageQuery
        {
            States = new[] { "createfailed", "NoSuchState" },
            NamePatterns = new[] { "ci-build" },
            Tags = new[] { "env=ci", "team" },
        }, null, AlibabaTestBed.Call());

        Assert.Equal(new[] { "m-a1" }, page.Images.Select(i => i.ImageId));
        var call = Emulator.RequestsOf("DescribeImages").Single().Parameters;
        Assert.Equal("CreateFailed", call["Status"]);
        Assert.Equal("ci-build", call["ImageName"]);
        Assert.Equal("env", call["Tag.1.Key"]);
        Assert.Equal("ci", call["Tag.1.Value"]);
        Assert.Equal("team", call["Tag.2.Key"]);
        Assert.False(call.ContainsKey("Tag.2.Value"));
    }

    [Fact]
    public async Task A_wildcard_name_is_left_to_the_client_side()
    {
        Emulator.Seed(AlibabaTestBed.Image("m-a1", "ci-1"));
        await _provider.ListImagesAsync(new ImageQuery { NamePatterns = new[] { "ci-*" } }, null, AlibabaTestBed.Call());
        Assert.False(Emulator.RequestsOf("DescribeImages").Single().Parameters.ContainsKey("ImageName"));
    }

    [Fact]
    public async Task Image_fields_are_mapped()
    {
        Emulator.Seed(
            AlibabaTestBed.Image("m-inuse", "in-use", tags: new Dictionary<string, string> { ["env"] = "ci" }) with { UsedByInstance = true, SizeGiB = 20 },
            AlibabaTestBed.Image("m-shared", "shared") with { SharedWithOthers = true },
            AlibabaTestBed.Image("m-copy", "copy", "Creating") with { IsCopied = true, Task = AlibabaImageTask.Copying });

        var images = (await _provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call())).Images.ToDictionary(i => i.ImageId);

        var inUse = images["m-inuse"];
        Assert.Equal("Alibaba", inUse.Provider);
        Assert.Equal(AlibabaTestBed.Region, inUse.Region);
        Assert.Equal("in-use", inUse.Name);
        Assert.Equal("Available", inUse.State);
        Assert.Equal("self", inUse.ImageType);
        Assert.True(inUse.InUse);
        Assert.False(inUse.IsShared);
        Assert.Equal(20L << 30, inUse.SizeBytes);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), inUse.CreatedAt);
        Assert.Equal(new[] { "env=ci" }, inUse.Tags);
        Assert.Equal("instance", inUse.Properties["Usage"]);
        Assert.NotNull(inUse.RequestId);
        Assert.Same(_provider, inUse.Connection);

        Assert.True(images["m-shared"].IsShared);
        Assert.False(images["m-shared"].InUse);
        Assert.Equal("true", images["m-copy"].Properties["IsCopied"]);
    }

    [Fact]
    public async Task Describe_by_id_finds_images_in_any_status_and_only_this_accounts_own()
    {
        SeedMany();
        var wanted = new[] { Id(1), Id(2), Id(6), "m-shared0000000001", "m-missing000000001" };

        var found = await _provider.DescribeImagesAsync(wanted, AlibabaTestBed.Call());

        // Id(1) Waiting, Id(2) Available, Id(6) Creating; the shared-with-us image and the missing one are absent.
        Assert.Equal(new[] { Id(1), Id(2), Id(6) }, found.Select(i => i.ImageId).OrderBy(x => x));
        var call = Emulator.RequestsOf("DescribeImages").Single().Parameters;
        Assert.Equal(string.Join(",", wanted), call["ImageId"]);
        Assert.Equal("self", call["ImageOwnerAlias"]);
        Assert.Equal("100", call["PageSize"]);
        Assert.Equal(AllStatuses.OrderBy(s => s), call["Status"].Split(',').OrderBy(s => s));
    }

    [Fact]
    public async Task Describe_takes_a_full_batch_in_one_call()
    {
        var own = SeedMany();
        var ids = own.Take(_provider.Provider.Capabilities.MaxIdsPerDescribe).ToArray();

        var found = await _provider.DescribeImagesAsync(ids, AlibabaTestBed.Call());

        Assert.Equal(ids.OrderBy(x => x), found.Select(i => i.ImageId).OrderBy(x => x));
        Assert.Single(Emulator.RequestsOf("DescribeImages"));
    }

    private Task<IReadOnlyList<ImageDeleteResult>> DeleteAsync(string id, DeleteOptions? options = null) =>
        _provider.DeleteImagesAsync(new[] { id }, options ?? DeleteOptions.Default, AlibabaTestBed.Call());

    [Fact]
    public async Task Delete_sends_force_and_dry_run_explicitly()
    {
        Emulator.Seed(AlibabaTestBed.Image("m-ok"));

        var result = (await DeleteAsync("m-ok")).Single();

        Assert.True(result.Succeeded);
        Assert.NotNull(result.RequestId);
        Assert.False(Emulator.Exists("m-ok"));
        var call = Emulator.RequestsOf("DeleteImage").Single().Parameters;
        Assert.Equal("m-ok", call["ImageId"]);
        Assert.Equal(AlibabaTestBed.Region, call["RegionId"]);
        Assert.Equal("false", call["Force"]);
        Assert.Equal("false", call["DryRun"]);
    }

    [Fact]
    public async Task An_image_in_use_is_deleted_only_with_even_if_in_use()
    {
        Emulator.Seed(AlibabaTestBed.Image("m-inuse") with { UsedByInstance = true });

        var refused = (await DeleteAsync("m-inuse")).Single();
        Assert.Equal("ImageUsingByInstance", refused.Error!.Code);
        Assert.Equal(ErrorKind.InUse, refused.Error.Kind);
        Assert.Equal(403, refused.Error.HttpStatus);
        Assert.True(Emulator.Exists("m-inuse"));

        var forced = (await DeleteAsync("m-inuse", new DeleteOptions { EvenIfInUse = true })).Single();
        Assert.True(forced.Succeeded);
        Assert.False(Emulator.Exists("m-inuse"));
        Assert.Equal("true", Emulator.RequestsOf("DeleteImage").Last().Parameters["Force"]);
    }

    [Theory]
    [InlineData("shared", "ImageUseShared", ErrorKind.InUse)]
    [InlineData("importing", "ImageIsImporting", ErrorKind.InvalidState)]
    [InlineData("exporting", "ImageIsExporting", ErrorKind.InvalidState)]
    [InlineData("copying", "OperationDenied.ImageCopying", ErrorKind.InvalidState)]
    public async Task Busy_or_shared_images_are_refused_per_image(string kind, string code, ErrorKind errorKind)
    {
        var image = kind switch
        {
            "shared" => AlibabaTestBed.Image("m-x") with { SharedWithOthers = true },
            "importing" => AlibabaTestBed.Image("m-x", status: "Creating") with { Task = AlibabaImageTask.Importing },
            "exporting" => AlibabaTestBed.Image("m-x") with { Task = AlibabaImageTask.Exporting },
            _ => AlibabaTestBed.Image("m-x", status: "Creating") with { Task = AlibabaImageTask.Copying, IsCopied = true },
        };
        Emulator.Seed(image);

        var result = (await DeleteAsync("m-x", new DeleteOptions { EvenIfInUse = true })).Single();

        Assert.Equal(code, result.Error!.Code);
        Assert.Equal(errorKind, result.Error.Kind);
        Assert.True(Emulator.Exists("m-x"));
    }

    [Fact]
    public async Task A_missing_id_is_ignored_by_the_service_so_the_provider_says_delete_ignores_missing_ids()
    {
        // The documented trap: DeleteImage answers 200 for an id that does not exist. The provider cannot
        // tell from that answer, which is why its capabilities make the operations layer check first.
        var result = (await DeleteAsync("m-missing")).Single();

        Assert.True(result.Succeeded);
        Assert.Empty(Emulator.DeletedImageIds);
        Assert.True(_provider.Provider.Capabilities.DeleteIgnoresMissingIds);
    }

    [Fact]
    public async Task A_missing_id_answered_with_404_is_not_found()
    {
        Emulator.MissingImages = MissingImageAnswer.NotFound;

        var result = (await DeleteAsync("m-missing")).Single();

        Assert.Equal("InvalidImageId.NotFound", result.Error!.Code);
        Assert.Equal(ErrorKind.NotFound, result.Error.Kind);
    }

    [Fact]
    public async Task A_passing_dry_run_is_success_and_deletes_nothing()
    {
        Emulator.Seed(AlibabaTestBed.Image("m-ok"), AlibabaTestBed.Image("m-inuse") with { UsedByInstance = true });

        var ok = (await DeleteAsync("m-ok", new DeleteOptions { DryRun = true })).Single();
        // The documented DryRun checks only credentials, permission and parameters, so this passes too;
        // the operations layer adds the describe-based reasons (AssessImage).
        var inUse = (await DeleteAsync("m-inuse", new DeleteOptions { DryRun = true })).Single();

        Assert.True(ok.Succeeded);
        Assert.NotNull(ok.RequestId);
        Assert.True(inUse.Succeeded);
        Assert.Equal(2, Emulator.Images.Count);
        Assert.All(Emulator.RequestsOf("DeleteImage"), c =>
        {
            Assert.Equal("true", c.Parameters["DryRun"]);
            Assert.Equal(400, c.Status);
            Assert.Equal("DryRunOperation", c.Code);
        });
    }

    [Fact]
    public async Task A_dry_run_that_checks_state_gives_the_real_reason()
    {
        Emulator.DryRunChecksImageState = true;
        Emulator.Seed(AlibabaTestBed.Image("m-inuse") with { UsedByInstance = true });

        var refused = (await DeleteAsync("m-inuse", new DeleteOptions { DryRun = true })).Single();
        var forced = (await DeleteAsync("m-inuse", new DeleteOptions { DryRun = true, EvenIfInUse = true })).Single();

        Assert.Equal("ImageUsingByInstance", refused.Error!.Code);
        Assert.True(forced.Succeeded);
        Assert.True(Emulator.Exists("m-inuse"));
    }

    [Fact]
    public async Task Throttling_is_a_call_level_retryable_error()
    {
        Emulator.Seed(AlibabaTestBed.Image("m-ok"));
        Emulator.CallsPerSecondLimit = 1;
        var fixedNow = DateTimeOffset.UtcNow;
        Emulator.Clock = () => fixedNow; // every call falls in the same second

        await _provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call());
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => _provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call()));
        Assert.Equal("Throttling.User", ex.Error.Code);
        Assert.Equal(ErrorKind.Throttled, ex.Error.Kind);

        // Limits are per action: the first DeleteImage goes through, the second is throttled.
        Assert.True((await DeleteAsync("m-ok")).Single().Succeeded);
        var throttled = await Assert.ThrowsAsync<CloudApiException>(() => DeleteAsync("m-other"));
        Assert.True(throttled.Error.IsRetryable);
        Assert.False(throttled.Error.MayHaveSucceeded);
    }

    [Theory]
    [InlineData(FaultKind.ServerError, ErrorKind.ServerError)]
    [InlineData(FaultKind.ServiceUnavailable, ErrorKind.ServerError)]
    [InlineData(FaultKind.MalformedBody, ErrorKind.InvalidResponse)]
    [InlineData(FaultKind.ConnectionReset, ErrorKind.Connection)]
    public async Task Faults_become_call_level_errors(FaultKind fault, ErrorKind kind)
    {
        Emulator.Seed(AlibabaTestBed.Image("m-ok"));
        Emulator.InjectFaults(new Fault(fault, "DescribeImages"), new Fault(fault, "DeleteImage"));

        var list = await Assert.ThrowsAsync<CloudApiException>(() => _provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call()));
        var delete = await Assert.ThrowsAsync<CloudApiException>(() => DeleteAsync("m-ok"));

        Assert.Equal(kind, list.Error.Kind);
        Assert.Equal(kind, delete.Error.Kind);
        Assert.True(Emulator.Exists("m-ok"));
    }

    [Theory]
    [InlineData("DescribeImages", 404, "InvalidRegionId.NotFound", ErrorKind.InvalidConfiguration)]
    [InlineData("DescribeImages", 403, "Forbidden.RAM", ErrorKind.PermissionDenied)]
    [InlineData("DescribeImages", 500, "InternalError", ErrorKind.ServerError)]
    [InlineData("DescribeImages", 503, "ServiceUnavailable", ErrorKind.ServerError)]
    [InlineData("DescribeImages", 400, "Throttling", ErrorKind.Throttled)]
    [InlineData("DescribeImages", 400, "Throttling.Api", ErrorKind.Throttled)]
    [InlineData("DescribeImages", 400, "InvalidAccessKeyId.Inactive", ErrorKind.Authentication)]
    [InlineData("DescribeImages", 400, "IncompleteSignature", ErrorKind.Authentication)]
    [InlineData("DescribeImages", 400, "InvalidTimeStamp.Format", ErrorKind.Authentication)]
    [InlineData("DescribeImages", 400, "SomeUndocumentedCode", ErrorKind.InvalidArgument)]
    public async Task Documented_codes_map_to_their_kind(string action, int status, string code, ErrorKind kind)
    {
        Emulator.InjectError(action, status, code, "Injected.");

        var ex = await Assert.ThrowsAsync<CloudApiException>(() => _provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call()));

        Assert.Equal(code, ex.Error.Code);
        Assert.Equal(kind, ex.Error.Kind);
        Assert.Equal(status, ex.Error.HttpStatus);
        Assert.Equal("Injected.", ex.Error.Message);
        Assert.NotNull(ex.Error.RequestId);
    }

    [Fact]
    public async Task A_permission_refusal_for_one_image_is_that_images_answer()
    {
        Emulator.Seed(AlibabaTestBed.Image("m-ok"));
        Emulator.InjectError("DeleteImage", 403, "Forbidden.RAM", "User not authorized to operate on the specified resource.");

        var result = (await DeleteAsync("m-ok")).Single();

        Assert.Equal("Forbidden.RAM", result.Error!.Code);
        Assert.Equal(ErrorKind.PermissionDenied, result.Error.Kind);
    }

    [Fact]
    public void Assess_image_gives_the_codes_a_real_delete_would_return()
    {
        CloudImage Image(string state = "Available", bool inUse = false, bool shared = false, string owner = "self", bool copied = false) => new()
        {
            ImageId = "m-x",
            State = state,
            InUse = inUse,
            IsShared = shared,
            ImageType = owner,
            Properties = new Dictionary<string, string> { ["IsCopied"] = copied ? "true" : "false" },
        };
        string[] Codes(CloudImage image, bool evenIfInUse = false) =>
            _provider.AssessImage(image, new DeleteOptions { EvenIfInUse = evenIfInUse }).Select(r => r.Code).ToArray();

        Assert.Empty(Codes(Image()));
        Assert.Empty(Codes(Image("CreateFailed")));
        Assert.Empty(Codes(Image("UnAvailable")));
        Assert.Equal(new[] { "ImageUsingByInstance" }, Codes(Image(inUse: true)));
        Assert.Empty(Codes(Image(inUse: true), evenIfInUse: true));
        Assert.Equal(new[] { "ImageUseShared" }, Codes(Image(shared: true)));
        Assert.Equal(new[] { "ImageIsImporting" }, Codes(Image("Creating")));
        Assert.Equal(new[] { "ImageIsImporting" }, Codes(Image("Waiting")));
        Assert.Equal(new[] { "OperationDenied.ImageCopying" }, Codes(Image("Creating", copied: true)));
        Assert.Equal(new[] { "InvalidImageId.NotFound" }, Codes(Image(owner: "others")));
        Assert.Equal(new[] { "ImageUseShared", "ImageUsingByInstance" }, Codes(Image(inUse: true, shared: true)));
        Assert.All(_provider.AssessImage(Image(inUse: true, shared: true), DeleteOptions.Default),
            r => Assert.Equal(DeletabilityCheck.Describe, r.Source));
    }
}

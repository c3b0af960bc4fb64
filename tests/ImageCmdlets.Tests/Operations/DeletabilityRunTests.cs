using ImageCmdlets.Emulators.InMemory;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Operations;

public class DeletabilityRunTests
{
    [Fact]
    public async Task Verdicts_combine_the_dry_run_with_describe_reasons_and_repeat_for_duplicates()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(3);
        provider.Add("img-shared").RejectCode = "InvalidImageId.InShared";
        provider.DescribeReasons["img-shared"] = new DeletabilityReason("ImageShared", "shared to 2 accounts", DeletabilityCheck.Describe);
        provider.DescribeReasons["img-0002"] = new DeletabilityReason("InvalidImageId.InShared", "same code as the dry run", DeletabilityCheck.Describe);
        var sink = new CollectingSink();
        var run = new DeletabilityRun(provider, DeleteOptions.Default, sink, RemovalRunTests.Fast);
        foreach (var id in new[] { "img-0000", "img-shared", "img-0000", "img-missing", "img-0002", "bad id" }) run.Add(id);
        await run.CompleteAsync();

        Assert.Equal(6, sink.OutcomeCount);
        Assert.Equal(4, provider.ImageCount);
        Assert.All(provider.DeleteCalls, c => Assert.True(c.DryRun));
        var good = sink.Verdicts.Where(v => v.ImageId == "img-0000").ToArray();
        Assert.Equal(2, good.Length);
        Assert.All(good, v => Assert.True(v.IsDeletable));
        Assert.All(good, v => Assert.Equal(DeletabilityCheck.DryRun, v.CheckedBy));

        var shared = sink.Verdicts.Single(v => v.ImageId == "img-shared");
        Assert.False(shared.IsDeletable);
        Assert.Equal(new[] { "InvalidImageId.InShared", "ImageShared" }, shared.Reasons.Select(r => r.Code));
        Assert.Equal(DeletabilityCheck.DryRun, shared.Reasons[0].Source);
        Assert.Equal(DeletabilityCheck.Describe, shared.Reasons[1].Source);

        var describedOnly = sink.Verdicts.Single(v => v.ImageId == "img-0002");
        Assert.False(describedOnly.IsDeletable);
        Assert.Single(describedOnly.Reasons);

        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("img-missing").Error.Kind);
        Assert.Equal("MalformedImageId", sink.ErrorFor("bad id").Error.Code);
    }

    [Fact]
    public async Task Without_native_dry_run_the_verdict_comes_from_the_description_alone()
    {
        var provider = new InMemoryCloud(new ProviderCapabilities
        {
            MaxIdsPerDelete = 1, MaxIdsPerDescribe = 10, HasNativeDryRun = false,
            ImageIdPattern = new System.Text.RegularExpressions.Regex("^img-"),
        });
        provider.AddMany(2);
        provider.DescribeReasons["img-0001"] = new DeletabilityReason("ImageProtected", "protected", DeletabilityCheck.Describe, ErrorKind.PermissionDenied);
        var sink = new CollectingSink();
        var run = new DeletabilityRun(provider, DeleteOptions.Default, sink, RemovalRunTests.Fast);
        run.Add("img-0000");
        run.Add("img-0001");
        await run.CompleteAsync();

        Assert.Empty(provider.DeleteCalls);
        Assert.True(sink.Verdicts.Single(v => v.ImageId == "img-0000").IsDeletable);
        var protectedOne = sink.Verdicts.Single(v => v.ImageId == "img-0001");
        Assert.False(protectedOne.IsDeletable);
        Assert.Equal(DeletabilityCheck.Describe, protectedOne.CheckedBy);
        Assert.Equal("ImageProtected", protectedOne.Reasons.Single().Code);
    }

    [Fact]
    public async Task A_dry_run_that_cannot_be_made_is_an_error_not_a_verdict()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(1);
        // The describe succeeds; every dry-run attempt is throttled.
        var sink = new CollectingSink();
        var run = new DeletabilityRun(provider, DeleteOptions.Default, sink, RemovalRunTests.Fast);
        run.Add("img-0000");
        await Task.Yield();
        for (var i = 0; i < 20; i++) provider.FailNextCall(new CloudApiError("RequestLimitExceeded", ErrorKind.Throttled, "slow"));
        await run.CompleteAsync();

        Assert.Empty(sink.Verdicts);
        Assert.Equal(ErrorKind.Throttled, sink.ErrorFor("img-0000").Error.Kind);
    }
}

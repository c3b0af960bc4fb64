using ImageCmdlets.Emulators.InMemory;
using System;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Operations;

public class ImageListingTests
{
    [Fact]
    public async Task Lists_every_page_and_streams_images_with_their_connection()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(23);
        var sink = new CollectingSink();
        await ImageListing.RunAsync(provider, new ImageQuery(), Array.Empty<string>(), sink, RemovalRunTests.Fast);

        Assert.Equal(23, sink.Images.Count);
        Assert.Equal(23, sink.Images.Select(i => i.ImageId).Distinct().Count());
        Assert.Equal(4, provider.Calls.Count(c => c.Action == "List")); // page size 7
        Assert.All(sink.Images, i => Assert.Same(provider, i.Connection));
        Assert.True(sink.ProgressUpdates.Last().Completed);
    }

    [Fact]
    public async Task Pages_after_the_first_are_fetched_concurrently_and_written_in_order()
    {
        // 23 images in pages of 7: the first page tells the offsets of the 3 others.
        var provider = new InMemoryCloud { PagesByPosition = true, LaterPagesGate = new TaskCompletionSource() };
        provider.AddMany(23);
        var sink = new CollectingSink();
        var listing = ImageListing.RunAsync(provider, new ImageQuery(), Array.Empty<string>(), sink, RemovalRunTests.Fast);

        // Every later page is asked for while none has answered yet (the gate allows 3 calls at once).
        await Until(() => provider.Calls.Count(c => c.Action == "List") == 4);
        Assert.Equal(7, sink.Images.Count); // the first page is written at once
        provider.LaterPagesGate.SetResult();
        await listing;

        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"img-{i:d4}"), sink.Images.Select(i => i.ImageId));
        Assert.Equal(4, provider.Calls.Count(c => c.Action == "List"));
        Assert.True(sink.ProgressUpdates.Last().Completed);
    }

    [Fact]
    public async Task A_stopped_listing_asks_for_no_further_page()
    {
        var provider = new InMemoryCloud(new ProviderCapabilities { MaxPageSize = 7, MaxConcurrentCalls = 1, InitialConcurrentCalls = 1 })
        {
            PagesByPosition = true,
            LaterPagesGate = new TaskCompletionSource(),
        };
        provider.AddMany(70);
        var stop = new StopSignal();
        var listing = ImageListing.RunAsync(provider, new ImageQuery(), Array.Empty<string>(), new CollectingSink(), RemovalRunTests.Fast, stop);

        await Until(() => provider.Calls.Count(c => c.Action == "List") == 2);
        stop.Abort();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listing);

        // The first page and the one under way at the stop; none of the 8 others.
        Assert.Equal(2, provider.Calls.Count(c => c.Action == "List"));
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }

    [Fact]
    public async Task Filters_apply_client_side_whatever_the_provider_did()
    {
        var provider = new InMemoryCloud();
        provider.Add("img-a1", "ci-build-1").CreatedAt = DateTimeOffset.UtcNow.AddDays(-40);
        provider.Add("img-a2", "CI-BUILD-2").CreatedAt = DateTimeOffset.UtcNow.AddDays(-2);
        provider.Add("img-a3", "web-1").CreatedAt = DateTimeOffset.UtcNow.AddDays(-40);
        var old = provider.Add("img-a4", "ci-build-old");
        old.CreatedAt = DateTimeOffset.UtcNow.AddDays(-50);
        old.State = "creating";

        var sink = new CollectingSink();
        await ImageListing.RunAsync(provider, new ImageQuery
        {
            NamePatterns = new[] { "ci-build-*" },
            CreatedBefore = DateTimeOffset.UtcNow.AddDays(-30),
            States = new[] { "AVAILABLE" },
            Tags = new[] { "env" },
        }, Array.Empty<string>(), sink, RemovalRunTests.Fast);

        Assert.Equal(new[] { "img-a1" }, sink.Images.Select(i => i.ImageId));
    }

    [Fact]
    public async Task Named_ids_are_looked_up_and_each_missing_or_malformed_one_is_an_error()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(3);
        var sink = new CollectingSink();
        await ImageListing.RunAsync(provider, new ImageQuery(), new[] { "img-0001", "img-nope", "IMG 1", "img-0001" }, sink, RemovalRunTests.Fast);

        Assert.Equal(new[] { "img-0001" }, sink.Images.Select(i => i.ImageId));
        Assert.Equal(ErrorKind.NotFound, sink.ErrorFor("img-nope").Error.Kind);
        Assert.Equal("MalformedImageId", sink.ErrorFor("IMG 1").Error.Code);
        Assert.DoesNotContain(provider.Calls, c => c.Action == "List");
    }

    [Fact]
    public async Task A_list_failure_is_retried_then_surfaces()
    {
        var provider = new InMemoryCloud();
        provider.AddMany(3);
        provider.FailNextCall(new CloudApiError("Throttling", ErrorKind.Throttled, "slow"));
        var sink = new CollectingSink();
        await ImageListing.RunAsync(provider, new ImageQuery(), Array.Empty<string>(), sink, RemovalRunTests.Fast);
        Assert.Equal(3, sink.Images.Count);

        for (var i = 0; i < 10; i++) provider.FailNextCall(new CloudApiError("AuthFailure", ErrorKind.Authentication, "no"));
        var ex = await Assert.ThrowsAsync<CloudApiException>(() =>
            ImageListing.RunAsync(provider, new ImageQuery(), Array.Empty<string>(), new CollectingSink(), RemovalRunTests.Fast));
        Assert.Equal("AuthFailure", ex.Error.Code);
    }
}

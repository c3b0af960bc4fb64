using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Bench;

/// <summary>
/// A cloud that answers instantly from memory, so the figures measure ImageCmdlets' own cost per image
/// (operations layer, ledger, sink), not the network.
/// </summary>
internal sealed class InMemoryCloud : IImageProvider
{
    private readonly ConcurrentDictionary<string, byte> _images = new();

    public InMemoryCloud(int images, int idsPerDelete)
    {
        for (var i = 0; i < images; i++) _images[Id(i)] = 0;
        Definition = new ProviderDefinition("InMemory", new ProviderCapabilities
        {
            MaxIdsPerDelete = idsPerDelete,
            MaxIdsPerDescribe = 100,
            MaxPageSize = 100,
            HasNativeDryRun = true,
            MaxConcurrentCalls = 8,
            ImageIdPattern = new Regex("^img-[0-9a-z]{8}$"),
        }, new[] { "mem" }, _ => this, "");
    }

    public static string Id(int i) => "img-" + i.ToString("x8");

    public ProviderDefinition Definition { get; }
    public ProviderCapabilities Capabilities => Definition.Capabilities;
    public string Region => "mem";
    public string Account => "bench";
    public int Remaining => _images.Count;

    public Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context)
    {
        var offset = pageToken is null ? 0 : int.Parse(pageToken);
        var size = Capabilities.MaxPageSize;
        var images = Enumerable.Range(offset, Math.Max(0, Math.Min(size, TotalListed - offset)))
            .Select(i => new CloudImage { Provider = "InMemory", Region = Region, ImageId = Id(i), Name = "ci-build-" + i, State = "NORMAL", CreatedAt = DateTimeOffset.UtcNow })
            .ToArray();
        var next = offset + size < TotalListed ? (offset + size).ToString() : null;
        return Task.FromResult(new ImagePage(images, next, null, TotalListed));
    }

    public int TotalListed { get; init; }

    public Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context) =>
        Task.FromResult<IReadOnlyList<CloudImage>>(imageIds.Where(_images.ContainsKey)
            .Select(id => new CloudImage { Provider = "InMemory", Region = Region, ImageId = id }).ToArray());

    public Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context)
    {
        var results = new ImageDeleteResult[imageIds.Count];
        for (var i = 0; i < imageIds.Count; i++)
        {
            var id = imageIds[i];
            results[i] = options.DryRun || _images.TryRemove(id, out _)
                ? ImageDeleteResult.Success(id, "r")
                : ImageDeleteResult.Failure(id, new CloudApiError("NotFound", ErrorKind.NotFound, "gone"));
        }
        return Task.FromResult<IReadOnlyList<ImageDeleteResult>>(results);
    }

    public IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options) => Array.Empty<DeletabilityReason>();
}

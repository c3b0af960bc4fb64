using System;
using System.Collections.Generic;
using System.Linq;
using ImageCmdlets.Operations;

namespace ImageCmdlets.Pipeline;

/// <summary>
/// The images Get-CloudImage has listed in this process, per provider and region: what tab completion of
/// -ImageId offers. A listing the user already ran is the only cheap source of ids; completion never calls a cloud.
/// </summary>
public static class ListedImages
{
    /// <summary>Ids kept per provider and region (the most recently listed), so a huge listing cannot fill the memory.</summary>
    public const int MaxPerRegion = 2000;

    private static readonly object Gate = new();
    private static readonly Dictionary<(string Provider, string Region), RecentIds> ByRegion = new();

    public static void Remember(CloudImage image)
    {
        if (image.ImageId.Length == 0) return;
        lock (Gate)
        {
            var key = (image.Provider.ToLowerInvariant(), image.Region.ToLowerInvariant());
            if (!ByRegion.TryGetValue(key, out var ids)) ByRegion[key] = ids = new RecentIds();
            ids.Add(image.ImageId, image.Name);
        }
    }

    /// <summary>The ids listed for that provider and region (null: any), most recent first, each with its image's name.</summary>
    public static IReadOnlyList<(string ImageId, string? Name)> Find(string? provider, string? region)
    {
        lock (Gate)
        {
            return ByRegion
                .Where(r => Matches(r.Key.Provider, provider) && Matches(r.Key.Region, region))
                .SelectMany(r => r.Value.Newest)
                .GroupBy(i => i.ImageId, StringComparer.Ordinal).Select(g => g.First())
                .ToArray();
        }
    }

    private static bool Matches(string key, string? wanted) =>
        string.IsNullOrWhiteSpace(wanted) || string.Equals(key, wanted!.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>One region's ids, newest first, at most <see cref="MaxPerRegion"/>; adding a known id moves it to the front.</summary>
    private sealed class RecentIds
    {
        private readonly LinkedList<(string ImageId, string? Name)> _order = new();
        private readonly Dictionary<string, LinkedListNode<(string ImageId, string? Name)>> _nodes = new(StringComparer.Ordinal);

        public IEnumerable<(string ImageId, string? Name)> Newest => _order;

        public void Add(string imageId, string? name)
        {
            if (_nodes.TryGetValue(imageId, out var known)) _order.Remove(known);
            _nodes[imageId] = _order.AddFirst((imageId, name));
            if (_order.Count <= MaxPerRegion) return;
            _nodes.Remove(_order.Last!.Value.ImageId);
            _order.RemoveLast();
        }
    }

    /// <summary>A sink that remembers every image a listing writes, and passes everything on.</summary>
    internal sealed class RememberingSink : IOperationSink
    {
        private readonly IOperationSink _inner;
        public RememberingSink(IOperationSink inner) => _inner = inner;

        public void Result(object result)
        {
            if (result is CloudImage image) Remember(image);
            _inner.Result(result);
        }
        public void Error(ImageError error) => _inner.Error(error);
        public void Outcome(CloudImageRunEntry entry) => _inner.Outcome(entry);
        public void Verbose(string message) => _inner.Verbose(message);
        public void Debug(string message) => _inner.Debug(message);
        public void Progress(ProgressUpdate progress) => _inner.Progress(progress);
    }
}

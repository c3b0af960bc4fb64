using System;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using ImageCmdlets.Emulators.InMemory;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Bench;

/// <summary>
/// The engine's own cost per image, with a cloud that answers at once (InMemoryCloud): RemovalRun over
/// 1,000 ids (dedupe, batching, the call gate, the ledger, one outcome per image), and ImageListing of
/// 1,000 images. Divide by 1,000 for the cost per image.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class EngineBenchmarks
{
    private const int Images = 1000;

    [Params(1, 50)]
    public int IdsPerCall { get; set; }

    private InMemoryCloud _cloud = null!;
    private string[] _ids = null!;

    [IterationSetup]
    public void Setup()
    {
        _cloud = new InMemoryCloud(new ProviderCapabilities
        {
            MaxIdsPerDelete = IdsPerCall,
            MaxIdsPerDescribe = 100,
            MaxPageSize = 100,
            HasNativeDryRun = true,
            MaxConcurrentCalls = 8,
        });
        _cloud.AddMany(Images);
        _ids = new string[Images];
        for (var i = 0; i < Images; i++) _ids[i] = $"img-{i:d4}";
    }

    [Benchmark(Description = "RemovalRun, 1,000 images")]
    public async Task<int> Remove()
    {
        var sink = new CountingSink();
        var run = new RemovalRun(_cloud, DeleteOptions.Default, sink);
        foreach (var id in _ids) run.Add(id);
        await run.CompleteAsync();
        if (sink.Results != Images) throw new InvalidOperationException($"expected {Images} deletions, got {sink.Results}");
        return sink.Results;
    }

    [Benchmark(Description = "ImageListing, 1,000 images")]
    public async Task<int> List()
    {
        var sink = new CountingSink();
        await ImageListing.RunAsync(_cloud, new ImageQuery { NamePatterns = new[] { "img-*" } }, Array.Empty<string>(), sink);
        if (sink.Results != Images) throw new InvalidOperationException($"expected {Images} images, got {sink.Results}");
        return sink.Results;
    }

    private sealed class CountingSink : IOperationSink
    {
        private int _results;
        public int Results => Volatile.Read(ref _results);
        public void Result(object result) => Interlocked.Increment(ref _results);
        public void Error(ImageError error) { }
        public void Outcome(CloudImageRunEntry entry)
        {
            if (entry.Error is null) Interlocked.Increment(ref _results);
        }
        public void Verbose(string message) { }
        public void Debug(string message) { }
        public void Progress(ProgressUpdate progress) { }
    }
}

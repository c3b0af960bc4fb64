using ImageCmdlets.Emulators.InMemory;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Bench;

/// <summary>
/// Prints throughput and memory figures. Scenarios:
///   remove-batched   RemovalRun, 100 ids per delete call, in-memory cloud (the module's own cost per image)
///   remove-single    RemovalRun, 1 id per call (Alibaba/Glance shape)
///   list-stream      ImageListing of many pages; memory must stay flat while images stream out
///   tencent-http     Remove-CloudImage's engine against the Tencent emulator over real HTTP on loopback,
///                    paced to the documented 10 DeleteImages calls/s, vs one call per image at that rate
/// Usage: dotnet run -c Release --project bench/ImageCmdlets.Bench [-- scenario...]
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var scenarios = new Dictionary<string, Func<Task<Figures>>>
        {
            ["remove-batched"] = () => RemoveInMemory(200_000, idsPerCall: 100),
            ["remove-single"] = () => RemoveInMemory(50_000, idsPerCall: 1),
            ["list-stream"] = ListInMemory,
            ["tencent-http"] = TencentOverHttp.RunAsync,
        };
        var chosen = args.Length == 0 ? scenarios.Keys.ToArray() : args;
        Console.WriteLine($"ImageCmdlets bench — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine("| scenario | images | seconds | images/s | alloc bytes/image | peak working set MB | notes |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var name in chosen)
        {
            if (!scenarios.TryGetValue(name, out var run)) { Console.Error.WriteLine($"unknown scenario {name}"); return 2; }
            var f = await run();
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "| {0} | {1} | {2:0.00} | {3:0} | {4:0} | {5:0} | {6} |",
                name, f.Images, f.Seconds, f.Images / f.Seconds, f.AllocatedPerImage, f.PeakWorkingSetMb, f.Notes));
        }
        return 0;
    }

    internal sealed record Figures(int Images, double Seconds, double AllocatedPerImage, double PeakWorkingSetMb, string Notes);

    /// <summary>Measures a body: wall time, bytes allocated per image, peak working set.</summary>
    internal static async Task<Figures> MeasureAsync(int images, Func<Task<string>> body)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var notes = await body();
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        return new Figures(images, watch.Elapsed.TotalSeconds, (double)allocated / images, process.PeakWorkingSet64 / 1048576.0, notes);
    }

    private static Task<Figures> RemoveInMemory(int images, int idsPerCall)
    {
        var cloud = new InMemoryCloud(Capabilities(idsPerCall));
        cloud.AddMany(images);
        return MeasureAsync(images, async () =>
        {
            var sink = new CountingSink();
            var run = new RemovalRun(cloud, DeleteOptions.Default, sink);
            for (var i = 0; i < images; i++) run.Add($"img-{i:d4}");
            await run.CompleteAsync();
            Check(sink.Results == images && cloud.ImageCount == 0, $"expected {images} deletions, got {sink.Results} ({cloud.ImageCount} left)");
            return $"{idsPerCall} id(s) per call, every outcome counted";
        });
    }

    private static Task<Figures> ListInMemory()
    {
        const int images = 200_000;
        var cloud = new InMemoryCloud(Capabilities(100));
        cloud.AddMany(images);
        return MeasureAsync(images, async () =>
        {
            var sink = new CountingSink { SampleHeapEvery = 20_000 };
            await ImageListing.RunAsync(cloud, new ImageQuery { NamePatterns = new[] { "img-*" } }, Array.Empty<string>(), sink);
            Check(sink.Results == images, $"expected {images} images, got {sink.Results}");
            return $"streamed; live heap while listing {sink.MinHeapMb:0}-{sink.MaxHeapMb:0} MB";
        });
    }

    private static ProviderCapabilities Capabilities(int idsPerDelete) => new()
    {
        MaxIdsPerDelete = idsPerDelete,
        MaxIdsPerDescribe = 100,
        MaxPageSize = 100,
        HasNativeDryRun = true,
        MaxConcurrentCalls = 8,
    };

    internal static void Check(bool condition, string message)
    {
        if (!condition) throw new InvalidOperationException("bench self-check failed: " + message);
    }

    /// <summary>Counts outcomes without keeping them, as a pipeline consumer that exports rows would.</summary>
    internal sealed class CountingSink : IOperationSink
    {
        private int _results;
        private int _errors;
        public int SampleHeapEvery { get; init; }
        public double MinHeapMb { get; private set; } = double.MaxValue;
        public double MaxHeapMb { get; private set; }
        public int Results => Volatile.Read(ref _results);
        public int Errors => Volatile.Read(ref _errors);

        public void Result(object result)
        {
            var n = Interlocked.Increment(ref _results);
            if (SampleHeapEvery > 0 && n % SampleHeapEvery == 0)
            {
                var mb = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
                MinHeapMb = Math.Min(MinHeapMb, mb);
                MaxHeapMb = Math.Max(MaxHeapMb, mb);
            }
        }

        public void Error(ImageError error) => Interlocked.Increment(ref _errors);
        public void Outcome(CloudImageRunEntry entry)
        {
            if (entry.Error is not null) Error(entry.Error);
            else Result(entry.Result!);
        }
        public void Verbose(string message) { }
        public void Debug(string message) { }
        public void Progress(ProgressUpdate progress) { }
    }
}

using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Support;

/// <summary>Operation settings for tests: short backoff and -Wait polling so both cost milliseconds, seeded jitter.</summary>
internal static class TestSettings
{
    public static OperationSettings FastRetries(int jitterSeed = 1, int? maxAttempts = null) => new()
    {
        MaxAttempts = maxAttempts ?? OperationSettings.Default.MaxAttempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RetryMaxDelay = TimeSpan.FromMilliseconds(40),
        DeletionPollFirstDelay = TimeSpan.FromMilliseconds(20),
        DeletionPollMaxDelay = TimeSpan.FromMilliseconds(80),
        JitterSeed = jitterSeed,
    };
}

/// <summary>The operations as the cmdlets run them, collected into a sink.</summary>
internal static class TestRuns
{
    public static async Task<CollectingSink> ListAsync(IImageSession session, ImageQuery query, OperationSettings settings, params string[] ids)
    {
        var sink = new CollectingSink();
        await ImageListing.RunAsync(session, query, ids, sink, settings);
        return sink;
    }

    public static Task<CollectingSink> RemoveAsync(IImageSession session, OperationSettings settings, params string[] ids) =>
        RunAsync(sink => new RemovalRun(session, DeleteOptions.Default, sink, settings), ids);

    public static Task<CollectingSink> CheckAsync(IImageSession session, OperationSettings settings, params string[] ids) =>
        RunAsync(sink => new DeletabilityRun(session, DeleteOptions.Default, sink, settings), ids);

    private static async Task<CollectingSink> RunAsync(Func<CollectingSink, ImageRun> start, string[] ids)
    {
        var sink = new CollectingSink();
        var run = start(sink);
        foreach (var id in ids) run.Add(id);
        await run.CompleteAsync();
        return sink;
    }
}

/// <summary>
/// A running provider emulator and the real provider connected to it over HTTP on 127.0.0.1, with a
/// made-up empty environment (so nothing on the test machine leaks in). One per provider derives from it.
/// </summary>
internal abstract class EmulatorTestBed<TEmulator> : IAsyncDisposable where TEmulator : EmulatorServer
{
    private readonly ImageProvider _provider;
    private readonly AccessKeyCredential _credential;
    private readonly string _region;

    protected EmulatorTestBed(TEmulator emulator, ImageProvider provider, AccessKeyCredential credential, string region, TimeSpan? requestTimeout = null)
    {
        Emulator = emulator;
        _provider = provider;
        _credential = credential;
        _region = region;
        Transport = new HttpTransport(new SocketsHttpHandler { UseCookies = false }, requestTimeout ?? TimeSpan.FromSeconds(30));
    }

    public TEmulator Emulator { get; }
    public HttpTransport Transport { get; }

    public static CallContext Call(IApiLog? log = null) => new(default, log ?? NullApiLog.Instance);

    /// <summary>
    /// Connects the real provider to the emulator (the bed's key and region unless given): -Endpoint where
    /// the provider takes one, and only the environment the emulator says a client needs (unless given).
    /// </summary>
    protected IImageSession ConnectProvider(AccessKeyCredential? credential, string? region, IReadOnlyDictionary<string, string>? environment = null) =>
        _provider.Connect(new ConnectionRequest
        {
            Region = region ?? _region,
            Endpoint = Emulator.EndpointIsParameter ? Emulator.BaseUri : null,
            Credential = credential ?? _credential,
            Environment = new FixedEnvironment(environment ?? Emulator.ClientEnvironment),
            Transport = Transport,
        });

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}

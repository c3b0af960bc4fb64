using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageCmdlets.Emulators.Common;

/// <summary>What an emulator can be told to do wrong to the next matching requests.</summary>
public enum FaultKind
{
    /// <summary>HTTP 500 with a short non-JSON body.</summary>
    ServerError,
    /// <summary>HTTP 503 Service Unavailable.</summary>
    ServiceUnavailable,
    /// <summary>The connection is dropped without an answer.</summary>
    ConnectionReset,
    /// <summary>The request is handled normally but the answer waits <see cref="Fault.Delay"/>.</summary>
    SlowResponse,
    /// <summary>HTTP 200 with a body that is not JSON.</summary>
    MalformedBody,
    /// <summary>The request is carried out, then the connection is dropped (the client cannot know it worked).</summary>
    ResetAfterProcessing,
}

public sealed record Fault(FaultKind Kind, string? Action = null, TimeSpan Delay = default);

/// <summary>One request the emulator received.</summary>
public sealed record RecordedCall(DateTimeOffset ReceivedAt, string Action, string Body, int Status, string? FaultApplied);

/// <summary>A request as an emulator handler sees it (body already read).</summary>
public sealed class EmulatorRequest
{
    public EmulatorRequest(HttpContext context, string body)
    {
        Context = context;
        Body = body;
    }

    public HttpContext Context { get; }
    public string Body { get; }
    public string Method => Context.Request.Method;
    public string Path => Context.Request.Path.Value ?? "/";
    public IQueryCollection Query => Context.Request.Query;
    public string? Header(string name) => Context.Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
}

/// <summary>What an emulator handler answers.</summary>
public sealed record EmulatorResponse(int Status, string Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// The common shape of every cloud emulator: a real HTTP server on 127.0.0.1 (Kestrel, random port),
/// a log of the calls it received, an injectable clock and a queue of faults. A provider's emulator
/// derives from it and implements <see cref="ActionOf"/> and <see cref="HandleAsync"/>.
/// </summary>
public abstract class EmulatorServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly ConcurrentQueue<RecordedCall> _calls = new();
    private WebApplication? _app;

    /// <summary>The emulator's base address, e.g. http://127.0.0.1:43127/.</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The emulator's clock; tests move it to check timestamp windows.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public IReadOnlyList<RecordedCall> Calls => _calls.ToArray();

    public IReadOnlyList<RecordedCall> CallsOf(string action) => _calls.Where(c => c.Action == action).ToArray();

    /// <summary>Queues faults; each applies to the next request of its action (any action when null).</summary>
    public void InjectFaults(params Fault[] faults)
    {
        foreach (var f in faults) _faults.Enqueue(f);
    }

    public int PendingFaults => _faults.Count;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(ServeAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        _app = app;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>The API action a request names (header, query or path), for faults and the call log.</summary>
    protected abstract string ActionOf(EmulatorRequest request);

    /// <summary>Handles one request: verify the signature, model the API, answer.</summary>
    protected abstract Task<EmulatorResponse> HandleAsync(EmulatorRequest request);

    private async Task ServeAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        var request = new EmulatorRequest(context, body);
        var receivedAt = Clock();
        var action = ActionOf(request);
        var fault = TakeFault(action);

        switch (fault?.Kind)
        {
            case FaultKind.ServerError:
                Record(receivedAt, action, body, 500, fault);
                await WriteAsync(context, new EmulatorResponse(500, "Internal Server Error", "text/plain")).ConfigureAwait(false);
                return;
            case FaultKind.ServiceUnavailable:
                Record(receivedAt, action, body, 503, fault);
                await WriteAsync(context, new EmulatorResponse(503, "<html><body>503 Service Unavailable</body></html>", "text/html")).ConfigureAwait(false);
                return;
            case FaultKind.ConnectionReset:
                Record(receivedAt, action, body, 0, fault);
                context.Abort();
                return;
            case FaultKind.MalformedBody:
                Record(receivedAt, action, body, 200, fault);
                await WriteAsync(context, new EmulatorResponse(200, "{\"Response\": <truncated", "application/json")).ConfigureAwait(false);
                return;
        }

        var response = await HandleAsync(request).ConfigureAwait(false);
        Record(receivedAt, action, body, response.Status, fault);
        if (fault?.Kind == FaultKind.ResetAfterProcessing)
        {
            context.Abort();
            return;
        }
        if (fault?.Kind == FaultKind.SlowResponse)
        {
            try { await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
        await WriteAsync(context, response).ConfigureAwait(false);
    }

    private Fault? TakeFault(string action)
    {
        // Faults are rare and tests are small: a scan of the queue under a lock is simple and enough.
        lock (_faults)
        {
            var all = new List<Fault>();
            while (_faults.TryDequeue(out var f)) all.Add(f);
            var index = all.FindIndex(f => f.Action is null || f.Action == action);
            Fault? taken = null;
            if (index >= 0)
            {
                taken = all[index];
                all.RemoveAt(index);
            }
            foreach (var f in all) _faults.Enqueue(f);
            return taken;
        }
    }

    private void Record(DateTimeOffset at, string action, string body, int status, Fault? fault) =>
        _calls.Enqueue(new RecordedCall(at, action, body, status, fault?.Kind.ToString()));

    private static async Task WriteAsync(HttpContext context, EmulatorResponse response)
    {
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        if (response.Headers is not null)
            foreach (var h in response.Headers) context.Response.Headers[h.Key] = h.Value;
        await context.Response.WriteAsync(response.Body, CancellationToken.None).ConfigureAwait(false);
    }
}

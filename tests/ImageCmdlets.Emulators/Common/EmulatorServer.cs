using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Json;
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
    /// <summary>The provider's own throttling answer (<see cref="EmulatorServer.ThrottlingAnswer"/>).</summary>
    Throttle,
}

public sealed record Fault(FaultKind Kind, string? Action = null, TimeSpan Delay = default);

/// <summary>
/// Faults that strike API calls at random, each kind with its own probability (a soak of thousands of
/// calls). Seeded, so a failing run can be replayed. A timeout is a slow answer longer than the client waits.
/// </summary>
public sealed record FaultRates
{
    public double ServerError { get; init; }
    public double ServiceUnavailable { get; init; }
    public double Throttle { get; init; }
    public double ConnectionReset { get; init; }
    public double Timeout { get; init; }
    public double ResetAfterProcessing { get; init; }
    public double MalformedBody { get; init; }
    public TimeSpan TimeoutDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int Seed { get; init; } = 1;
}

/// <summary>One request the emulator received.</summary>
public sealed record RecordedCall(DateTimeOffset ReceivedAt, string Action, string Body, int Status, string? FaultApplied)
{
    /// <summary>1, 2, 3… in the order the calls were logged; never reused, not even after a reset.</summary>
    public long Seq { get; init; }
    /// <summary>The query string as received (RPC-style APIs carry every parameter there).</summary>
    public string Query { get; init; } = "";
}

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
/// The common shape of every cloud emulator: a real HTTP server on 127.0.0.1 (Kestrel), the emulated
/// account's access keys, a log of the calls it received and of the images it deleted, an injectable
/// clock, a queue of faults, and the provider-neutral control API under <c>/_emulator</c>
/// (EmulatorServer.Control.cs). A provider's emulator derives from it, implements the abstract members
/// and has a public parameterless constructor that makes it ready for a person: its regions and one
/// demo key. The host (and the tests) find emulators by reflection (<see cref="EmulatorCatalog"/>).
/// </summary>
public abstract partial class EmulatorServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<Fault> _faults = new();
    private FaultRates? _randomFaults;
    private Random? _random;
    private DateTimeOffset _outageUntil;
    private readonly object _logGate = new();
    private readonly List<RecordedCall> _calls = new();
    private readonly List<string> _deleted = new();
    private readonly Dictionary<string, EmulatorKey> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recentCalls = new(StringComparer.Ordinal);
    private string? _primaryKeyId;
    private long _lastSeq;
    private int _lastSerial;
    private WebApplication? _app;

    /// <summary>The emulator's base address, e.g. http://127.0.0.1:43127/.</summary>
    public Uri BaseUri { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The emulator's clock; tests move it to check timestamp windows.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>Waited before each API request is handled (not control requests); zero = none.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The module's name for the provider (ProviderRegistry), e.g. Tencent.</summary>
    public abstract string Provider { get; }

    /// <summary>Regions the emulator serves, the default first.</summary>
    public abstract IReadOnlyList<string> RegionNames { get; }

    public string DefaultRegion => RegionNames[0];

    /// <summary>
    /// Each <see cref="ImageCondition"/> the emulator models → the error code Remove-CloudImage reports for
    /// such an image (null: it is deleted). That is the provider's code, except where the API would
    /// silently ignore the id and the module answers without it.
    /// </summary>
    public abstract IReadOnlyDictionary<string, string?> Conditions { get; }

    /// <summary>
    /// Whether a client passes <see cref="BaseUri"/> as -Endpoint. False where the provider finds its
    /// endpoint itself (OpenStack: in the Keystone token's catalog).
    /// </summary>
    public virtual bool EndpointIsParameter => true;

    /// <summary>
    /// Environment variables a client needs besides the endpoint and the credential (OpenStack: OS_AUTH_URL,
    /// OS_PROJECT_NAME, …); none for most providers.
    /// </summary>
    public virtual IReadOnlyDictionary<string, string> ClientEnvironment { get; } = new Dictionary<string, string>();

    /// <summary>The key shown by the control API: the first one the account was given.</summary>
    public EmulatorKey? PrimaryKey
    {
        get { lock (_keys) return _primaryKeyId is null ? null : _keys[_primaryKeyId]; }
    }

    public IReadOnlyList<RecordedCall> Calls
    {
        get { lock (_logGate) return _calls.ToArray(); }
    }

    public IReadOnlyList<RecordedCall> CallsOf(string action) => Calls.Where(c => c.Action == action).ToArray();

    /// <summary>
    /// Every image deletion carried out, in order (an id deleted twice appears twice). Where the cloud deletes
    /// asynchronously, a deletion counts once the cloud has accepted it: from then on the image is going.
    /// </summary>
    public IReadOnlyList<string> DeletedImageIds
    {
        get { lock (_logGate) return _deleted.ToArray(); }
    }

    /// <summary>Queues faults; each applies to the next request of its action (any action when null).</summary>
    public void InjectFaults(params Fault[] faults)
    {
        foreach (var f in faults) _faults.Enqueue(f);
    }

    public int PendingFaults => _faults.Count;

    /// <summary>Starts listening on 127.0.0.1: on <paramref name="port"/>, or a free port when 0.</summary>
    public async Task StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
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

    /// <summary>The provider's own "too many requests" answer, for <see cref="FaultKind.Throttle"/>.</summary>
    protected abstract EmulatorResponse ThrottlingAnswer();

    /// <summary>Adds one image made from a neutral description (its condition is one of <see cref="Conditions"/>).</summary>
    protected abstract EmulatedImage CreateImage(ImageSeed seed);

    /// <summary>Every image the account has now, in every region.</summary>
    protected abstract IReadOnlyList<EmulatedImage> ListImages();

    protected abstract void RemoveAllImages();

    /// <summary>
    /// Requests to a service beside the emulated image API (OpenStack's Keystone): handled, but without
    /// latency, faults or a place in the call log, so that the log holds the image API's calls only.
    /// </summary>
    protected virtual bool IsServedAside(EmulatorRequest request) => false;

    /// <summary>Sets a provider-specific control setting; false when the name or value is not one it knows.</summary>
    protected virtual bool TryApplySetting(string name, JsonValue value) => false;

    /// <summary>Puts provider-specific settings, logs and limits back to their defaults (images and keys are not touched).</summary>
    protected virtual void ResetProviderState() { }

    /// <summary>Adds the realistic mix of images a person sees first (<see cref="SampleImages"/>).</summary>
    public virtual void SeedSample()
    {
        foreach (var seed in SampleImages.For(this, Clock())) CreateImage(seed);
    }

    /// <summary>Registers a key pair; the first one registered is the account's <see cref="PrimaryKey"/>.</summary>
    protected void RegisterKey(string id, string secret, string? token)
    {
        lock (_keys)
        {
            _keys[id] = new EmulatorKey(id, secret, token);
            _primaryKeyId ??= id;
        }
    }

    protected bool TryGetKey(string id, out EmulatorKey key)
    {
        lock (_keys) return _keys.TryGetValue(id, out key!);
    }

    /// <summary>Notes that a real deletion removed the image (or, deleting asynchronously, accepted to remove it).</summary>
    protected void RecordDeletion(string imageId)
    {
        lock (_logGate) _deleted.Add(imageId);
    }

    /// <summary>
    /// A per-action rate limit as a cloud's flow control applies it: true when <paramref name="action"/> has had
    /// <paramref name="callsPerSecond"/> calls within the last second (this one is then refused and does not
    /// count); false, and the call counted, otherwise. No limit when null.
    /// </summary>
    protected bool OverCallRate(string action, int? callsPerSecond)
    {
        if (callsPerSecond is not int limit) return false;
        var now = Clock();
        lock (_recentCalls)
        {
            if (!_recentCalls.TryGetValue(action, out var recent)) _recentCalls[action] = recent = new Queue<DateTimeOffset>();
            while (recent.Count > 0 && now - recent.Peek() >= TimeSpan.FromSeconds(1)) recent.Dequeue();
            if (recent.Count >= limit) return true;
            recent.Enqueue(now);
            return false;
        }
    }

    /// <summary>1, 2, 3… per emulator, for made-up ids that are unique and stable from run to run.</summary>
    protected int NextSerial() => Interlocked.Increment(ref _lastSerial);

    /// <summary><paramref name="value"/> in lower-case base 36, <paramref name="width"/> digits (the lowest ones).</summary>
    protected static string Base36(long value, int width)
    {
        var chars = new char[width];
        for (var i = width - 1; i >= 0; i--, value /= 36) chars[i] = "0123456789abcdefghijklmnopqrstuvwxyz"[(int)(value % 36)];
        return new string(chars);
    }

    private async Task ServeAsync(HttpContext context)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        if (context.Request.Path.StartsWithSegments(ControlPrefix))
        {
            // The control API is for people and test scripts: no signature, no faults, no latency, not logged.
            await WriteAsync(context, ServeControl(context.Request, body)).ConfigureAwait(false);
            return;
        }

        var request = new EmulatorRequest(context, body);
        if (IsServedAside(request))
        {
            await WriteAsync(context, await HandleAsync(request).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }
        var receivedAt = Clock();
        var action = ActionOf(request);
        if (Latency > TimeSpan.Zero)
        {
            try { await Task.Delay(Latency, context.RequestAborted).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
        var fault = TakeFault(action);

        var refusal = fault?.Kind switch
        {
            FaultKind.ServerError => new EmulatorResponse(500, "Internal Server Error", "text/plain"),
            FaultKind.ServiceUnavailable => new EmulatorResponse(503, "<html><body>503 Service Unavailable</body></html>", "text/html"),
            FaultKind.MalformedBody => new EmulatorResponse(200, "{\"Response\": <truncated", "application/json"),
            FaultKind.Throttle => ThrottlingAnswer(),
            _ => null,
        };
        if (fault?.Kind == FaultKind.ConnectionReset)
        {
            Record(receivedAt, action, context, body, 0, fault);
            context.Abort();
            return;
        }
        if (refusal is not null)
        {
            Record(receivedAt, action, context, body, refusal.Status, fault);
            await WriteAsync(context, refusal).ConfigureAwait(false);
            return;
        }

        var response = await HandleAsync(request).ConfigureAwait(false);
        Record(receivedAt, action, context, body, response.Status, fault);
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

    /// <summary>Faults at random on every API call (null: none). Queued faults (<see cref="InjectFaults"/>) come first.</summary>
    public FaultRates? RandomFaults
    {
        get => _randomFaults;
        set
        {
            lock (_faults)
            {
                _randomFaults = value;
                _random = value is null ? null : new Random(value.Seed);
            }
        }
    }

    /// <summary>Every API call answers 503 for this long from now: the cloud is down.</summary>
    public void StartOutage(TimeSpan duration)
    {
        lock (_faults) _outageUntil = DateTimeOffset.UtcNow + duration;
    }

    private Fault? TakeFault(string action)
    {
        lock (_faults)
        {
            return TakeQueuedFault(action)
                ?? (DateTimeOffset.UtcNow < _outageUntil ? new Fault(FaultKind.ServiceUnavailable) : null)
                ?? TakeRandomFault();
        }
    }

    private Fault? TakeRandomFault()
    {
        if (_randomFaults is not { } rates || _random is null) return null;
        var draw = _random.NextDouble();
        foreach (var (rate, fault) in new (double, Fault)[]
        {
            (rates.ServerError, new Fault(FaultKind.ServerError)),
            (rates.ServiceUnavailable, new Fault(FaultKind.ServiceUnavailable)),
            (rates.Throttle, new Fault(FaultKind.Throttle)),
            (rates.ConnectionReset, new Fault(FaultKind.ConnectionReset)),
            (rates.Timeout, new Fault(FaultKind.SlowResponse, Delay: rates.TimeoutDelay)),
            (rates.ResetAfterProcessing, new Fault(FaultKind.ResetAfterProcessing)),
            (rates.MalformedBody, new Fault(FaultKind.MalformedBody)),
        })
        {
            if (draw < rate) return fault;
            draw -= rate;
        }
        return null;
    }

    private Fault? TakeQueuedFault(string action)
    {
        // Queued faults are few and tests are small: a scan of the queue under the lock is simple and enough.
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

    private void Record(DateTimeOffset at, string action, HttpContext context, string body, int status, Fault? fault)
    {
        lock (_logGate)
            _calls.Add(new RecordedCall(at, action, body, status, fault?.Kind.ToString()) { Seq = ++_lastSeq, Query = context.Request.QueryString.Value ?? "" });
    }

    private async Task WriteAsync(HttpContext context, EmulatorResponse response)
    {
        // The emulated server's own time (tests move it to model a client whose clock is off).
        context.Response.Headers["Date"] = Clock().UtcDateTime.ToString("r", System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        if (response.Headers is not null)
            foreach (var h in response.Headers) context.Response.Headers[h.Key] = h.Value;
        // A 204 (or any empty answer) writes nothing: Kestrel refuses a body write on a 204 and drops the connection.
        if (response.Body.Length > 0) await context.Response.WriteAsync(response.Body, CancellationToken.None).ConfigureAwait(false);
    }
}

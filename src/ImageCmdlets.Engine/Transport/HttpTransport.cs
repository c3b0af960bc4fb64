using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Json;

namespace ImageCmdlets.Transport;

/// <summary>An HTTP request as a provider builds it, before and after signing.</summary>
public sealed class ApiRequest
{
    public ApiRequest(HttpMethod method, Uri uri, string action)
    {
        Method = method;
        Uri = uri;
        Action = action;
    }

    public HttpMethod Method { get; }
    public Uri Uri { get; set; }
    /// <summary>API action for verbose text, e.g. "DeleteImages".</summary>
    public string Action { get; }
    /// <summary>What the call is about (region, ids) for verbose text. Never secrets.</summary>
    public string Subject { get; set; } = "";
    /// <summary>Headers to send, in order (signers add theirs). Content-Type goes here too.</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = new();
    public byte[]? Body { get; set; }
    /// <summary>Reads the provider's request id from an answer, for verbose text and errors.</summary>
    public Func<HttpExchange, string?>? ReadRequestId { get; set; }
    /// <summary>Reads the provider's error code from an answer (null on success), for the verbose line.</summary>
    public Func<HttpExchange, string?>? ReadErrorCode { get; set; }

    public string? GetHeader(string name)
    {
        foreach (var h in Headers) if (string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)) return h.Value;
        return null;
    }

    public void SetHeader(string name, string value)
    {
        Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
        Headers.Add(new KeyValuePair<string, string>(name, value));
    }
}

/// <summary>A completed HTTP exchange (any status).</summary>
public sealed class HttpExchange
{
    private readonly byte[]? _utf8;
    private readonly int _utf8Length;
    private string? _body;
    private JsonValue? _json;
    private bool _jsonParsed;

    public HttpExchange(int statusCode, string body, IReadOnlyDictionary<string, string> headers, TimeSpan elapsed)
    {
        StatusCode = statusCode;
        _body = body;
        Headers = headers;
        Elapsed = elapsed;
    }

    /// <summary>An answer as read off the wire: its JSON is parsed from the bytes; the text is only made when asked for (messages, errors).</summary>
    public HttpExchange(int statusCode, byte[] utf8, int length, IReadOnlyDictionary<string, string> headers, TimeSpan elapsed)
    {
        StatusCode = statusCode;
        _utf8 = utf8;
        _utf8Length = length;
        Headers = headers;
        Elapsed = elapsed;
    }

    public int StatusCode { get; }
    public string Body => _body ??= _utf8 is null ? "" : Crypto.Utf8Text(_utf8, _utf8Length);
    /// <summary>Response headers by name (case-insensitive); repeated headers joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }
    public TimeSpan Elapsed { get; }
    public string? RequestId { get; internal set; }
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>The body as JSON, or null when it is empty or not JSON.</summary>
    public JsonValue? Json
    {
        get
        {
            if (!_jsonParsed)
            {
                _jsonParsed = true;
                if (_utf8 is not null) { if (!IsBlank(_utf8, _utf8Length) && JsonValue.TryParse(_utf8, _utf8Length, out var parsed)) _json = parsed; }
                else if (!string.IsNullOrWhiteSpace(Body) && JsonValue.TryParse(Body, out var v)) _json = v;
            }
            return _json;
        }
    }

    public string? GetHeader(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    private static bool IsBlank(byte[] utf8, int length)
    {
        for (var i = 0; i < length; i++) if (utf8[i] is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')) return false;
        return true;
    }
}

/// <summary>
/// The module's one HttpClient. It sends a request once (retries belong to the operations layer),
/// turns network failures and timeouts into <see cref="CloudApiException"/>, lets the caller's
/// cancellation through as OperationCanceledException, and writes one verbose line per call.
/// </summary>
public sealed class HttpTransport
{
    private static readonly Lazy<HttpTransport> SharedInstance = new(() => new HttpTransport(CreateHandler(), TimeSpan.FromSeconds(100)));

    private readonly HttpClient _client;

    public HttpTransport(HttpMessageHandler handler, TimeSpan timeout, long maxResponseBytes = DefaultMaxResponseBytes)
    {
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        RequestTimeout = timeout;
        MaxResponseBytes = maxResponseBytes;
    }

    /// <summary>A page of a thousand Glance images is a few megabytes; anything far larger is not an API answer.</summary>
    public const long DefaultMaxResponseBytes = 32L * 1024 * 1024;

    public static HttpTransport Shared => SharedInstance.Value;

    public TimeSpan RequestTimeout { get; }
    public long MaxResponseBytes { get; }

    public async Task<HttpExchange> SendAsync(ApiRequest request, CallContext context)
    {
        RequireSafeHeaders(request);
        using var message = new HttpRequestMessage(request.Method, request.Uri);
        string? contentType = null;
        foreach (var h in request.Headers)
        {
            if (string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)) { contentType = h.Value; continue; }
            if (string.Equals(h.Key, "Host", StringComparison.OrdinalIgnoreCase)) continue; // HttpClient sends it from the URI
            message.Headers.TryAddWithoutValidation(h.Key, h.Value);
        }
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (contentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var timeout = new CancellationTokenSource(RequestTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation, timeout.Token);
        var watch = Stopwatch.StartNew();
        var what = request.Subject.Length > 0 ? $"{request.Action} {request.Subject}" : request.Action;
        context.Log.Debug($"{request.Method} {EndpointPolicy.Display(request.Uri)}{request.Uri.AbsolutePath} ({request.Body?.Length ?? 0} bytes)");
        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var (body, length) = await ReadBodyAsync(response, request, linked.Token).ConfigureAwait(false);
            var exchange = new HttpExchange((int)response.StatusCode, body, length, CollectHeaders(response), watch.Elapsed);
            exchange.RequestId = request.ReadRequestId?.Invoke(exchange);
            var errorCode = request.ReadErrorCode?.Invoke(exchange);
            context.Log.Verbose(string.Format(CultureInfo.InvariantCulture, "{0}: HTTP {1}{2}{3} in {4} ms",
                what, exchange.StatusCode, errorCode is null ? "" : ", error " + errorCode,
                exchange.RequestId is null ? "" : ", RequestId " + exchange.RequestId,
                (long)watch.Elapsed.TotalMilliseconds));
            return exchange;
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            context.Log.Verbose($"{what}: no answer within {RequestTimeout.TotalSeconds:0} s");
            throw new CloudApiException(new CloudApiError(EngineErrors.RequestTimeout, ErrorKind.Timeout,
                $"{request.Action} got no answer from {request.Uri.Host} within {RequestTimeout.TotalSeconds:0} s."), ex);
        }
        catch (HttpRequestException ex)
        {
            context.Log.Verbose($"{what}: connection failed after {(long)watch.Elapsed.TotalMilliseconds} ms: {Flatten(ex)}");
            throw new CloudApiException(new CloudApiError(EngineErrors.ConnectionFailed, ErrorKind.Connection,
                $"{request.Action} could not reach {request.Uri.Host}: {Flatten(ex)}"), ex);
        }
        catch (System.IO.IOException ex)
        {
            context.Log.Verbose($"{what}: connection broke after {(long)watch.Elapsed.TotalMilliseconds} ms: {ex.Message}");
            throw new CloudApiException(new CloudApiError(EngineErrors.ConnectionFailed, ErrorKind.Connection,
                $"{request.Action}: the connection to {request.Uri.Host} broke: {ex.Message}"), ex);
        }
    }

    /// <summary>
    /// Header names and values go on the wire as they are: a line break would start a header of its own.
    /// Whatever its origin (a region, an id, a profile file), such a value is refused before sending.
    /// </summary>
    private static void RequireSafeHeaders(ApiRequest request)
    {
        foreach (var header in request.Headers)
            if (HasControlCharacter(header.Key) || header.Key.Length == 0 || HasControlCharacter(header.Value))
                throw new ImageCmdletsConfigurationException("InvalidHeaderValue",
                    $"{request.Action}: the value of header '{Printable(header.Key)}' contains a control character (a line break, say), which could smuggle headers into the request. Nothing was sent.",
                    ErrorKind.InvalidArgument);
    }

    private static bool HasControlCharacter(string? text)
    {
        foreach (var c in text ?? "") if (char.IsControl(c)) return true;
        return false;
    }

    private static string Printable(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++) if (char.IsControl(chars[i])) chars[i] = '?';
        return new string(chars);
    }

    /// <summary>The body's bytes and their count, refusing answers larger than any API answer (a misdirected download, a hostile server).</summary>
    private async Task<(byte[] Body, int Length)> ReadBodyAsync(HttpResponseMessage response, ApiRequest request, CancellationToken cancellation)
    {
        if (response.Content is null) return (Array.Empty<byte>(), 0);
        var declared = response.Content.Headers.ContentLength;
        if (declared > MaxResponseBytes) throw TooLarge(request);
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        // Sized by Content-Length where the server gives it, so a describe of a hundred images is read into
        // one buffer instead of a chain of doubling copies (what a bulk run allocates, the GC pays for).
        var buffer = new byte[declared is > 0 ? declared.Value + 1 : 16 * 1024];
        var length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, length, buffer.Length - length, cancellation).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length > MaxResponseBytes) throw TooLarge(request);
            if (length == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(MaxResponseBytes + 1, buffer.Length * 2L));
        }
        return (buffer, length);
    }

    private CloudApiException TooLarge(ApiRequest request) =>
        new(new CloudApiError(EngineErrors.InvalidResponse, ErrorKind.InvalidResponse,
            $"{request.Action}: the answer from {request.Uri.Host} is larger than {MaxResponseBytes / (1024 * 1024)} MB; it is not read."));

    private static string Flatten(Exception ex)
    {
        var text = ex.Message;
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException) text += " " + inner.Message;
        return text;
    }

    private static IReadOnlyDictionary<string, string> CollectHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(HttpHeaders source)
        {
            foreach (var h in source) headers[h.Key] = string.Join(", ", h.Value);
        }
        Add(response.Headers);
        if (response.Content is not null) Add(response.Content.Headers);
        return headers;
    }

    internal static HttpClientHandler CreateHandler()
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };
        // Windows PowerShell 5.1 runs on .NET Framework, whose defaults may not offer TLS 1.2. Ask for
        // TLS 1.2/1.3 on this handler only, leaving the process-wide settings alone; .NET Core and later
        // already let the OS pick the best protocol.
        if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
        {
            const SslProtocols Tls13 = (SslProtocols)12288;
            try { handler.SslProtocols = SslProtocols.Tls12 | Tls13; }
            catch (Exception ex) when (ex is NotSupportedException or PlatformNotSupportedException or ArgumentException)
            {
                try { handler.SslProtocols = SslProtocols.Tls12; }
                catch (Exception ex2) when (ex2 is NotSupportedException or PlatformNotSupportedException)
                {
                    // Older Framework builds: the handler has no per-instance setting; add TLS 1.2 to what
                    // the process already allows (never remove anything).
                    ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12;
                }
            }
        }
        return handler;
    }
}

using System.Text;
using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Transport;
using Xunit;

namespace ImageCmdlets.Tests.Reliability;

/// <summary>What the one HttpClient promises whatever the provider: nothing smuggled, nothing followed, nothing unbounded.</summary>
public class TransportTests
{
    private static CallContext Call() => new(default, NullApiLog.Instance);

    /// <summary>Counts requests and answers with a prepared response.</summary>
    private sealed class StubHandler : HttpMessageHandler
    {
        private readonly Func<HttpResponseMessage> _answer;
        public StubHandler(Func<HttpResponseMessage> answer) => _answer = answer;
        public int Requests;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            return Task.FromResult(_answer());
        }
    }

    [Theory]
    [InlineData("value\r\nX-Evil: injected")]
    [InlineData("value\nX-Evil: injected")]
    [InlineData("value\u0000")]
    [InlineData("value\u007f")]
    public async Task A_header_value_with_a_control_character_is_refused_and_nothing_is_sent(string value)
    {
        var handler = new StubHandler(() => new HttpResponseMessage(HttpStatusCode.OK));
        var transport = new HttpTransport(handler, TimeSpan.FromSeconds(5));
        var request = new ApiRequest(HttpMethod.Get, new Uri("https://api.example.com/"), "Probe");
        request.SetHeader("X-Region", value);

        var ex = await Assert.ThrowsAsync<ImageCmdletsConfigurationException>(() => transport.SendAsync(request, Call()));

        Assert.Equal("InvalidHeaderValue", ex.ErrorId);
        Assert.DoesNotContain("injected", ex.Message);
        Assert.Equal(0, handler.Requests);
    }

    [Fact]
    public async Task An_answer_larger_than_the_bound_is_refused()
    {
        var handler = new StubHandler(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(new byte[3 * 1024 * 1024])) });
        var transport = new HttpTransport(handler, TimeSpan.FromSeconds(5), maxResponseBytes: 1024 * 1024);

        var ex = await Assert.ThrowsAsync<CloudApiException>(() => transport.SendAsync(new ApiRequest(HttpMethod.Get, new Uri("https://api.example.com/"), "Probe"), Call()));

        Assert.Equal(EngineErrors.InvalidResponse, ex.Error.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(200_000)]
    public async Task An_answer_of_unknown_length_is_read_whole(int length)
    {
        var text = new string('x', length);
        var handler = new StubHandler(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes(text))) });
        var transport = new HttpTransport(handler, TimeSpan.FromSeconds(5), maxResponseBytes: 1024 * 1024);

        var answer = await transport.SendAsync(new ApiRequest(HttpMethod.Get, new Uri("https://api.example.com/"), "Probe"), Call());

        Assert.Equal(text, answer.Body);
    }

    [Fact]
    public async Task An_answer_of_unknown_length_larger_than_the_bound_is_refused()
    {
        var handler = new StubHandler(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new UnknownLengthStream(new byte[3 * 1024 * 1024])) });
        var transport = new HttpTransport(handler, TimeSpan.FromSeconds(5), maxResponseBytes: 1024 * 1024);

        var ex = await Assert.ThrowsAsync<CloudApiException>(() => transport.SendAsync(new ApiRequest(HttpMethod.Get, new Uri("https://api.example.com/"), "Probe"), Call()));

        Assert.Equal(EngineErrors.InvalidResponse, ex.Error.Code);
    }

    /// <summary>A body whose length is not known in advance (chunked transfer): not seekable.</summary>
    private sealed class UnknownLengthStream : MemoryStream
    {
        public UnknownLengthStream(byte[] bytes) : base(bytes) { }
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }

    [Fact]
    public void The_module_handler_never_follows_redirects_nor_relaxes_certificate_checks()
    {
        using var handler = HttpTransport.CreateHandler();
        Assert.False(handler.AllowAutoRedirect);
        Assert.Null(handler.ServerCertificateCustomValidationCallback);
        Assert.False(handler.UseCookies);
        Assert.True(HttpTransport.Shared.RequestTimeout > TimeSpan.Zero && HttpTransport.Shared.RequestTimeout < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task A_redirect_is_answered_as_it_is_and_its_target_never_sees_the_credentials()
    {
        using var target = new OneShotServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        using var redirecting = new OneShotServer($"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{target.Port}/steal\r\nContent-Length: 0\r\n\r\n");
        var transport = new HttpTransport(HttpTransport.CreateHandler(), TimeSpan.FromSeconds(5));
        var request = new ApiRequest(HttpMethod.Get, new Uri($"http://127.0.0.1:{redirecting.Port}/"), "Probe");
        request.SetHeader("X-Auth-Token", "secret-token-value");

        var answer = await transport.SendAsync(request, Call());

        Assert.Equal(302, answer.StatusCode);
        await Task.Delay(200);
        Assert.Equal(0, target.Connections);
    }

    [Fact]
    public async Task A_server_that_never_answers_times_out()
    {
        using var silent = new OneShotServer(answer: null);
        var transport = new HttpTransport(HttpTransport.CreateHandler(), TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<CloudApiException>(() => transport.SendAsync(new ApiRequest(HttpMethod.Get, new Uri($"http://127.0.0.1:{silent.Port}/"), "Probe"), Call()));

        Assert.Equal(EngineErrors.RequestTimeout, ex.Error.Code);
        Assert.Equal(ErrorKind.Timeout, ex.Error.Kind);
    }

    /// <summary>A loopback server that answers every connection with fixed bytes (or never, when null).</summary>
    private sealed class OneShotServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _connections;

        public OneShotServer(string? answer)
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                    catch (Exception) { return; }
                    Interlocked.Increment(ref _connections);
                    _ = Task.Run(async () =>
                    {
                        using (client)
                        {
                            var stream = client.GetStream();
                            var buffer = new byte[8192];
                            try { _ = await stream.ReadAsync(buffer, _stop.Token); } catch (Exception) { return; } // the request itself does not matter
                            if (answer is null) { try { await Task.Delay(Timeout.Infinite, _stop.Token); } catch (Exception) { } return; }
                            var bytes = System.Text.Encoding.ASCII.GetBytes(answer);
                            await stream.WriteAsync(bytes);
                        }
                    });
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}

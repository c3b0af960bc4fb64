using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Volcengine;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Volcengine;

/// <summary>
/// The emulator checks HMAC-SHA256 signatures the way the gateway does: requests are signed with the engine's
/// signer (proved against the official vectors), changed in one place, and sent raw; each change must be
/// refused with the gateway's code, HTTP status and envelope. The signed-header forms of the documentation and
/// of the official SDKs are all accepted.
/// </summary>
public sealed class VolcengineEmulatorAuthTests : IAsyncLifetime
{
    private static readonly HttpClient Client = new();
    private static readonly KeyValuePair<string, string>[] ListQuery =
        { new("Action", "DescribeImages"), new("Version", "2020-04-01"), new("Visibility", "private"), new("MaxResults", "10") };
    private VolcengineTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await VolcengineTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task An_untouched_request_is_accepted()
    {
        var (status, json) = await SendAsync(Signed());
        Assert.Equal(200, status);
        Assert.Null(json["ResponseMetadata"]!["Error"]);
        Assert.False(string.IsNullOrEmpty(json["ResponseMetadata"]!.GetString("RequestId")));
        Assert.NotNull(json["Result"]!.GetInt64("TotalCount"));
    }

    [Theory]
    [InlineData("x-date")]                                       // the official Node SDK's GET
    [InlineData("host;x-date")]                                  // the documentation's example
    [InlineData("host;x-content-sha256;x-date")]                 // the module, the Python SDK
    [InlineData("content-type;host;x-content-sha256;x-date")]    // the older documentation example
    public async Task Every_signed_header_form_that_includes_x_date_is_accepted(string signedHeaders)
    {
        var (status, json) = await SendAsync(Signed(signedHeaders: signedHeaders.Split(';')));
        Assert.Equal(200, status);
        Assert.Null(json["ResponseMetadata"]!["Error"]);
    }

    [Fact]
    public async Task An_unsigned_x_date_is_refused()
    {
        await AssertRefusedAsync(Signed(signedHeaders: new[] { "host", "x-content-sha256" }), 400, "MissingRequestInfo");
    }

    [Fact]
    public async Task One_bit_of_the_secret_changed_is_a_signature_mismatch()
    {
        await AssertRefusedAsync(Signed(secret: FlipBit(VolcengineTestBed.SecretKey, 5)), 401, "SignatureDoesNotMatch");
    }

    [Theory]
    [InlineData("MaxResults", "11")]
    [InlineData("Visibility", "public")]
    [InlineData("Action", "DeleteImages")]
    public async Task A_changed_query_parameter_is_a_signature_mismatch(string name, string value)
    {
        var request = Signed();
        request.Uri = new Uri(_bed.Emulator.BaseUri + "?" + CanonicalRequest.SortedQuery(ListQuery.Where(p => p.Key != name).Append(new(name, value))));
        await AssertRefusedAsync(request, 401, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task An_added_query_parameter_is_a_signature_mismatch()
    {
        var request = Signed();
        request.Uri = new Uri(request.Uri + "&ImageIds.1=image-ydi2wozhozfu03z20000");
        await AssertRefusedAsync(request, 401, "SignatureDoesNotMatch");
    }

    [Theory]
    [InlineData("X-Date")]
    [InlineData("X-Content-Sha256")]
    public async Task A_changed_signed_header_is_refused(string header)
    {
        var request = Signed();
        var value = request.GetHeader(header)!;
        // The last digit of the time (one second, well within the window) or of the hash.
        request.SetHeader(header, value.Substring(0, value.Length - 2) + (value[^2] == '0' ? '1' : '0') + value[^1]);
        await AssertRefusedAsync(request, 401, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task Another_signed_host_is_a_signature_mismatch()
    {
        var host = _bed.Emulator.BaseUri.Authority; // 127.0.0.1:port
        await AssertRefusedAsync(Signed(), 401, "SignatureDoesNotMatch", hostOverride: "localhost" + host.Substring(host.IndexOf(':')));
    }

    [Fact]
    public async Task Another_signature_is_a_signature_mismatch()
    {
        var request = Signed();
        var authorization = request.GetHeader("Authorization")!;
        request.SetHeader("Authorization", authorization.Substring(0, authorization.Length - 1) + (authorization[^1] == '0' ? '1' : '0'));
        await AssertRefusedAsync(request, 401, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task Another_region_in_the_scope_is_a_signature_mismatch_and_an_unserved_one_is_not_found()
    {
        var request = Signed();
        request.SetHeader("Authorization", request.GetHeader("Authorization")!.Replace("/cn-beijing/", "/cn-shanghai/", StringComparison.Ordinal));
        await AssertRefusedAsync(request, 401, "SignatureDoesNotMatch");
        await AssertRefusedAsync(Signed(region: "cn-nowhere"), 404, "ServiceNotFound");
    }

    [Fact]
    public async Task An_unknown_access_key_is_refused()
    {
        await AssertRefusedAsync(Signed(accessKeyId: "AKLTbm9ib2R5SGFzVGhpc0tleTAwMDAwMDAwMDA"), 401, "InvalidAccessKey");
    }

    [Fact]
    public async Task A_missing_authorization_is_refused()
    {
        var request = Signed();
        request.Headers.RemoveAll(h => h.Key == "Authorization");
        await AssertRefusedAsync(request, 401, "MissingAuthenticationToken");
    }

    [Theory]
    [InlineData(16 * 60)]
    [InlineData(-16 * 60)]
    public async Task An_x_date_more_than_fifteen_minutes_off_is_refused(int emulatorAheadSeconds)
    {
        _bed.Emulator.Clock = () => DateTimeOffset.UtcNow.AddSeconds(emulatorAheadSeconds);
        await AssertRefusedAsync(Signed(), 400, "InvalidTimestamp");
    }

    [Theory]
    [InlineData(14 * 60)]
    [InlineData(-14 * 60)]
    public async Task An_x_date_within_fifteen_minutes_is_accepted(int emulatorAheadSeconds)
    {
        _bed.Emulator.Clock = () => DateTimeOffset.UtcNow.AddSeconds(emulatorAheadSeconds);
        Assert.Equal(200, (await SendAsync(Signed())).Status);
    }

    [Fact]
    public async Task A_stale_clock_is_refused_once_then_signed_with_the_server_time()
    {
        var session = (VolcengineSession)_bed.Connect();
        session.Clock = () => DateTimeOffset.UtcNow.AddMinutes(-20);
        var log = new RecordingApiLog();

        await session.ListImagesAsync(new Providers.ImageQuery(), null, new Transport.CallContext(default, log));

        Assert.Contains(log.Lines, l => l.Contains("HTTP 400, error InvalidTimestamp", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("clock is 20 minute(s) behind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_temporary_key_needs_its_token()
    {
        _bed.Emulator.AddKey("AKTPdGVtcG9yYXJ5S2V5MDAwMDAwMDAwMDAwMDE", "temporarySecret", "STS2the-session-token");
        Assert.Equal(200, (await SendAsync(Signed("AKTPdGVtcG9yYXJ5S2V5MDAwMDAwMDAwMDAwMDE", "temporarySecret", new Secret("STS2the-session-token")))).Status);
        await AssertRefusedAsync(Signed("AKTPdGVtcG9yYXJ5S2V5MDAwMDAwMDAwMDAwMDE", "temporarySecret"), 401, "InvalidAccessKey");
        await AssertRefusedAsync(Signed("AKTPdGVtcG9yYXJ5S2V5MDAwMDAwMDAwMDAwMDE", "temporarySecret", new Secret("STS2the-session-tokem")), 401, "InvalidAccessKey");
    }

    [Fact]
    public async Task Delete_images_takes_a_hundred_ids_and_refuses_a_hundred_and_one()
    {
        var ids = _bed.Emulator.SeedPrivateImages(101);

        await AssertRefusedAsync(Signed(query: DeleteQuery(ids)), 400, "InvalidParameter");
        Assert.Empty(_bed.Emulator.DeletedImageIds);

        var (status, json) = await SendAsync(Signed(query: DeleteQuery(ids.Take(100))));
        Assert.Equal(200, status);
        Assert.Empty(json["Result"]!.GetArray("OperationDetails"));
        Assert.Equal(ids.Take(100), _bed.Emulator.DeletedImageIds);
    }

    [Fact]
    public async Task Only_get_is_modelled()
    {
        var request = Signed();
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Uri);
        foreach (var h in request.Headers) message.Headers.TryAddWithoutValidation(h.Key, h.Value);
        using var response = await Client.SendAsync(message);
        Assert.Equal(405, (int)response.StatusCode);
    }

    private static KeyValuePair<string, string>[] DeleteQuery(IEnumerable<string> ids) =>
        new KeyValuePair<string, string>[] { new("Action", "DeleteImages"), new("Version", "2020-04-01"), new("DeleteBindedSnapshots", "false") }
            .Concat(ids.Select((id, i) => new KeyValuePair<string, string>($"ImageIds.{i + 1}", id))).ToArray();

    /// <summary>A request signed now, over the given query and headers (by default the module's form and key).</summary>
    private ApiRequest Signed(string accessKeyId = VolcengineTestBed.AccessKeyId, string secret = VolcengineTestBed.SecretKey, Secret? token = null,
        IReadOnlyList<string>? signedHeaders = null, string region = VolcengineTestBed.Region, IReadOnlyList<KeyValuePair<string, string>>? query = null)
    {
        var uri = new Uri(_bed.Emulator.BaseUri + "?" + CanonicalRequest.SortedQuery(query ?? ListQuery));
        var request = new ApiRequest(HttpMethod.Get, uri, "DescribeImages");
        var credential = new AccessKeyCredential(accessKeyId, new Secret(secret), token);
        VolcengineSigner.Sign(request, credential, region, "ecs", DateTimeOffset.UtcNow);
        if (signedHeaders is null) return request;

        // Another client's choice of signed headers, over the same request (Content-Type as the SDKs send it).
        request.SetHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        var signature = VolcengineSigner.Compute(new VolcengineSigningInput
        {
            Query = CanonicalRequest.ParseQuery(uri.Query),
            Headers = request.Headers.Append(new("Host", CanonicalRequest.HostOf(uri))).ToList(),
            SignedHeaders = signedHeaders,
            AccessKeyId = accessKeyId,
            XDate = request.GetHeader("X-Date")!,
            Region = region,
            Service = "ecs",
        }, credential.SecretKey);
        request.SetHeader("Authorization", signature.Authorization);
        return request;
    }

    /// <summary>Sends the request exactly as built (no retries, no provider); the status and the JSON answer.</summary>
    private static async Task<(int Status, JsonValue Json)> SendAsync(ApiRequest request, string? hostOverride = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, request.Uri);
        foreach (var h in request.Headers)
        {
            // The SDKs send a Content-Type even on a GET: it goes with an empty body.
            if (h.Key == "Content-Type")
            {
                message.Content = new ByteArrayContent(Array.Empty<byte>());
                message.Content.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
            else message.Headers.TryAddWithoutValidation(h.Key, h.Value);
        }
        if (hostOverride is not null) message.Headers.Host = hostOverride;
        using var response = await Client.SendAsync(message);
        return ((int)response.StatusCode, JsonValue.Parse(await response.Content.ReadAsStringAsync()));
    }

    private static async Task AssertRefusedAsync(ApiRequest request, int status, string code, string? hostOverride = null)
    {
        var (actualStatus, json) = await SendAsync(request, hostOverride);
        var error = json["ResponseMetadata"]?["Error"];
        Assert.True(error is not null, json.ToJson());
        Assert.Equal((status, code), (actualStatus, error!.GetString("Code")));
        Assert.False(string.IsNullOrEmpty(error.GetString("Message")));
        Assert.Null(json["Result"]);
    }

    private static string FlipBit(string text, int index)
    {
        var chars = text.ToCharArray();
        chars[index] = (char)(chars[index] ^ 1);
        return new string(chars);
    }
}

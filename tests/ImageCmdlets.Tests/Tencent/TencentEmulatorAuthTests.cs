using System;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Tencent;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;
using Xunit;

namespace ImageCmdlets.Tests.Tencent;

/// <summary>
/// The emulator checks TC3 signatures the way the service does: requests are signed with the engine's
/// signer (proved against the official vectors), changed by one bit, and sent raw; each change must be
/// refused with the service's error code in the service's answer shape.
/// </summary>
public sealed class TencentEmulatorAuthTests : IAsyncLifetime
{
    private const string Body = "{\"Filters\":[{\"Name\":\"image-type\",\"Values\":[\"PRIVATE_IMAGE\"]}],\"Offset\":0,\"Limit\":10}";
    private TencentTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TencentTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task An_untouched_request_is_accepted()
    {
        var response = await SendAsync(Signed());
        Assert.Null(response["Error"]);
        Assert.NotNull(response.GetInt64("TotalCount"));
    }

    [Fact]
    public async Task One_bit_of_the_secret_changed_is_a_signature_failure()
    {
        var response = await SendAsync(Signed(secret: RawRequests.FlipBit(TencentTestBed.SecretKey, 5)));
        AssertError(response, "AuthFailure.SignatureFailure");
    }

    [Fact]
    public async Task One_bit_of_the_body_changed_is_a_signature_failure()
    {
        var request = Signed();
        request.Body = Encoding.UTF8.GetBytes(RawRequests.FlipBit(Body, Body.IndexOf("10", StringComparison.Ordinal)));
        AssertError(await SendAsync(request), "AuthFailure.SignatureFailure");
    }

    [Fact]
    public async Task One_bit_of_the_timestamp_changed_is_a_signature_failure()
    {
        var request = Signed();
        var timestamp = long.Parse(request.GetHeader("X-TC-Timestamp")!, CultureInfo.InvariantCulture);
        request.SetHeader("X-TC-Timestamp", (timestamp ^ 1).ToString(CultureInfo.InvariantCulture));
        AssertError(await SendAsync(request), "AuthFailure.SignatureFailure");
    }

    [Theory]
    [InlineData("Content-Type")]
    [InlineData("X-TC-Action")]
    public async Task One_bit_of_a_signed_header_changed_is_a_signature_failure(string header)
    {
        var request = Signed();
        // Bit 0, not the case bit: header values are lower-cased before signing.
        var value = request.GetHeader(header)!;
        request.SetHeader(header, RawRequests.FlipBit(value, value.Length - 1));
        AssertError(await SendAsync(request), "AuthFailure.SignatureFailure");
    }

    [Fact]
    public async Task One_bit_of_the_signed_host_changed_is_a_signature_failure()
    {
        var request = Signed();
        var host = _bed.Emulator.BaseUri.Authority; // 127.0.0.1:port
        AssertError(await SendAsync(request, hostOverride: RawRequests.FlipBit(host, host.IndexOf(':') - 1)), "AuthFailure.SignatureFailure");
    }

    [Fact]
    public async Task Another_signature_is_a_signature_failure()
    {
        var request = Signed();
        var authorization = request.GetHeader("Authorization")!;
        // Another hex digit in the last place (a flipped bit could leave the hex alphabet, a format error).
        var last = authorization[authorization.Length - 1] == '0' ? '1' : '0';
        request.SetHeader("Authorization", authorization.Substring(0, authorization.Length - 1) + last);
        AssertError(await SendAsync(request), "AuthFailure.SignatureFailure");
    }

    [Fact]
    public async Task An_unsigned_header_may_change_as_with_the_service()
    {
        // X-TC-Region is not among the signed headers, so the signature still holds (the region is then
        // checked on its own merits).
        var request = Signed();
        request.SetHeader("X-TC-Region", "ap-shanghai");
        Assert.Null((await SendAsync(request))["Error"]);
    }

    [Theory]
    [InlineData(6 * 60)]
    [InlineData(-6 * 60)]
    public async Task A_timestamp_more_than_five_minutes_off_is_expired(int emulatorAheadSeconds)
    {
        _bed.Emulator.Clock = () => DateTimeOffset.UtcNow.AddSeconds(emulatorAheadSeconds);
        AssertError(await SendAsync(Signed()), "AuthFailure.SignatureExpire");
    }

    [Theory]
    [InlineData(4 * 60)]
    [InlineData(-4 * 60)]
    public async Task A_timestamp_within_five_minutes_is_accepted(int emulatorAheadSeconds)
    {
        _bed.Emulator.Clock = () => DateTimeOffset.UtcNow.AddSeconds(emulatorAheadSeconds);
        Assert.Null((await SendAsync(Signed()))["Error"]);
    }

    [Fact]
    public async Task A_stale_timestamp_is_refused_once_then_signed_with_the_server_time()
    {
        var provider = (TencentSession)_bed.Connect();
        provider.Clock = () => DateTimeOffset.UtcNow.AddMinutes(-10);
        var log = new RecordingApiLog();

        await provider.ListImagesAsync(new Providers.ImageQuery(), null, new Transport.CallContext(default, log));
        await provider.ListImagesAsync(new Providers.ImageQuery(), null, TencentTestBed.Call());

        // The first call is refused for its time and sent again once; the next one is right at once.
        Assert.Equal(3, _bed.Emulator.CallsOf("DescribeImages").Count);
        Assert.Contains(log.Lines, l => l.Contains("error AuthFailure.SignatureExpire", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("clock is 10 minute(s) behind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_secret_id_is_refused()
    {
        AssertError(await SendAsync(Signed(secretId: "AKIDnobodyHasThisKey000000000000000")), "AuthFailure.SecretIdNotFound");
    }

    [Fact]
    public async Task A_missing_authorization_is_refused()
    {
        var request = Signed();
        request.Headers.RemoveAll(h => h.Key == "Authorization");
        AssertError(await SendAsync(request), "AuthFailure.InvalidAuthorization");
    }

    [Fact]
    public async Task A_temporary_key_needs_its_token()
    {
        _bed.Emulator.AddKey("AKIDtemporary000000000000000000000001", "temporarySecret", "the-session-token");
        var withToken = new AccessKeyCredential("AKIDtemporary000000000000000000000001", new Secret("temporarySecret"), new Secret("the-session-token"));
        var withoutToken = new AccessKeyCredential("AKIDtemporary000000000000000000000001", new Secret("temporarySecret"));
        var wrongToken = new AccessKeyCredential("AKIDtemporary000000000000000000000001", new Secret("temporarySecret"), new Secret("the-session-tokem"));

        Assert.Null((await SendAsync(Signed(withToken)))["Error"]);
        AssertError(await SendAsync(Signed(withoutToken)), "AuthFailure.TokenFailure");
        AssertError(await SendAsync(Signed(wrongToken)), "AuthFailure.TokenFailure");
    }

    private ApiRequest Signed(AccessKeyCredential credential) => Signed(credential.Id, credential.SecretKey.Reveal(), credential.SessionToken);

    private ApiRequest Signed(string secretId = TencentTestBed.SecretId, string secret = TencentTestBed.SecretKey, Secret? token = null)
    {
        var request = new ApiRequest(HttpMethod.Post, _bed.Emulator.BaseUri, "DescribeImages") { Body = Encoding.UTF8.GetBytes(Body) };
        request.SetHeader("Content-Type", "application/json");
        TencentSigner.Sign(request, new AccessKeyCredential(secretId, new Secret(secret), token), "cvm", "2017-03-12",
            TencentTestBed.Region, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return request;
    }

    /// <summary>Sends the request exactly as built (no retries, no provider), returns Response.</summary>
    private static async Task<JsonValue> SendAsync(ApiRequest request, string? hostOverride = null)
    {
        var (status, json) = await RawRequests.SendAsync(request, hostOverride);
        // The service answers API errors with HTTP 200 and Response.Error.
        Assert.Equal(200, status);
        var body = json["Response"]!;
        Assert.False(string.IsNullOrEmpty(body.GetString("RequestId")));
        return body;
    }

    private static void AssertError(JsonValue response, string code)
    {
        var error = response["Error"];
        Assert.NotNull(error);
        Assert.Equal(code, error!.GetString("Code"));
        Assert.False(string.IsNullOrEmpty(error.GetString("Message")));
    }
}

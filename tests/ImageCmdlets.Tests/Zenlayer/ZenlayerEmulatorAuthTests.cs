using System;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Zenlayer;
using ImageCmdlets.Tests.Support;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Zenlayer;

/// <summary>
/// The emulator checks ZC2 signatures the way the service documents them: requests are signed with the
/// engine's signer (proved against the documentation's worked example), changed by one bit, and sent raw;
/// every change to what is signed is refused with the AUTHFAILURE code and the non-200 error shape.
/// </summary>
public sealed class ZenlayerEmulatorAuthTests : IAsyncLifetime
{
    private const string Body = "{\"pageNum\":1,\"pageSize\":10}";
    private ZenlayerTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await ZenlayerTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task An_untouched_request_is_accepted()
    {
        var (status, json) = await RawRequests.SendAsync(Signed());
        Assert.Equal(200, status);
        Assert.NotNull(json["response"]?.GetInt64("totalCount"));
        Assert.False(string.IsNullOrEmpty(json.GetString("requestId")));
    }

    [Fact]
    public async Task One_bit_of_the_password_changed_is_a_signature_failure() =>
        AssertRefused(await RawRequests.SendAsync(Signed(password: RawRequests.FlipBit(ZenlayerTestBed.KeyPassword, 3))), ZenlayerErrors.SignatureFailure);

    [Fact]
    public async Task One_bit_of_the_body_changed_is_a_signature_failure()
    {
        var request = Signed();
        request.Body = Encoding.UTF8.GetBytes(RawRequests.FlipBit(Body, Body.IndexOf("10", StringComparison.Ordinal)));
        AssertRefused(await RawRequests.SendAsync(request), ZenlayerErrors.SignatureFailure);
    }

    [Fact]
    public async Task One_bit_of_the_timestamp_changed_is_a_signature_failure()
    {
        var request = Signed();
        var timestamp = long.Parse(request.GetHeader("X-ZC-Timestamp")!, CultureInfo.InvariantCulture);
        request.SetHeader("X-ZC-Timestamp", (timestamp ^ 1).ToString(CultureInfo.InvariantCulture));
        AssertRefused(await RawRequests.SendAsync(request), ZenlayerErrors.SignatureFailure);
    }

    [Fact]
    public async Task One_bit_of_the_content_type_changed_is_a_signature_failure()
    {
        var request = Signed();
        request.SetHeader("Content-Type", RawRequests.FlipBit("application/json", 4));
        AssertRefused(await RawRequests.SendAsync(request), ZenlayerErrors.SignatureFailure);
    }

    [Fact]
    public async Task One_bit_of_the_signed_host_changed_is_a_signature_failure()
    {
        var host = _bed.Emulator.BaseUri.Authority; // 127.0.0.1:port
        AssertRefused(await RawRequests.SendAsync(Signed(), hostOverride: RawRequests.FlipBit(host, host.IndexOf(':') - 1)), ZenlayerErrors.SignatureFailure);
    }

    [Fact]
    public async Task Another_signature_is_a_signature_failure()
    {
        var request = Signed();
        var authorization = request.GetHeader("Authorization")!;
        var last = authorization[authorization.Length - 1] == '0' ? '1' : '0';
        request.SetHeader("Authorization", authorization.Substring(0, authorization.Length - 1) + last);
        AssertRefused(await RawRequests.SendAsync(request), ZenlayerErrors.SignatureFailure);
    }

    [Fact]
    public async Task An_unknown_access_key_is_refused() =>
        AssertRefused(await RawRequests.SendAsync(Signed(keyId: "ZLnobodyHasThis1")), ZenlayerErrors.SignatureFailure);

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer a-personal-access-token")]
    [InlineData("ZC2-HMAC-SHA256 Credential=ZLemulatorTest01,SignedHeaders=content-type;host,Signature=00")]
    public async Task A_missing_or_malformed_authorization_is_refused(string? authorization)
    {
        var request = Signed();
        request.Headers.RemoveAll(h => h.Key == "Authorization");
        if (authorization is not null) request.SetHeader("Authorization", authorization);
        AssertRefused(await RawRequests.SendAsync(request), ZenlayerErrors.InvalidAuthorization);
    }

    [Fact]
    public async Task Signing_other_headers_than_content_type_and_host_is_refused()
    {
        var request = Signed();
        request.SetHeader("Authorization", request.GetHeader("Authorization")!.Replace("SignedHeaders=content-type;host", "SignedHeaders=content-type;host;x-zc-action"));
        AssertRefused(await RawRequests.SendAsync(request), ZenlayerErrors.InvalidAuthorization);
    }

    [Fact]
    public async Task The_documentations_underscore_spelling_of_the_method_is_not_the_one_sent()
    {
        // The header example of the signature page says ZC2-HMAC_SHA256; the SDKs send (and the module sends) ZC2-HMAC-SHA256.
        var request = Signed();
        request.SetHeader("X-ZC-Signature-Method", "ZC2-HMAC_SHA256");
        AssertRefused(await RawRequests.SendAsync(request), ZenlayerErrors.InvalidAuthorization);
    }

    [Fact]
    public async Task An_unsigned_header_may_change_as_with_the_service()
    {
        // Only content-type and host are signed: another User-Agent still passes.
        var request = Signed();
        request.SetHeader("User-Agent", "somebody-else/1.0");
        Assert.Equal(200, (await RawRequests.SendAsync(request)).Status);
    }

    [Theory]
    [InlineData(6 * 60)]
    [InlineData(-6 * 60)]
    public async Task A_timestamp_more_than_five_minutes_off_is_expired(int emulatorAheadSeconds)
    {
        _bed.Emulator.Clock = () => DateTimeOffset.UtcNow.AddSeconds(emulatorAheadSeconds);
        AssertRefused(await RawRequests.SendAsync(Signed()), ZenlayerErrors.SignatureExpired);
    }

    [Theory]
    [InlineData(4 * 60)]
    [InlineData(-4 * 60)]
    public async Task A_timestamp_within_five_minutes_is_accepted(int emulatorAheadSeconds)
    {
        _bed.Emulator.Clock = () => DateTimeOffset.UtcNow.AddSeconds(emulatorAheadSeconds);
        Assert.Equal(200, (await RawRequests.SendAsync(Signed())).Status);
    }

    [Fact]
    public async Task A_stale_clock_is_corrected_from_the_service_date_header_and_the_call_succeeds()
    {
        var session = _bed.Connect();
        session.Clock = () => DateTimeOffset.UtcNow.AddMinutes(-10);
        await session.ListImagesAsync(new ImageQuery(), null, ZenlayerTestBed.Call());
        Assert.Equal(new[] { 401, 200 }, _bed.Emulator.Calls.Select(c => c.Status));
    }

    [Fact]
    public async Task Another_api_version_or_service_is_refused_after_the_signature()
    {
        var request = Signed();
        request.SetHeader("X-ZC-Version", "2024-04-01"); // the older zec version, which has no DeleteImages
        var (status, json) = await RawRequests.SendAsync(request);
        Assert.Equal(400, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json.GetString("code"));
    }

    private ApiRequest Signed(string keyId = ZenlayerTestBed.KeyId, string password = ZenlayerTestBed.KeyPassword)
    {
        var request = new ApiRequest(HttpMethod.Post, new Uri(_bed.Emulator.BaseUri, "api/v2/zec"), "DescribeCustomImages") { Body = Encoding.UTF8.GetBytes(Body) };
        request.SetHeader("Content-Type", "application/json");
        request.SetHeader("X-ZC-Action", "DescribeCustomImages");
        request.SetHeader("X-ZC-Version", "2025-09-01");
        request.SetHeader("X-ZC-Service", "zec");
        ZenlayerSigner.Sign(request, new AccessKeyCredential(keyId, new Secret(password)), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return request;
    }

    /// <summary>Refused as the service refuses: HTTP 401, {"code","message","requestId"}, nothing carried out.</summary>
    private void AssertRefused((int Status, JsonValue Json) answer, string code)
    {
        Assert.Equal(401, answer.Status);
        Assert.Equal(code, answer.Json.GetString("code"));
        Assert.False(string.IsNullOrEmpty(answer.Json.GetString("message")));
        Assert.False(string.IsNullOrEmpty(answer.Json.GetString("requestId")));
        Assert.Null(answer.Json["response"]);
        // An expired timestamp is the clock's fault, and the session corrects it; every other refusal stops the run.
        Assert.Equal(code == ZenlayerErrors.SignatureExpired ? ErrorKind.ClockSkew : ErrorKind.Authentication, ZenlayerErrors.Map.KindOf(code));
        Assert.True(new CloudApiError(code, ZenlayerErrors.Map.KindOf(code), "", null).IsFatal);
    }
}

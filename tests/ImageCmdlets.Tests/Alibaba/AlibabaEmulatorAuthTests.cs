using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Alibaba;
using ImageCmdlets.Transport;
using ImageCmdlets.Tests.Support;
using Xunit;

namespace ImageCmdlets.Tests.Alibaba;

/// <summary>
/// The emulator checks ACS3 signatures the way ECS does: any one-bit change to what is signed is refused,
/// as are a replayed nonce, a date outside ±15 minutes, an unknown key and an unsigned x-acs-* header.
/// </summary>
public sealed class AlibabaEmulatorAuthTests : IAsyncLifetime
{
    private AlibabaTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await AlibabaTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    public enum Tamper { Secret, Query, Body, Date, Nonce, ContentHashHeader, Signature }

    [Fact]
    public async Task An_untampered_request_is_accepted()
    {
        var exchange = await SendAsync(Build(_bed.Connect()));
        Assert.Equal(200, exchange.StatusCode);
        Assert.NotNull(exchange.Json!.GetString("RequestId"));
    }

    [Theory]
    [InlineData(Tamper.Secret)]
    [InlineData(Tamper.Query)]
    [InlineData(Tamper.Body)]
    [InlineData(Tamper.Date)]
    [InlineData(Tamper.Nonce)]
    [InlineData(Tamper.ContentHashHeader)]
    [InlineData(Tamper.Signature)]
    public async Task A_one_bit_change_is_refused_as_signature_does_not_match(Tamper tamper)
    {
        var provider = _bed.Connect(tamper == Tamper.Secret
            ? new AccessKeyCredential(AlibabaTestBed.KeyId, new Secret(FlipFirstDigit(AlibabaTestBed.KeySecret)))
            : null);
        var request = Build(provider);
        if (tamper == Tamper.Body)
        {
            request.Body = Crypto.Utf8Bytes("payload-1");
            AlibabaSigner.Sign(request, "DescribeImages", AlibabaProvider.Version, AlibabaTestBed.Credential, DateTimeOffset.UtcNow, AlibabaSigner.NewNonce());
        }

        switch (tamper)
        {
            case Tamper.Query:
                request.Uri = new Uri(request.Uri.GetLeftPart(UriPartial.Path) + "?" + FlipFirstDigit(request.Uri.Query.TrimStart('?')));
                break;
            case Tamper.Body:
                request.Body = Crypto.Utf8Bytes("payload-0");
                break;
            case Tamper.Date:
                // The last digit (seconds): the date stays inside the accepted window, only the signature breaks.
                var date = request.GetHeader("x-acs-date")!;
                var last = date.LastIndexOfAny("0123456789".ToCharArray());
                request.SetHeader("x-acs-date", date.Substring(0, last) + FlipFirstDigit(date.Substring(last)));
                break;
            case Tamper.Nonce:
            case Tamper.ContentHashHeader:
                var header = tamper == Tamper.Nonce ? "x-acs-signature-nonce" : "x-acs-content-sha256";
                request.SetHeader(header, FlipFirstDigit(request.GetHeader(header)!));
                break;
            case Tamper.Signature:
                var authorization = request.GetHeader("Authorization")!;
                var at = authorization.IndexOf("Signature=", StringComparison.Ordinal) + "Signature=".Length;
                request.SetHeader("Authorization", authorization.Substring(0, at) + FlipFirstDigit(authorization.Substring(at)));
                break;
        }

        var exchange = await SendAsync(request);
        Assert.Equal(400, exchange.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", exchange.Json!.GetString("Code"));
    }

    [Fact]
    public async Task A_refused_signature_is_an_authentication_error_without_the_secret()
    {
        var wrongSecret = FlipFirstDigit(AlibabaTestBed.KeySecret);
        var provider = _bed.Connect(new AccessKeyCredential(AlibabaTestBed.KeyId, new Secret(wrongSecret)));

        var ex = await Assert.ThrowsAsync<CloudApiException>(() => provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call()));

        Assert.Equal("SignatureDoesNotMatch", ex.Error.Code);
        Assert.Equal(ErrorKind.Authentication, ex.Error.Kind);
        Assert.True(ex.Error.IsFatal);
        Assert.NotNull(ex.Error.RequestId);
        Assert.DoesNotContain(wrongSecret, ex.ToString());
        Assert.DoesNotContain(AlibabaTestBed.KeySecret, ex.ToString());
    }

    [Fact]
    public async Task A_replayed_nonce_is_refused()
    {
        var request = Build(_bed.Connect());

        var first = await SendAsync(request);
        var replay = await SendAsync(request);

        Assert.Equal(200, first.StatusCode);
        Assert.Equal(400, replay.StatusCode);
        Assert.Equal("SignatureNonceUsed", replay.Json!.GetString("Code"));
        // Nothing ran; a resend signs with a new nonce, so the operations layer may retry it.
        Assert.True(AlibabaErrors.Codes.KindOf("SignatureNonceUsed") == ErrorKind.Throttled);
    }

    [Fact]
    public async Task Every_provider_call_uses_a_fresh_nonce()
    {
        var provider = _bed.Connect();
        for (var i = 0; i < 5; i++) await provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call());
        Assert.Equal(5, _bed.Emulator.RequestsOf("DescribeImages").Count(r => r.Status == 200));
    }

    [Theory]
    [InlineData(16, "InvalidTimeStamp.Expired")]
    [InlineData(-16, "InvalidTimeStamp.Expired")]
    [InlineData(14, null)]
    [InlineData(-14, null)]
    public async Task The_date_must_be_within_fifteen_minutes_of_the_server_clock(int serverAheadMinutes, string? code)
    {
        _bed.Emulator.Clock = () => DateTimeOffset.UtcNow.AddMinutes(serverAheadMinutes);

        var exchange = await SendAsync(Build(_bed.Connect()));

        Assert.Equal(code is null ? 200 : 400, exchange.StatusCode);
        Assert.Equal(code, exchange.IsSuccess ? null : exchange.Json!.GetString("Code"));
    }

    [Fact]
    public async Task A_stale_date_is_corrected_from_the_server_date_and_sent_again()
    {
        _bed.Emulator.Clock = () => DateTimeOffset.UtcNow.AddHours(1);
        var log = new RecordingApiLog();

        var page = await _bed.Connect().ListImagesAsync(new ImageQuery(), null, new Transport.CallContext(default, log));

        Assert.NotNull(page);
        Assert.Contains(log.Lines, l => l.Contains("error InvalidTimeStamp.Expired", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("clock is 60 minute(s) behind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_access_key_is_refused()
    {
        var provider = _bed.Connect(new AccessKeyCredential("LTAI5tNoSuchKey", new Secret(AlibabaTestBed.KeySecret)));
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call()));
        Assert.Equal("InvalidAccessKeyId.NotFound", ex.Error.Code);
        Assert.Equal(404, ex.Error.HttpStatus);
        Assert.Equal(ErrorKind.Authentication, ex.Error.Kind);
    }

    [Fact]
    public async Task An_unsigned_acs_header_is_refused()
    {
        var request = Build(_bed.Connect());
        request.SetHeader("x-acs-extra", "1");

        var exchange = await SendAsync(request);

        Assert.Equal(400, exchange.StatusCode);
        Assert.Equal("IncompleteSignature", exchange.Json!.GetString("Code"));
    }

    [Fact]
    public async Task An_sts_key_needs_its_security_token()
    {
        _bed.Emulator.AddAccessKey("STS.tempKey1", "tempSecret1", "security-token-1");

        var withToken = _bed.Connect(new AccessKeyCredential("STS.tempKey1", new Secret("tempSecret1"), new Secret("security-token-1")));
        var page = await withToken.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call());
        Assert.Equal(0, page.TotalCount);

        var wrongToken = _bed.Connect(new AccessKeyCredential("STS.tempKey1", new Secret("tempSecret1"), new Secret("security-token-2")));
        var ex = await Assert.ThrowsAsync<CloudApiException>(() => wrongToken.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call()));
        Assert.Equal(ErrorKind.Authentication, ex.Error.Kind);
        Assert.DoesNotContain("security-token", ex.ToString());
    }

    private static ApiRequest Build(AlibabaSession provider) =>
        provider.BuildRequest("DescribeImages", new Dictionary<string, string>
        {
            ["RegionId"] = AlibabaTestBed.Region,
            ["PageNumber"] = "1",
            ["PageSize"] = "10",
        }, DateTimeOffset.UtcNow, AlibabaSigner.NewNonce());

    private Task<HttpExchange> SendAsync(ApiRequest request) => _bed.Transport.SendAsync(request, AlibabaTestBed.Call());

    /// <summary>Flips the lowest bit of the first digit: a one-bit change that stays a digit (and a valid URI, date or hex character).</summary>
    private static string FlipFirstDigit(string text)
    {
        var i = text.IndexOfAny("0123456789".ToCharArray());
        Assert.True(i >= 0, $"no digit to flip in '{text}'");
        return text.Substring(0, i) + (char)(text[i] ^ 1) + text.Substring(i + 1);
    }
}

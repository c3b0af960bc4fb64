using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Emulators.Huawei;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Huawei;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Huawei;

/// <summary>
/// The emulator checks SDK-HMAC-SHA256 the way the gateway does: a request the module signed passes, and changing
/// anything signed after signing (method, path, query, body, project, date, key) is refused with APIGW.0301 (or
/// APIGW.0306 for the project), and deletes nothing.
/// </summary>
public sealed class HuaweiEmulatorAuthTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private HuaweiEmulator _emulator = null!;
    private string _id = "";

    public async Task InitializeAsync()
    {
        _emulator = new HuaweiEmulator();
        await _emulator.StartAsync();
        _id = _emulator.AddImage(new HuaweiEmulatorImage { Name = "target" }).Id;
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    /// <summary>A DELETE with a body, signed by the module's signer, then changed by <paramref name="tamper"/> before it is sent.</summary>
    private async Task<(int Status, string? Code)> SendAsync(Action<HttpRequestMessage, ApiRequest>? tamper = null, string secret = HuaweiEmulator.DemoSecretKey,
        DateTimeOffset? signedAt = null, string query = "")
    {
        var uri = new Uri(_emulator.BaseUri, $"v2/images/{_id}{query}");
        var signed = new ApiRequest(HttpMethod.Delete, uri, "GlanceDeleteImage") { Body = Encoding.UTF8.GetBytes("{\"delete_backup\":false}") };
        signed.SetHeader("Content-Type", "application/json");
        signed.SetHeader("X-Project-Id", HuaweiEmulator.ProjectId);
        HuaweiSigner.Sign(signed, new AccessKeyCredential(HuaweiEmulator.DemoAccessKey, new Secret(secret)), signedAt ?? DateTimeOffset.UtcNow);

        using var message = new HttpRequestMessage(HttpMethod.Delete, uri) { Content = new ByteArrayContent(signed.Body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        foreach (var (name, value) in signed.Headers.Where(h => h.Key != "Content-Type"))
            message.Headers.TryAddWithoutValidation(name, value);
        tamper?.Invoke(message, signed);
        using var answer = await Http.SendAsync(message);
        var text = await answer.Content.ReadAsStringAsync();
        return ((int)answer.StatusCode, JsonValue.TryParse(text, out var json) ? json.GetString("error_code") : null);
    }

    private static void Replace(HttpRequestMessage message, string name, string value)
    {
        message.Headers.Remove(name);
        message.Headers.TryAddWithoutValidation(name, value);
    }

    [Fact]
    public async Task A_request_signed_by_the_module_passes()
    {
        Assert.Equal((204, (string?)null), await SendAsync());
        Assert.Null(_emulator.Find(_id));
    }

    public static TheoryData<string> Tampering() => new()
    {
        "method", "path", "query", "body", "date", "key", "signature", "unsigned date",
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Anything_changed_after_signing_is_refused_and_nothing_is_deleted(string what)
    {
        var other = _emulator.AddImage(new HuaweiEmulatorImage { Name = "other" }).Id;
        var answer = await SendAsync((message, signed) =>
        {
            var authorization = signed.GetHeader("Authorization")!;
            switch (what)
            {
                case "method": message.Method = HttpMethod.Get; break;
                case "path": message.RequestUri = new Uri(_emulator.BaseUri, $"v2/images/{other}"); break;
                case "query": message.RequestUri = new Uri(message.RequestUri!, "?delete=all"); break;
                case "body": message.Content = new StringContent("{\"delete_backup\":true}", Encoding.UTF8, "application/json"); break;
                case "date": Replace(message, "X-Sdk-Date", HuaweiSigner.FormatDate(DateTimeOffset.UtcNow.AddSeconds(-1).AddMinutes(-1))); break;
                case "key": Replace(message, "Authorization", authorization.Replace(HuaweiEmulator.DemoAccessKey, "HPUAUNKNOWNKEY000001")); break;
                case "signature": Replace(message, "Authorization", authorization[..^4] + "0000"); break;
                case "unsigned date": Replace(message, "Authorization", authorization.Replace("x-sdk-date", "x-sdk-dat")); break;
            }
        });

        Assert.Equal((401, HuaweiErrors.SignatureFailure), answer);
        Assert.NotNull(_emulator.Find(_id));
        Assert.NotNull(_emulator.Find(other));
        Assert.Empty(_emulator.DeletedImageIds);
    }

    [Fact]
    public async Task Another_project_is_refused()
    {
        var answer = await SendAsync((message, _) => Replace(message, "X-Project-Id", HuaweiEmulator.OtherProjectId));
        Assert.Equal(401, answer.Status); // the project is signed: changing it breaks the signature first
        Assert.Empty(_emulator.DeletedImageIds);
    }

    [Theory]
    [InlineData(14, 204)]
    [InlineData(-14, 204)]
    [InlineData(16, 401)]
    [InlineData(-16, 401)]
    public async Task The_request_time_must_be_within_fifteen_minutes(int minutesOff, int status)
    {
        var answer = await SendAsync(signedAt: DateTimeOffset.UtcNow.AddMinutes(minutesOff));
        Assert.Equal(status, answer.Status);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused()
    {
        Assert.Equal((401, HuaweiErrors.SignatureFailure), await SendAsync(secret: HuaweiEmulator.DemoSecretKey + "x"));
        Assert.NotNull(_emulator.Find(_id));
    }

    [Fact]
    public async Task An_unknown_token_is_refused()
    {
        using var message = new HttpRequestMessage(HttpMethod.Delete, new Uri(_emulator.BaseUri, $"v2/images/{_id}"));
        message.Headers.Add("X-Auth-Token", "MIIbogus");
        using var answer = await Http.SendAsync(message);
        Assert.Equal(401, (int)answer.StatusCode);
        Assert.NotNull(_emulator.Find(_id));
    }
}

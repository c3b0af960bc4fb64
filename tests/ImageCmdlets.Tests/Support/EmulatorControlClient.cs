using System;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ImageCmdlets.Json;
using Xunit;

namespace ImageCmdlets.Tests.Support;

/// <summary>Talks to an emulator's control API (/_emulator) over real HTTP, as a test script would.</summary>
internal sealed class EmulatorControlClient : IDisposable
{
    private readonly HttpClient _http;

    public EmulatorControlClient(Uri emulatorBase) =>
        _http = new HttpClient { BaseAddress = new Uri(emulatorBase, "_emulator/"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The answer's status and JSON body.</summary>
    public async Task<(int Status, JsonValue Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, JsonValue.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Sends and insists on 200: the JSON answer.</summary>
    public async Task<JsonValue> OkAsync(HttpMethod method, string path, string? json = null)
    {
        var (status, body) = await SendAsync(method, path, json);
        Assert.True(status == 200, $"{method} /_emulator/{path} answered {status}: {body.ToJson()}");
        return body;
    }

    public Task<JsonValue> GetAsync(string path = "") => OkAsync(HttpMethod.Get, path);

    public Task<JsonValue> PostAsync(string path, string json = "{}") => OkAsync(HttpMethod.Post, path, json);

    public void Dispose() => _http.Dispose();
}

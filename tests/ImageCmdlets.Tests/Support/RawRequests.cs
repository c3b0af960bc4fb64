using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using ImageCmdlets.Json;
using ImageCmdlets.Providers;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Support;

/// <summary>
/// What the emulator signature tests share: a signed request sent exactly as built (no provider, no retries),
/// and one bit of a value changed.
/// </summary>
internal static class RawRequests
{
    private static readonly HttpClient Client = new();

    /// <summary>Sends the request as built (optionally with another Host header): the status and the JSON answer.</summary>
    public static async Task<(int Status, JsonValue Json)> SendAsync(ApiRequest request, string? hostOverride = null)
    {
        using var message = new HttpRequestMessage(request.Method, request.Uri) { Content = new ByteArrayContent(request.Body!) };
        foreach (var h in request.Headers)
        {
            if (h.Key == "Content-Type") message.Content.Headers.TryAddWithoutValidation("Content-Type", h.Value);
            else message.Headers.TryAddWithoutValidation(h.Key, h.Value);
        }
        if (hostOverride is not null) message.Headers.Host = hostOverride;
        using var response = await Client.SendAsync(message);
        return ((int)response.StatusCode, JsonValue.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>The text with the lowest bit of one character flipped.</summary>
    public static string FlipBit(string text, int index)
    {
        var chars = text.ToCharArray();
        chars[index] = (char)(chars[index] ^ 1);
        return new string(chars);
    }
}

/// <summary>A session's listing read page by page, as the operations layer reads it (at most 50 pages).</summary>
internal static class Pages
{
    public static async Task<List<ImagePage>> AllAsync(IImageSession session, ImageQuery query)
    {
        var pages = new List<ImagePage>();
        string? token = null;
        do
        {
            var page = await session.ListImagesAsync(query, token, new CallContext(default, NullApiLog.Instance));
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token is not null && pages.Count < 50);
        return pages;
    }
}

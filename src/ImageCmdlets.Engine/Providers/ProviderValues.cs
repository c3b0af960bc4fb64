using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ImageCmdlets.Providers;

/// <summary>The small conversions every provider needs, done one way.</summary>
internal static class ProviderValues
{
    private const long BytesPerGiB = 1L << 30;

    /// <summary>A provider's timestamp (ISO 8601, UTC unless it says otherwise); null when absent or unreadable.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : null;

    public static long? BytesOfGiB(long? gib) => gib * BytesPerGiB;

    /// <summary>A call's subject for verbose lines: region and the first ids (never more than a line).</summary>
    public static string Subject(string region, IReadOnlyList<string> ids)
    {
        const int Shown = 5;
        var text = region + " " + string.Join(",", ids.Take(Shown));
        return ids.Count > Shown ? text + $" (+{(ids.Count - Shown).ToString(CultureInfo.InvariantCulture)} more)" : text;
    }

    /// <summary>The page a page-numbered listing's token stands for: 1 for the first page (no token).</summary>
    public static int PageNumber(string? pageToken, string provider)
    {
        if (pageToken is null) return 1;
        if (int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1) return number;
        throw new ArgumentException($"'{pageToken}' is not a {provider} page token (a page number).", nameof(pageToken));
    }

    /// <summary>
    /// The token of the page after this one, or null once page number · page size reaches the total. An empty
    /// page also ends the listing, so one that shrinks meanwhile cannot loop.
    /// </summary>
    public static string? NextPageNumber(int pageNumber, int pageSize, int imagesOnPage, long total) =>
        imagesOnPage > 0 && (long)pageNumber * pageSize < total ? (pageNumber + 1).ToString(CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// On a full first page of a page-numbered listing whose total is known: the tokens of pages 2 to the
    /// last (<see cref="ImagePage.LaterPageTokens"/>); null on any other page.
    /// </summary>
    public static IReadOnlyList<string>? LaterPageNumbers(int pageNumber, int pageSize, int imagesOnPage, long total)
    {
        if (pageNumber != 1 || imagesOnPage != pageSize || pageSize < 1) return null;
        var pages = (total + pageSize - 1) / pageSize;
        var tokens = new List<string>();
        for (long n = 2; n <= pages; n++) tokens.Add(n.ToString(CultureInfo.InvariantCulture));
        return tokens;
    }

    /// <summary>
    /// On a full first page (offset 0) of an offset-paged listing whose total is known: the offsets of every
    /// later page (<see cref="ImagePage.LaterPageTokens"/>); null on any other page.
    /// </summary>
    public static IReadOnlyList<string>? LaterOffsets(long offset, int pageSize, int imagesOnPage, long? total)
    {
        if (offset != 0 || imagesOnPage != pageSize || pageSize < 1 || total is not long all) return null;
        var tokens = new List<string>();
        for (long next = pageSize; next < all; next += pageSize) tokens.Add(next.ToString(CultureInfo.InvariantCulture));
        return tokens;
    }

    /// <summary>
    /// The API root to call: -Endpoint when given, else the provider's own. These APIs live at the root of
    /// their host, so an -Endpoint with a path or query is refused rather than silently cut down to its host.
    /// </summary>
    public static Uri ApiRoot(Uri? endpoint, Uri standard)
    {
        if (endpoint is null) return standard;
        if (endpoint.AbsolutePath != "/" || endpoint.Query.Length > 0)
            throw new ImageCmdletsConfigurationException("InvalidEndpoint",
                $"-Endpoint must be only a scheme, host and port (such as https://{endpoint.Host}): this API is called at the root of its host, and the path or query '{endpoint.PathAndQuery}' cannot be honoured.");
        return new Uri(endpoint.GetLeftPart(UriPartial.Authority) + "/");
    }
}

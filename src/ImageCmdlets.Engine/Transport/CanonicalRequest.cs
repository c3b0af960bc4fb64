using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ImageCmdlets.Transport;

/// <summary>
/// The canonical request every HMAC signing scheme here hashes (TC3, ACS3, Volcengine, Huawei APIG, ZC2):
/// method, canonical URI, canonical query, canonical headers, signed header names and payload hash, one
/// per line. Each scheme keeps only what differs: its string to sign and its key derivation.
/// </summary>
internal sealed class CanonicalRequest
{
    private CanonicalRequest(string text, string canonicalHeaders, string signedHeaders, string payloadHash)
    {
        Text = text;
        CanonicalHeaders = canonicalHeaders;
        SignedHeaders = signedHeaders;
        PayloadHash = payloadHash;
    }

    /// <summary>The whole canonical request.</summary>
    public string Text { get; }
    /// <summary>"name:value\n" per signed header, names lower-case and sorted.</summary>
    public string CanonicalHeaders { get; }
    /// <summary>The signed header names, lower-case, sorted, ';'-joined.</summary>
    public string SignedHeaders { get; }
    public string PayloadHash { get; }
    public string Hash => Crypto.Sha256Hex(Text);

    /// <param name="method">The HTTP method (upper-cased here).</param>
    /// <param name="canonicalUri">The path as the scheme canonicalises it.</param>
    /// <param name="canonicalQuery">The query as the scheme canonicalises it (see <see cref="SortedQuery"/>).</param>
    /// <param name="headers">Headers as sent (any case); only those in <paramref name="signedNames"/> are signed.</param>
    /// <param name="signedNames">The names to sign (any case, any order).</param>
    /// <param name="lowercaseValues">TC3 lower-cases header values; the other schemes keep them.</param>
    /// <param name="payloadHash">The hex SHA-256 of the body, or a scheme's stand-in for it.</param>
    public static CanonicalRequest Build(string method, string canonicalUri, string canonicalQuery,
        IEnumerable<KeyValuePair<string, string>> headers, IEnumerable<string> signedNames, bool lowercaseValues, string payloadHash)
    {
        var names = signedNames.Select(n => n.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var all = headers.ToList();
        var canonical = new StringBuilder();
        foreach (var name in names)
        {
            // A header sent twice is signed as its values in order, comma-joined (ACS3's rule; the others never repeat one).
            var values = all.Where(h => string.Equals(h.Key.Trim(), name, StringComparison.OrdinalIgnoreCase)).Select(h => (h.Value ?? "").Trim());
            var value = string.Join(",", values);
            canonical.Append(name).Append(':').Append(lowercaseValues ? value.ToLowerInvariant() : value).Append('\n');
        }
        var signedHeaders = string.Join(";", names);
        var text = string.Join("\n", method.ToUpperInvariant(), canonicalUri, canonicalQuery, canonical.ToString(), signedHeaders, payloadHash);
        return new CanonicalRequest(text, canonical.ToString(), signedHeaders, payloadHash);
    }

    /// <summary>Parameters RFC 3986-encoded, sorted by name then value (ordinal), "k=v" joined with '&amp;'.</summary>
    public static string SortedQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters
            .Select(p => new KeyValuePair<string, string>(Crypto.PercentEncode(p.Key), Crypto.PercentEncode(p.Value ?? "")))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));

    /// <summary>Splits a raw query string ("?a=1&amp;b=%20") into decoded pairs. '+' stays a plus: RFC 3986, not form encoding.</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string? rawQuery)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var text = (rawQuery ?? "").TrimStart('?');
        if (text.Length == 0) return pairs;
        foreach (var part in text.Split('&'))
        {
            if (part.Length == 0) continue;
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part.Substring(0, eq);
            var value = eq < 0 ? "" : part.Substring(eq + 1);
            pairs.Add(new KeyValuePair<string, string>(Uri.UnescapeDataString(name), Uri.UnescapeDataString(value)));
        }
        return pairs;
    }

    /// <summary>The Host every scheme signs: what HttpClient sends for the URI (the port only when it is not the scheme's default).</summary>
    public static string HostOf(Uri uri) => uri.IsDefaultPort ? uri.Host : uri.Authority;
}

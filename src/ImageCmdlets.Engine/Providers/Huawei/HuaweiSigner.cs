using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Huawei;

/// <summary>
/// Every intermediate value of one SDK-HMAC-SHA256 signature, so tests can compare each step with the
/// published examples. Never log or display it: it is derived from the secret.
/// </summary>
internal sealed class HuaweiSignature
{
    public string PayloadHash { get; init; } = "";
    public string CanonicalUri { get; init; } = "";
    public string CanonicalQueryString { get; init; } = "";
    public string CanonicalRequest { get; init; } = "";
    public string CanonicalRequestHash { get; init; } = "";
    public string StringToSign { get; init; } = "";
    public string Signature { get; init; } = "";
    /// <summary>The whole Authorization header value.</summary>
    public string Authorization { get; init; } = "";

    public override string ToString() => "SDK-HMAC-SHA256 signature (hidden)";
}

/// <summary>
/// Huawei Cloud's API gateway signature (SDK-HMAC-SHA256), as its signing guide and the official SDKs compute
/// it: the canonical URI is the path with each segment RFC 3986-encoded and always ends with "/" (the request
/// itself is sent without it); the string to sign is the algorithm, the X-Sdk-Date and the canonical request's
/// hash, with no credential scope; the key is the secret key as is, with no derivation.
/// </summary>
internal static class HuaweiSigner
{
    public const string Algorithm = "SDK-HMAC-SHA256";
    public const string DateHeader = "X-Sdk-Date";
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>The headers the module signs when it sends them (x-sdk-date always; the SDK skips names with '_').</summary>
    public static readonly IReadOnlyList<string> SignableHeaders = new[] { "content-type", "host", "x-sdk-date", "x-project-id", "x-security-token" };

    public static string FormatDate(DateTimeOffset time) => time.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>The path as signed: each segment RFC 3986-encoded (after decoding what the URI already encoded), ending in "/".</summary>
    public static string CanonicalUri(string path)
    {
        var segments = (path.Length == 0 ? "/" : path).Split('/').Select(s => Crypto.PercentEncode(Uri.UnescapeDataString(s)));
        var text = string.Join("/", segments);
        if (!text.StartsWith("/", StringComparison.Ordinal)) text = "/" + text;
        return text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/";
    }

    /// <summary>The pure signing function over the request as sent (headers any case; only <paramref name="signedNames"/> are signed).</summary>
    public static HuaweiSignature Compute(string method, string path, IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headers, IEnumerable<string> signedNames, byte[] body,
        string sdkDate, string accessKeyId, Secret secretKey)
    {
        var canonicalUri = CanonicalUri(path);
        var canonicalQuery = Transport.CanonicalRequest.SortedQuery(query);
        var canonical = Transport.CanonicalRequest.Build(method, canonicalUri, canonicalQuery, headers, signedNames, lowercaseValues: false, Crypto.Sha256Hex(body));
        var canonicalRequestHash = canonical.Hash;
        var stringToSign = string.Join("\n", Algorithm, sdkDate, canonicalRequestHash);
        var key = secretKey.RevealBytes();
        string signature;
        try { signature = Crypto.Hex(Crypto.HmacSha256(key, stringToSign)); }
        finally { Array.Clear(key, 0, key.Length); }
        return new HuaweiSignature
        {
            PayloadHash = canonical.PayloadHash,
            CanonicalUri = canonicalUri,
            CanonicalQueryString = canonicalQuery,
            CanonicalRequest = canonical.Text,
            CanonicalRequestHash = canonicalRequestHash,
            StringToSign = stringToSign,
            Signature = signature,
            Authorization = $"{Algorithm} Access={accessKeyId}, SignedHeaders={canonical.SignedHeaders}, Signature={signature}",
        };
    }

    /// <summary>
    /// Adds X-Sdk-Date and Authorization to a request whose other headers and body are final: the signature covers
    /// the Host HttpClient sends for the URI, X-Sdk-Date and whichever of Content-Type, X-Project-Id and
    /// X-Security-Token the request carries.
    /// </summary>
    public static void Sign(ApiRequest request, AccessKeyCredential credential, DateTimeOffset now)
    {
        request.SetHeader(DateHeader, FormatDate(now));
        var headers = new List<KeyValuePair<string, string>>(request.Headers)
        {
            new("Host", Transport.CanonicalRequest.HostOf(request.Uri)),
        };
        var present = SignableHeaders.Where(name => headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))).ToArray();
        var signature = Compute(request.Method.Method, request.Uri.AbsolutePath, Transport.CanonicalRequest.ParseQuery(request.Uri.Query),
            headers, present, request.Body ?? Array.Empty<byte>(), FormatDate(now), credential.Id, credential.SecretKey);
        request.SetHeader("Authorization", signature.Authorization);
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Zenlayer;

/// <summary>
/// Every intermediate value of one ZC2-HMAC-SHA256 signature, so tests can compare each step with the
/// documentation's worked example. Never log or display it: it is derived from the secret.
/// </summary>
internal sealed class ZenlayerSignature
{
    public string PayloadHash { get; init; } = "";
    public string CanonicalRequest { get; init; } = "";
    public string CanonicalRequestHash { get; init; } = "";
    public string StringToSign { get; init; } = "";
    public string Signature { get; init; } = "";
    /// <summary>The whole Authorization header value.</summary>
    public string Authorization { get; init; } = "";

    public override string ToString() => "ZC2 signature (hidden)";
}

/// <summary>
/// Zenlayer Cloud's Open API v2 signature (ZC2-HMAC-SHA256), as its signature page's curl example and the
/// official SDKs compute it: the canonical request always has the URI "/" and an empty query (whatever path
/// the request goes to) and signs exactly content-type and host; the string to sign is the algorithm, the
/// X-ZC-Timestamp and the canonical request's hash, with no credential scope; the key is the access key
/// password as is, with no derivation.
/// </summary>
internal static class ZenlayerSigner
{
    public const string Algorithm = "ZC2-HMAC-SHA256";
    public static readonly IReadOnlyList<string> SignedHeaderNames = new[] { "content-type", "host" };

    /// <summary>The pure signing function over the headers as sent (any case; only content-type and host are signed).</summary>
    public static ZenlayerSignature Compute(string method, IEnumerable<KeyValuePair<string, string>> headers, byte[] body, long timestamp,
        string accessKeyId, Secret password)
    {
        var canonical = Transport.CanonicalRequest.Build(method, "/", "", headers, SignedHeaderNames, lowercaseValues: false, Crypto.Sha256Hex(body));
        var canonicalRequestHash = canonical.Hash;
        var stringToSign = string.Join("\n", Algorithm, timestamp.ToString(CultureInfo.InvariantCulture), canonicalRequestHash);
        var key = password.RevealBytes();
        string signature;
        try { signature = Crypto.Hex(Crypto.HmacSha256(key, stringToSign)); }
        finally { Array.Clear(key, 0, key.Length); }
        return new ZenlayerSignature
        {
            PayloadHash = canonical.PayloadHash,
            CanonicalRequest = canonical.Text,
            CanonicalRequestHash = canonicalRequestHash,
            StringToSign = stringToSign,
            Signature = signature,
            Authorization = $"{Algorithm} Credential={accessKeyId}, SignedHeaders={canonical.SignedHeaders}, Signature={signature}",
        };
    }

    /// <summary>
    /// Adds X-ZC-Timestamp, X-ZC-Signature-Method and Authorization to a request whose Content-Type header and
    /// body are final (the signature covers both, byte for byte, and the Host HttpClient sends for the URI).
    /// </summary>
    public static void Sign(ApiRequest request, AccessKeyCredential credential, long timestamp)
    {
        request.SetHeader("X-ZC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.SetHeader("X-ZC-Signature-Method", Algorithm);
        var headers = new List<KeyValuePair<string, string>>(request.Headers)
        {
            new("Host", Transport.CanonicalRequest.HostOf(request.Uri)),
        };
        var signature = Compute(request.Method.Method, headers, request.Body ?? Array.Empty<byte>(), timestamp, credential.Id, credential.SecretKey);
        request.SetHeader("Authorization", signature.Authorization);
    }
}

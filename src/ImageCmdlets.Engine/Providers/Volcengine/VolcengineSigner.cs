using System;
using System.Collections.Generic;
using System.Globalization;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Volcengine;

/// <summary>Everything Volcengine's HMAC-SHA256 signs, as plain values (no HTTP types), so the official worked
/// examples can be fed in exactly as printed.</summary>
internal sealed class VolcengineSigningInput
{
    public string Method { get; init; } = "GET";
    /// <summary>Always "/" for the OpenAPI gateway.</summary>
    public string CanonicalUri { get; init; } = "/";
    /// <summary>The query parameters, decoded, in any order (the canonical query sorts and encodes them).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = Array.Empty<KeyValuePair<string, string>>();
    /// <summary>Headers as sent (any case). Only those named in <see cref="SignedHeaders"/> are signed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = Array.Empty<KeyValuePair<string, string>>();
    /// <summary>Names of the headers to sign (any case, any order).</summary>
    public IReadOnlyList<string> SignedHeaders { get; init; } = Array.Empty<string>();
    public byte[] Payload { get; init; } = Array.Empty<byte>();
    public string AccessKeyId { get; init; } = "";
    /// <summary>X-Date, yyyyMMdd'T'HHmmss'Z' (UTC); its first eight characters are the scope date.</summary>
    public string XDate { get; init; } = "";
    public string Region { get; init; } = "";
    /// <summary>The product, e.g. "ecs".</summary>
    public string Service { get; init; } = "";
}

/// <summary>
/// The result of signing, with every intermediate value the documentation prints (and the derived keys
/// the examples were checked with), so tests can prove each step. The derived keys are secret material:
/// never log or display this object.
/// </summary>
internal sealed class VolcengineSignature
{
    public string PayloadHash { get; init; } = "";
    public string CanonicalQueryString { get; init; } = "";
    public string CanonicalHeaders { get; init; } = "";
    public string SignedHeaders { get; init; } = "";
    public string CanonicalRequest { get; init; } = "";
    public string CanonicalRequestHash { get; init; } = "";
    /// <summary>The scope date, yyyyMMdd.</summary>
    public string Date { get; init; } = "";
    public string CredentialScope { get; init; } = "";
    public string StringToSign { get; init; } = "";
    public string KDateHex { get; init; } = "";
    public string KRegionHex { get; init; } = "";
    public string KServiceHex { get; init; } = "";
    public string KSigningHex { get; init; } = "";
    public string Signature { get; init; } = "";
    /// <summary>The whole Authorization header value.</summary>
    public string Authorization { get; init; } = "";

    public override string ToString() => "Volcengine HMAC-SHA256 signature (hidden)";
}

/// <summary>
/// Volcengine OpenAPI request signing (HMAC-SHA256 with the scope date/region/service/request), as
/// documented in "签名方法" (volcengine.com/docs/6369/67269) and proved against its worked examples. The
/// secret is the HMAC key exactly as given: no prefix, no Base64 decoding.
/// </summary>
internal static class VolcengineSigner
{
    public const string Algorithm = "HMAC-SHA256";
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";
    public const string DateHeader = "X-Date";
    public const string ContentSha256Header = "X-Content-Sha256";
    public const string TokenHeader = "X-Security-Token";
    private const string ScopeTerminator = "request";

    /// <summary>The pure core: canonical request, string to sign, key derivation, signature.</summary>
    public static VolcengineSignature Compute(VolcengineSigningInput input, Secret secretKey)
    {
        if (input.XDate.Length < 8) throw new ArgumentException("X-Date must be yyyyMMdd'T'HHmmss'Z'.", nameof(input));
        var canonicalQuery = CanonicalRequest.SortedQuery(input.Query);
        var canonical = CanonicalRequest.Build(input.Method, input.CanonicalUri, canonicalQuery, input.Headers, input.SignedHeaders,
            lowercaseValues: false, Crypto.Sha256Hex(input.Payload));
        var canonicalRequestHash = canonical.Hash;

        var date = input.XDate.Substring(0, 8);
        var scope = $"{date}/{input.Region}/{input.Service}/{ScopeTerminator}";
        var stringToSign = string.Join("\n", Algorithm, input.XDate, scope, canonicalRequestHash);

        var secret = secretKey.RevealBytes();
        byte[] kDate;
        try { kDate = Crypto.HmacSha256(secret, date); }
        finally { Array.Clear(secret, 0, secret.Length); }
        var kRegion = Crypto.HmacSha256(kDate, input.Region);
        var kService = Crypto.HmacSha256(kRegion, input.Service);
        var kSigning = Crypto.HmacSha256(kService, ScopeTerminator);
        var signature = Crypto.Hex(Crypto.HmacSha256(kSigning, stringToSign));

        return new VolcengineSignature
        {
            PayloadHash = canonical.PayloadHash,
            CanonicalQueryString = canonicalQuery,
            CanonicalHeaders = canonical.CanonicalHeaders,
            SignedHeaders = canonical.SignedHeaders,
            CanonicalRequest = canonical.Text,
            CanonicalRequestHash = canonicalRequestHash,
            Date = date,
            CredentialScope = scope,
            StringToSign = stringToSign,
            KDateHex = Crypto.Hex(kDate),
            KRegionHex = Crypto.Hex(kRegion),
            KServiceHex = Crypto.Hex(kService),
            KSigningHex = Crypto.Hex(kSigning),
            Signature = signature,
            Authorization = $"{Algorithm} Credential={input.AccessKeyId}/{scope}, SignedHeaders={canonical.SignedHeaders}, Signature={signature}",
        };
    }

    /// <summary>
    /// The headers the module signs: host, x-content-sha256 and x-date (the official Python SDK's form for
    /// a GET), plus x-security-token when the key is temporary, so that the token cannot be swapped either.
    /// </summary>
    public static IReadOnlyList<string> SignedHeaderNames(bool withToken) => withToken
        ? new[] { "host", "x-content-sha256", "x-date", "x-security-token" }
        : new[] { "host", "x-content-sha256", "x-date" };

    /// <summary>
    /// Adds X-Date, X-Content-Sha256, X-Security-Token (temporary keys) and Authorization to a request whose
    /// URI already carries every parameter in its query.
    /// </summary>
    public static void Sign(ApiRequest request, AccessKeyCredential credential, string region, string service, DateTimeOffset now)
    {
        var body = request.Body ?? Array.Empty<byte>();
        request.SetHeader(DateHeader, now.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture));
        request.SetHeader(ContentSha256Header, Crypto.Sha256Hex(body));
        if (credential.SessionToken is { } token) request.SetHeader(TokenHeader, token.Reveal());

        // The Host HttpClient sends for the URI.
        var headers = new List<KeyValuePair<string, string>>(request.Headers) { new("Host", CanonicalRequest.HostOf(request.Uri)) };
        var signature = Compute(new VolcengineSigningInput
        {
            Method = request.Method.Method,
            CanonicalUri = "/",
            Query = CanonicalRequest.ParseQuery(request.Uri.Query),
            Headers = headers,
            SignedHeaders = SignedHeaderNames(credential.SessionToken is not null),
            Payload = body,
            AccessKeyId = credential.Id,
            XDate = request.GetHeader(DateHeader)!,
            Region = region,
            Service = service,
        }, credential.SecretKey);
        request.SetHeader("Authorization", signature.Authorization);
    }
}

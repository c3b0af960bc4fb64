using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Tencent;

/// <summary>Everything TC3-HMAC-SHA256 signs, as plain values (no HTTP types), so the official worked
/// examples can be fed in exactly as printed.</summary>
internal sealed class TencentSigningInput
{
    public string Method { get; init; } = "POST";
    /// <summary>Always "/" for Tencent Cloud API 3.0.</summary>
    public string CanonicalUri { get; init; } = "/";
    /// <summary>Empty for POST; for GET the query exactly as sent.</summary>
    public string CanonicalQueryString { get; init; } = "";
    /// <summary>Headers as sent (any case). Only those named in <see cref="SignedHeaders"/> are signed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = Array.Empty<KeyValuePair<string, string>>();
    /// <summary>Names of the headers to sign (any case, any order).</summary>
    public IReadOnlyList<string> SignedHeaders { get; init; } = Array.Empty<string>();
    public byte[] Payload { get; init; } = Array.Empty<byte>();
    public string SecretId { get; init; } = "";
    /// <summary>X-TC-Timestamp, Unix seconds.</summary>
    public long Timestamp { get; init; }
    /// <summary>The product, e.g. "cvm" (the first label of the official host).</summary>
    public string Service { get; init; } = "";
}

/// <summary>
/// The result of signing, with every intermediate value the documentation prints, so tests can prove
/// each step. The derived keys are secret material: never log or display this object.
/// </summary>
internal sealed class TencentSignature
{
    public string PayloadHash { get; init; } = "";
    public string CanonicalRequest { get; init; } = "";
    public string CanonicalRequestHash { get; init; } = "";
    /// <summary>The UTC date of the timestamp, yyyy-MM-dd.</summary>
    public string Date { get; init; } = "";
    public string CredentialScope { get; init; } = "";
    public string StringToSign { get; init; } = "";
    public string SecretDateHex { get; init; } = "";
    public string SecretServiceHex { get; init; } = "";
    public string SecretSigningHex { get; init; } = "";
    public string Signature { get; init; } = "";
    /// <summary>The whole Authorization header value.</summary>
    public string Authorization { get; init; } = "";

    public override string ToString() => "TC3 signature (hidden)";
}

/// <summary>
/// Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), as documented in "Signature v3"
/// (cloud.tencent.com/document/api/213/30654) and proved against its worked examples.
/// </summary>
internal static class TencentSigner
{
    public const string Algorithm = "TC3-HMAC-SHA256";
    private const string ScopeTerminator = "tc3_request";

    /// <summary>The pure core: canonical request, string to sign, key derivation, signature.</summary>
    public static TencentSignature Compute(TencentSigningInput input, Secret secretKey)
    {
        // TC3 lower-cases header values as well as names.
        var canonical = CanonicalRequest.Build(input.Method, input.CanonicalUri, input.CanonicalQueryString,
            input.Headers, input.SignedHeaders, lowercaseValues: true, Crypto.Sha256Hex(input.Payload));
        var canonicalRequestHash = canonical.Hash;

        // The scope date is the UTC date of the timestamp; local time breaks signing around midnight.
        var date = DateTimeOffset.FromUnixTimeSeconds(input.Timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{input.Service}/{ScopeTerminator}";
        var timestamp = input.Timestamp.ToString(CultureInfo.InvariantCulture);
        var stringToSign = string.Join("\n", Algorithm, timestamp, scope, canonicalRequestHash);

        var secretDate = Crypto.HmacSha256(KeyWithPrefix(secretKey), date);
        var secretService = Crypto.HmacSha256(secretDate, input.Service);
        var secretSigning = Crypto.HmacSha256(secretService, ScopeTerminator);
        var signature = Crypto.Hex(Crypto.HmacSha256(secretSigning, stringToSign));

        return new TencentSignature
        {
            PayloadHash = canonical.PayloadHash,
            CanonicalRequest = canonical.Text,
            CanonicalRequestHash = canonicalRequestHash,
            Date = date,
            CredentialScope = scope,
            StringToSign = stringToSign,
            SecretDateHex = Crypto.Hex(secretDate),
            SecretServiceHex = Crypto.Hex(secretService),
            SecretSigningHex = Crypto.Hex(secretSigning),
            Signature = signature,
            Authorization = $"{Algorithm} Credential={input.SecretId}/{scope}, SignedHeaders={canonical.SignedHeaders}, Signature={signature}",
        };
    }

    /// <summary>
    /// Adds the X-TC-* common headers and the Authorization header to a POST JSON request. Signs
    /// content-type, host and x-tc-action (the current documentation's form); the session token, when
    /// there is one, goes in X-TC-Token.
    /// </summary>
    public static void Sign(ApiRequest request, AccessKeyCredential credential, string service, string version, string region, long timestamp)
    {
        request.SetHeader("X-TC-Action", request.Action);
        request.SetHeader("X-TC-Version", version);
        request.SetHeader("X-TC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.SetHeader("X-TC-Region", region);
        if (credential.SessionToken is { } token) request.SetHeader("X-TC-Token", token.Reveal());

        // The Host HttpClient sends for the URI.
        var headers = new List<KeyValuePair<string, string>>(request.Headers)
        {
            new("Host", CanonicalRequest.HostOf(request.Uri)),
        };
        var signature = Compute(new TencentSigningInput
        {
            Method = request.Method.Method,
            CanonicalUri = "/",
            CanonicalQueryString = "",
            Headers = headers,
            SignedHeaders = new[] { "content-type", "host", "x-tc-action" },
            Payload = request.Body ?? Array.Empty<byte>(),
            SecretId = credential.Id,
            Timestamp = timestamp,
            Service = service,
        }, credential.SecretKey);
        request.SetHeader("Authorization", signature.Authorization);
    }

    private static byte[] KeyWithPrefix(Secret secretKey)
    {
        var secret = secretKey.RevealBytes();
        var key = new byte[3 + secret.Length];
        key[0] = (byte)'T';
        key[1] = (byte)'C';
        key[2] = (byte)'3';
        Buffer.BlockCopy(secret, 0, key, 3, secret.Length);
        Array.Clear(secret, 0, secret.Length);
        return key;
    }
}

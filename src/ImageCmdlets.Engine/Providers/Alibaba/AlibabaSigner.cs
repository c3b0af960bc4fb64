using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Alibaba;

/// <summary>Every intermediate value of one ACS3-HMAC-SHA256 signature, so tests can compare each step with the official example.</summary>
internal sealed class AlibabaSignature
{
    public string CanonicalQueryString { get; init; } = "";
    public string CanonicalHeaders { get; init; } = "";
    public string SignedHeaders { get; init; } = "";
    public string HashedPayload { get; init; } = "";
    public string CanonicalRequest { get; init; } = "";
    public string CanonicalRequestHash { get; init; } = "";
    public string StringToSign { get; init; } = "";
    public string Signature { get; init; } = "";
    public string Authorization { get; init; } = "";
}

/// <summary>
/// Alibaba Cloud's V3 request signature (ACS3-HMAC-SHA256). Unlike TC3 or SigV4 there is no key
/// derivation and no date scope: the access key secret is the HMAC key of the string to sign.
/// The legacy RPC HMAC-SHA1 scheme is deliberately not implemented; ECS accepts V3 for every API.
/// </summary>
internal static class AlibabaSigner
{
    public const string Algorithm = "ACS3-HMAC-SHA256";
    public const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>
    /// The pure signing function. <paramref name="headersToSign"/> are exactly the headers to sign
    /// (host, x-acs-*, content-type), in any order and case.
    /// </summary>
    public static AlibabaSignature Compute(string method, string canonicalUri, IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headersToSign, byte[]? body, string accessKeyId, Secret secret)
    {
        var canonicalQuery = CanonicalRequest.SortedQuery(query);
        var signed = headersToSign.ToList();
        var canonical = CanonicalRequest.Build(method, canonicalUri, canonicalQuery, signed, signed.Select(h => h.Key),
            lowercaseValues: false, Crypto.Sha256Hex(body ?? Array.Empty<byte>()));
        var canonicalRequestHash = canonical.Hash;
        var stringToSign = Algorithm + "\n" + canonicalRequestHash;
        var signature = Crypto.Hex(Crypto.HmacSha256(secret.RevealBytes(), stringToSign));
        return new AlibabaSignature
        {
            CanonicalQueryString = canonicalQuery,
            CanonicalHeaders = canonical.CanonicalHeaders,
            SignedHeaders = canonical.SignedHeaders,
            HashedPayload = canonical.PayloadHash,
            CanonicalRequest = canonical.Text,
            CanonicalRequestHash = canonicalRequestHash,
            StringToSign = stringToSign,
            Signature = signature,
            Authorization = $"{Algorithm} Credential={accessKeyId},SignedHeaders={canonical.SignedHeaders},Signature={signature}",
        };
    }

    /// <summary>True for the headers ACS3 signs: host, content-type and every x-acs-* header.</summary>
    public static bool IsSignedHeader(string name) =>
        name.StartsWith("x-acs-", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "host", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "content-type", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Adds the x-acs-* headers and Authorization to a request whose URI already carries its query
    /// (RPC style: every API parameter is a query parameter).
    /// </summary>
    public static void Sign(ApiRequest request, string action, string version, AccessKeyCredential credential, DateTimeOffset now, string nonce)
    {
        request.SetHeader("x-acs-action", action);
        request.SetHeader("x-acs-version", version);
        request.SetHeader("x-acs-date", now.UtcDateTime.ToString(DateFormat, System.Globalization.CultureInfo.InvariantCulture));
        request.SetHeader("x-acs-signature-nonce", nonce);
        request.SetHeader("x-acs-content-sha256", Crypto.Sha256Hex(request.Body ?? Array.Empty<byte>()));
        if (credential.SessionToken is { } token)
        {
            // As the official clients send a temporary key: its id beside the token, both signed.
            request.SetHeader("x-acs-accesskey-id", credential.Id);
            request.SetHeader("x-acs-security-token", token.Reveal());
        }

        var headersToSign = request.Headers.Where(h => IsSignedHeader(h.Key)).ToList();
        headersToSign.Add(new KeyValuePair<string, string>("host", CanonicalRequest.HostOf(request.Uri)));
        var signature = Compute(request.Method.Method, request.Uri.AbsolutePath, CanonicalRequest.ParseQuery(request.Uri.Query), headersToSign,
            request.Body, credential.Id, credential.SecretKey);
        request.SetHeader("Authorization", signature.Authorization);
    }

    /// <summary>A fresh random nonce (128 bits, hex) for x-acs-signature-nonce; the service refuses a nonce it has seen.</summary>
    public static string NewNonce()
    {
        var bytes = new byte[16];
        using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
        return Crypto.Hex(bytes);
    }
}

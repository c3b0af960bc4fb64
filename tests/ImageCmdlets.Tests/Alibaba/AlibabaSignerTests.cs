using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Alibaba;
using ImageCmdlets.Transport;
using ImageCmdlets.Tests.Support;
using Xunit;

namespace ImageCmdlets.Tests.Alibaba;

/// <summary>The ACS3-HMAC-SHA256 signer against the official worked examples (TestVectors/alibaba-acs3-*.json).</summary>
public sealed class AlibabaSignerTests
{
    public static IEnumerable<object[]> Vectors() => SigningVectors.Named("alibaba-acs3-");

    [Fact]
    public void The_vectors_are_there()
    {
        // Guards against the theories silently running on nothing (vectors not copied to the output).
        Assert.NotEmpty(Vectors());
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reproduces_every_intermediate_value(string file)
    {
        var (input, expected) = Load(file);
        var headers = input["headers"]!.Properties.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.AsString()!)).ToList();
        var signature = AlibabaSigner.Compute(input.GetString("method")!, input.GetString("path")!, Query(input), headers,
            Crypto.Utf8Bytes(input.GetString("body")!), input.GetString("access_key_id")!, new Secret(input.GetString("secret")!));

        var canonicalRequest = expected.GetString("canonical_request")!;
        // The vector has no separate canonical_headers: it is the block between the query line and the blank line.
        var lines = canonicalRequest.Split('\n');
        var expectedHeaders = string.Concat(lines.Skip(3).TakeWhile(l => l.Length > 0).Select(l => l + "\n"));

        Assert.Equal(expected.GetString("canonical_query_string"), signature.CanonicalQueryString);
        Assert.Equal(expectedHeaders, signature.CanonicalHeaders);
        Assert.Equal(input.GetString("signed_headers"), signature.SignedHeaders);
        Assert.Equal(expected.GetString("payload_hash"), signature.HashedPayload);
        Assert.Equal(canonicalRequest, signature.CanonicalRequest);
        Assert.Equal(expected.GetString("canonical_request_hash"), signature.CanonicalRequestHash);
        Assert.Equal(expected.GetString("string_to_sign"), signature.StringToSign);
        Assert.Equal(expected.GetString("signature"), signature.Signature);
        Assert.Equal(expected.GetString("authorization"), signature.Authorization);
    }

    /// <summary>The request path the provider uses (query in the URI, headers added by Sign) gives the same Authorization.</summary>
    [Theory]
    [MemberData(nameof(Vectors))]
    public void Signing_an_api_request_gives_the_published_authorization(string file)
    {
        var (input, expected) = Load(file);
        var headers = input["headers"]!;
        var uri = new Uri($"{input.GetString("scheme")}://{input.GetString("host")}{input.GetString("path")}?{CanonicalRequest.SortedQuery(Query(input))}");
        var request = new ApiRequest(new HttpMethod(input.GetString("method")!), uri, headers.GetString("x-acs-action")!);
        var date = DateTimeOffset.ParseExact(input.GetString("timestamp")!, AlibabaSigner.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        AlibabaSigner.Sign(request, headers.GetString("x-acs-action")!, headers.GetString("x-acs-version")!,
            new AccessKeyCredential(input.GetString("access_key_id")!, new Secret(input.GetString("secret")!)), date, input.GetString("nonce")!);

        Assert.Equal(expected.GetString("authorization"), request.GetHeader("Authorization"));
        Assert.Equal(input.GetString("timestamp"), request.GetHeader("x-acs-date"));
        Assert.Equal(expected.GetString("payload_hash"), request.GetHeader("x-acs-content-sha256"));
        Assert.Null(request.GetHeader("x-acs-security-token"));
    }

    [Fact]
    public void Canonical_query_encodes_per_rfc_3986_and_sorts_by_name()
    {
        var query = new[]
        {
            new KeyValuePair<string, string>("Tag.1.Value", "a b*c~d+e/f"),
            new KeyValuePair<string, string>("ImageName", "名"),
            new KeyValuePair<string, string>("Empty", ""),
            new KeyValuePair<string, string>("A", "1"),
        };

        // Space %20 (not +), * %2A, ~ kept, + and / encoded, UTF-8 bytes upper-case hex, empty value "k=".
        Assert.Equal("A=1&Empty=&ImageName=%E5%90%8D&Tag.1.Value=a%20b%2Ac~d%2Be%2Ff", CanonicalRequest.SortedQuery(query));
        Assert.Equal(query.OrderBy(p => p.Key, StringComparer.Ordinal), CanonicalRequest.ParseQuery("?" + CanonicalRequest.SortedQuery(query)));
    }

    [Fact]
    public void Sts_token_is_sent_and_signed()
    {
        var request = new ApiRequest(HttpMethod.Post, new Uri("https://ecs.cn-hangzhou.aliyuncs.com/?RegionId=cn-hangzhou"), "DescribeImages");
        var credential = new AccessKeyCredential("STS.id", new Secret("secret"), new Secret("token-value"));

        AlibabaSigner.Sign(request, "DescribeImages", AlibabaProvider.Version, credential, DateTimeOffset.UtcNow, AlibabaSigner.NewNonce());

        Assert.Equal("token-value", request.GetHeader("x-acs-security-token"));
        Assert.Contains("x-acs-security-token", request.GetHeader("Authorization")!.Split(',').Single(p => p.StartsWith("SignedHeaders=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Nonces_are_fresh_each_time()
    {
        var nonces = Enumerable.Range(0, 100).Select(_ => AlibabaSigner.NewNonce()).ToList();
        Assert.Equal(nonces.Count, nonces.Distinct().Count());
        Assert.All(nonces, n => Assert.Matches("^[0-9a-f]{32}$", n));
    }

    private static (JsonValue Input, JsonValue Expected) Load(string file)
    {
        var vector = SigningVectors.Read(file);
        return (vector["input"]!, vector["expected"]!);
    }

    private static List<KeyValuePair<string, string>> Query(JsonValue input) =>
        input.GetArray("query").Select(p => new KeyValuePair<string, string>(p.Items[0].AsString()!, p.Items[1].AsString()!)).ToList();
}

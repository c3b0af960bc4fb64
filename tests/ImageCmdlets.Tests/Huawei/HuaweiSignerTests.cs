using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Huawei;
using ImageCmdlets.Transport;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Huawei;

/// <summary>The SDK-HMAC-SHA256 signer against the signing guide's example and the SDK's unit tests (TestVectors/huawei-*.json).</summary>
public sealed class HuaweiSignerTests
{
    public static IEnumerable<object[]> Vectors() => SigningVectors.Named("huawei-");

    [Fact]
    public void Every_huawei_vector_file_is_exercised()
    {
        // Guards against the theory silently running on nothing (vectors not copied to the output).
        Assert.Equal(3, Vectors().Count());
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reproduces_every_intermediate_value(string file)
    {
        var vector = SigningVectors.Read(file);
        var input = vector["input"]!;
        var expected = vector["expected"]!;
        Assert.Equal(HuaweiSigner.Algorithm, vector.GetString("algorithm"));

        var headers = input["headers"]!.Properties.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.AsString()!)).ToList();
        var query = input.GetArray("query").Select(pair => new KeyValuePair<string, string>(pair.Items[0].AsString()!, pair.Items[1].AsString()!));
        var signature = HuaweiSigner.Compute(input.GetString("method")!, input.GetString("path")!, query, headers,
            input.GetString("signed_headers")!.Split(';'), Crypto.Utf8Bytes(input.GetString("body")!),
            input.GetString("timestamp")!, input.GetString("access_key_id")!, new Secret(input.GetString("secret")!));

        Assert.Equal(expected.GetString("payload_hash"), signature.PayloadHash);
        Assert.Equal(expected.GetString("canonical_uri"), signature.CanonicalUri);
        Assert.Equal(expected.GetString("canonical_query_string"), signature.CanonicalQueryString);
        Assert.Equal(expected.GetString("canonical_request"), signature.CanonicalRequest);
        Assert.Equal(expected.GetString("canonical_request_hash"), signature.CanonicalRequestHash);
        Assert.Equal(expected.GetString("string_to_sign"), signature.StringToSign);
        Assert.Equal(expected.GetString("signature"), signature.Signature);
        Assert.Equal(expected.GetString("authorization"), signature.Authorization);
        Assert.All(vector.GetArray("published_fields").Select(f => f.AsString()!), f => Assert.NotNull(expected.GetString(f)));
    }

    [Fact]
    public void The_sdk_query_encoding_example_encodes_as_the_sdk_does()
    {
        // huawei.md: the SDK's query-encoding test (abridged); booleans are sent lower-case, a list once per value.
        var query = new[]
        {
            new KeyValuePair<string, string>("limit", "1"),
            new KeyValuePair<string, string>("enable", "true"),
            new KeyValuePair<string, string>("test", "一 (&=?!#%.*)"),
            new KeyValuePair<string, string>("multi", "1"),
            new KeyValuePair<string, string>("multi", "2"),
            new KeyValuePair<string, string>("multi", "3"),
        };
        var signature = HuaweiSigner.Compute("GET", "/v2/cloudimages", query, Array.Empty<KeyValuePair<string, string>>(), new[] { "x-sdk-date" },
            Array.Empty<byte>(), "20200608T023900Z", "AK", new Secret("SK"));
        Assert.Equal("enable=true&limit=1&multi=1&multi=2&multi=3&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29", signature.CanonicalQueryString);
    }

    [Theory]
    [InlineData("/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90", "/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90/")]
    [InlineData("/", "/")]
    [InlineData("/v2/cloudimages/", "/v2/cloudimages/")]
    [InlineData("/a%20b/c", "/a%20b/c/")]
    public void The_canonical_uri_always_ends_with_a_slash(string path, string canonical)
    {
        Assert.Equal(canonical, HuaweiSigner.CanonicalUri(path));
    }

    [Fact]
    public void Sign_adds_the_date_and_an_authorization_over_the_headers_sent()
    {
        var request = new ApiRequest(HttpMethod.Delete, new Uri("http://127.0.0.1:8123/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90"), "DeleteImage")
        {
            Body = Crypto.Utf8Bytes("{\"delete_backup\":false}"),
        };
        request.SetHeader("Content-Type", "application/json");
        request.SetHeader("X-Project-Id", "0123456789abcdef0123456789abcdef");
        request.SetHeader("User-Agent", "ImageCmdlets/1.0.0");
        var credential = new AccessKeyCredential("HPUAEXAMPLEKEY", new Secret("secret-key"));

        HuaweiSigner.Sign(request, credential, new DateTimeOffset(2020, 6, 8, 2, 39, 0, TimeSpan.Zero));

        Assert.Equal("20200608T023900Z", request.GetHeader("X-Sdk-Date"));
        var sent = new List<KeyValuePair<string, string>>(request.Headers) { new("Host", "127.0.0.1:8123") };
        var expected = HuaweiSigner.Compute("DELETE", "/v2/images/4ca46bf1-5c61-48ff-b4f3-0ad4e5e3ba90", Array.Empty<KeyValuePair<string, string>>(), sent,
            new[] { "content-type", "host", "x-project-id", "x-sdk-date" }, request.Body, "20200608T023900Z", credential.Id, credential.SecretKey);
        Assert.Equal(expected.Authorization, request.GetHeader("Authorization"));
        Assert.Contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date,", request.GetHeader("Authorization"));
    }
}

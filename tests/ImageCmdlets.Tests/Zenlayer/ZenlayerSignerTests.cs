using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Zenlayer;
using ImageCmdlets.Transport;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Zenlayer;

/// <summary>The ZC2-HMAC-SHA256 signer against the documentation's worked example (TestVectors/zenlayer-*.json).</summary>
public sealed class ZenlayerSignerTests
{
    public static IEnumerable<object[]> Vectors() => SigningVectors.Named("zenlayer-");

    [Fact]
    public void Every_zenlayer_vector_file_is_exercised()
    {
        // Guards against the theory silently running on nothing (vectors not copied to the output).
        Assert.NotEmpty(Vectors());
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reproduces_every_intermediate_value(string file)
    {
        var vector = SigningVectors.Read(file);
        var input = vector["input"]!;
        var expected = vector["expected"]!;
        Assert.Equal(ZenlayerSigner.Algorithm, vector.GetString("algorithm"));
        Assert.Equal(input.GetString("signed_headers"), string.Join(";", ZenlayerSigner.SignedHeaderNames));

        // Every header as the example sends it: only content-type and host may count.
        var headers = input["headers"]!.Properties.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.AsString()!)).ToList();
        var signature = ZenlayerSigner.Compute(input.GetString("method")!, headers, Crypto.Utf8Bytes(input.GetString("body")!),
            input.GetInt64("timestamp")!.Value, input.GetString("access_key_id")!, new Secret(input.GetString("secret")!));

        Assert.Equal(expected.GetString("payload_hash"), signature.PayloadHash);
        Assert.Equal(expected.GetString("canonical_request"), signature.CanonicalRequest);
        Assert.Equal(expected.GetString("canonical_request_hash"), signature.CanonicalRequestHash);
        Assert.Equal(expected.GetString("string_to_sign"), signature.StringToSign);
        Assert.Equal(expected.GetString("signature"), signature.Signature);
        Assert.Equal(expected.GetString("authorization"), signature.Authorization);
        // The published fields are among those checked.
        Assert.All(vector.GetArray("published_fields").Select(f => f.AsString()!), f => Assert.NotNull(expected.GetString(f)));
    }

    [Fact]
    public void The_canonical_uri_is_always_the_root_and_the_query_always_empty_whatever_the_path()
    {
        // The example's request goes to /api/v2/bmc; ours go to /api/v2/zec: neither path is signed.
        var bmc = Signed("https://console.zenlayer.com/api/v2/bmc");
        var zec = Signed("https://console.zenlayer.com/api/v2/zec?ignored=1");
        Assert.Equal(bmc.GetHeader("Authorization"), zec.GetHeader("Authorization"));
    }

    [Fact]
    public void Sign_adds_the_timestamp_and_method_and_an_authorization_over_what_is_sent()
    {
        var request = Signed("http://127.0.0.1:8123/api/v2/zec");

        Assert.Equal("1673361177", request.GetHeader("X-ZC-Timestamp"));
        Assert.Equal("ZC2-HMAC-SHA256", request.GetHeader("X-ZC-Signature-Method"));
        // Recomputed independently from the headers as sent (Host from the URI, with its port; Content-Type byte for byte).
        var recomputed = ZenlayerSigner.Compute("POST", new[]
        {
            new KeyValuePair<string, string>("Content-Type", "application/json"),
            new KeyValuePair<string, string>("Host", "127.0.0.1:8123"),
        }, request.Body!, 1673361177, "0D9UtpyKYcHxms5v", new Secret("Gu5t9xGARNpq86cd98joQYCN3"));
        Assert.Contains("\ncontent-type:application/json\nhost:127.0.0.1:8123\n\ncontent-type;host\n", recomputed.CanonicalRequest);
        Assert.Equal(recomputed.Authorization, request.GetHeader("Authorization"));
        Assert.StartsWith("ZC2-HMAC-SHA256 Credential=0D9UtpyKYcHxms5v, SignedHeaders=content-type;host, Signature=", request.GetHeader("Authorization"));
        Assert.DoesNotContain("Gu5t9xGARNpq86cd98joQYCN3", string.Join("\n", request.Headers.Select(h => h.Value)));
        Assert.DoesNotContain("Gu5t9xGARNpq86cd98joQYCN3", recomputed.ToString());
    }

    [Fact]
    public void Unsigned_headers_do_not_change_the_signature_but_every_signed_part_does()
    {
        var baseline = Signed("https://console.zenlayer.com/api/v2/zec").GetHeader("Authorization");

        var otherAction = Signed("https://console.zenlayer.com/api/v2/zec", r => r.SetHeader("X-ZC-Action", "DeleteImages"));
        Assert.Equal(baseline, otherAction.GetHeader("Authorization"));
        Assert.NotEqual(baseline, Signed("https://console.zenlayer.com:8443/api/v2/zec").GetHeader("Authorization"));
        Assert.NotEqual(baseline, Signed("https://console.zenlayer.com/api/v2/zec", r => r.SetHeader("Content-Type", "application/json; charset=utf-8")).GetHeader("Authorization"));
        Assert.NotEqual(baseline, Signed("https://console.zenlayer.com/api/v2/zec", r => r.Body = Crypto.Utf8Bytes("{\"pageNum\":2}")).GetHeader("Authorization"));
    }

    private static ApiRequest Signed(string uri, Action<ApiRequest>? change = null)
    {
        var request = new ApiRequest(HttpMethod.Post, new Uri(uri), "DescribeImages") { Body = Crypto.Utf8Bytes("{\"pageNum\":1}") };
        request.SetHeader("Content-Type", "application/json");
        request.SetHeader("X-ZC-Action", "DescribeImages");
        change?.Invoke(request);
        ZenlayerSigner.Sign(request, new AccessKeyCredential("0D9UtpyKYcHxms5v", new Secret("Gu5t9xGARNpq86cd98joQYCN3")), 1673361177);
        return request;
    }
}

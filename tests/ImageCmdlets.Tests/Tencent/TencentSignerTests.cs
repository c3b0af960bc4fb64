using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Tencent;
using ImageCmdlets.Transport;
using ImageCmdlets.Tests.Support;
using Xunit;

namespace ImageCmdlets.Tests.Tencent;

/// <summary>The TC3-HMAC-SHA256 signer against every official worked example in TestVectors/.</summary>
public sealed class TencentSignerTests
{
    public static IEnumerable<object[]> Vectors() => SigningVectors.Named("tencent-tc3-");

    [Fact]
    public void Every_tc_3_vector_file_is_exercised()
    {
        // Guards against the theory silently running on nothing (vectors not copied to the output).
        Assert.True(Vectors().Count() >= 5, $"expected the five tencent-tc3-* vectors in {SigningVectors.Folder}");
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reproduces_every_published_intermediate_value(string file)
    {
        var vector = SigningVectors.Read(file);
        var input = vector["input"]!;
        var expected = vector["expected"]!;

        var query = input.GetArray("query").Select(p => new KeyValuePair<string, string>(p.Items[0].AsString()!, p.Items[1].AsString()!)).ToList();
        var headers = input["headers"]!.Properties.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.AsString()!)).ToList();
        var signature = TencentSigner.Compute(new TencentSigningInput
        {
            Method = input.GetString("method")!,
            CanonicalUri = input.GetString("path")!,
            // TC3 signs a GET query exactly as sent: the pairs in order, RFC 3986-encoded.
            CanonicalQueryString = string.Join("&", query.Select(p => Crypto.PercentEncode(p.Key) + "=" + Crypto.PercentEncode(p.Value))),
            Headers = headers,
            SignedHeaders = input.GetString("signed_headers")!.Split(';'),
            Payload = Crypto.Utf8Bytes(input.GetString("body")!),
            SecretId = input.GetString("access_key_id")!,
            Timestamp = input.GetInt64("timestamp")!.Value,
            Service = input.GetString("service")!,
        }, new Secret(input.GetString("secret")!));

        Assert.Equal(input.GetString("date"), signature.Date);
        Assert.Equal(expected.GetString("payload_hash"), signature.PayloadHash);
        Assert.Equal(expected.GetString("canonical_request"), signature.CanonicalRequest);
        Assert.Equal(expected.GetString("canonical_request_hash"), signature.CanonicalRequestHash);
        Assert.Equal(expected.GetString("string_to_sign"), signature.StringToSign);
        var keys = expected["derived_keys"]!;
        Assert.Equal(keys.GetString("secret_date"), signature.SecretDateHex);
        Assert.Equal(keys.GetString("secret_service"), signature.SecretServiceHex);
        Assert.Equal(keys.GetString("secret_signing"), signature.SecretSigningHex);
        Assert.Equal(expected.GetString("signature"), signature.Signature);
        Assert.Equal(expected.GetString("authorization"), signature.Authorization);
    }

    [Fact]
    public void Scope_date_is_the_utc_date_not_the_local_one()
    {
        // 2019-02-26 00:44:25 in UTC+8 is still 2019-02-25 in UTC.
        var signature = TencentSigner.Compute(new TencentSigningInput { Timestamp = 1551113065, Service = "cvm" }, new Secret("k"));
        Assert.Equal("2019-02-25/cvm/tc3_request", signature.CredentialScope);
    }

    [Fact]
    public void Sign_adds_the_common_headers_and_an_authorization_over_what_is_sent()
    {
        var request = new ApiRequest(HttpMethod.Post, new Uri("http://127.0.0.1:8123/"), "DeleteImages")
        {
            Body = Crypto.Utf8Bytes("{\"ImageIds\":[\"img-mfih409y\"],\"DeleteBindedSnap\":false,\"DryRun\":true}"),
        };
        request.SetHeader("Content-Type", "application/json");
        var credential = new AccessKeyCredential("AKIDexample", new Secret("secret-value"), new Secret("session-token-value"));

        TencentSigner.Sign(request, credential, "cvm", "2017-03-12", "ap-shanghai", 1551113065);

        Assert.Equal("DeleteImages", request.GetHeader("X-TC-Action"));
        Assert.Equal("2017-03-12", request.GetHeader("X-TC-Version"));
        Assert.Equal("1551113065", request.GetHeader("X-TC-Timestamp"));
        Assert.Equal("ap-shanghai", request.GetHeader("X-TC-Region"));
        Assert.Equal("session-token-value", request.GetHeader("X-TC-Token"));
        // Recomputed independently from the headers as they will be sent (Host from the URI, with its port).
        var recomputed = TencentSigner.Compute(new TencentSigningInput
        {
            Method = "POST",
            Headers = new[]
            {
                new KeyValuePair<string, string>("content-type", "application/json"),
                new KeyValuePair<string, string>("host", "127.0.0.1:8123"),
                new KeyValuePair<string, string>("x-tc-action", "DeleteImages"),
            },
            SignedHeaders = new[] { "content-type", "host", "x-tc-action" },
            Payload = request.Body,
            SecretId = "AKIDexample",
            Timestamp = 1551113065,
            Service = "cvm",
        }, new Secret("secret-value"));
        Assert.Contains("x-tc-action:deleteimages\n", recomputed.CanonicalRequest);
        Assert.Equal(recomputed.Authorization, request.GetHeader("Authorization"));
        Assert.DoesNotContain("secret-value", request.GetHeader("Authorization"));
        Assert.DoesNotContain("session-token-value", request.GetHeader("Authorization"));
        Assert.DoesNotContain("secret-value", recomputed.ToString());
    }

    [Fact]
    public void Permanent_keys_send_no_token()
    {
        var request = new ApiRequest(HttpMethod.Post, new Uri("https://cvm.tencentcloudapi.com/"), "DescribeImages") { Body = Crypto.Utf8Bytes("{}") };
        request.SetHeader("Content-Type", "application/json");
        TencentSigner.Sign(request, new AccessKeyCredential("AKIDexample", new Secret("s")), "cvm", "2017-03-12", "ap-guangzhou", 1700000000);
        Assert.Null(request.GetHeader("X-TC-Token"));
        Assert.StartsWith("TC3-HMAC-SHA256 Credential=AKIDexample/2023-11-14/cvm/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=",
            request.GetHeader("Authorization"));
    }
}

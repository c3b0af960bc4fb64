using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;
using ImageCmdlets.Providers.Volcengine;
using ImageCmdlets.Transport;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Volcengine;

/// <summary>Volcengine's HMAC-SHA256 signer against the official worked examples (TestVectors/volcengine-*.json).</summary>
public sealed class VolcengineSignerTests
{
    public static IEnumerable<object[]> Vectors() => SigningVectors.Named("volcengine-");

    private static (JsonValue Input, JsonValue Expected) Load(string file)
    {
        var vector = SigningVectors.Read(file);
        return (vector["input"]!, vector["expected"]!);
    }

    private static List<KeyValuePair<string, string>> Pairs(JsonValue input) =>
        input.GetArray("query").Select(p => new KeyValuePair<string, string>(p.Items[0].AsString()!, p.Items[1].AsString()!)).ToList();

    private static VolcengineSignature Sign(JsonValue input) => VolcengineSigner.Compute(new VolcengineSigningInput
    {
        Method = input.GetString("method")!,
        CanonicalUri = input.GetString("path")!,
        Query = Pairs(input),
        Headers = input["headers"]!.Properties.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.AsString()!)).ToList(),
        SignedHeaders = input.GetString("signed_headers")!.Split(';'),
        Payload = Crypto.Utf8Bytes(input.GetString("body")!),
        AccessKeyId = input.GetString("access_key_id")!,
        XDate = input.GetString("timestamp")!,
        Region = input.GetString("region")!,
        Service = input.GetString("service")!,
    }, new Secret(input.GetString("secret")!));

    [Fact]
    public void Every_volcengine_vector_file_is_exercised()
    {
        // Guards against the theory silently running on nothing (vectors not copied to the output).
        Assert.True(Vectors().Count() >= 2, $"expected the two volcengine-* vectors in {SigningVectors.Folder}");
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reproduces_every_published_intermediate_value(string file)
    {
        var (input, expected) = Load(file);

        var signature = Sign(input);

        var canonicalRequest = expected.GetString("canonical_request")!;
        // The canonical headers are the block between the query line and the blank line.
        var expectedHeaders = string.Concat(canonicalRequest.Split('\n').Skip(3).TakeWhile(l => l.Length > 0).Select(l => l + "\n"));
        Assert.Equal(expected.GetString("payload_hash"), signature.PayloadHash);
        Assert.Equal(expected.GetString("canonical_query_string"), signature.CanonicalQueryString);
        Assert.Equal(expectedHeaders, signature.CanonicalHeaders);
        Assert.Equal(input.GetString("signed_headers"), signature.SignedHeaders);
        Assert.Equal(canonicalRequest, signature.CanonicalRequest);
        Assert.Equal(expected.GetString("canonical_request_hash"), signature.CanonicalRequestHash);
        Assert.Equal(input.GetString("date"), signature.Date);
        Assert.Equal(expected.GetString("string_to_sign"), signature.StringToSign);
        var keys = expected["derived_keys"]!;
        Assert.Equal(keys.GetString("k_date"), signature.KDateHex);
        Assert.Equal(keys.GetString("k_region"), signature.KRegionHex);
        Assert.Equal(keys.GetString("k_service"), signature.KServiceHex);
        Assert.Equal(keys.GetString("k_signing"), signature.KSigningHex);
        Assert.Equal(expected.GetString("signature"), signature.Signature);
        Assert.Equal(expected.GetString("authorization"), signature.Authorization);
        Assert.DoesNotContain(input.GetString("secret")!, signature.ToString());
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_secret_is_the_key_as_written_not_its_base_64_decoding(string file)
    {
        var (input, expected) = Load(file);
        var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(input.GetString("secret")!));
        var signature = VolcengineSigner.Compute(new VolcengineSigningInput
        {
            XDate = input.GetString("timestamp")!,
            Region = input.GetString("region")!,
            Service = input.GetString("service")!,
        }, new Secret(decoded));
        Assert.NotEqual(expected["derived_keys"]!.GetString("k_date"), signature.KDateHex);
    }

    /// <summary>
    /// The module's own form of the current published example: the same request sent by the provider's signer,
    /// which adds X-Content-Sha256 and signs it too (the official Python SDK's form). Its canonical request is the
    /// published one plus exactly that header line, and it is signed with the published signing key.
    /// </summary>
    [Fact]
    public void The_module_signs_the_published_example_with_x_content_sha_256_added()
    {
        var (input, expected) = Load("volcengine-listusers-2024.json");
        var uri = new Uri("https://iam.volcengineapi.com/?" + CanonicalRequest.SortedQuery(Pairs(input)));
        var request = new ApiRequest(HttpMethod.Get, uri, "ListUsers");
        var now = new DateTimeOffset(2024, 6, 19, 7, 13, 6, TimeSpan.Zero);

        VolcengineSigner.Sign(request, new AccessKeyCredential(input.GetString("access_key_id")!, new Secret(input.GetString("secret")!)), "cn-beijing", "iam", now);

        Assert.Equal(input.GetString("timestamp"), request.GetHeader("X-Date"));
        Assert.Equal(expected.GetString("payload_hash"), request.GetHeader("X-Content-Sha256"));
        var published = expected.GetString("canonical_request")!;
        var ours = published
            .Replace("x-date:", "x-content-sha256:" + expected.GetString("payload_hash") + "\nx-date:", StringComparison.Ordinal)
            .Replace("\nhost;x-date\n", "\nhost;x-content-sha256;x-date\n", StringComparison.Ordinal);
        var recomputed = VolcengineSigner.Compute(new VolcengineSigningInput
        {
            Query = Pairs(input),
            Headers = request.Headers.Append(new("Host", "iam.volcengineapi.com")).ToList(),
            SignedHeaders = new[] { "host", "x-content-sha256", "x-date" },
            AccessKeyId = input.GetString("access_key_id")!,
            XDate = input.GetString("timestamp")!,
            Region = "cn-beijing",
            Service = "iam",
        }, new Secret(input.GetString("secret")!));
        Assert.Equal(ours, recomputed.CanonicalRequest);
        Assert.Equal(expected["derived_keys"]!.GetString("k_signing"), recomputed.KSigningHex);
        Assert.Equal(recomputed.Authorization, request.GetHeader("Authorization"));
        Assert.StartsWith($"HMAC-SHA256 Credential={input.GetString("access_key_id")}/20240619/cn-beijing/iam/request, SignedHeaders=host;x-content-sha256;x-date, Signature=",
            request.GetHeader("Authorization"));
    }

    [Fact]
    public void Sign_signs_the_token_too_and_the_host_with_its_port()
    {
        var request = new ApiRequest(HttpMethod.Get, new Uri("http://127.0.0.1:8123/?Action=DeleteImages&DeleteBindedSnapshots=false&ImageIds.1=image-ydi2wozhozfu03z20000&Version=2020-04-01"), "DeleteImages");
        var credential = new AccessKeyCredential("AKTPexample", new Secret("secret-value"), new Secret("session-token-value"));

        VolcengineSigner.Sign(request, credential, "cn-shanghai", "ecs", new DateTimeOffset(2025, 2, 3, 4, 5, 6, TimeSpan.Zero));

        Assert.Equal("20250203T040506Z", request.GetHeader("X-Date"));
        Assert.Equal("session-token-value", request.GetHeader("X-Security-Token"));
        var recomputed = VolcengineSigner.Compute(new VolcengineSigningInput
        {
            Query = CanonicalRequest.ParseQuery(request.Uri.Query),
            Headers = new KeyValuePair<string, string>[]
            {
                new("host", "127.0.0.1:8123"),
                new("x-content-sha256", Crypto.Sha256Hex(Array.Empty<byte>())),
                new("x-date", "20250203T040506Z"),
                new("x-security-token", "session-token-value"),
            },
            SignedHeaders = new[] { "host", "x-content-sha256", "x-date", "x-security-token" },
            AccessKeyId = "AKTPexample",
            XDate = "20250203T040506Z",
            Region = "cn-shanghai",
            Service = "ecs",
        }, new Secret("secret-value"));
        Assert.Contains("host:127.0.0.1:8123\n", recomputed.CanonicalRequest);
        Assert.Contains("\nx-security-token:session-token-value\n\nhost;x-content-sha256;x-date;x-security-token\n", recomputed.CanonicalRequest);
        Assert.Equal(recomputed.Authorization, request.GetHeader("Authorization"));
        Assert.DoesNotContain("secret-value", request.GetHeader("Authorization"));
        Assert.DoesNotContain("session-token-value", request.GetHeader("Authorization"));
    }

    [Fact]
    public void Permanent_keys_send_no_token_and_the_scope_date_is_utc()
    {
        var request = new ApiRequest(HttpMethod.Get, new Uri("https://open.volcengineapi.com/?Action=DescribeImages&Version=2020-04-01"), "DescribeImages");
        // 01:30 on 20 June in UTC+8 is still 19 June in UTC.
        VolcengineSigner.Sign(request, new AccessKeyCredential("AKLTexample", new Secret("s")), "cn-beijing", "ecs",
            new DateTimeOffset(2024, 6, 20, 1, 30, 0, TimeSpan.FromHours(8)));
        Assert.Null(request.GetHeader("X-Security-Token"));
        Assert.Equal("20240619T173000Z", request.GetHeader("X-Date"));
        Assert.StartsWith("HMAC-SHA256 Credential=AKLTexample/20240619/cn-beijing/ecs/request, SignedHeaders=host;x-content-sha256;x-date, Signature=",
            request.GetHeader("Authorization"));
    }
}

using System;
using System.Net.Http;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using ImageCmdlets.Providers.Alibaba;
using ImageCmdlets.Providers.Tencent;
using ImageCmdlets.Providers.Volcengine;
using ImageCmdlets.Providers.Zenlayer;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Bench;

/// <summary>Signing one delete request of 50 ids, as each provider's session does before every call.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class SignerBenchmarks
{
    private static readonly AccessKeyCredential Credential = new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", new Secret("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"));
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"ImageIds\":[" + string.Join(",", new string[50].AsSpan().ToArray().Select((_, i) => $"\"img-{i:d8}\"")) + "],\"DeleteBindedSnap\":false}");

    private static ApiRequest Request(HttpMethod method, string uri, string action, bool withBody)
    {
        var request = new ApiRequest(method, new Uri(uri), action);
        request.SetHeader("Content-Type", "application/json; charset=utf-8");
        if (withBody) request.Body = Body;
        return request;
    }

    [Benchmark(Description = "Tencent TC3-HMAC-SHA256")]
    public ApiRequest Tencent()
    {
        var request = Request(HttpMethod.Post, "https://cvm.tencentcloudapi.com/", "DeleteImages", true);
        TencentSigner.Sign(request, Credential, "cvm", "2017-03-12", "ap-guangzhou", Now.ToUnixTimeSeconds());
        return request;
    }

    [Benchmark(Description = "Alibaba ACS3-HMAC-SHA256")]
    public ApiRequest Alibaba()
    {
        var request = Request(HttpMethod.Post, "https://ecs.cn-hangzhou.aliyuncs.com/?RegionId=cn-hangzhou&ImageId=m-bp1g7004ksh0oeuco5ls&Force=false", "DeleteImage", false);
        AlibabaSigner.Sign(request, "DeleteImage", AlibabaProvider.Version, Credential, Now, "3156853299f313e23d1673dc12e1703d");
        return request;
    }

    [Benchmark(Description = "Volcengine HMAC-SHA256")]
    public ApiRequest Volcengine()
    {
        var request = Request(HttpMethod.Post, "https://open.volcengineapi.com/?Action=DeleteImages&Version=2020-04-01", "DeleteImages", true);
        VolcengineSigner.Sign(request, Credential, "cn-beijing", "ecs", Now);
        return request;
    }

    [Benchmark(Description = "Zenlayer ZC2-HMAC-SHA256")]
    public ApiRequest Zenlayer()
    {
        var request = Request(HttpMethod.Post, "https://console.zenlayer.com/api/v2/zec", "DeleteImages", true);
        ZenlayerSigner.Sign(request, Credential, Now.ToUnixTimeSeconds());
        return request;
    }
}

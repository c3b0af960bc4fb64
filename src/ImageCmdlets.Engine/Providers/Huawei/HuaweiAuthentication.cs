using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Huawei;

/// <summary>
/// AK/SK signing (SDK-HMAC-SHA256) for IMS calls: the project in X-Project-Id (every IMS call is project-scoped),
/// X-Security-Token for a temporary key. When the gateway refuses the request time and its Date header tells
/// its own, the request is signed again with the cloud's time (<see cref="SigningClock"/>).
/// </summary>
internal sealed class HuaweiAccessKeyAuthenticator : IRequestAuthenticator
{
    private readonly AccessKeyCredential _key;
    private readonly HttpTransport _transport;

    public HuaweiAccessKeyAuthenticator(AccessKeyCredential key, string projectId, HttpTransport transport)
    {
        _key = key;
        ProjectId = projectId;
        _transport = transport;
    }

    public string? ProjectId { get; }
    /// <summary>IMS lets nobody delete another project's images.</summary>
    public bool IsAdmin => false;

    /// <summary>The clock the signatures are stamped with; tests move it.</summary>
    internal SigningClock Clock { get; } = new();

    public async Task<HttpExchange> SendAsync(ApiRequest request, CallContext context)
    {
        var answer = await SendSignedAsync(request, context).ConfigureAwait(false);
        if (!HuaweiErrors.IsExpiredRequestTime(answer) || !Clock.Learn(answer, context)) return answer;
        return await SendSignedAsync(request, context).ConfigureAwait(false);
    }

    private Task<HttpExchange> SendSignedAsync(ApiRequest request, CallContext context)
    {
        request.ReadErrorCode ??= HuaweiErrors.CodeOf;
        request.SetHeader("User-Agent", ModuleIdentity.UserAgent);
        request.SetHeader("X-Project-Id", ProjectId!);
        if (_key.SessionToken is { } token) request.SetHeader("X-Security-Token", token.Reveal());
        HuaweiSigner.Sign(request, _key, Clock.Now());
        return _transport.SendAsync(request, context);
    }
}

/// <summary>An IAM token (X-Auth-Token), from IAM's Keystone-compatible token API or given as is; names the module as User-Agent.</summary>
internal sealed class HuaweiTokenAuthenticator : IRequestAuthenticator
{
    private readonly KeystoneAuthenticator _token;

    public HuaweiTokenAuthenticator(KeystoneAuthenticator token) => _token = token;

    public string? ProjectId => _token.ProjectId;
    public bool IsAdmin => false;

    public Task<HttpExchange> SendAsync(ApiRequest request, CallContext context)
    {
        request.ReadErrorCode ??= HuaweiErrors.CodeOf;
        request.SetHeader("User-Agent", ModuleIdentity.UserAgent);
        return _token.SendAsync(request, context);
    }
}

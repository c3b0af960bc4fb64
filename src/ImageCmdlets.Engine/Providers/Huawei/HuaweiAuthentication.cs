using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers.Glance;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Huawei;

/// <summary>
/// AK/SK signing (SDK-HMAC-SHA256) for IMS calls: the project in X-Project-Id (every IMS call is project-scoped),
/// X-Security-Token for a temporary key. Without a project id, the one named like the region is looked up in IAM
/// (GET /v3/projects?name=&lt;region&gt;, signed with the same key) before the first call, as the SDKs do. When the
/// gateway refuses the request time and its Date header tells its own, the request is signed again with the
/// cloud's time (<see cref="SigningClock"/>).
/// </summary>
internal sealed class HuaweiAccessKeyAuthenticator : IRequestAuthenticator
{
    private readonly AccessKeyCredential _key;
    private readonly HttpTransport _transport;
    private readonly string _region;
    private readonly Uri? _iam;
    private readonly SemaphoreSlim _lookup = new(1, 1);
    private string? _projectId;

    /// <summary>Signs with <paramref name="key"/>; <paramref name="iam"/> is where to look the project up when <paramref name="projectId"/> is null.</summary>
    public HuaweiAccessKeyAuthenticator(AccessKeyCredential key, string? projectId, string region, Uri? iam, HttpTransport transport)
    {
        _key = key;
        _projectId = projectId;
        _region = region;
        _iam = iam;
        _transport = transport;
    }

    /// <summary>The project; null until it has been looked up (before the first call).</summary>
    public string? ProjectId => Volatile.Read(ref _projectId);
    /// <summary>IMS lets nobody delete another project's images.</summary>
    public bool IsAdmin => false;

    /// <summary>The clock the signatures are stamped with; tests move it.</summary>
    internal SigningClock Clock { get; } = new();

    public async Task<HttpExchange> SendAsync(ApiRequest request, CallContext context)
    {
        if (ProjectId is null) await LookUpProjectAsync(context).ConfigureAwait(false);
        var answer = await SendSignedAsync(request, context).ConfigureAwait(false);
        if (!HuaweiErrors.IsExpiredRequestTime(answer) || !Clock.Learn(answer, context)) return answer;
        return await SendSignedAsync(request, context).ConfigureAwait(false);
    }

    /// <summary>IAM's KeystoneListProjects for the region's project, once for every caller; a failure stops the run.</summary>
    private async Task LookUpProjectAsync(CallContext context)
    {
        await _lookup.WaitAsync(context.Cancellation).ConfigureAwait(false);
        try
        {
            if (ProjectId is not null) return;
            var request = new ApiRequest(HttpMethod.Get, new Uri(_iam!.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/projects?name=" + Crypto.PercentEncode(_region)),
                "KeystoneListProjects") { Subject = _region };
            var answer = await SendSignedAsync(request, context, project: null).ConfigureAwait(false);
            if (HuaweiErrors.IsExpiredRequestTime(answer) && Clock.Learn(answer, context))
                answer = await SendSignedAsync(request, context, project: null).ConfigureAwait(false);
            if (!answer.IsSuccess)
                throw new CloudApiException(HuaweiErrors.ProviderError(answer, "KeystoneListProjects")
                    ?? new CloudApiError("ProjectLookupFailed", answer.StatusCode is 401 or 403 ? ErrorKind.Authentication : ErrorKind.InvalidConfiguration,
                        $"Looking up the project of region {_region} in IAM failed (HTTP {answer.StatusCode}).", answer.RequestId, answer.StatusCode));
            var id = answer.Json?.GetArray("projects").Select(p => p.GetString("id")).FirstOrDefault(p => p is not null && HuaweiCredentials.IsProjectId(p));
            Volatile.Write(ref _projectId, id ?? throw new CloudApiException(new CloudApiError("MissingProject", ErrorKind.InvalidConfiguration,
                $"IAM knows no project named {_region} for this key: set {HuaweiCredentials.ProjectIdVariable} to the region's project id.", answer.RequestId)));
            context.Log.Verbose($"Project of region {_region}: {id} (from IAM; set {HuaweiCredentials.ProjectIdVariable} to skip this look-up)");
        }
        finally
        {
            _lookup.Release();
        }
    }

    private Task<HttpExchange> SendSignedAsync(ApiRequest request, CallContext context) => SendSignedAsync(request, context, ProjectId);

    private Task<HttpExchange> SendSignedAsync(ApiRequest request, CallContext context, string? project)
    {
        request.ReadErrorCode ??= HuaweiErrors.CodeOf;
        request.SetHeader("User-Agent", ModuleIdentity.UserAgent);
        if (project is not null) request.SetHeader("X-Project-Id", project);
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

using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers;

/// <summary>The credential and region a provider's credential resolution settles on for one session.</summary>
public sealed class AccessKeySettings
{
    public AccessKeySettings(AccessKeyCredential credential, string region)
    {
        Credential = credential;
        Region = region;
    }

    public AccessKeyCredential Credential { get; }
    public string Region { get; }
}

/// <summary>
/// What every session of a provider that signs requests with an access key pair holds: the key, the
/// region, the endpoint, the transport and the clock that stamps signatures.
/// </summary>
internal abstract class AccessKeySession : IImageSession
{
    private protected AccessKeySession(ImageProvider provider, AccessKeySettings settings, Uri endpoint, HttpTransport transport)
    {
        Provider = provider;
        Credential = settings.Credential;
        Region = settings.Region;
        ApiRoot = endpoint;
        Transport = transport;
    }

    public ImageProvider Provider { get; }
    public string Region { get; }
    /// <summary>The access key id (not a secret).</summary>
    public string Account => Credential.Id;

    private protected AccessKeyCredential Credential { get; }
    /// <summary>The API root the calls are made to.</summary>
    private protected Uri ApiRoot { get; }
    public string Endpoint => EndpointPolicy.Display(ApiRoot);
    private protected HttpTransport Transport { get; }

    private readonly SigningClock _clock = new();

    /// <summary>This computer's clock; tests move it to check the service's time window.</summary>
    internal Func<DateTimeOffset> Clock { get => _clock.Clock; set => _clock.Clock = value; }

    /// <summary>The time to sign with: this computer's clock, corrected by what the cloud said its time is.</summary>
    private protected DateTimeOffset Now() => _clock.Now();

    /// <summary>The provider's error codes (a refused request time is recognised among them).</summary>
    private protected abstract ErrorCodeMap ErrorCodes { get; }

    /// <summary>
    /// Sends a request signed for the current time. When the cloud refuses the time (the computer's clock
    /// is off) and its Date header tells its own, later requests are signed with the cloud's time and this
    /// one is sent once more: a run at 3 a.m. should not fail because of a drifting clock.
    /// </summary>
    private protected async Task<HttpExchange> SendSignedAsync(Func<DateTimeOffset, ApiRequest> build, CallContext context)
    {
        var request = build(Now());
        var exchange = await Transport.SendAsync(request, context).ConfigureAwait(false);
        if (ErrorCodes.KindOf(request.ReadErrorCode?.Invoke(exchange)) != ErrorKind.ClockSkew || !_clock.Learn(exchange, context))
            return exchange;
        return await Transport.SendAsync(build(Now()), context).ConfigureAwait(false);
    }

    public abstract Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context);
    public abstract Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context);
    public abstract Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context);
    public abstract IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options);

    /// <summary>What a call is about, for its verbose line: the region and the first few ids.</summary>
    private protected string Subject(IReadOnlyList<string> ids) => ProviderValues.Subject(Region, ids);
}

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
        Endpoint = endpoint;
        Transport = transport;
    }

    public ImageProvider Provider { get; }
    public string Region { get; }
    /// <summary>The access key id (not a secret).</summary>
    public string Account => Credential.Id;

    private protected AccessKeyCredential Credential { get; }
    private protected Uri Endpoint { get; }
    private protected HttpTransport Transport { get; }

    /// <summary>The clock that stamps signed requests; tests move it to check the service's time window.</summary>
    internal Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    public abstract Task<ImagePage> ListImagesAsync(ImageQuery query, string? pageToken, CallContext context);
    public abstract Task<IReadOnlyList<CloudImage>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CallContext context);
    public abstract Task<IReadOnlyList<ImageDeleteResult>> DeleteImagesAsync(IReadOnlyList<string> imageIds, DeleteOptions options, CallContext context);
    public abstract IReadOnlyList<DeletabilityReason> AssessImage(CloudImage image, DeleteOptions options);

    /// <summary>What a call is about, for its verbose line: the region and the first few ids.</summary>
    private protected string Subject(IReadOnlyList<string> ids) => ProviderValues.Subject(Region, ids);
}

using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers;

/// <summary>
/// What every session of a provider that signs requests with an access key pair holds: the key, the
/// region, the endpoint, the transport and the clock that stamps signatures.
/// </summary>
internal abstract class AccessKeyProvider : IImageProvider
{
    private readonly ProviderDefinition _definition;

    private protected AccessKeyProvider(ProviderDefinition definition, AccessKeyCredential credential, string region, Uri endpoint, HttpTransport transport)
    {
        _definition = definition;
        Credential = credential;
        Region = region;
        Endpoint = endpoint;
        Transport = transport;
    }

    ProviderDefinition IImageProvider.Definition => _definition;
    public ProviderCapabilities Capabilities => _definition.Capabilities;
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
}

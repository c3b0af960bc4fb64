using System;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers;

/// <summary>
/// A provider whose calls are signed with an access key pair: connecting is resolving the key and region
/// (parameters, environment, CLI files), picking the endpoint (the region's, or -Endpoint), and opening
/// a session. No call is made until the first API call.
/// </summary>
internal abstract class AccessKeyProvider : ImageProvider
{
    protected sealed override IImageSession OpenSession(ConnectionRequest request)
    {
        var settings = ResolveCredentials(request);
        return CreateSession(settings, ProviderValues.ApiRoot(request.Endpoint, StandardEndpoint(settings.Region)), request.Transport);
    }

    /// <summary>The key and region, the provider's own way (its environment variables and CLI files).</summary>
    protected abstract AccessKeySettings ResolveCredentials(ConnectionRequest request);

    /// <summary>The API's own endpoint for a region.</summary>
    protected internal abstract Uri StandardEndpoint(string region);

    protected abstract IImageSession CreateSession(AccessKeySettings settings, Uri endpoint, HttpTransport transport);
}

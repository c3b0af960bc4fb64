using System.Threading.Tasks;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers.Glance;

/// <summary>
/// How requests to a Glance-shaped image API are authenticated, apart from the image calls
/// themselves: a Keystone token (OpenStack), or Huawei's AK/SK signing or IAM token (Huawei IMS).
/// </summary>
internal interface IRequestAuthenticator
{
    /// <summary>Sends the request with credentials added; a refused token is renewed at most once.</summary>
    Task<HttpExchange> SendAsync(ApiRequest request, CallContext context);

    /// <summary>The project the caller acts in (images of other projects are not its own); null when unknown.</summary>
    string? ProjectId { get; }

    /// <summary>The caller may delete any project's images (OpenStack's admin role).</summary>
    bool IsAdmin { get; }
}

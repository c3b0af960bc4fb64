using System;
using System.Net;

namespace ImageCmdlets.Transport;

/// <summary>
/// Checks endpoints before any call: https, or plain http only on the loopback interface; never a user
/// name or password inside the URL (it would be sent and logged as part of it).
/// </summary>
public static class EndpointPolicy
{
    /// <summary>Parses an -Endpoint value; a bare host name means https.</summary>
    public static Uri Parse(string endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
            throw new ImageCmdletsConfigurationException("InvalidEndpoint", "The endpoint is empty.");
        var text = endpoint.Trim();
        if (!text.Contains("://")) text = "https://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            // The text itself is not repeated: it may hold a password.
            throw new ImageCmdletsConfigurationException("InvalidEndpoint", "The endpoint is not a valid URL (expected https://host[:port]).");
        return Require(uri, "endpoint");
    }

    /// <summary>Refuses anything but https, except http to a loopback address (local emulators and test clouds).</summary>
    public static Uri Require(Uri uri, string what)
    {
        if (uri.UserInfo.Length > 0)
            throw new ImageCmdletsConfigurationException("CredentialInEndpoint",
                $"The {what} '{Display(uri)}' carries a user name or password in the URL. That is refused (it would travel and be logged with every request): give credentials with -Credential, the environment or a profile.");
        if (uri.Fragment.Length > 0)
            throw new ImageCmdletsConfigurationException("InvalidEndpoint", $"The {what} '{Display(uri)}' has a fragment ('#…'), which is never sent: remove it.");
        if (uri.Scheme == Uri.UriSchemeHttps) return uri;
        if (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)) return uri;
        if (uri.Scheme == Uri.UriSchemeHttp)
            throw new ImageCmdletsConfigurationException("InsecureEndpoint",
                $"The {what} '{Display(uri)}' uses plain http. Credentials would cross the network unencrypted; use https (plain http is accepted only for 127.0.0.1, ::1 and localhost).");
        throw new ImageCmdletsConfigurationException("InvalidEndpoint", $"The {what} '{Display(uri)}' must use https.");
    }

    /// <summary>Scheme, host and port only: what may appear in a message or a log line.</summary>
    public static string Display(Uri uri) => uri.Scheme + "://" + (uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static bool IsLoopback(Uri uri)
    {
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        var host = uri.Host.Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}

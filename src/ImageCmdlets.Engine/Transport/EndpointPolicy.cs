using System;
using System.Net;

namespace ImageCmdlets.Transport;

/// <summary>Checks endpoints before any call: https, or plain http only on the loopback interface.</summary>
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
            throw new ImageCmdletsConfigurationException("InvalidEndpoint", $"'{endpoint}' is not a valid endpoint URL.");
        return Require(uri, "endpoint");
    }

    /// <summary>Refuses anything but https, except http to a loopback address (local emulators and test clouds).</summary>
    public static Uri Require(Uri uri, string what)
    {
        if (uri.Scheme == Uri.UriSchemeHttps) return uri;
        if (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)) return uri;
        if (uri.Scheme == Uri.UriSchemeHttp)
            throw new ImageCmdletsConfigurationException("InsecureEndpoint",
                $"The {what} '{uri.GetLeftPart(UriPartial.Authority)}' uses plain http. Credentials would cross the network unencrypted; use https (plain http is accepted only for 127.0.0.1, ::1 and localhost).");
        throw new ImageCmdletsConfigurationException("InvalidEndpoint", $"The {what} '{uri.GetLeftPart(UriPartial.Authority)}' must use https.");
    }

    public static bool IsLoopback(Uri uri)
    {
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        var host = uri.Host.Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using ImageCmdlets.Credentials;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Providers;

/// <summary>
/// One kind of cloud the module knows (the -Provider value): its name, capabilities, known regions and
/// how to connect. Each provider is one subclass, registered once in <see cref="ProviderRegistry"/>;
/// everything it declares is instance data, so no initialisation order can leave any of it unset.
/// </summary>
public abstract class ImageProvider
{
    /// <summary>The -Provider value.</summary>
    public abstract string Name { get; }
    public abstract ProviderCapabilities Capabilities { get; }
    /// <summary>Regions offered by tab completion (not a limit: other regions are accepted).</summary>
    public abstract IReadOnlyList<string> KnownRegions { get; }
    /// <summary>One line telling a user where credentials are read from, for error messages.</summary>
    public abstract string CredentialHelp { get; }

    /// <summary>
    /// The profiles -ProfileName can name: those the provider's CLI files hold, sorted (tab completion).
    /// Never throws: a file that is missing or cannot be read lists nothing.
    /// </summary>
    public IReadOnlyList<string> ProfileNames(IEnvironmentReader environment)
    {
        try
        {
            return ListProfiles(environment).Where(n => !string.IsNullOrWhiteSpace(n))
                .Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray();
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or ImageCmdletsConfigurationException or FormatException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>The profile names in the provider's credential files (the same files <see cref="Connect"/> reads).</summary>
    protected abstract IEnumerable<string> ListProfiles(IEnvironmentReader environment);

    /// <summary>
    /// Resolves credentials, region and endpoint and returns a session. Throws
    /// <see cref="ImageCmdletsConfigurationException"/> when nothing can start. A region that is not
    /// shaped like one of this provider's (it would end up in a host name or a header) is refused
    /// before anything is sent, whether it came from -Region, a CSV row, the environment or a profile.
    /// </summary>
    public IImageSession Connect(ConnectionRequest request)
    {
        RequireRegionShape(request.Region);
        var session = OpenSession(request);
        RequireRegionShape(session.Region);
        return session;
    }

    /// <summary>Resolves credentials, region and endpoint and returns a session. May make calls
    /// (OpenStack asks Keystone for a token here).</summary>
    protected abstract IImageSession OpenSession(ConnectionRequest request);

    private void RequireRegionShape(string? region)
    {
        if (string.IsNullOrEmpty(region) || Capabilities.RegionPattern.IsMatch(region)) return;
        // Shown escaped: a region with a line break or control character must not bend the message either.
        throw new ImageCmdletsConfigurationException("InvalidRegion",
            $"'{Escape(region!)}' is not a {Name} region id (for example {(KnownRegions.Count > 0 ? KnownRegions[0] : "region-1")}). Nothing was sent.",
            ErrorKind.InvalidArgument);
    }

    private static string Escape(string text)
    {
        var shown = text.Length > 64 ? text.Substring(0, 64) + "…" : text;
        var builder = new System.Text.StringBuilder(shown.Length);
        foreach (var c in shown) builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return builder.ToString();
    }

    public override string ToString() => Name;
}

/// <summary>What the user asked for; each provider resolves the rest (design.md §5).</summary>
public sealed class ConnectionRequest
{
    public string? Region { get; init; }
    /// <summary>-Endpoint: overrides the host (private clouds, emulators). http only on loopback.</summary>
    public Uri? Endpoint { get; init; }
    /// <summary>-Credential: user = access key id (or user name), password = secret.</summary>
    public AccessKeyCredential? Credential { get; init; }
    /// <summary>-ProfileName: a named profile of the provider's CLI; a missing profile is an error.</summary>
    public string? ProfileName { get; init; }
    public IEnvironmentReader Environment { get; init; } = ProcessEnvironment.Instance;
    public CallContext Context { get; init; } = new(default, NullApiLog.Instance);
    public HttpTransport Transport { get; init; } = HttpTransport.Shared;
}

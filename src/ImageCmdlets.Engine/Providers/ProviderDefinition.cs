using System;
using System.Collections.Generic;
using ImageCmdlets.Credentials;

namespace ImageCmdlets.Providers;

/// <summary>Describes one provider: its name, capabilities, known regions and how to connect.</summary>
public sealed class ProviderDefinition
{
    public ProviderDefinition(string name, ProviderCapabilities capabilities, IReadOnlyList<string> knownRegions,
        Func<ConnectionRequest, IImageProvider> connect, string credentialHelp)
    {
        Name = name;
        Capabilities = capabilities;
        KnownRegions = knownRegions;
        Connect = connect;
        CredentialHelp = credentialHelp;
    }

    /// <summary>The -Provider value.</summary>
    public string Name { get; }
    public ProviderCapabilities Capabilities { get; }
    /// <summary>Regions offered by tab completion (not a limit: other regions are accepted).</summary>
    public IReadOnlyList<string> KnownRegions { get; }
    /// <summary>
    /// Resolves credentials, region and endpoint and returns a session. Throws
    /// <see cref="ImageCmdletsConfigurationException"/> when nothing can start. May make calls
    /// (OpenStack asks Keystone for a token here).
    /// </summary>
    public Func<ConnectionRequest, IImageProvider> Connect { get; }
    /// <summary>One line telling a user where credentials are read from, for error messages.</summary>
    public string CredentialHelp { get; }
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
    public Transport.HttpTransport Transport { get; init; } = ImageCmdlets.Transport.HttpTransport.Shared;
}

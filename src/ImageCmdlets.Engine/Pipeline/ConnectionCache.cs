using System;
using System.Collections.Generic;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Pipeline;

/// <summary>The connection parameters a cmdlet invocation was given (the same for all its inputs).</summary>
public sealed class ConnectionOptions
{
    public string? Endpoint { get; init; }
    public AccessKeyCredential? Credential { get; init; }
    public string? ProfileName { get; init; }
    public IEnvironmentReader Environment { get; init; } = ProcessEnvironment.Instance;
    public HttpTransport Transport { get; init; } = HttpTransport.Shared;
    /// <summary>How -Provider names are looked up (the registry; tests substitute their own providers).</summary>
    public Func<string?, ImageProvider> FindProvider { get; init; } = ProviderRegistry.Find;

    /// <summary>True when the user named credentials or an endpoint, which then win over a piped image's own connection.</summary>
    public bool OverridesConnection => Endpoint is not null || Credential is not null || ProfileName is not null;
}

/// <summary>
/// One session per provider and region within a cmdlet invocation; a piped CloudImage keeps the
/// session that listed it (same account, region and endpoint) unless connection parameters were given.
/// </summary>
public sealed class ConnectionCache
{
    private readonly ConnectionOptions _options;
    private readonly Transport.CallContext _context;
    private readonly Dictionary<string, IImageSession> _sessions = new(StringComparer.OrdinalIgnoreCase);
    private Uri? _endpoint;

    public ConnectionCache(ConnectionOptions options, Transport.CallContext context)
    {
        _options = options;
        _context = context;
    }

    /// <summary>Validates what can be checked without any call (the endpoint), so bad input fails first.</summary>
    public ImageProvider FindProvider(string? name) => _options.FindProvider(name);

    public void Validate()
    {
        if (_options.Endpoint is { } endpoint) _endpoint = EndpointPolicy.Parse(endpoint);
    }

    public IImageSession For(ImageProvider provider, string? region, CloudImage? pipedImage = null)
    {
        if (pipedImage?.Connection is { } own && !_options.OverridesConnection
            && string.Equals(own.Provider.Name, provider.Name, StringComparison.OrdinalIgnoreCase)
            && (string.IsNullOrEmpty(region) || string.Equals(region, own.Region, StringComparison.OrdinalIgnoreCase)))
            return own;

        var key = provider.Name + "|" + (region ?? "");
        if (_sessions.TryGetValue(key, out var session)) return session;
        Validate();
        try
        {
            session = Connect(provider, region);
        }
        catch (ImageCmdletsConfigurationException ex)
        {
            // Credentials, region or endpoint of this provider: the message names which connection failed.
            // A region not shaped like one is left out: its text must not bend the message (the error itself shows it escaped).
            var shown = region?.Trim() is { Length: > 0 } r && provider.Capabilities.RegionPattern.IsMatch(r) ? r : null;
            ex.Target ??= ErrorTarget.Of(provider.Name, shown);
            throw;
        }
        _sessions[key] = session;
        return session;
    }

    private IImageSession Connect(ImageProvider provider, string? region) =>
        provider.Connect(new ConnectionRequest
        {
            Region = string.IsNullOrWhiteSpace(region) ? null : region!.Trim(),
            Endpoint = _endpoint,
            Credential = _options.Credential,
            ProfileName = _options.ProfileName,
            Environment = _options.Environment,
            // Connecting may make calls (Keystone): their lines name the provider like every other call's.
            Context = new CallContext(_context.Cancellation, new ProviderApiLog(_context.Log, provider.Name)),
            Transport = _options.Transport,
        });
}

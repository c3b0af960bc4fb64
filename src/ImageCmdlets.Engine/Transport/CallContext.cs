using System.Threading;

namespace ImageCmdlets.Transport;

/// <summary>What each call carries: cancellation and the place its verbose lines go.</summary>
public sealed class CallContext
{
    public CallContext(CancellationToken cancellation, IApiLog log)
    {
        Cancellation = cancellation;
        Log = log;
    }

    public CancellationToken Cancellation { get; }
    public IApiLog Log { get; }
}

/// <summary>Verbose and debug lines about API calls. Implementations are thread-safe.</summary>
public interface IApiLog
{
    void Verbose(string message);
    void Debug(string message);
}

public sealed class NullApiLog : IApiLog
{
    public static readonly NullApiLog Instance = new();
    public void Verbose(string message) { }
    public void Debug(string message) { }
}

/// <summary>Prefixes every line with the provider's name ("[Tencent] ..."), so a mixed run reads clearly.</summary>
public sealed class ProviderApiLog : IApiLog
{
    private readonly IApiLog _inner;
    private readonly string _prefix;

    public ProviderApiLog(IApiLog inner, string provider)
    {
        _inner = inner;
        _prefix = "[" + provider + "] ";
    }

    public void Verbose(string message) => _inner.Verbose(_prefix + message);
    public void Debug(string message) => _inner.Debug(_prefix + message);
}

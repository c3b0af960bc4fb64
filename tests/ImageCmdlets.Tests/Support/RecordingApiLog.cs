using System.Collections.Concurrent;
using System.Collections.Generic;
using ImageCmdlets.Transport;

namespace ImageCmdlets.Tests.Support;

/// <summary>Keeps every verbose and debug line, to check that no secret ever reaches them.</summary>
internal sealed class RecordingApiLog : IApiLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    public void Verbose(string message) => _lines.Enqueue(message);
    public void Debug(string message) => _lines.Enqueue(message);
}

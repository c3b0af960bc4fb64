using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Operations;

namespace ImageCmdlets.Pipeline;

/// <summary>
/// Carries everything operations produce on worker threads to the pipeline thread, the only thread
/// that may write to PowerShell's streams.
/// </summary>
public sealed class PipelineQueue : IOperationSink
{
    private readonly BlockingCollection<Action<IPipelineHost>> _items = new();

    public void Result(object result) => _items.Add(h => h.WriteResult(result));
    public void Error(ImageError error) => _items.Add(h => h.WriteError(error));

    public void Outcome(CloudImageRunEntry entry) => _items.Add(h => Report(h, entry));

    /// <summary>Writes a run's outcome and marks it reported once the user has it.</summary>
    public static void Report(IPipelineHost host, CloudImageRunEntry entry)
    {
        try
        {
            if (entry.Error is { } error) host.WriteError(error);
            else host.WriteResult(entry.Result!);
            entry.MarkReported();
        }
        catch (Exception ex) when (host.WasDelivered(ex))
        {
            entry.MarkReported();
            throw;
        }
    }
    public void Verbose(string message) => _items.Add(h => h.WriteVerbose(message));
    public void Debug(string message) => _items.Add(h => h.WriteDebug(message));
    public void Progress(ProgressUpdate progress) => _items.Add(h => h.WriteProgress(progress));

    /// <summary>Writes what is already queued, without waiting.</summary>
    public void DrainAvailable(IPipelineHost host)
    {
        while (_items.TryTake(out var write)) write(host);
    }

    /// <summary>Writes as things arrive until <paramref name="work"/> has finished, then the rest; rethrows its failure.</summary>
    public void DrainUntil(Task work, IPipelineHost host, Action? onTick = null)
    {
        while (!work.IsCompleted)
        {
            if (_items.TryTake(out var write, 100)) write(host);
            else onTick?.Invoke();
        }
        DrainAvailable(host);
        work.GetAwaiter().GetResult();
    }
}

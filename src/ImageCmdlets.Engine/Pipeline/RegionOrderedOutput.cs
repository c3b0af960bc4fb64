using System;
using System.Collections.Generic;
using ImageCmdlets.Operations;

namespace ImageCmdlets.Pipeline;

/// <summary>
/// Several regions listed at once, written one region after the other: the first region's images and
/// errors go out as they arrive, a later region's are held until every region before it has finished.
/// So the output is the same whatever the timing, and a table groups each region once. Verbose, debug and
/// progress lines are never held.
/// </summary>
internal sealed class RegionOrderedOutput
{
    private readonly IOperationSink _out;
    private readonly List<Action<IOperationSink>>[] _held;
    private readonly bool[] _finished;
    private int _current;

    public RegionOrderedOutput(IOperationSink output, int regions)
    {
        _out = output;
        _held = new List<Action<IOperationSink>>[regions];
        for (var i = 0; i < regions; i++) _held[i] = new List<Action<IOperationSink>>();
        _finished = new bool[regions];
    }

    public IOperationSink For(int region) => new RegionSink(this, region);

    /// <summary>The region's listing has ended: the next unfinished region's held output goes out.</summary>
    public void Complete(int region)
    {
        lock (_held)
        {
            _finished[region] = true;
            while (_current < _finished.Length && _finished[_current])
            {
                _current++;
                if (_current == _finished.Length) break;
                foreach (var write in _held[_current]) write(_out);
                _held[_current].Clear();
            }
        }
    }

    private void Write(int region, Action<IOperationSink> write)
    {
        lock (_held)
        {
            if (region == _current) write(_out);
            else _held[region].Add(write);
        }
    }

    private sealed class RegionSink : IOperationSink
    {
        private readonly RegionOrderedOutput _output;
        private readonly int _region;

        public RegionSink(RegionOrderedOutput output, int region)
        {
            _output = output;
            _region = region;
        }

        public void Result(object result) => _output.Write(_region, s => s.Result(result));
        public void Error(ImageError error) => _output.Write(_region, s => s.Error(error));
        public void Outcome(CloudImageRunEntry entry) => _output.Write(_region, s => s.Outcome(entry));
        public void Verbose(string message) => _output._out.Verbose(message);
        public void Debug(string message) => _output._out.Debug(message);
        public void Progress(ProgressUpdate progress) => _output._out.Progress(progress);
    }
}

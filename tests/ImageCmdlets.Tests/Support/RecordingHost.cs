using System.Collections.Generic;
using System.Linq;
using ImageCmdlets.Operations;
using ImageCmdlets.Pipeline;

namespace ImageCmdlets.Tests.Support;

/// <summary>
/// Plays PowerShell's part for the command cores: records every stream and answers ShouldProcess /
/// ShouldContinue the way PowerShell would for the given -WhatIf / -Confirm state and user answers.
/// </summary>
public sealed class RecordingHost : IPipelineHost
{
    public List<object> Output { get; } = new();
    public List<ImageError> Errors { get; } = new();
    public List<string> Verbose { get; } = new();
    public List<string> Debug { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<ProgressUpdate> Progress { get; } = new();
    public List<(string Message, string Tag)> Information { get; } = new();
    public List<string> ShouldProcessTargets { get; } = new();
    public List<string> ShouldContinueQueries { get; } = new();

    /// <summary>PowerShell's -WhatIf state: ShouldProcess answers false with reason WhatIf.</summary>
    public bool WhatIfMode { get; set; }
    /// <summary>The user's answer at ShouldProcess prompts.</summary>
    public bool AnswerYes { get; set; } = true;
    /// <summary>The user's answer at ShouldContinue prompts ("Yes to All" after the first when set).</summary>
    public bool ContinueYes { get; set; } = true;
    public bool ContinueYesToAll { get; set; }

    public int ThreadId { get; } = System.Environment.CurrentManagedThreadId;
    public bool WroteFromAnotherThread { get; private set; }

    private void Check() { if (System.Environment.CurrentManagedThreadId != ThreadId) WroteFromAnotherThread = true; }

    public void WriteResult(object result) { Check(); Output.Add(result); }
    public void WriteError(ImageError error) { Check(); Errors.Add(error); }
    public void WriteVerbose(string message) { Check(); Verbose.Add(message); }
    public void WriteDebug(string message) { Check(); Debug.Add(message); }
    public void WriteWarning(string message) { Check(); Warnings.Add(message); }
    public void WriteProgress(ProgressUpdate progress) { Check(); Progress.Add(progress); }
    public void WriteInformation(string message, string tag) { Check(); Information.Add((message, tag)); }

    public bool ShouldProcess(string target, string action, out bool whatIf)
    {
        Check();
        ShouldProcessTargets.Add(target);
        whatIf = WhatIfMode;
        return !WhatIfMode && AnswerYes;
    }

    public bool ShouldContinue(string query, string caption, ref bool yesToAll, ref bool noToAll)
    {
        Check();
        if (yesToAll) return true;
        if (noToAll) return false;
        ShouldContinueQueries.Add(query);
        if (ContinueYesToAll) { yesToAll = true; return true; }
        return ContinueYes;
    }

    public bool WasDelivered(System.Exception writeFailure) => false;

    public IEnumerable<CloudImageRemoval> Removals => Output.OfType<CloudImageRemoval>();

    public IEnumerable<string> AllText() =>
        Output.Select(o => Dump.Of(o))
            .Concat(Errors.SelectMany(e => new[] { e.ToString(), e.Error.Message, Dump.Of(e.Image) }))
            .Concat(Verbose).Concat(Debug).Concat(Warnings)
            .Concat(Progress.Select(p => p.Activity + " " + p.Status))
            .Concat(ShouldProcessTargets).Concat(ShouldContinueQueries);
}

using System;
using ImageCmdlets.Operations;

namespace ImageCmdlets.Pipeline;

/// <summary>
/// What a command core needs from PowerShell, as a small interface: the cmdlet implements it with
/// WriteObject/WriteError/ShouldProcess..., tests with a recording fake. Called on the pipeline thread only.
/// </summary>
public interface IPipelineHost
{
    void WriteResult(object result);
    void WriteError(ImageError error);
    void WriteVerbose(string message);
    void WriteDebug(string message);
    void WriteWarning(string message);
    /// <summary>A line for the information stream (6), with a tag scripts can filter on.</summary>
    void WriteInformation(string message, string tag);
    void WriteProgress(ProgressUpdate progress);

    /// <summary>
    /// ShouldProcess(target, action, out reason): false with <paramref name="whatIf"/> set when -WhatIf
    /// (or $WhatIfPreference) is in force, false without it when the user answered No.
    /// </summary>
    bool ShouldProcess(string target, string action, out bool whatIf);

    bool ShouldContinue(string query, string caption, ref bool yesToAll, ref bool noToAll);

    /// <summary>
    /// Whether a write that threw still reached the user: an error written under -ErrorAction Stop
    /// becomes the exception the caller catches, while a stopped pipeline takes nothing.
    /// </summary>
    bool WasDelivered(Exception writeFailure);
}

/// <summary>The confirmation-related switches as PowerShell resolved them for this invocation.</summary>
public sealed class ConfirmationSettings
{
    /// <summary>-WhatIf given, or $WhatIfPreference true and -WhatIf not given as false.</summary>
    public bool WhatIf { get; init; }
    /// <summary>-Confirm given explicitly as true (then -Force does not suppress prompts).</summary>
    public bool ConfirmExplicit { get; init; }
    /// <summary>-Force: no prompts (ShouldProcess or ShouldContinue), unless -Confirm was explicit; never bypasses -WhatIf.</summary>
    public bool Force { get; init; }
}

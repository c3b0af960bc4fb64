using System;
using System.Management.Automation;
using ImageCmdlets.Credentials;
using ImageCmdlets.Operations;
using ImageCmdlets.Pipeline;

namespace ImageCmdlets.Commands;

/// <summary>
/// What all three cmdlets share: the connection parameters and the <see cref="IPipelineHost"/>
/// adapter through which the engine's command cores write to PowerShell (pipeline thread only).
/// </summary>
public abstract class ImageCmdletBase : PSCmdlet, IPipelineHost, IDisposable
{
    /// <summary>The variable that keeps the record of the latest Remove-/Test- run (see about_ImageCmdlets).</summary>
    public const string RunRecordVariable = "CloudImageLastRun";

    private CommandCore? _core;

    /// <summary>Overrides the API host (private clouds, emulators). https only, plain http only to loopback.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    /// <summary>User name = access key id (or OpenStack user name), password = secret.</summary>
    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>A named profile of the provider's own CLI (tccli, aliyun).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    protected ConnectionOptions ConnectionOptions => new()
    {
        Endpoint = Endpoint,
        Credential = Credential is null || Credential == PSCredential.Empty
            ? null
            : new AccessKeyCredential(Credential.UserName, new Secret(Credential.GetNetworkCredential().Password ?? "")),
        ProfileName = ProfileName,
    };

    /// <summary>Runs a step of the command core; problems that stop everything become terminating errors.</summary>
    protected void Invoke(CommandCore core, Action step)
    {
        _core = core;
        try
        {
            step();
        }
        catch (OperationCanceledException) when (Stopping)
        {
            throw new PipelineStoppedException();
        }
        catch (RunHaltedException ex)
        {
            ThrowTerminatingError(ErrorMapping.ToRecord(ex, RunRecordVariable));
        }
        catch (ImageCmdletsConfigurationException ex)
        {
            ThrowTerminatingError(ErrorMapping.ToRecord(ex));
        }
        catch (CloudApiException ex)
        {
            // Only listing lets a call failure end the command (there is no image to attach it to).
            ThrowTerminatingError(ErrorMapping.ToRecord(ex));
        }
    }

    protected override void StopProcessing() => _core?.Stop();

    /// <summary>PowerShell disposes every command of a pipeline when it ends, however it ends: the last
    /// chance to make sure nothing this command started goes on after it has returned.</summary>
    public void Dispose() => _core?.Dispose();

    /// <summary>Publishes the run's record as $CloudImageLastRun, before the first image is touched.</summary>
    protected void PublishRecord(CloudImageRun record) =>
        SessionState.PSVariable.Set("global:" + RunRecordVariable, record);

    void IPipelineHost.WriteResult(object result) => WriteObject(result);

    void IPipelineHost.WriteError(ImageError error) => WriteError(ErrorMapping.ToRecord(error));

    void IPipelineHost.WriteVerbose(string message) => WriteVerbose(message);

    void IPipelineHost.WriteDebug(string message) => WriteDebug(message);

    void IPipelineHost.WriteWarning(string message) => WriteWarning(message);

    void IPipelineHost.WriteInformation(string message, string tag) => WriteInformation(message, new[] { tag });

    void IPipelineHost.WriteProgress(ProgressUpdate progress) =>
        WriteProgress(new ProgressRecord(1, progress.Activity, progress.Status)
        {
            PercentComplete = progress.PercentComplete,
            RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });

    bool IPipelineHost.ShouldProcess(string target, string action, out bool whatIf)
    {
        var proceed = ShouldProcess(
            $"Performing the operation \"{action}\" on target \"{target}\".",
            $"Are you sure you want to perform this action?{Environment.NewLine}Performing the operation \"{action}\" on target \"{target}\".",
            "Confirm",
            out var reason);
        whatIf = reason == ShouldProcessReason.WhatIf;
        return proceed;
    }

    bool IPipelineHost.ShouldContinue(string query, string caption, ref bool yesToAll, ref bool noToAll) =>
        ShouldContinue(query, caption, ref yesToAll, ref noToAll);

    bool IPipelineHost.WasDelivered(Exception writeFailure) => writeFailure is ActionPreferenceStopException;

    /// <summary>-WhatIf as given, else $WhatIfPreference.</summary>
    protected bool WhatIfInForce() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value)
            ? ((SwitchParameter)value).IsPresent
            : LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    protected bool ConfirmGivenExplicitly() =>
        MyInvocation.BoundParameters.TryGetValue("Confirm", out var value) && ((SwitchParameter)value).IsPresent;
}

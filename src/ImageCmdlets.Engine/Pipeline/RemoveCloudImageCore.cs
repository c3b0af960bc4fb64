using System.Collections.Generic;
using ImageCmdlets.Operations;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Pipeline;

/// <summary>
/// Remove-CloudImage's behaviour: the target is resolved first, then one ShouldProcess per image; under
/// -WhatIf the provider's dry check runs instead of the delete; the extra-damage switches are
/// confirmed with ShouldContinue unless -Force.
/// </summary>
public sealed class RemoveCloudImageCore : ImageInputCore
{
    private readonly ConfirmationSettings _confirmation;
    private readonly DeletionWait? _wait;
    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>The command; with <paramref name="wait"/> (-Wait), each deletion the cloud finishes asynchronously is followed to its end.</summary>
    public RemoveCloudImageCore(IPipelineHost host, ConnectionOptions connection, DeleteOptions options, ConfirmationSettings confirmation,
        OperationSettings? settings = null, DeletionWait? wait = null)
        : base(host, connection, options, settings, "Remove-CloudImage")
    {
        _confirmation = confirmation;
        _wait = wait;
    }

    protected override string Activity => _confirmation.WhatIf ? "Checking images (WhatIf)" : "Removing images";

    protected override ImageRun CreateRun(IImageSession session, bool dryRun) =>
        new RemovalRun(session, dryRun ? Options.AsDryRun() : Options, Queue, Settings, StopSignal, Record, dryRun ? null : _wait);

    protected override void ProcessInput(ImageInput input)
    {
        var session = SessionFor(input);
        var imageId = input.TargetImageId;
        var name = input.Image?.Name;
        var target = $"{imageId}{(string.IsNullOrEmpty(name) ? "" : $" ({name})")} in {session.Provider.Name} region {session.Region}";

        switch (Decide(target))
        {
            case Decision.DryRun:
                RunFor(session, dryRun: true).Add(imageId, input.Image);
                break;
            case Decision.Delete:
                RunFor(session, dryRun: false).Add(imageId, input.Image);
                break;
            default:
                ((RemovalRun)RunFor(session, dryRun: false)).AddDeclined(imageId ?? "", input.Image);
                break;
        }
    }

    private enum Decision { Delete, DryRun, Declined }

    /// <summary>What ShouldProcess says is done to each image; the same for the whole command.</summary>
    private string Action => _action ??= "Remove cloud image"
        + (Options.SoftDelete ? " (soft delete)" : "")
        + (Options.DeleteSnapshots ? " and its snapshots" : "")
        + (Options.DeleteBackups ? " and its backups" : "")
        + (Options.EvenIfInUse ? " even if instances use it" : "");

    private string? _action;

    private Decision Decide(string target)
    {
        var action = Action;
        bool proceed;
        if (_confirmation.WhatIf)
        {
            Host.ShouldProcess(target, action, out _); // writes PowerShell's "What if:" line
            return Decision.DryRun;
        }
        if (_confirmation.Force && !_confirmation.ConfirmExplicit) proceed = true;
        else
        {
            proceed = Host.ShouldProcess(target, action, out var whatIf);
            if (!proceed && whatIf) return Decision.DryRun;
        }
        if (!proceed) return Decision.Declined;
        return ConfirmExtraDamage(target) ? Decision.Delete : Decision.Declined;
    }

    /// <summary>Deleting snapshots or in-use images is asked about separately, unless -Force.</summary>
    private bool ConfirmExtraDamage(string target)
    {
        if (!Options.DeleteSnapshots && !Options.EvenIfInUse && !Options.DeleteBackups) return true;
        if (_confirmation.Force && !_confirmation.ConfirmExplicit) return true;
        var damage = new List<string>();
        if (Options.DeleteSnapshots) damage.Add("the snapshots it was made from will be deleted too (irreversible)");
        if (Options.DeleteBackups) damage.Add("the backups it was made from will be deleted too (irreversible)");
        if (Options.EvenIfInUse) damage.Add("it will be deleted even if instances use it (those instances can then not be re-initialised from it)");
        var what = string.Join(", and ", damage);
        return Host.ShouldContinue($"Image {target}: {what}. Continue?", "Confirm extra deletion", ref _yesToAll, ref _noToAll);
    }
}

// The floor for per-image cost in PowerShell: a compiled cmdlet that takes ids from the pipeline and only
// calls ShouldProcess for each (what any cmdlet honouring -WhatIf must do). Compiled by Add-Type in
// bench/scenarios/whatif.ps1; not part of the module.
using System.Management.Automation;

namespace ImageCmdlets.Bench
{
    [Cmdlet(VerbsLifecycle.Invoke, "ShouldProcessOnly", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    public sealed class ShouldProcessOnlyCommand : PSCmdlet
    {
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public string ImageId { get; set; }

        protected override void ProcessRecord()
        {
            ShouldProcess("image " + ImageId, "Remove-CloudImage");
        }
    }
}

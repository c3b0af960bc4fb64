using Xunit;

// Tests here set process environment variables (a provider's OS_* settings, say) while a PowerShell
// engine runs: one at a time, so no test sees another's.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

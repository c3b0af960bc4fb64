using System;
using System.Management.Automation;
using ImageCmdlets.Pipeline;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Commands;

/// <summary>
/// <para type="synopsis">Lists custom machine images of a cloud, streaming each page as it arrives.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "CloudImage")]
[OutputType(typeof(CloudImage))]
public sealed class GetCloudImageCommand : ImageCmdletBase
{
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    [ValidateNotNullOrEmpty]
    public string Provider { get; set; } = "";

    /// <summary>One region, several (listed at once), or * for every region the provider is known to offer.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(RegionCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Region { get; set; } = Array.Empty<string>();

    /// <summary>Look up these ids (each missing one is reported as not found).</summary>
    [Parameter]
    [Alias("Id")]
    [ArgumentCompleter(typeof(ImageIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] ImageId { get; set; } = Array.Empty<string>();

    /// <summary>Image names; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Provider states to keep (NORMAL, Available, active, ...).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] State { get; set; } = Array.Empty<string>();

    [Parameter]
    public DateTime? CreatedBefore { get; set; }

    [Parameter]
    public DateTime? CreatedAfter { get; set; }

    /// <summary>Tag filters: "key" or "key=value"; all must match.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Tag { get; set; } = Array.Empty<string>();

    /// <summary>Also list images that are not the account's own custom images (public, shared, marketplace).</summary>
    [Parameter]
    public SwitchParameter AllVisible { get; set; }

    /// <summary>Images per list call (default: the provider's maximum).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? PageSize { get; set; }

    protected override void EndProcessing()
    {
        var core = new GetCloudImageCore(this, ConnectionOptions);
        var query = new ImageQuery
        {
            NamePatterns = Name,
            States = State,
            CreatedBefore = ToOffset(CreatedBefore),
            CreatedAfter = ToOffset(CreatedAfter),
            Tags = Tag,
            PageSize = PageSize,
            IncludeNonCustom = AllVisible.IsPresent,
        };
        Invoke(core, () => core.Run(Provider, Region, query, ImageId));
    }

    /// <summary>A DateTime of unspecified kind is the user's local time, as everywhere in PowerShell.</summary>
    private static DateTimeOffset? ToOffset(DateTime? value) =>
        value is not DateTime t ? null
        : t.Kind == DateTimeKind.Utc ? new DateTimeOffset(t)
        : new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Local));
}

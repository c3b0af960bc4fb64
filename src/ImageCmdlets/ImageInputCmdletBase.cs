using System.Management.Automation;
using ImageCmdlets.Pipeline;

namespace ImageCmdlets.Commands;

/// <summary>
/// The inputs Test-CloudImageDeletable and Remove-CloudImage share: CloudImage objects by value, or ids
/// (by value or by property name) with provider and region by property name.
/// </summary>
/// <remarks>
/// The CloudImage set is the default: PowerShell binds piped input to the default set first, so a
/// CloudImage binds as itself (keeping the session that listed it) rather than by its ImageId,
/// Provider and Region properties; strings and CSV rows fail that set and bind by id.
/// </remarks>
public abstract class ImageInputCmdletBase : ImageCmdletBase
{
    internal const string ByIdSet = "ById";
    internal const string ByInputObjectSet = "ByInputObject";

    private ImageInputCore? _core;

    /// <summary>Images from Get-CloudImage; each acts through the session that listed it.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObjectSet)]
    [ValidateNotNull]
    public CloudImage[] InputObject { get; set; } = System.Array.Empty<CloudImage>();

    /// <summary>Image ids (strings by value, or an ImageId/Id property).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(ImageIdCompleter))]
    [AllowEmptyString]
    public string[] ImageId { get; set; } = System.Array.Empty<string>();

    /// <summary>The provider of the ids; with CloudImage input it must agree with each image's own.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByInputObjectSet)]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    public string? Provider { get; set; }

    /// <summary>The region of the ids; with CloudImage input it must agree with each image's own.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByInputObjectSet)]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public string? Region { get; set; }

    /// <summary>The command's behaviour, made once the parameters are bound.</summary>
    private protected abstract ImageInputCore CreateCore();

    protected override void BeginProcessing()
    {
        _core = CreateCore();
        PublishRecord(_core.Record);
        Invoke(_core, _core.Begin);
    }

    protected override void ProcessRecord() => Invoke(_core!, () =>
    {
        if (ParameterSetName == ByInputObjectSet)
        {
            foreach (var image in InputObject) _core!.Process(new ImageInput { Image = image, Provider = Provider, Region = Region });
            return;
        }
        foreach (var id in ImageId) _core!.Process(new ImageInput { ImageId = id, Provider = Provider, Region = Region });
    });

    protected override void EndProcessing() => Invoke(_core!, _core!.Complete);
}

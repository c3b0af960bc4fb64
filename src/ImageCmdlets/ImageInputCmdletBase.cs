using System.Management.Automation;
using ImageCmdlets.Pipeline;

namespace ImageCmdlets.Commands;

/// <summary>
/// The inputs Test-CloudImageDeletable and Remove-CloudImage share: a CloudImage by value, or ids
/// (by value or by property name) with provider and region by property name.
/// </summary>
public abstract class ImageInputCmdletBase : ImageCmdletBase
{
    internal const string ByIdSet = "ById";
    internal const string ByInputObjectSet = "ByInputObject";

    /// <summary>Images from Get-CloudImage; each keeps its own provider, region and connection.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObjectSet)]
    [ValidateNotNull]
    public CloudImage? InputObject { get; set; }

    /// <summary>Image ids (strings by value, or an ImageId/Id property).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [Alias("Id")]
    [AllowEmptyString]
    public string[] ImageId { get; set; } = System.Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    public string? Provider { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public string? Region { get; set; }

    /// <summary>Hands each bound input to the command core.</summary>
    protected void ForEachInput(System.Action<ImageInput> process)
    {
        if (ParameterSetName == ByInputObjectSet)
        {
            process(new ImageInput { Image = InputObject });
            return;
        }
        foreach (var id in ImageId) process(new ImageInput { ImageId = id, Provider = Provider, Region = Region });
    }
}

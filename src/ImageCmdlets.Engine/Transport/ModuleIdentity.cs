namespace ImageCmdlets.Transport;

/// <summary>How the module names itself to the clouds, as the official SDKs do.</summary>
internal static class ModuleIdentity
{
    /// <summary>The User-Agent: the module and its version (from ImageCmdlets.psd1, through the assembly version).</summary>
    public static readonly string UserAgent = "ImageCmdlets/" + (typeof(ModuleIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
}

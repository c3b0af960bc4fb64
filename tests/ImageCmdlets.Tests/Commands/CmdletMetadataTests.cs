using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using ImageCmdlets.Commands;

namespace ImageCmdlets.Tests.Commands;

/// <summary>
/// Pins the PowerShell-visible contract by reflection (no pwsh here): names, parameter sets,
/// pipeline binding, mandatory flags, OutputType, ShouldProcess and the manifest's exports.
/// The attributes are read as metadata (CustomAttributeData), because the PowerShellStandard
/// reference stub's attribute properties do nothing at run time: what PowerShell will see is what
/// the compiler wrote into the assembly.
/// </summary>
public class CmdletMetadataTests
{
    private static readonly Type[] CmdletTypes = typeof(GetCloudImageCommand).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && Attr.Of<CmdletAttribute>(t).Length > 0).ToArray();

    private static string NameOf(Type t) { var a = Attr.Of<CmdletAttribute>(t).Single(); return a.Ctor(0) + "-" + a.Ctor(1); }

    private static Attr[] Params(Type cmdlet, string parameter) => Attr.Of<ParameterAttribute>(cmdlet.GetProperty(parameter)!);

    [Fact]
    public void The_module_has_exactly_the_three_cmdlets()
    {
        Assert.Equal(new[] { "Get-CloudImage", "Remove-CloudImage", "Test-CloudImageDeletable" }, CmdletTypes.Select(NameOf).OrderBy(n => n));
    }

    [Fact]
    public void Manifest_exports_exactly_the_compiled_cmdlets_and_names_the_format_file()
    {
        var manifest = File.ReadAllText(Path.Combine(RepoRoot(), "ImageCmdlets.psd1"));
        var exports = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        var names = Regex.Matches(exports, "'([^']+)'").Select(m => m.Groups[1].Value).OrderBy(n => n);
        Assert.Equal(CmdletTypes.Select(NameOf).OrderBy(n => n), names);
        Assert.DoesNotContain("*", exports);
        Assert.Matches(@"RootModule\s*=\s*'ImageCmdlets.dll'", manifest);
        Assert.Matches(@"CompatiblePSEditions\s*=\s*@\('Desktop',\s*'Core'\)", manifest);
        Assert.Matches(@"PowerShellVersion\s*=\s*'5.1'", manifest);
        Assert.Matches(@"FormatsToProcess\s*=\s*@\('ImageCmdlets.format.ps1xml'\)", manifest);
        var version = Regex.Match(manifest, @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
        Assert.Equal(new Version(version), typeof(GetCloudImageCommand).Assembly.GetName().Version!.ToString(3) is var v ? new Version(v) : null);
    }

    [Fact]
    public void Remove_supports_ShouldProcess_with_high_impact_and_Test_and_Get_do_not()
    {
        var remove = Attr.Of<CmdletAttribute>(typeof(RemoveCloudImageCommand)).Single();
        Assert.True(remove.Flag("SupportsShouldProcess"));
        Assert.Equal((int)ConfirmImpact.High, remove.Named("ConfirmImpact"));
        // The CloudImage set is the default, so that a piped CloudImage binds as itself (PowerShell tries
        // the default set first) and keeps the session that listed it.
        Assert.Equal("ByInputObject", remove.Named("DefaultParameterSetName"));
        Assert.Equal("ByInputObject", Attr.Of<CmdletAttribute>(typeof(TestCloudImageDeletableCommand)).Single().Named("DefaultParameterSetName"));
        Assert.False(Attr.Of<CmdletAttribute>(typeof(TestCloudImageDeletableCommand)).Single().Flag("SupportsShouldProcess"));
        Assert.False(Attr.Of<CmdletAttribute>(typeof(GetCloudImageCommand)).Single().Flag("SupportsShouldProcess"));
    }

    [Theory]
    [InlineData(typeof(GetCloudImageCommand), typeof(CloudImage))]
    [InlineData(typeof(TestCloudImageDeletableCommand), typeof(CloudImageDeletability))]
    [InlineData(typeof(RemoveCloudImageCommand), typeof(CloudImageRemoval))]
    public void OutputType_is_declared_and_sealed(Type cmdlet, Type output)
    {
        var declared = Attr.Of<OutputTypeAttribute>(cmdlet).Single().Data.ConstructorArguments.Single().Value as System.Collections.Generic.IEnumerable<CustomAttributeTypedArgument>;
        Assert.Equal(new[] { output }, declared!.Select(a => (Type)a.Value!));
        Assert.True(output.IsSealed);
        foreach (var p in new[] { "Provider", "Region", "ImageId", "RequestId" }) Assert.NotNull(output.GetProperty(p));
    }

    [Theory]
    [InlineData(typeof(RemoveCloudImageCommand))]
    [InlineData(typeof(TestCloudImageDeletableCommand))]
    public void Pipeline_binding_takes_CloudImage_by_value_and_ids_provider_region_by_property_name(Type cmdlet)
    {
        var input = Params(cmdlet, "InputObject").Single();
        Assert.True(input.Flag("ValueFromPipeline"));
        Assert.True(input.Flag("Mandatory"));
        Assert.Equal("ByInputObject", input.Named("ParameterSetName"));
        Assert.Equal(typeof(CloudImage[]), cmdlet.GetProperty("InputObject")!.PropertyType);

        var id = Params(cmdlet, "ImageId").Single();
        Assert.True(id.Flag("ValueFromPipeline"));              // plain id strings
        Assert.True(id.Flag("ValueFromPipelineByPropertyName")); // objects with an ImageId (or Id) property
        Assert.True(id.Flag("Mandatory"));
        Assert.Equal(0, id.Named("Position"));
        Assert.Equal("ById", id.Named("ParameterSetName"));
        var alias = Attr.Of<AliasAttribute>(cmdlet.GetProperty("ImageId")!).Single().Data.ConstructorArguments.Single().Value as System.Collections.Generic.IEnumerable<CustomAttributeTypedArgument>;
        Assert.Contains("Id", alias!.Select(a => (string)a.Value!));

        // -Provider/-Region: by property name for ids; optional with CloudImage input (checked against the image's own).
        var provider = Params(cmdlet, "Provider").Single(p => p.Named("ParameterSetName") as string == "ById");
        Assert.True(provider.Flag("ValueFromPipelineByPropertyName"));
        Assert.True(provider.Flag("Mandatory"));
        Assert.False(provider.Flag("ValueFromPipeline"));
        var providerWithImage = Params(cmdlet, "Provider").Single(p => p.Named("ParameterSetName") as string == "ByInputObject");
        Assert.False(providerWithImage.Flag("Mandatory"));
        Assert.False(providerWithImage.Flag("ValueFromPipelineByPropertyName"));
        var region = Params(cmdlet, "Region").Single(p => p.Named("ParameterSetName") as string == "ById");
        Assert.True(region.Flag("ValueFromPipelineByPropertyName"));
        Assert.False(region.Flag("Mandatory"));
        Assert.False(Params(cmdlet, "Region").Single(p => p.Named("ParameterSetName") as string == "ByInputObject").Flag("ValueFromPipelineByPropertyName"));
    }

    [Fact]
    public void Remove_has_its_extra_damage_switches_and_Force()
    {
        foreach (var name in new[] { "DeleteSnapshot", "EvenIfInUse", "Force" })
            Assert.Equal(typeof(SwitchParameter), typeof(RemoveCloudImageCommand).GetProperty(name)!.PropertyType);
    }

    [Fact]
    public void Remove_has_Wait_and_a_bounded_WaitTimeout_in_seconds()
    {
        Assert.Equal(typeof(SwitchParameter), typeof(RemoveCloudImageCommand).GetProperty("Wait")!.PropertyType);
        Assert.Equal(typeof(int), typeof(RemoveCloudImageCommand).GetProperty("WaitTimeout")!.PropertyType);
        var range = Attr.Of<ValidateRangeAttribute>(typeof(RemoveCloudImageCommand).GetProperty("WaitTimeout")!).Single();
        Assert.Equal((1, 86400), ((int)range.Ctor(0)!, (int)range.Ctor(1)!));
        foreach (var name in new[] { "Wait", "WaitTimeout" })
            Assert.False(Params(typeof(RemoveCloudImageCommand), name).Single().Flag("Mandatory"));
        Assert.Null(typeof(TestCloudImageDeletableCommand).GetProperty("Wait"));
    }

    [Fact]
    public void Get_takes_provider_first_and_the_documented_filters()
    {
        var provider = Params(typeof(GetCloudImageCommand), "Provider").Single();
        Assert.True(provider.Flag("Mandatory"));
        Assert.Equal(0, provider.Named("Position"));
        Assert.Single(Attr.Of<SupportsWildcardsAttribute>(typeof(GetCloudImageCommand).GetProperty("Name")!));
        foreach (var name in new[] { "ImageId", "State", "CreatedBefore", "CreatedAfter", "Tag", "AllVisible", "PageSize", "Region" })
            Assert.NotNull(typeof(GetCloudImageCommand).GetProperty(name));
    }

    [Theory]
    [InlineData(typeof(GetCloudImageCommand))]
    [InlineData(typeof(TestCloudImageDeletableCommand))]
    [InlineData(typeof(RemoveCloudImageCommand))]
    public void Every_cmdlet_takes_the_connection_parameters(Type cmdlet)
    {
        Assert.Equal(typeof(PSCredential), cmdlet.GetProperty("Credential")!.PropertyType);
        Assert.Single(Attr.Of<CredentialAttribute>(cmdlet.GetProperty("Credential")!));
        foreach (var name in new[] { "Credential", "Endpoint", "ProfileName" })
        {
            var p = Params(cmdlet, name).Single();
            Assert.False(p.Flag("Mandatory"));
            Assert.False(p.Flag("ValueFromPipeline"));
        }
        Assert.Equal(typeof(ProviderCompleter), Attr.Of<ArgumentCompleterAttribute>(cmdlet.GetProperty("Provider")!).Single().Ctor(0));
        Assert.Equal(typeof(RegionCompleter), Attr.Of<ArgumentCompleterAttribute>(cmdlet.GetProperty("Region")!).Single().Ctor(0));
    }

    [Fact]
    public void The_engine_does_not_reference_PowerShell()
    {
        var engine = typeof(CloudImage).Assembly;
        Assert.DoesNotContain(engine.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
        Assert.DoesNotContain(engine.GetReferencedAssemblies(), a => a.Name is "System.Text.Json" or "Newtonsoft.Json");
    }

    [Fact]
    public void Format_file_has_table_and_list_views_for_each_output_type_without_fixed_widths()
    {
        var format = File.ReadAllText(Path.Combine(RepoRoot(), "src", "ImageCmdlets", "ImageCmdlets.format.ps1xml"));
        var views = Regex.Matches(format, @"<TypeName>([\w.]+)</TypeName>\s*</ViewSelectedBy>(?:\s*<GroupBy>.*?</GroupBy>)?\s*<(Table|List)Control>", RegexOptions.Singleline)
            .Select(m => (Type: m.Groups[1].Value, Control: m.Groups[2].Value)).ToArray();
        foreach (var type in new[] { typeof(CloudImage), typeof(CloudImageDeletability), typeof(CloudImageRemoval), typeof(CloudImageRunEntry) })
        {
            Assert.Contains((type.FullName!, "Table"), views);
            Assert.Contains((type.FullName!, "List"), views);
        }
        Assert.Contains((typeof(CloudImageRun).FullName!, "List"), views);
        // Fixed widths made short ids waste the line and long names one character wide.
        Assert.DoesNotContain("<Width>", format);
    }

    [Fact]
    public void Help_file_documents_every_cmdlet_and_parameter()
    {
        var help = File.ReadAllText(Path.Combine(RepoRoot(), "src", "ImageCmdlets", "en-US", "ImageCmdlets.dll-Help.xml"));
        foreach (var type in CmdletTypes)
        {
            Assert.Contains($"<command:name>{NameOf(type)}</command:name>", help);
            var section = help.Substring(help.IndexOf($"<command:name>{NameOf(type)}</command:name>", StringComparison.Ordinal));
            section = section.Substring(0, section.IndexOf("</command:command>", StringComparison.Ordinal));
            foreach (var p in type.GetProperties().Where(p => Attr.Of<ParameterAttribute>(p).Length > 0))
                Assert.Contains($"<maml:name>{p.Name}</maml:name>", section);
            Assert.Contains("<command:example>", section);
        }
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ImageCmdlets.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}

/// <summary>An attribute as the compiler recorded it: constructor and named arguments.</summary>
internal sealed class Attr
{
    private Attr(CustomAttributeData data) => Data = data;

    public CustomAttributeData Data { get; }

    public static Attr[] Of<T>(MemberInfo member) where T : Attribute =>
        member.GetCustomAttributesData().Where(d => typeof(T).IsAssignableFrom(d.AttributeType)).Select(d => new Attr(d)).ToArray();

    public object? Ctor(int index) => Data.ConstructorArguments[index].Value;

    public object? Named(string name) => Data.NamedArguments.Where(a => a.MemberName == name).Select(a => a.TypedValue.Value).FirstOrDefault();

    public bool Flag(string name) => Named(name) is true;
}

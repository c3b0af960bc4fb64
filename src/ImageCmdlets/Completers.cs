using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using ImageCmdlets.Providers;

namespace ImageCmdlets.Commands;

/// <summary>Tab completion for -Provider.</summary>
public sealed class ProviderCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(ProviderRegistry.Names, wordToComplete);
}

/// <summary>Tab completion for -Region: the chosen provider's known regions (others are accepted too).</summary>
public sealed class RegionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var provider = fakeBoundParameters?["Provider"] as string;
        var regions = ProviderRegistry.All
            .Where(p => provider is null || string.Equals(p.Name, provider, StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.KnownRegions)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        return Completion.Matching(regions, wordToComplete);
    }
}

/// <summary>Tab completion for -ProfileName: the profiles in the chosen provider's credential files (every provider's without -Provider).</summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(Completion.ChosenProviders(fakeBoundParameters)
            .SelectMany(p => p.ProfileNames(ImageCmdlets.Credentials.ProcessEnvironment.Instance))
            .Distinct(StringComparer.Ordinal), wordToComplete);
}

/// <summary>
/// Tab completion for -ImageId: the ids Get-CloudImage listed in this session for the chosen provider and
/// region (completion never calls a cloud); nothing, rather than file names, when there are none.
/// </summary>
public sealed class ImageIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var provider = fakeBoundParameters?["Provider"] as string;
        var region = fakeBoundParameters?["Region"] switch { string one => one, object[] { Length: 1 } many => many[0] as string, _ => null };
        var word = (wordToComplete ?? "").Trim('\'', '"');
        var listed = ImageCmdlets.Pipeline.ListedImages.Find(provider, region)
            .Where(i => i.ImageId.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(i => new CompletionResult(i.ImageId, i.ImageId, CompletionResultType.ParameterValue,
                string.IsNullOrEmpty(i.Name) ? i.ImageId : $"{i.ImageId} ({i.Name})"))
            .ToList();
        // An empty list, not null: null would make PowerShell fall back to file names.
        return listed;
    }
}

internal static class Completion
{
    /// <summary>The provider -Provider names, or every provider when none (or an unknown one) is given.</summary>
    public static IEnumerable<ImageProvider> ChosenProviders(IDictionary? fakeBoundParameters)
    {
        var name = fakeBoundParameters?["Provider"] as string;
        var chosen = ProviderRegistry.All.Where(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)).ToArray();
        return chosen.Length > 0 ? chosen : ProviderRegistry.All;
    }

    /// <summary>The values starting with the word typed so far; never null, so never file names.</summary>
    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string? word) =>
        values.Where(v => string.IsNullOrEmpty(word) || v.StartsWith(word!.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
              .OrderBy(v => v, StringComparer.OrdinalIgnoreCase)
              .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
}

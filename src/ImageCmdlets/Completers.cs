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

internal static class Completion
{
    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string? word) =>
        values.Where(v => string.IsNullOrEmpty(word) || v.StartsWith(word!.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
              .OrderBy(v => v, StringComparer.OrdinalIgnoreCase)
              .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
}

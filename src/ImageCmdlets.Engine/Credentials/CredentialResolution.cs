using System;
using System.IO;

namespace ImageCmdlets.Credentials;

/// <summary>
/// The resolution rules every provider shares (design.md §5): explicit parameters, then the
/// provider's environment variables, then its CLI/SDK files; a named profile that does not exist is
/// an error, never a fallback; region from -Region, then environment, then profile, else an error.
/// </summary>
public static class CredentialResolution
{
    /// <summary>An access key from a pair of environment variables (plus an optional token variable); null when unset.</summary>
    public static AccessKeyCredential? FromEnvironment(IEnvironmentReader env, string idVariable, string secretVariable, string? tokenVariable = null)
    {
        var id = env.GetVariable(idVariable);
        var secret = env.GetVariable(secretVariable);
        if (id is null && secret is null) return null;
        if (id is null || secret is null)
            throw new ImageCmdletsConfigurationException("IncompleteCredential",
                $"Only one of {idVariable} and {secretVariable} is set; set both, or neither.", ErrorKind.Authentication);
        var token = tokenVariable is null ? null : env.GetVariable(tokenVariable);
        return new AccessKeyCredential(id, new Secret(secret), token is null ? null : new Secret(token), "environment variable " + idVariable);
    }

    public static ImageCmdletsConfigurationException Missing(string provider, string help) =>
        new("MissingCredential", $"No credentials found for provider {provider}. {help}", ErrorKind.Authentication);

    public static ImageCmdletsConfigurationException ProfileNotFound(string provider, string profile, string where) =>
        new("ProfileNotFound", $"Profile '{profile}' for provider {provider} was not found in {where}.", ErrorKind.Authentication);

    /// <summary>The first region given, or a clear error naming where one can be set.</summary>
    public static string RequireRegion(string provider, string? parameter, string? environmentValue, string? profileValue, string environmentVariable)
    {
        var region = FirstNonEmpty(parameter, environmentValue, profileValue);
        if (region is null)
            throw new ImageCmdletsConfigurationException("MissingRegion",
                $"No region given for provider {provider}: use -Region, or set {environmentVariable}.");
        return region;
    }

    public static string? FirstNonEmpty(params string?[] values)
    {
        foreach (var v in values) if (!string.IsNullOrWhiteSpace(v)) return v!.Trim();
        return null;
    }

    /// <summary>A path under the user's home folder.</summary>
    public static string HomePath(IEnvironmentReader env, params string[] parts)
    {
        var path = env.HomeDirectory;
        foreach (var p in parts) path = Path.Combine(path, p);
        return path;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Tencent;

/// <summary>
/// Resolves credentials and region the way Tencent's own tools do (design.md §5). Keys:
/// <list type="number">
/// <item>-Credential;</item>
/// <item>with -ProfileName, that profile's keys (the profile must exist: a missing one is an error, never a fallback);</item>
/// <item>TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (+ TENCENTCLOUD_TOKEN), as the SDKs read them;</item>
/// <item>without -ProfileName, the default profile: the one TCCLI_PROFILE names, else "default" (tccli's rule).</item>
/// </list>
/// A profile's keys come from tccli's ~/.tccli/&lt;profile&gt;.credential, else the SDK's
/// ~/.tencentcloud/credentials. Region: -Region, TENCENTCLOUD_REGION, the profile's tccli .configure
/// (_sys_param.region), else an error.
/// </summary>
internal static class TencentCredentials
{
    public const string SecretIdVariable = "TENCENTCLOUD_SECRET_ID";
    public const string SecretKeyVariable = "TENCENTCLOUD_SECRET_KEY";
    public const string TokenVariable = "TENCENTCLOUD_TOKEN";
    public const string RegionVariable = "TENCENTCLOUD_REGION";
    public const string RoleArnVariable = "TENCENTCLOUD_ROLE_ARN";
    /// <summary>tccli's own choice of profile (its _get_profile_name).</summary>
    public const string ProfileVariable = "TCCLI_PROFILE";
    public const string DefaultProfile = "default";

    public const string Help =
        "Use -Credential (user = SecretId, password = SecretKey), set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY " +
        "(and TENCENTCLOUD_TOKEN for temporary keys), or run 'tccli configure' (~/.tccli/<profile>.credential) " +
        "or create ~/.tencentcloud/credentials with a [default] section holding secret_id and secret_key.";

    public static AccessKeySettings Resolve(ConnectionRequest request)
    {
        var env = request.Environment;
        AccessKeyCredential? credential;
        TencentProfile? profile;
        if (CredentialResolution.FirstNonEmpty(request.ProfileName) is { } named)
        {
            profile = TencentProfile.Load(env, named)
                ?? throw CredentialResolution.ProfileNotFound(TencentProvider.ProviderName, named, TencentProfile.Locations(env, named));
            credential = request.Credential ?? profile.Credential() ?? FromEnvironment(env);
        }
        else
        {
            credential = request.Credential ?? FromEnvironment(env);
            profile = null;
            // The default profile is read only when something is still missing, so a broken file that is
            // not needed cannot stop a run.
            if (credential is null || CredentialResolution.FirstNonEmpty(request.Region, env.GetVariable(RegionVariable)) is null)
            {
                var name = CredentialResolution.FirstNonEmpty(env.GetVariable(ProfileVariable)) ?? DefaultProfile;
                profile = TencentProfile.Load(env, name);
                if (profile is null && credential is null && name != DefaultProfile)
                    throw CredentialResolution.ProfileNotFound(TencentProvider.ProviderName, name,
                        TencentProfile.Locations(env, name) + $" (named by {ProfileVariable})");
                credential ??= profile?.Credential();
            }
        }
        if (credential is null) throw CredentialResolution.Missing(TencentProvider.ProviderName, Help);

        var region = CredentialResolution.RequireRegion(TencentProvider.ProviderName, request.Region,
            env.GetVariable(RegionVariable), profile?.Region, RegionVariable);
        return new AccessKeySettings(credential, region);
    }

    private static AccessKeyCredential? FromEnvironment(IEnvironmentReader env)
    {
        var credential = CredentialResolution.FromEnvironment(env, SecretIdVariable, SecretKeyVariable, TokenVariable);
        if (credential is not null && env.GetVariable(RoleArnVariable) is not null)
            throw UnsupportedRole("environment variable " + RoleArnVariable);
        return credential;
    }

    /// <summary>tccli and the SDK would assume the role with these keys; acting as the keys' own identity
    /// instead would delete images as someone else, so refuse rather than guess.</summary>
    internal static ImageCmdletsConfigurationException UnsupportedRole(string where) =>
        new("UnsupportedCredential",
            $"The Tencent credential from {where} asks for a role (role ARN or CVM role), which ImageCmdlets does not assume. " +
            "Pass temporary keys instead: -Credential or TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY / TENCENTCLOUD_TOKEN.",
            ErrorKind.Authentication);
}

/// <summary>
/// One named profile from tccli's files (~/.tccli/&lt;name&gt;.credential, ~/.tccli/&lt;name&gt;.configure,
/// both JSON) and the SDK's INI file (~/.tencentcloud/credentials; the SDK reads its [default] section,
/// a section named like the profile is read the same way).
/// </summary>
internal sealed class TencentProfile
{
    private readonly AccessKeyCredential? _credential;
    private readonly ImageCmdletsConfigurationException? _credentialProblem;

    private TencentProfile(AccessKeyCredential? credential, ImageCmdletsConfigurationException? credentialProblem, string? region)
    {
        _credential = credential;
        _credentialProblem = credentialProblem;
        Region = region;
    }

    public string? Region { get; }

    /// <summary>Where a profile of that name is looked for, for error messages.</summary>
    public static string Locations(IEnvironmentReader env, string name) =>
        $"{TccliPath(env, name, ".credential")}, {TccliPath(env, name, ".configure")} or section [{name}] of {SdkIniPath(env)}";

    /// <summary>Every profile the files know: tccli's ~/.tccli/&lt;name&gt;.credential and .configure, and the SDK file's sections.</summary>
    public static IEnumerable<string> Names(IEnvironmentReader env)
    {
        var folder = CredentialResolution.HomePath(env, ".tccli");
        var tccli = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.credential").Concat(Directory.EnumerateFiles(folder, "*.configure")).Select(Path.GetFileNameWithoutExtension)
            : Enumerable.Empty<string>();
        return tccli.Concat(IniFile.Load(SdkIniPath(env))?.SectionNames ?? Enumerable.Empty<string>()).ToArray();
    }

    /// <summary>The profile, or null when no file knows it.</summary>
    public static TencentProfile? Load(IEnvironmentReader env, string name)
    {
        // A profile name is a file name part: anything that could walk out of ~/.tccli is no profile.
        if (name.IndexOfAny(new[] { '/', '\\', ':' }) >= 0 || name.Contains("..")) return null;

        var credentialPath = TccliPath(env, name, ".credential");
        var configurePath = TccliPath(env, name, ".configure");
        var iniPath = SdkIniPath(env);
        var ini = IniFile.Load(iniPath);
        var tccliCredential = ReadJson(credentialPath);
        var tccliConfigure = ReadJson(configurePath);
        if (tccliCredential is null && tccliConfigure is null && ini?.Section(name) is null) return null;

        AccessKeyCredential? credential = null;
        ImageCmdletsConfigurationException? problem = null;
        if (tccliCredential is not null)
            (credential, problem) = FromTccli(tccliCredential, credentialPath, name);
        if (credential is null && problem is null && ini?.Section(name) is not null)
            (credential, problem) = FromSdkIni(ini, name, iniPath);

        var region = tccliConfigure?["_sys_param"]?.GetString("region") ?? tccliConfigure?.GetString("region");
        return new TencentProfile(credential, problem, region);
    }

    /// <summary>The profile's keys; null when it has none (a region-only profile); an error when its
    /// keys are unusable.</summary>
    public AccessKeyCredential? Credential() => _credentialProblem is null ? _credential : throw _credentialProblem;

    private static (AccessKeyCredential?, ImageCmdletsConfigurationException?) FromTccli(JsonValue json, string path, string profile)
    {
        if (json.Kind != JsonKind.Object) return (null, InvalidFile($"{path} is not a JSON object."));
        if (!string.IsNullOrEmpty(json.GetString("role-arn")) || json.GetString("type") == "cvm-role")
            return (null, TencentCredentials.UnsupportedRole($"profile '{profile}' ({path})"));
        var id = CredentialResolution.FirstNonEmpty(json.GetString("secretId"));
        var key = json.GetString("secretKey");
        if (id is null && string.IsNullOrEmpty(key)) return (null, null);
        if (id is null || string.IsNullOrEmpty(key)) return (null, InvalidFile($"{path} holds only one of secretId and secretKey."));
        var token = json.GetString("token");
        return (new AccessKeyCredential(id, new Secret(key!), string.IsNullOrEmpty(token) ? null : new Secret(token!), path), null);
    }

    private static (AccessKeyCredential?, ImageCmdletsConfigurationException?) FromSdkIni(IniFile ini, string section, string path)
    {
        if (ini.Get(section, "role_arn") is not null)
            return (null, TencentCredentials.UnsupportedRole($"section [{section}] of {path}"));
        var id = ini.Get(section, "secret_id");
        var key = ini.Get(section, "secret_key");
        if (id is null && key is null) return (null, null);
        if (id is null || key is null) return (null, InvalidFile($"Section [{section}] of {path} holds only one of secret_id and secret_key."));
        return (new AccessKeyCredential(id, new Secret(key), null, $"{path} [{section}]"), null);
    }

    private static ImageCmdletsConfigurationException InvalidFile(string message) =>
        new("InvalidCredentialFile", message, ErrorKind.Authentication);

    /// <summary>A tccli JSON file; null when absent. A broken file is an error (never its content in the message).</summary>
    private static JsonValue? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return JsonValue.Parse(File.ReadAllText(path));
        }
        catch (FormatException)
        {
            throw InvalidFile($"{path} is not valid JSON.");
        }
    }

    private static string TccliPath(IEnvironmentReader env, string name, string extension) =>
        CredentialResolution.HomePath(env, ".tccli", name + extension);

    private static string SdkIniPath(IEnvironmentReader env) => CredentialResolution.HomePath(env, ".tencentcloud", "credentials");
}

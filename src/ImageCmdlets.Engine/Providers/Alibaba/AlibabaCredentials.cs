using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Alibaba;

/// <summary>
/// Resolves Alibaba credentials the way the official tools do, in the module's order (design.md §5):
/// -Credential, or -ProfileName; then ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN; then the
/// aliyun CLI's ~/.aliyun/config.json (the named profile, else the file's "current"); then the
/// credentials SDK's INI file (~/.alibabacloud/credentials). Region: -Region, ALIBABA_CLOUD_REGION_ID,
/// the profile's region_id. Only static key modes are supported (AK, StsToken / access_key); role and
/// SSO modes need token exchanges this module does not do, and say so.
/// </summary>
internal static class AlibabaCredentials
{
    public const string AccessKeyIdVariable = "ALIBABA_CLOUD_ACCESS_KEY_ID";
    public const string AccessKeySecretVariable = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
    public const string SecurityTokenVariable = "ALIBABA_CLOUD_SECURITY_TOKEN";
    public const string RegionVariable = "ALIBABA_CLOUD_REGION_ID";
    public const string ProfileVariable = "ALIBABA_CLOUD_PROFILE";
    public const string CredentialsFileVariable = "ALIBABA_CLOUD_CREDENTIALS_FILE";

    public const string Help =
        "Use -Credential (user = AccessKey ID, password = AccessKey secret), set ALIBABA_CLOUD_ACCESS_KEY_ID and " +
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS), or configure an AK/StsToken profile " +
        "with 'aliyun configure' (~/.aliyun/config.json) or ~/.alibabacloud/credentials.";

    private const string Provider = "Alibaba";

    public static AccessKeySettings Resolve(ConnectionRequest request)
    {
        var env = request.Environment;
        var cliConfig = CliConfig.Load(CredentialResolution.HomePath(env, ".aliyun", "config.json"));

        // -ProfileName is an explicit choice and outranks the environment variables.
        var profile = request.ProfileName is { } explicitName ? FindNamed(env, cliConfig, explicitName.Trim()) : null;
        var credential = request.Credential
            ?? profile?.RequireCredential()
            ?? CredentialResolution.FromEnvironment(env, AccessKeyIdVariable, AccessKeySecretVariable, SecurityTokenVariable);

        // Otherwise the files: the profile ALIBABA_CLOUD_PROFILE names (it must exist), else the CLI's
        // "current" profile, else the INI file's [default]. It supplies the credential when nothing above
        // did, and the region in any case.
        profile ??= CredentialResolution.FirstNonEmpty(env.GetVariable(ProfileVariable)) is { } variableName
            ? FindNamed(env, cliConfig, variableName)
            : cliConfig?.Find(cliConfig.Current ?? "default") ?? FindIniProfile(env, "default");
        credential ??= profile?.RequireCredential() ?? throw CredentialResolution.Missing(Provider, Help);

        var region = CredentialResolution.RequireRegion(Provider, request.Region, env.GetVariable(RegionVariable), profile?.Region, RegionVariable);
        return new AccessKeySettings(credential, region);
    }

    /// <summary>Every profile -ProfileName can name: the aliyun CLI's, then the credentials INI file's sections.</summary>
    public static IEnumerable<string> ProfileNames(IEnvironmentReader env)
    {
        var cli = CliConfig.Load(CredentialResolution.HomePath(env, ".aliyun", "config.json"))?.Names ?? Enumerable.Empty<string>();
        var ini = env.GetVariable(CredentialsFileVariable) is { } explicitPath
            ? IniFile.Load(explicitPath)
            : IniFile.Load(CredentialResolution.HomePath(env, ".alibabacloud", "credentials"))
              ?? IniFile.Load(CredentialResolution.HomePath(env, ".alibabacloud", "credentials.ini"));
        return cli.Concat(ini?.SectionNames ?? Enumerable.Empty<string>()).ToArray();
    }

    private static Profile FindNamed(IEnvironmentReader env, CliConfig? cliConfig, string name) =>
        cliConfig?.Find(name) ?? FindIniProfile(env, name)
        ?? throw CredentialResolution.ProfileNotFound(Provider, name, $"{CliConfig.DisplayPath} or {IniDisplayPath(env)}");

    private static string IniDisplayPath(IEnvironmentReader env) =>
        env.GetVariable(CredentialsFileVariable) ?? "~/.alibabacloud/credentials";

    /// <summary>A section of the credentials SDK's INI file; null when the file or section is absent.</summary>
    private static Profile? FindIniProfile(IEnvironmentReader env, string name)
    {
        string path;
        IniFile? ini;
        if (env.GetVariable(CredentialsFileVariable) is { } explicitPath)
        {
            path = explicitPath;
            ini = IniFile.Load(path);
        }
        else
        {
            // The SDK documents ~/.alibabacloud/credentials but some versions build credentials.ini: read either.
            path = CredentialResolution.HomePath(env, ".alibabacloud", "credentials");
            ini = IniFile.Load(path);
            if (ini is null)
            {
                path += ".ini";
                ini = IniFile.Load(path);
            }
        }
        if (ini?.Section(name) is null) return null;

        var where = $"profile '{name}' in {path}";
        var region = ini.Get(name, "region_id");
        var type = ini.Get(name, "type") ?? "access_key";
        if (!string.Equals(type, "access_key", StringComparison.OrdinalIgnoreCase))
            return Profile.Unusable(region, Unsupported(where, "type", type, "access_key"));
        var id = ini.Get(name, "access_key_id");
        var secret = ini.Get(name, "access_key_secret");
        if (id is null || secret is null) return Profile.Unusable(region, Incomplete(where, "access_key_id and access_key_secret"));
        return new Profile(new AccessKeyCredential(id, new Secret(secret), null, where), region);
    }

    private static ImageCmdletsConfigurationException Unsupported(string where, string setting, string value, string supported) =>
        new("UnsupportedProfileMode",
            $"The Alibaba {where} uses {setting} '{value}', which ImageCmdlets does not support (supported: {supported}). " +
            "Use an access key profile, the ALIBABA_CLOUD_* environment variables, or -Credential.", ErrorKind.Authentication);

    private static ImageCmdletsConfigurationException Incomplete(string where, string missing) =>
        new("IncompleteCredential", $"The Alibaba {where} lacks {missing}.", ErrorKind.Authentication);

    /// <summary>
    /// A profile found in a file. One whose credential cannot be used (unsupported mode, missing key)
    /// still gives its region; the problem is raised only when its credential is needed.
    /// </summary>
    private sealed class Profile
    {
        private readonly ImageCmdletsConfigurationException? _problem;

        public Profile(AccessKeyCredential credential, string? region)
        {
            Credential = credential;
            Region = region;
        }

        private Profile(string? region, ImageCmdletsConfigurationException problem)
        {
            Region = region;
            _problem = problem;
        }

        public static Profile Unusable(string? region, ImageCmdletsConfigurationException problem) => new(region, problem);

        public AccessKeyCredential? Credential { get; }
        public string? Region { get; }

        public AccessKeyCredential RequireCredential() => Credential ?? throw _problem!;
    }
    /// <summary>The aliyun CLI's ~/.aliyun/config.json: {"current": "...", "profiles": [{"name", "mode", ...}]}.</summary>
    private sealed class CliConfig
    {
        public const string DisplayPath = "~/.aliyun/config.json";

        private readonly JsonValue _root;
        private readonly string _path;

        private CliConfig(JsonValue root, string path)
        {
            _root = root;
            _path = path;
        }

        public string? Current => CredentialResolution.FirstNonEmpty(_root.GetString("current"));

        public static CliConfig? Load(string path)
        {
            if (!File.Exists(path)) return null;
            // The parser's message could quote the file, which holds secrets: say only where the problem is.
            if (!JsonValue.TryParse(File.ReadAllText(path), out var root) || root.Kind != JsonKind.Object)
                throw new ImageCmdletsConfigurationException("InvalidCredentialFile", $"{path} is not a valid aliyun CLI configuration (JSON).", ErrorKind.Authentication);
            return new CliConfig(root, path);
        }

        public IEnumerable<string> Names => _root.GetArray("profiles").Select(p => p.GetString("name") ?? "");

        public Profile? Find(string name)
        {
            var entry = _root.GetArray("profiles").FirstOrDefault(p => p.GetString("name") == name);
            if (entry is null) return null;

            var where = $"profile '{name}' in {_path}";
            var region = CredentialResolution.FirstNonEmpty(entry.GetString("region_id"));
            var mode = CredentialResolution.FirstNonEmpty(entry.GetString("mode")) ?? "AK";
            if (mode is not ("AK" or "StsToken")) return Profile.Unusable(region, Unsupported(where, "mode", mode, "AK, StsToken"));
            var id = CredentialResolution.FirstNonEmpty(entry.GetString("access_key_id"));
            var secret = CredentialResolution.FirstNonEmpty(entry.GetString("access_key_secret"));
            if (id is null || secret is null) return Profile.Unusable(region, Incomplete(where, "access_key_id and access_key_secret"));
            Secret? token = null;
            if (mode == "StsToken")
            {
                if (CredentialResolution.FirstNonEmpty(entry.GetString("sts_token")) is not { } sts)
                    return Profile.Unusable(region, Incomplete(where, "sts_token"));
                token = new Secret(sts);
            }
            return new Profile(new AccessKeyCredential(id, new Secret(secret), token, where), region);
        }
    }
}

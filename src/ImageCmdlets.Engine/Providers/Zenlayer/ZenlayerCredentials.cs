using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageCmdlets.Credentials;
using ImageCmdlets.Json;

namespace ImageCmdlets.Providers.Zenlayer;

/// <summary>
/// Resolves a Zenlayer access key the way Zenlayer's own tools keep it, in the module's order:
/// <list type="number">
/// <item>-Credential (user = AccessKeyId, password = AccessKeyPassword);</item>
/// <item>-ProfileName: that profile of the zeno CLI's ~/.zenlayer/credentials.json (it must exist);</item>
/// <item>ZENLAYERCLOUD_ACCESS_KEY_ID / ZENLAYERCLOUD_ACCESS_KEY_PASSWORD (the Terraform provider's names);</item>
/// <item>ZENLAYER_ACCESS_KEY_ID / ZENLAYER_ACCESS_KEY_SECRET (the CLI's names);</item>
/// <item>the CLI's current profile: ZENLAYER_PROFILE (it must exist), else config.json's current_profile, else "default".</item>
/// </list>
/// The secret has two names, AccessKeyPassword (SDKs, Terraform) and access_key_secret (CLI); it is the same
/// value. Zenlayer's tools keep no region: -Region narrows a listing to one region, and without it the
/// session covers the whole account (DeleteImages and DescribeImages take no region at all).
/// </summary>
internal static class ZenlayerCredentials
{
    public const string TerraformIdVariable = "ZENLAYERCLOUD_ACCESS_KEY_ID";
    public const string TerraformPasswordVariable = "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD";
    public const string CliIdVariable = "ZENLAYER_ACCESS_KEY_ID";
    public const string CliSecretVariable = "ZENLAYER_ACCESS_KEY_SECRET";
    public const string CliTokenVariable = "ZENLAYER_TOKEN";
    public const string ProfileVariable = "ZENLAYER_PROFILE";
    public const string DefaultProfile = "default";

    public const string Help =
        "Use -Credential (user = AccessKeyId, password = AccessKeyPassword), set ZENLAYERCLOUD_ACCESS_KEY_ID and " +
        "ZENLAYERCLOUD_ACCESS_KEY_PASSWORD (or ZENLAYER_ACCESS_KEY_ID and ZENLAYER_ACCESS_KEY_SECRET), or run 'zeno configure' " +
        "(~/.zenlayer/credentials.json).";

    public static AccessKeySettings Resolve(ConnectionRequest request)
    {
        var env = request.Environment;
        var files = new CliFiles(env);
        var credential = request.Credential;
        if (CredentialResolution.FirstNonEmpty(request.ProfileName) is { } named)
            credential ??= files.Profile(named) ?? throw NotFound(env, named, "");
        credential ??= CredentialResolution.FromEnvironment(env, TerraformIdVariable, TerraformPasswordVariable)
            ?? CredentialResolution.FromEnvironment(env, CliIdVariable, CliSecretVariable);
        if (credential is null)
        {
            if (CredentialResolution.FirstNonEmpty(env.GetVariable(ProfileVariable)) is { } fromVariable)
                credential = files.Profile(fromVariable) ?? throw NotFound(env, fromVariable, $" (named by {ProfileVariable})");
            else
                credential = files.Profile(files.CurrentProfile() ?? DefaultProfile);
        }
        if (credential is null)
        {
            if (env.GetVariable(CliTokenVariable) is not null) throw TokenNotSupported($"environment variable {CliTokenVariable}");
            throw CredentialResolution.Missing(ZenlayerProvider.ProviderName, Help);
        }
        return new AccessKeySettings(credential, CredentialResolution.FirstNonEmpty(request.Region) ?? "");
    }

    /// <summary>Every profile of the zeno CLI's credentials.json.</summary>
    public static IEnumerable<string> ProfileNames(IEnvironmentReader env) => new CliFiles(env).Names();

    private static ImageCmdletsConfigurationException NotFound(IEnvironmentReader env, string profile, string why) =>
        CredentialResolution.ProfileNotFound(ZenlayerProvider.ProviderName, profile, CliFiles.CredentialsPath(env) + why);

    private static ImageCmdletsConfigurationException TokenNotSupported(string where) =>
        new("UnsupportedCredential",
            $"The Zenlayer credential in {where} is a personal access token; ImageCmdlets signs its calls with an access key pair. " +
            "Use -Credential, ZENLAYERCLOUD_ACCESS_KEY_ID / ZENLAYERCLOUD_ACCESS_KEY_PASSWORD, or a profile with access_key_id and access_key_secret.",
            ErrorKind.Authentication);

    private static ImageCmdletsConfigurationException InvalidFile(string message) =>
        new("InvalidCredentialFile", message, ErrorKind.Authentication);

    /// <summary>
    /// The zeno CLI's files: ~/.zenlayer/config.json ({"current_profile", "profiles":{name:{language, output}}})
    /// and ~/.zenlayer/credentials.json ({name:{access_key_id, access_key_secret, token}}). Each is read once,
    /// and only when needed; a broken file is an error that never quotes it.
    /// </summary>
    private sealed class CliFiles
    {
        private readonly IEnvironmentReader _env;
        private JsonValue? _credentials;
        private bool _credentialsRead;

        public CliFiles(IEnvironmentReader env) => _env = env;

        public static string CredentialsPath(IEnvironmentReader env) => CredentialResolution.HomePath(env, ".zenlayer", "credentials.json");

        private static string ConfigPath(IEnvironmentReader env) => CredentialResolution.HomePath(env, ".zenlayer", "config.json");

        public string? CurrentProfile() => CredentialResolution.FirstNonEmpty(Read(ConfigPath(_env))?.GetString("current_profile"));

        public IEnumerable<string> Names() => Read(CredentialsPath(_env))?.Properties.Select(p => p.Key).ToArray() ?? Array.Empty<string>();

        /// <summary>The profile's access key; null when the file or the profile is absent.</summary>
        public AccessKeyCredential? Profile(string name)
        {
            if (!_credentialsRead)
            {
                _credentials = Read(CredentialsPath(_env));
                _credentialsRead = true;
            }
            if (_credentials?[name] is not { } entry) return null;
            var path = CredentialsPath(_env);
            if (entry.Kind != JsonKind.Object) throw InvalidFile($"Profile '{name}' in {path} is not a JSON object.");
            var id = CredentialResolution.FirstNonEmpty(entry.GetString("access_key_id"));
            var secret = entry.GetString("access_key_secret");
            if (id is null && string.IsNullOrEmpty(secret))
            {
                if (!string.IsNullOrEmpty(entry.GetString("token"))) throw TokenNotSupported($"profile '{name}' of {path}");
                throw InvalidFile($"Profile '{name}' in {path} holds neither access_key_id nor access_key_secret.");
            }
            if (id is null || string.IsNullOrEmpty(secret)) throw InvalidFile($"Profile '{name}' in {path} holds only one of access_key_id and access_key_secret.");
            return new AccessKeyCredential(id, new Secret(secret!), null, $"profile '{name}' of {path}");
        }

        private static JsonValue? Read(string path)
        {
            if (!File.Exists(path)) return null;
            if (!JsonValue.TryParse(File.ReadAllText(path), out var json) || json.Kind != JsonKind.Object)
                throw InvalidFile($"{path} is not a JSON object as the zeno CLI writes it.");
            return json;
        }
    }
}

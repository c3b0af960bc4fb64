using System;
using System.Collections.Generic;
using System.IO;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Volcengine;

namespace ImageCmdlets.Tests.Volcengine;

/// <summary>
/// Credential and region resolution: -Credential, -ProfileName, the VOLCENGINE_* variables and the ve CLI's
/// ~/.volcengine/config.json, each in its place in the order, in a made-up home folder.
/// </summary>
public sealed class VolcengineCredentialTests : IDisposable
{
    private const string EnvSecret = "ZW52aXJvbm1lbnRTZWNyZXQwMDAx";
    private const string CliSecret = "Y2xpUHJvZmlsZVNlY3JldDAwMDE=";

    private const string CliConfig = """
        {
          "current": "work",
          "profiles": {
            "default": { "name": "default", "mode": "ak", "access-key": "AKLTdefault", "secret-key": "ZGVmYXVsdFNlY3JldA==", "region": "cn-beijing", "endpoint": "", "session-token": "", "disable-ssl": false },
            "work": { "name": "work", "mode": "ak", "access-key": "AKLTwork", "secret-key": "Y2xpUHJvZmlsZVNlY3JldDAwMDE=", "region": "cn-shanghai", "session-token": "" },
            "temp": { "name": "temp", "mode": "ak", "access-key": "AKTPtemp", "secret-key": "dGVtcFNlY3JldA==", "session-token": "STS2dGVtcFRva2Vu", "region": "cn-guangzhou" },
            "sso": { "name": "sso", "mode": "sso", "sso-session-name": "corp", "account-id": "2100000001", "role-name": "admin", "region": "ap-southeast-1" },
            "half": { "name": "half", "mode": "ak", "access-key": "AKLThalf", "secret-key": "", "region": "cn-hongkong" },
            "regionOnly": { "name": "regionOnly", "region": "ap-southeast-3" }
          },
          "enableColor": false
        }
        """;

    private readonly string _home = Path.Combine(Path.GetTempPath(), "imagecmdlets-volcengine-" + Guid.NewGuid().ToString("N"));

    public VolcengineCredentialTests() => Directory.CreateDirectory(_home);

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private string WriteConfig(string text = CliConfig, string? path = null)
    {
        path ??= Path.Combine(_home, ".volcengine", "config.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private FixedEnvironment Env(params (string Name, string Value)[] variables)
    {
        var values = new Dictionary<string, string>();
        foreach (var (name, value) in variables) values[name] = value;
        return new FixedEnvironment(values, _home);
    }

    private static (string, string)[] EnvKeys(params (string, string)[] more)
    {
        var all = new List<(string, string)> { ("VOLCENGINE_ACCESS_KEY", "AKLTenvironment"), ("VOLCENGINE_SECRET_KEY", EnvSecret) };
        all.AddRange(more);
        return all.ToArray();
    }

    private static AccessKeySettings Resolve(ConnectionRequest request) => VolcengineCredentials.Resolve(request);

    [Fact]
    public void The_credential_parameter_comes_first()
    {
        WriteConfig();
        var settings = Resolve(new ConnectionRequest
        {
            Credential = new AccessKeyCredential("AKLTparameter", new Secret("parameterSecret")),
            Region = "cn-guangzhou",
            Environment = Env(EnvKeys(("VOLCENGINE_REGION", "cn-beijing"))),
        });
        Assert.Equal(("AKLTparameter", "cn-guangzhou"), (settings.Credential.Id, settings.Region));
    }

    [Fact]
    public void Environment_variables_give_keys_token_and_region()
    {
        var settings = Resolve(new ConnectionRequest
        {
            Environment = Env(EnvKeys(("VOLCENGINE_SESSION_TOKEN", "STS2ZW52VG9rZW4"), ("VOLCENGINE_REGION", "cn-shanghai"))),
        });
        Assert.Equal("AKLTenvironment", settings.Credential.Id);
        Assert.Equal(EnvSecret, settings.Credential.SecretKey.Reveal());
        Assert.Equal("STS2ZW52VG9rZW4", settings.Credential.SessionToken!.Reveal());
        Assert.Equal("cn-shanghai", settings.Region);
    }

    [Fact]
    public void Environment_variables_come_before_the_default_profile_but_its_region_still_counts()
    {
        WriteConfig();
        var settings = Resolve(new ConnectionRequest { Environment = Env(EnvKeys()) });
        Assert.Equal("AKLTenvironment", settings.Credential.Id);
        Assert.Equal("cn-shanghai", settings.Region); // the "current" profile's
    }

    [Fact]
    public void The_current_profile_is_the_default()
    {
        WriteConfig();
        var settings = Resolve(new ConnectionRequest { Environment = Env() });
        Assert.Equal(("AKLTwork", CliSecret, "cn-shanghai"), (settings.Credential.Id, settings.Credential.SecretKey.Reveal(), settings.Region));
        Assert.Null(settings.Credential.SessionToken);
    }

    [Fact]
    public void Without_current_the_profile_named_default_is_used()
    {
        WriteConfig(CliConfig.Replace("\"current\": \"work\",", "", StringComparison.Ordinal));
        Assert.Equal("AKLTdefault", Resolve(new ConnectionRequest { Environment = Env() }).Credential.Id);
    }

    [Fact]
    public void Volcengine_profile_chooses_the_default_profile()
    {
        WriteConfig();
        var settings = Resolve(new ConnectionRequest { Environment = Env(("VOLCENGINE_PROFILE", "temp")) });
        Assert.Equal(("AKTPtemp", "STS2dGVtcFRva2Vu", "cn-guangzhou"), (settings.Credential.Id, settings.Credential.SessionToken!.Reveal(), settings.Region));
    }

    [Fact]
    public void A_named_profile_comes_before_the_environment()
    {
        WriteConfig();
        var settings = Resolve(new ConnectionRequest { ProfileName = "default", Environment = Env(EnvKeys(("VOLCENGINE_REGION", "cn-hongkong"))) });
        Assert.Equal("AKLTdefault", settings.Credential.Id);
        Assert.Equal("cn-hongkong", settings.Region); // the environment's region still comes before the profile's
    }

    [Fact]
    public void A_missing_named_profile_is_an_error_never_a_fallback()
    {
        WriteConfig();
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new ConnectionRequest { ProfileName = "staging", Region = "cn-beijing", Environment = Env(EnvKeys()) }));
        Assert.Equal("ProfileNotFound", ex.ErrorId);
        Assert.Contains("staging", ex.Message);
        Assert.Contains("config.json", ex.Message);
    }

    [Fact]
    public void A_named_profile_without_any_config_file_is_an_error()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new ConnectionRequest { ProfileName = "default", Region = "cn-beijing", Environment = Env(EnvKeys()) }));
        Assert.Equal("ProfileNotFound", ex.ErrorId);
    }

    [Fact]
    public void A_missing_profile_named_by_volcengine_profile_is_an_error()
    {
        WriteConfig();
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new ConnectionRequest { Region = "cn-beijing", Environment = Env(("VOLCENGINE_PROFILE", "gone")) }));
        Assert.Equal("ProfileNotFound", ex.ErrorId);
        Assert.Contains("VOLCENGINE_PROFILE", ex.Message);
    }

    [Fact]
    public void The_config_file_variable_moves_the_file()
    {
        var path = WriteConfig(path: Path.Combine(_home, "elsewhere", "ve.json"));
        var settings = Resolve(new ConnectionRequest { ProfileName = "temp", Environment = Env(("VOLCENGINE_CLI_CONFIG_FILE", path)) });
        Assert.Equal("AKTPtemp", settings.Credential.Id);
        Assert.Contains(path, settings.Credential.Source);
    }

    [Fact]
    public void An_sso_profile_is_refused_but_its_region_still_serves()
    {
        WriteConfig();
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { ProfileName = "sso", Environment = Env() }));
        Assert.Equal("UnsupportedProfileMode", ex.ErrorId);
        Assert.Equal(ErrorKind.Authentication, ex.Kind);
        var withCredential = Resolve(new ConnectionRequest { ProfileName = "sso", Credential = new AccessKeyCredential("AKLTp", new Secret("s")), Environment = Env() });
        Assert.Equal("ap-southeast-1", withCredential.Region);
    }

    [Fact]
    public void A_profile_with_only_one_key_is_an_error_that_names_neither_secret()
    {
        WriteConfig();
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { ProfileName = "half", Environment = Env() }));
        Assert.Equal("InvalidCredentialFile", ex.ErrorId);
        Assert.DoesNotContain(CliSecret, ex.Message);
    }

    [Fact]
    public void A_region_only_profile_gives_its_region_to_environment_keys()
    {
        WriteConfig();
        var settings = Resolve(new ConnectionRequest { Environment = Env(EnvKeys(("VOLCENGINE_PROFILE", "regionOnly"))) });
        Assert.Equal(("AKLTenvironment", "ap-southeast-3"), (settings.Credential.Id, settings.Region));
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { ProfileName = "regionOnly", Environment = Env() }));
        Assert.Equal("MissingCredential", ex.ErrorId);
    }

    [Fact]
    public void A_broken_config_is_an_error_that_never_quotes_it()
    {
        WriteConfig("{\"profiles\": {\"default\": {\"secret-key\": \"" + CliSecret + "\"");
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { Environment = Env() }));
        Assert.Equal("InvalidCredentialFile", ex.ErrorId);
        Assert.DoesNotContain(CliSecret, ex.Message);
    }

    [Fact]
    public void A_broken_config_that_is_not_needed_is_not_read()
    {
        WriteConfig("not json at all");
        var settings = Resolve(new ConnectionRequest { Environment = Env(EnvKeys(("VOLCENGINE_REGION", "cn-beijing"))) });
        Assert.Equal("AKLTenvironment", settings.Credential.Id);
    }

    [Fact]
    public void Nothing_anywhere_is_a_missing_credential_naming_the_sources()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { Region = "cn-beijing", Environment = Env() }));
        Assert.Equal("MissingCredential", ex.ErrorId);
        Assert.Contains("VOLCENGINE_ACCESS_KEY", ex.Message);
        Assert.Contains(".volcengine/config.json", ex.Message);
    }

    [Fact]
    public void No_region_anywhere_is_an_error()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { Environment = Env(EnvKeys()) }));
        Assert.Equal("MissingRegion", ex.ErrorId);
        Assert.Contains("VOLCENGINE_REGION", ex.Message);
    }

    [Fact]
    public void Only_one_key_variable_is_an_error()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new ConnectionRequest { Region = "cn-beijing", Environment = Env(("VOLCENGINE_ACCESS_KEY", "AKLTx")) }));
        Assert.Equal("IncompleteCredential", ex.ErrorId);
    }

    [Theory]
    [InlineData("AKLT bad", null)]
    [InlineData("AKLT/bad", null)]
    [InlineData("AKLTbad\r\nX-Injected: 1", null)]
    [InlineData("AKLTgood", "token with spaces")]
    [InlineData("AKLTgood", "token\nX-Injected: 1")]
    public void Credentials_that_would_bend_a_header_are_refused_before_any_call(string accessKeyId, string? token)
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest
        {
            Region = "cn-beijing",
            Credential = new AccessKeyCredential(accessKeyId, new Secret("s"), token is null ? null : new Secret(token)),
            Environment = Env(),
        }));
        Assert.Equal("InvalidCredential", ex.ErrorId);
        if (token is not null) Assert.DoesNotContain(token, ex.Message);
    }
}

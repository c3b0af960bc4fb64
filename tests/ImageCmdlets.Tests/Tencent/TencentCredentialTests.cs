using System;
using System.Collections.Generic;
using System.IO;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Tencent;
using ImageCmdlets.Tests.Support;
using Xunit;

namespace ImageCmdlets.Tests.Tencent;

/// <summary>
/// Credential and region resolution: -Credential, -ProfileName, TENCENTCLOUD_* variables, tccli's JSON
/// files and the SDK's INI file, each in a made-up home folder.
/// </summary>
public sealed class TencentCredentialTests : IDisposable
{
    private const string EnvId = "AKIDfromEnvironment00000000000000001";
    private const string EnvKey = "environmentSecretKey0000000000001";
    private const string FileId = "AKIDfromTccliFile0000000000000000001";
    private const string FileKey = "tccliFileSecretKey000000000000001";
    private const string IniId = "AKIDfromSdkIniFile000000000000000001";
    private const string IniKey = "sdkIniSecretKey00000000000000000001";

    private readonly TempHome _temp = new();


    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_credential_parameter_comes_first()
    {
        WriteTccli("default", FileId, FileKey, region: "ap-beijing");
        var settings = Resolve(new ConnectionRequest
        {
            Credential = new AccessKeyCredential("AKIDparameter", new Secret("parameterSecret")),
            Region = "ap-shanghai",
            Environment = Env(EnvVars()),
        });
        Assert.Equal("AKIDparameter", settings.Credential.Id);
        Assert.Equal("ap-shanghai", settings.Region);
    }

    [Fact]
    public void Environment_variables_give_keys_token_and_region()
    {
        var settings = Resolve(new ConnectionRequest
        {
            Environment = Env(EnvVars(("TENCENTCLOUD_TOKEN", "envSessionToken"), ("TENCENTCLOUD_REGION", "ap-chengdu"))),
        });
        Assert.Equal(EnvId, settings.Credential.Id);
        Assert.Equal(EnvKey, settings.Credential.SecretKey.Reveal());
        Assert.Equal("envSessionToken", settings.Credential.SessionToken!.Reveal());
        Assert.Equal("ap-chengdu", settings.Region);
    }

    [Fact]
    public void Environment_variables_come_before_the_default_profile_but_its_region_still_counts()
    {
        WriteTccli("default", FileId, FileKey, region: "ap-beijing");
        var settings = Resolve(new ConnectionRequest { Environment = Env(EnvVars()) });
        Assert.Equal(EnvId, settings.Credential.Id);
        Assert.Equal("ap-beijing", settings.Region);
    }

    [Fact]
    public void The_tccli_default_profile_gives_keys_token_and_region()
    {
        WriteTccli("default", FileId, FileKey, token: "tccliToken", region: "ap-nanjing");
        var settings = Resolve(new ConnectionRequest { Environment = Env() });
        Assert.Equal(FileId, settings.Credential.Id);
        Assert.Equal(FileKey, settings.Credential.SecretKey.Reveal());
        Assert.Equal("tccliToken", settings.Credential.SessionToken!.Reveal());
        Assert.Equal("ap-nanjing", settings.Region);
    }

    [Fact]
    public void An_older_tccli_configure_with_a_top_level_region_is_read()
    {
        WriteTccli("default", FileId, FileKey);
        File.WriteAllText(Path.Combine(_temp.Path, ".tccli", "default.configure"), "{\"region\": \"ap-tokyo\", \"output\": \"json\"}");
        Assert.Equal("ap-tokyo", Resolve(new ConnectionRequest { Environment = Env() }).Region);
    }

    [Fact]
    public void Tccli_profile_variable_chooses_the_default_profile()
    {
        WriteTccli("default", "AKIDwrongProfile", "wrong");
        WriteTccli("ci", FileId, FileKey, region: "ap-hongkong");
        var settings = Resolve(new ConnectionRequest { Environment = Env(new() { ["TCCLI_PROFILE"] = "ci" }) });
        Assert.Equal(FileId, settings.Credential.Id);
        Assert.Equal("ap-hongkong", settings.Region);
    }

    [Fact]
    public void A_named_profile_comes_before_the_environment()
    {
        WriteTccli("prod", FileId, FileKey, region: "ap-singapore");
        var settings = Resolve(new ConnectionRequest { ProfileName = "prod", Environment = Env(EnvVars()) });
        Assert.Equal(FileId, settings.Credential.Id);
        Assert.Equal("ap-singapore", settings.Region);
    }

    [Fact]
    public void A_missing_named_profile_is_an_error_never_a_fallback()
    {
        WriteTccli("default", FileId, FileKey, region: "ap-beijing");
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new ConnectionRequest { ProfileName = "staging", Region = "ap-beijing", Environment = Env(EnvVars()) }));
        Assert.Equal("ProfileNotFound", ex.ErrorId);
        Assert.Contains("staging", ex.Message);
    }

    [Fact]
    public void A_missing_profile_named_by_tccli_profile_is_an_error()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new ConnectionRequest { Region = "ap-beijing", Environment = Env(new() { ["TCCLI_PROFILE"] = "gone" }) }));
        Assert.Equal("ProfileNotFound", ex.ErrorId);
        Assert.Contains("TCCLI_PROFILE", ex.Message);
    }

    [Theory]
    [InlineData("../default")]
    [InlineData("..")]
    [InlineData("a/b")]
    public void A_profile_name_that_is_a_path_is_no_profile(string name)
    {
        WriteTccli("default", FileId, FileKey);
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new ConnectionRequest { ProfileName = name, Region = "ap-beijing", Environment = Env() }));
        Assert.Equal("ProfileNotFound", ex.ErrorId);
    }

    [Fact]
    public void The_sdk_ini_default_section_is_read_when_tccli_has_nothing()
    {
        WriteIni("[default]\nsecret_id = \"" + IniId + "\"\nsecret_key = " + IniKey + "\n");
        var settings = Resolve(new ConnectionRequest { Region = "ap-guangzhou", Environment = Env() });
        Assert.Equal(IniId, settings.Credential.Id);
        Assert.Equal(IniKey, settings.Credential.SecretKey.Reveal());
        Assert.Null(settings.Credential.SessionToken);
    }

    [Fact]
    public void A_named_profile_may_be_a_section_of_the_sdk_ini()
    {
        WriteIni("[default]\nsecret_id = AKIDother\nsecret_key = other\n\n[ops]\nsecret_id = " + IniId + "\nsecret_key = " + IniKey + "\n");
        Assert.Equal(IniId, Resolve(new ConnectionRequest { ProfileName = "ops", Region = "ap-guangzhou", Environment = Env() }).Credential.Id);
    }

    [Fact]
    public void Tccli_files_come_before_the_sdk_ini()
    {
        WriteIni("[default]\nsecret_id = " + IniId + "\nsecret_key = " + IniKey + "\n");
        WriteTccli("default", FileId, FileKey);
        Assert.Equal(FileId, Resolve(new ConnectionRequest { Region = "ap-guangzhou", Environment = Env() }).Credential.Id);
    }

    [Fact]
    public void No_credential_anywhere_is_a_clear_error()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { Region = "ap-guangzhou", Environment = Env() }));
        Assert.Equal("MissingCredential", ex.ErrorId);
        Assert.Equal(ErrorKind.Authentication, ex.Kind);
        Assert.Contains("TENCENTCLOUD_SECRET_ID", ex.Message);
        Assert.Contains(".tccli", ex.Message);
        Assert.Contains(".tencentcloud/credentials", ex.Message);
    }

    [Fact]
    public void Only_half_a_key_pair_in_the_environment_is_an_error()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new ConnectionRequest { Region = "ap-guangzhou", Environment = Env(new() { ["TENCENTCLOUD_SECRET_KEY"] = EnvKey }) }));
        Assert.Equal("IncompleteCredential", ex.ErrorId);
    }

    [Fact]
    public void Region_comes_from_the_parameter_then_the_environment_then_the_profile()
    {
        WriteTccli("default", FileId, FileKey, region: "ap-beijing");
        Assert.Equal("ap-shanghai", Resolve(new ConnectionRequest
        {
            Region = "ap-shanghai",
            Environment = Env(new() { ["TENCENTCLOUD_REGION"] = "ap-chengdu" }),
        }).Region);
        Assert.Equal("ap-chengdu", Resolve(new ConnectionRequest { Environment = Env(new() { ["TENCENTCLOUD_REGION"] = "ap-chengdu" }) }).Region);
        Assert.Equal("ap-beijing", Resolve(new ConnectionRequest { Environment = Env() }).Region);
    }

    [Fact]
    public void No_region_anywhere_is_a_clear_error()
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { Environment = Env(EnvVars()) }));
        Assert.Equal("MissingRegion", ex.ErrorId);
        Assert.Contains("TENCENTCLOUD_REGION", ex.Message);
    }

    [Fact]
    public void Role_credentials_are_refused_rather_than_used_as_the_wrong_identity()
    {
        Directory.CreateDirectory(Path.Combine(_temp.Path, ".tccli"));
        File.WriteAllText(Path.Combine(_temp.Path, ".tccli", "default.credential"),
            "{\"secretId\": \"" + FileId + "\", \"secretKey\": \"" + FileKey + "\", \"role-arn\": \"qcs::cam::uin/1:roleName/ops\", \"role-session-name\": \"s\"}");
        var fromFile = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest { Region = "ap-guangzhou", Environment = Env() }));
        Assert.Equal("UnsupportedCredential", fromFile.ErrorId);

        var fromEnvironment = Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(new ConnectionRequest
        {
            Region = "ap-guangzhou",
            Environment = Env(EnvVars(("TENCENTCLOUD_ROLE_ARN", "qcs::cam::uin/1:roleName/ops"))),
        }));
        Assert.Equal("UnsupportedCredential", fromEnvironment.ErrorId);
    }

    [Fact]
    public void No_secret_appears_in_any_error_text()
    {
        var failures = new List<Exception>();
        void Capture(Action action)
        {
            var ex = Record.Exception(action);
            Assert.NotNull(ex);
            failures.Add(ex!);
        }

        Directory.CreateDirectory(Path.Combine(_temp.Path, ".tccli"));
        // A broken file that holds the secret.
        File.WriteAllText(Path.Combine(_temp.Path, ".tccli", "broken.credential"), "{\"secretId\": \"" + FileId + "\", \"secretKey\": \"" + FileKey + "\"");
        Capture(() => Resolve(new ConnectionRequest { ProfileName = "broken", Region = "ap-guangzhou", Environment = Env() }));
        // Half a pair in a file.
        File.WriteAllText(Path.Combine(_temp.Path, ".tccli", "half.credential"), "{\"secretKey\": \"" + FileKey + "\"}");
        Capture(() => Resolve(new ConnectionRequest { ProfileName = "half", Region = "ap-guangzhou", Environment = Env() }));
        // Half a pair in the environment, a missing profile with keys in the environment, no region.
        Capture(() => Resolve(new ConnectionRequest { Region = "ap-guangzhou", Environment = Env(new() { ["TENCENTCLOUD_SECRET_KEY"] = EnvKey }) }));
        Capture(() => Resolve(new ConnectionRequest { ProfileName = "absent", Environment = Env(EnvVars()) }));
        Capture(() => Resolve(new ConnectionRequest { Environment = Env(EnvVars(("TENCENTCLOUD_TOKEN", "envSessionToken"))) }));
        Capture(() => Resolve(new ConnectionRequest { Region = "ap-guangzhou", Environment = Env(EnvVars(("TENCENTCLOUD_ROLE_ARN", "arn"))) }));

        foreach (var ex in failures)
        {
            var text = ex.ToString();
            Assert.DoesNotContain(FileKey, text);
            Assert.DoesNotContain(EnvKey, text);
            Assert.DoesNotContain("envSessionToken", text);
        }
        Assert.DoesNotContain(EnvKey, new AccessKeyCredential(EnvId, new Secret(EnvKey), new Secret("t")).ToString());
    }

    [Fact]
    public void The_default_endpoint_serves_every_region_except_the_finance_zones()
    {
        Assert.Equal("https://cvm.tencentcloudapi.com/", new TencentProvider().StandardEndpoint("ap-guangzhou").ToString());
        Assert.Equal("https://cvm.ap-shanghai-fsi.tencentcloudapi.com/", new TencentProvider().StandardEndpoint("ap-shanghai-fsi").ToString());
    }

    [Fact]
    public void Connect_reports_the_account_and_region_without_making_a_call()
    {
        var provider = ProviderRegistry.Find(TencentProvider.ProviderName).Connect(new ConnectionRequest { Environment = Env(EnvVars(("TENCENTCLOUD_REGION", "ap-seoul"))) });
        Assert.Equal(EnvId, provider.Account);
        Assert.Equal("ap-seoul", provider.Region);
        Assert.Same(ProviderRegistry.Find(TencentProvider.ProviderName), provider.Provider);
    }

    private static AccessKeySettings Resolve(ConnectionRequest request) => TencentCredentials.Resolve(request);

    private FixedEnvironment Env(Dictionary<string, string>? variables = null) => new(variables ?? new Dictionary<string, string>(), _temp.Path);

    private static Dictionary<string, string> EnvVars(params (string Name, string Value)[] extra)
    {
        var variables = new Dictionary<string, string> { ["TENCENTCLOUD_SECRET_ID"] = EnvId, ["TENCENTCLOUD_SECRET_KEY"] = EnvKey };
        foreach (var (name, value) in extra) variables[name] = value;
        return variables;
    }

    /// <summary>The files 'tccli configure' writes: the keys in .credential, settings under _sys_param in .configure.</summary>
    private void WriteTccli(string profile, string id, string key, string? token = null, string? region = null)
    {
        var folder = Path.Combine(_temp.Path, ".tccli");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, profile + ".credential"),
            "{\n    \"secretId\": \"" + id + "\",\n    \"secretKey\": \"" + key + "\"" + (token is null ? "" : ",\n    \"token\": \"" + token + "\"") + "\n}");
        if (region is not null)
            File.WriteAllText(Path.Combine(folder, profile + ".configure"),
                "{\n    \"_sys_param\": {\"region\": \"" + region + "\", \"output\": \"json\", \"language\": \"en-US\"},\n" +
                "    \"cvm\": {\"endpoint\": \"cvm.tencentcloudapi.com\", \"version\": \"2017-03-12\"}\n}");
    }

    private void WriteIni(string text)
    {
        var folder = Path.Combine(_temp.Path, ".tencentcloud");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "credentials"), text);
    }
}

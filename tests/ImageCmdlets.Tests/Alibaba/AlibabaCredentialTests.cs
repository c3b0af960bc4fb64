using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Alibaba;
using ImageCmdlets.Tests.Support;
using Xunit;

namespace ImageCmdlets.Tests.Alibaba;

/// <summary>
/// Credential and region resolution: -Credential, -ProfileName, ALIBABA_CLOUD_* variables, the aliyun
/// CLI's ~/.aliyun/config.json and the SDK's ~/.alibabacloud/credentials, each in its place in the order,
/// in a made-up home folder.
/// </summary>
public sealed class AlibabaCredentialTests : IDisposable
{
    private const string CliSecret = "cliSecretValue-7f3a";
    private const string IniSecret = "iniSecretValue-91bc";
    private const string EnvSecret = "envSecretValue-55de";

    private readonly TempHome _temp = new();
    private readonly Dictionary<string, string> _variables = new();


    public void Dispose() => _temp.Dispose();

    private const string CliConfig = """
        {
          "current": "work",
          "profiles": [
            { "name": "default", "mode": "AK", "access_key_id": "LTAIdefault", "access_key_secret": "defaultSecret-0000", "region_id": "cn-beijing" },
            { "name": "work", "mode": "AK", "access_key_id": "LTAIwork", "access_key_secret": "cliSecretValue-7f3a", "region_id": "cn-shanghai" },
            { "name": "temp", "mode": "StsToken", "access_key_id": "STS.temp", "access_key_secret": "stsSecret-1111", "sts_token": "stsTokenValue-2222", "region_id": "cn-shenzhen" },
            { "name": "role", "mode": "RamRoleArn", "access_key_id": "LTAIrole", "access_key_secret": "roleSecret-3333", "ram_role_arn": "acs:ram::1:role/x", "region_id": "eu-central-1" }
          ],
          "meta_path": ""
        }
        """;

    private const string IniFile = """
        [default]
        type = access_key
        access_key_id = LTAIini
        access_key_secret = iniSecretValue-91bc

        [project]
        type = access_key
        access_key_id = LTAIproject
        access_key_secret = projectSecret-4444
        region_id = ap-southeast-1

        [ecs]
        type = ecs_ram_role
        role_name = EcsRole
        """;

    private void WriteCliConfig(string text = CliConfig)
    {
        Directory.CreateDirectory(Path.Combine(_temp.Path, ".aliyun"));
        File.WriteAllText(Path.Combine(_temp.Path, ".aliyun", "config.json"), text);
    }

    private void WriteIni(string fileName = "credentials")
    {
        Directory.CreateDirectory(Path.Combine(_temp.Path, ".alibabacloud"));
        File.WriteAllText(Path.Combine(_temp.Path, ".alibabacloud", fileName), IniFile);
    }

    private void SetEnvironmentKey()
    {
        _variables["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "LTAIenv";
        _variables["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = EnvSecret;
    }

    private AccessKeySettings Resolve(string? region = "cn-hangzhou", string? profile = null, AccessKeyCredential? credential = null) =>
        AlibabaCredentials.Resolve(new ConnectionRequest
        {
            Region = region,
            ProfileName = profile,
            Credential = credential,
            Environment = new FixedEnvironment(_variables, _temp.Path),
        });

    private ImageCmdletsConfigurationException Fails(string? region = "cn-hangzhou", string? profile = null) =>
        Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(region, profile));

    [Fact]
    public void The_credential_parameter_wins_over_everything()
    {
        WriteCliConfig();
        WriteIni();
        SetEnvironmentKey();

        var settings = Resolve(credential: new AccessKeyCredential("LTAIparam", new Secret("paramSecret")));

        Assert.Equal("LTAIparam", settings.Credential.Id);
        Assert.Equal("paramSecret", settings.Credential.SecretKey.Reveal());
    }

    [Fact]
    public void Environment_variables_come_before_the_files()
    {
        WriteCliConfig();
        WriteIni();
        SetEnvironmentKey();
        _variables["ALIBABA_CLOUD_SECURITY_TOKEN"] = "envToken";

        var settings = Resolve();

        Assert.Equal("LTAIenv", settings.Credential.Id);
        Assert.Equal(EnvSecret, settings.Credential.SecretKey.Reveal());
        Assert.Equal("envToken", settings.Credential.SessionToken!.Reveal());
    }

    [Fact]
    public void Half_an_environment_key_is_an_error()
    {
        _variables["ALIBABA_CLOUD_ACCESS_KEY_ID"] = "LTAIenv";
        Assert.Equal("IncompleteCredential", Fails().ErrorId);
    }

    [Fact]
    public void The_cli_configs_current_profile_comes_before_the_ini_file()
    {
        WriteCliConfig();
        WriteIni();

        var settings = Resolve(region: null);

        Assert.Equal("LTAIwork", settings.Credential.Id);
        Assert.Equal(CliSecret, settings.Credential.SecretKey.Reveal());
        Assert.Null(settings.Credential.SessionToken);
        Assert.Equal("cn-shanghai", settings.Region);
    }

    [Fact]
    public void A_named_profile_outranks_the_environment()
    {
        WriteCliConfig();
        SetEnvironmentKey();

        var settings = Resolve(region: null, profile: "temp");

        Assert.Equal("STS.temp", settings.Credential.Id);
        Assert.Equal("stsTokenValue-2222", settings.Credential.SessionToken!.Reveal());
        Assert.Equal("cn-shenzhen", settings.Region);
    }

    [Fact]
    public void A_named_profile_is_also_looked_up_in_the_ini_file()
    {
        WriteCliConfig();
        WriteIni();

        var settings = Resolve(region: null, profile: "project");

        Assert.Equal("LTAIproject", settings.Credential.Id);
        Assert.Equal("ap-southeast-1", settings.Region);
    }

    [Fact]
    public void A_missing_named_profile_is_an_error_never_a_fallback()
    {
        WriteCliConfig();
        WriteIni();
        SetEnvironmentKey();

        var ex = Fails(profile: "nosuch");

        Assert.Equal("ProfileNotFound", ex.ErrorId);
        Assert.Contains("nosuch", ex.Message);
    }

    [Fact]
    public void The_sdk_profile_variable_names_a_profile_that_must_exist()
    {
        WriteIni();
        _variables["ALIBABA_CLOUD_PROFILE"] = "project";
        Assert.Equal("LTAIproject", Resolve().Credential.Id);

        _variables["ALIBABA_CLOUD_PROFILE"] = "nosuch";
        Assert.Equal("ProfileNotFound", Fails().ErrorId);
    }

    [Fact]
    public void The_ini_files_default_section_is_the_last_source()
    {
        WriteIni();

        var settings = Resolve();

        Assert.Equal("LTAIini", settings.Credential.Id);
        Assert.Equal(IniSecret, settings.Credential.SecretKey.Reveal());
    }

    [Fact]
    public void The_ini_file_is_also_found_with_an_ini_extension_or_where_the_variable_says()
    {
        WriteIni("credentials.ini");
        Assert.Equal("LTAIini", Resolve().Credential.Id);

        var elsewhere = Path.Combine(_temp.Path, "elsewhere.ini");
        File.WriteAllText(elsewhere, "[default]\naccess_key_id = LTAIelsewhere\naccess_key_secret = x\n");
        _variables["ALIBABA_CLOUD_CREDENTIALS_FILE"] = elsewhere;
        Assert.Equal("LTAIelsewhere", Resolve().Credential.Id);
    }

    [Theory]
    [InlineData("role", "RamRoleArn")]
    [InlineData("ecs", "ecs_ram_role")]
    public void Unsupported_modes_say_so(string profile, string mode)
    {
        WriteCliConfig();
        WriteIni();

        var ex = Fails(profile: profile);

        Assert.Equal("UnsupportedProfileMode", ex.ErrorId);
        Assert.Contains(mode, ex.Message);
        Assert.DoesNotContain("roleSecret-3333", ex.Message);
    }

    [Fact]
    public void An_unsupported_current_profile_still_gives_its_region_when_the_key_comes_from_elsewhere()
    {
        WriteCliConfig(CliConfig.Replace("\"current\": \"work\"", "\"current\": \"role\""));
        SetEnvironmentKey();

        var settings = Resolve(region: null);

        Assert.Equal("LTAIenv", settings.Credential.Id);
        Assert.Equal("eu-central-1", settings.Region);
    }

    [Fact]
    public void Region_comes_from_the_parameter_then_the_variable_then_the_profile()
    {
        WriteCliConfig();
        _variables["ALIBABA_CLOUD_REGION_ID"] = "cn-qingdao";

        Assert.Equal("cn-hangzhou", Resolve(region: "cn-hangzhou").Region);
        Assert.Equal("cn-qingdao", Resolve(region: null).Region);
        _variables.Remove("ALIBABA_CLOUD_REGION_ID");
        Assert.Equal("cn-shanghai", Resolve(region: null).Region);
    }

    [Fact]
    public void No_region_anywhere_is_an_error()
    {
        SetEnvironmentKey();
        var ex = Fails(region: null);
        Assert.Equal("MissingRegion", ex.ErrorId);
        Assert.Contains("ALIBABA_CLOUD_REGION_ID", ex.Message);
    }

    [Fact]
    public void No_credential_anywhere_is_an_error_that_says_where_to_put_one()
    {
        var ex = Fails();
        Assert.Equal("MissingCredential", ex.ErrorId);
        Assert.Equal(ErrorKind.Authentication, ex.Kind);
        Assert.Contains("ALIBABA_CLOUD_ACCESS_KEY_ID", ex.Message);
        Assert.Contains(".aliyun/config.json", ex.Message);
    }

    [Fact]
    public void A_profile_without_its_secret_is_an_error()
    {
        WriteCliConfig("""{"current":"default","profiles":[{"name":"default","mode":"AK","access_key_id":"LTAIonly","access_key_secret":""}]}""");
        Assert.Equal("IncompleteCredential", Fails().ErrorId);
    }

    [Fact]
    public void A_broken_cli_config_is_reported_without_quoting_it()
    {
        WriteCliConfig("{\"current\":\"default\",\"profiles\":[{\"access_key_secret\":\"" + CliSecret + "\" oops");

        var ex = Fails();

        Assert.Equal("InvalidCredentialFile", ex.ErrorId);
        Assert.DoesNotContain(CliSecret, ex.Message);
        Assert.DoesNotContain(CliSecret, ex.ToString());
    }

    [Fact]
    public void No_secret_appears_in_any_error_or_description()
    {
        WriteCliConfig();
        WriteIni();
        SetEnvironmentKey();
        var texts = new List<string>();
        foreach (var (region, profile) in new[] { ("cn-hangzhou", "nosuch"), ("cn-hangzhou", "role"), ("cn-hangzhou", "ecs") })
            texts.Add(Fails(region, profile).ToString());
        foreach (var profile in new[] { "work", "temp", "project" })
        {
            var settings = Resolve(profile: profile);
            texts.Add(settings.Credential.ToString());
            texts.Add(settings.Credential.SecretKey.ToString());
            texts.Add(settings.Credential.SessionToken?.ToString() ?? "");
        }

        foreach (var secret in new[] { CliSecret, IniSecret, EnvSecret, "stsSecret-1111", "stsTokenValue-2222", "roleSecret-3333", "projectSecret-4444" })
            Assert.All(texts, t => Assert.DoesNotContain(secret, t));
    }

    [Fact]
    public async Task Connect_uses_the_resolved_key_against_the_emulator()
    {
        await using var bed = await AlibabaTestBed.StartAsync();
        bed.Emulator.AddAccessKey("LTAIwork", CliSecret);
        WriteCliConfig();

        var provider = ProviderRegistry.Find(AlibabaProvider.ProviderName).Connect(new ConnectionRequest
        {
            Endpoint = bed.Emulator.BaseUri,
            Environment = new FixedEnvironment(_variables, _temp.Path),
            Transport = bed.Transport,
        });
        var page = await provider.ListImagesAsync(new ImageQuery(), null, AlibabaTestBed.Call());

        Assert.Equal("LTAIwork", provider.Account);
        Assert.Equal("cn-shanghai", provider.Region);
        Assert.Equal(0, page.TotalCount);
    }

    [Theory]
    [InlineData("cn-hangzhou.evil.com/x")]
    [InlineData("CN HANGZHOU")]
    public void A_region_that_is_not_a_region_id_is_refused_before_any_call(string region)
    {
        SetEnvironmentKey();
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() => ProviderRegistry.Find(AlibabaProvider.ProviderName).Connect(new ConnectionRequest
        {
            Region = region,
            Environment = new FixedEnvironment(_variables, _temp.Path),
        }));
        Assert.Equal("InvalidRegion", ex.ErrorId);
    }
}

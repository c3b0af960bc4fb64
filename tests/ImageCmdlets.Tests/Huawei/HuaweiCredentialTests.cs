using System;
using System.Collections.Generic;
using System.IO;
using ImageCmdlets.Credentials;
using ImageCmdlets.Providers;
using ImageCmdlets.Providers.Huawei;

namespace ImageCmdlets.Tests.Huawei;

/// <summary>Where the Huawei provider finds its credentials and project, in order, and what it refuses before any call.</summary>
public sealed class HuaweiCredentialTests : IDisposable
{
    private const string Project = "0f6e4c2a9b8d4e1f8a7b6c5d4e3f2a10";
    private const string FileProject = "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb";
    private readonly string _home = Path.Combine(Path.GetTempPath(), "huawei-home-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, true);
    }

    private void WriteFile(string text)
    {
        Directory.CreateDirectory(Path.Combine(_home, ".huaweicloud"));
        File.WriteAllText(Path.Combine(_home, ".huaweicloud", "credentials"), text);
    }

    private HuaweiSettings Resolve(Dictionary<string, string>? env = null, AccessKeyCredential? credential = null, string? profile = null, string? region = "cn-north-4") =>
        HuaweiCredentials.Resolve(new ConnectionRequest
        {
            Region = region,
            Credential = credential,
            ProfileName = profile,
            Environment = new FixedEnvironment(env ?? new Dictionary<string, string>(), _home),
        }, HuaweiProvider.IamEndpoint);

    [Fact]
    public void A_credential_parameter_is_an_access_key_with_the_project_from_the_environment()
    {
        var s = Resolve(new() { ["HUAWEICLOUD_SDK_AK"] = "ENVAK", ["HUAWEICLOUD_SDK_SK"] = "envsk", ["HUAWEICLOUD_SDK_PROJECT_ID"] = Project },
            new AccessKeyCredential("PARAMAK", new Secret("paramsk")));
        Assert.Equal("PARAMAK", s.AccessKey!.Id);
        Assert.Equal(Project, s.ProjectId);
        Assert.Null(s.Token);
    }

    [Fact]
    public void An_account_backslash_user_credential_is_an_IAM_user_scoped_to_the_region_s_project()
    {
        var s = Resolve(credential: new AccessKeyCredential("acme\\alice", new Secret("pw")));
        Assert.Null(s.AccessKey);
        Assert.Equal("alice", s.Token!.User!.Id);
        Assert.Equal(("name", "acme"), s.Token.UserDomain);
        Assert.Equal("cn-north-4", s.Token.ProjectName);
        Assert.Equal(new Uri("https://iam.cn-north-4.myhuaweicloud.com/v3"), s.Token.AuthUrl);
    }

    [Fact]
    public void The_sdk_variables_come_before_a_token_and_the_file()
    {
        WriteFile($"[basic]\nak = FILEAK\nsk = filesk\nproject_id = {FileProject}\n");
        var s = Resolve(new() { ["HUAWEICLOUD_SDK_AK"] = "ENVAK", ["HUAWEICLOUD_SDK_SK"] = "envsk", ["HUAWEICLOUD_IAM_TOKEN"] = "MIItoken" });
        Assert.Equal("ENVAK", s.AccessKey!.Id);
        Assert.Equal(FileProject, s.ProjectId);
    }

    [Fact]
    public void A_given_token_comes_before_the_file()
    {
        WriteFile($"[basic]\nak = FILEAK\nsk = filesk\nproject_id = {FileProject}\n");
        var s = Resolve(new() { ["HUAWEICLOUD_IAM_TOKEN"] = "MIItoken", ["HUAWEICLOUD_SDK_PROJECT_ID"] = Project });
        Assert.Equal("MIItoken", s.Token!.Token!.Reveal());
        Assert.Null(s.Token.AuthUrl);
        Assert.Equal(Project, s.ProjectId);
    }

    [Fact]
    public void The_file_s_basic_section_is_the_last_resort_and_a_named_section_must_exist()
    {
        WriteFile($"[basic]\nak = FILEAK\nsk = filesk\nproject_id = {FileProject}\n\n[prod]\nak = PRODAK\nsk = prodsk\nproject_id = {Project}\nsecurity_token = sts\n");
        Assert.Equal("FILEAK", Resolve().AccessKey!.Id);
        var prod = Resolve(profile: "prod");
        Assert.Equal(("PRODAK", Project, "sts"), (prod.AccessKey!.Id, prod.ProjectId, prod.AccessKey.SessionToken!.Reveal()));
        Assert.Equal("ProfileNotFound", Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve(profile: "staging")).ErrorId);
    }

    [Theory]
    [InlineData("not-a-project")]
    [InlineData("0f6e4c2a9b8d4e1f8a7b6c5d4e3f2a10\r\nX-Evil: 1")]
    public void A_project_id_that_is_not_32_hex_digits_is_refused(string project)
    {
        var ex = Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(new() { ["HUAWEICLOUD_SDK_AK"] = "AK", ["HUAWEICLOUD_SDK_SK"] = "SK", ["HUAWEICLOUD_SDK_PROJECT_ID"] = project }));
        Assert.Equal("InvalidProjectId", ex.ErrorId);
    }

    [Fact]
    public void An_access_key_without_a_project_looks_it_up_in_the_region_s_IAM_and_without_a_region_it_is_a_clear_error()
    {
        var s = Resolve(credential: new AccessKeyCredential("AK", new Secret("SK")));
        Assert.Null(s.ProjectId);
        Assert.Equal(new Uri("https://iam.cn-north-4.myhuaweicloud.com/v3"), s.IamEndpoint);
        Assert.Equal("MissingRegion", Assert.Throws<ImageCmdletsConfigurationException>(() =>
            Resolve(credential: new AccessKeyCredential("AK", new Secret("SK")), region: null)).ErrorId);
        Assert.Equal("MissingCredential", Assert.Throws<ImageCmdletsConfigurationException>(() => Resolve()).ErrorId);
    }

    [Theory]
    [InlineData("cn-north-4", "https://ims.cn-north-4.myhuaweicloud.com/")]
    [InlineData("ap-southeast-1", "https://ims.ap-southeast-1.myhuaweicloud.com/")]
    [InlineData("eu-west-101", "https://ims.eu-west-101.myhuaweicloud.eu/")]
    public void The_region_names_the_IMS_endpoint(string region, string endpoint)
    {
        Assert.Equal(new Uri(endpoint), HuaweiProvider.ImsEndpoint(region));
        var session = ProviderRegistry.Find("Huawei").Connect(new ConnectionRequest
        {
            Region = region,
            Credential = new AccessKeyCredential("AK", new Secret("SK")),
            Environment = new FixedEnvironment(new Dictionary<string, string> { ["HUAWEICLOUD_SDK_PROJECT_ID"] = Project }, _home),
        });
        Assert.Equal(endpoint.TrimEnd('/'), session.Endpoint.TrimEnd('/'));
    }
}

using System;
using System.Linq;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Tencent;
using ImageCmdlets.Hosted.Tests.Support;
using Xunit;

namespace ImageCmdlets.Hosted.Tests;

/// <summary>
/// Remove-CloudImage's confirmation prompts as a person meets them in a real PowerShell engine: the
/// ShouldProcess prompt per image (Yes, Yes to All, No, No to All), the extra ShouldContinue of
/// -DeleteSnapshot, and -Force / -Confirm. The images come from Get-CloudImage, so each prompt must
/// name the image's id and name.
/// </summary>
public sealed class ConfirmationPromptTests : IAsyncLifetime
{
    private const string Key = "AKIDhostedPromptTests000000000001";
    private const string Secret = "hostedPromptTestsSecret00000000001";
    private readonly TencentEmulator _cloud = new("ap-guangzhou");
    private string[] _ids = Array.Empty<string>();

    public async Task InitializeAsync()
    {
        _cloud.AddKey(Key, Secret);
        await _cloud.StartAsync();
        _ids = Enumerable.Range(0, 4).Select(i => _cloud.AddImage(new TencentEmulatorImage
        {
            Name = $"prompt-{i}",
            SnapshotIds = new[] { $"snap-prompt{i}0" },
        }).ImageId).ToArray();
    }

    public async Task DisposeAsync() => await _cloud.DisposeAsync();

    private HostedPowerShell Shell(params string[] answers)
    {
        var shell = new HostedPowerShell(answers);
        shell.Set("c", HostedPowerShell.Credential(Key, Secret));
        shell.Set("endpoint", _cloud.BaseUri.ToString());
        return shell;
    }

    private const string ListAll = "Get-CloudImage -Provider Tencent -Region ap-guangzhou -Endpoint $endpoint -Credential $c -Name 'prompt-*'";

    [Fact]
    public void Each_image_is_asked_about_by_id_and_name_and_only_the_yes_ones_are_deleted()
    {
        using var shell = Shell("Y", "N", "Y", "N");
        var (output, errors) = shell.Run(ListAll + " | Remove-CloudImage");

        Assert.Empty(errors);
        Assert.Equal(4, shell.Host.Prompts.Count);
        for (var i = 0; i < 4; i++)
        {
            Assert.Contains(_ids[i], shell.Host.Prompts[i].Message);
            Assert.Contains($"prompt-{i}", shell.Host.Prompts[i].Message);
        }
        var statuses = output.Select(o => (Id: (string)o.Properties["ImageId"].Value, Status: o.Properties["Status"].Value.ToString())).ToArray();
        Assert.Equal(new[] { "Deleted", "Declined", "Deleted", "Declined" }, _ids.Select(id => statuses.Single(s => s.Id == id).Status));
        Assert.Equal(new[] { _ids[1], _ids[3] }, _cloud.ImageIds.OrderBy(i => Array.IndexOf(_ids, i)));
        Assert.All(output.Where(o => o.Properties["Status"].Value.ToString() == "Declined"),
            o => Assert.StartsWith("prompt-", (string)o.Properties["Name"].Value));
    }

    [Fact]
    public void Yes_to_all_asks_once_and_deletes_everything()
    {
        using var shell = Shell("A");
        var (output, errors) = shell.Run(ListAll + " | Remove-CloudImage");

        Assert.Empty(errors);
        Assert.Single(shell.Host.Prompts);
        Assert.Equal(4, output.Count(o => o.Properties["Status"].Value.ToString() == "Deleted"));
        Assert.Empty(_cloud.ImageIds);
    }

    [Fact]
    public void No_to_all_asks_once_and_deletes_nothing()
    {
        using var shell = Shell("L");
        var (output, errors) = shell.Run(ListAll + " | Remove-CloudImage");

        Assert.Empty(errors);
        Assert.Single(shell.Host.Prompts);
        Assert.Equal(4, output.Count(o => o.Properties["Status"].Value.ToString() == "Declined"));
        Assert.Equal(4, _cloud.ImageIds.Count);
        Assert.Empty(_cloud.CallsOf("DeleteImages"));
    }

    [Fact]
    public void DeleteSnapshot_asks_a_second_question_and_a_no_there_keeps_image_and_snapshots()
    {
        // Image 0: yes, then yes to the snapshots. Image 1: yes, then no to the snapshots. Image 2, 3: no.
        using var shell = Shell("Y", "Y", "Y", "N", "N", "N");
        var (output, errors) = shell.Run(ListAll + " | Remove-CloudImage -DeleteSnapshot");

        Assert.Empty(errors);
        Assert.Equal(6, shell.Host.Prompts.Count);
        Assert.Contains("snapshots", shell.Host.Prompts[1].Message);
        Assert.Contains(_ids[0], shell.Host.Prompts[1].Message);
        Assert.Equal(new[] { _ids[1], _ids[2], _ids[3] }, _cloud.ImageIds.OrderBy(i => Array.IndexOf(_ids, i)));
        Assert.DoesNotContain("snap-prompt00", _cloud.SnapshotIds);
        Assert.Contains("snap-prompt10", _cloud.SnapshotIds);
        Assert.Equal(1, output.Count(o => o.Properties["Status"].Value.ToString() == "Deleted"));
    }

    [Fact]
    public void Force_asks_nothing_not_even_about_snapshots()
    {
        using var shell = Shell();
        var (output, errors) = shell.Run(ListAll + " | Remove-CloudImage -DeleteSnapshot -Force");

        Assert.Empty(errors);
        Assert.Empty(shell.Host.Prompts);
        Assert.Empty(_cloud.ImageIds);
        Assert.DoesNotContain(_cloud.SnapshotIds, s => s.StartsWith("snap-prompt", StringComparison.Ordinal));
        Assert.Equal(4, output.Count);
    }

    [Fact]
    public void Force_with_an_explicit_Confirm_still_asks()
    {
        // Image 0: no. Image 1: yes to all, then yes to all at the snapshot question: nothing more is asked.
        using var shell = Shell("N", "A", "A");
        var (output, errors) = shell.Run(ListAll + " | Remove-CloudImage -DeleteSnapshot -Force -Confirm");

        Assert.Empty(errors);
        Assert.Equal(3, shell.Host.Prompts.Count);
        Assert.Contains(_ids[0], shell.Host.Prompts[0].Message);
        Assert.Contains("snapshots", shell.Host.Prompts[2].Message);
        Assert.Equal(new[] { _ids[0] }, _cloud.ImageIds);
    }

    [Fact]
    public void WhatIf_asks_nothing_and_deletes_nothing()
    {
        using var shell = Shell();
        var (output, errors) = shell.Run(ListAll + " | Remove-CloudImage -WhatIf");

        Assert.Empty(errors);
        Assert.Empty(shell.Host.Prompts);
        Assert.Equal(4, output.Count(o => o.Properties["Status"].Value.ToString() == "WouldDelete"));
        Assert.Equal(4, _cloud.ImageIds.Count);
    }
}

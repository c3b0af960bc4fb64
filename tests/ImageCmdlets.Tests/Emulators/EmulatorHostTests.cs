using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using ImageCmdlets.Json;
using ImageCmdlets.Tests.Support;

namespace ImageCmdlets.Tests.Emulators;

/// <summary>The emulator host as a separate process, the way start.sh and a person run it.</summary>
public sealed class EmulatorHostTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_host_runs_every_emulator_and_removes_its_state_files_when_stdin_closes()
    {
        // The host's build output is copied next to the tests (a referenced executable project).
        var hostDll = Path.Combine(AppContext.BaseDirectory, "ImageCmdlets.Emulators.dll");
        Assert.True(File.Exists(Path.ChangeExtension(hostDll, ".runtimeconfig.json")), $"{hostDll} is not runnable");
        var stateDir = Path.Combine(Path.GetTempPath(), "imagecmdlets-host-test-" + Guid.NewGuid().ToString("N"));
        var jsonPath = Path.Combine(stateDir, "emulators.json");
        var scriptPath = Path.Combine(stateDir, "emulators.ps1");

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { hostDll, "--random-ports", "--state-dir", stateDir, "--exit-on-stdin-close" }) start.ArgumentList.Add(arg);
        var output = new StringBuilder();
        using var host = new Process { StartInfo = start };
        host.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        host.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        host.Start();
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        string Output() { lock (output) return output.ToString(); }
        try
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(jsonPath))
            {
                Assert.False(host.HasExited, $"The host exited ({(host.HasExited ? host.ExitCode : 0)}) before it was ready:\n{Output()}");
                Assert.True(clock.Elapsed < StartTimeout, $"No {jsonPath} after {StartTimeout}:\n{Output()}");
                await Task.Delay(100);
            }

            var emulators = JsonValue.Parse(await File.ReadAllTextAsync(jsonPath)).Items;
            Assert.Equal(EmulatorCatalog.Types.Count, emulators.Count);
            var script = await File.ReadAllTextAsync(scriptPath);
            foreach (var written in emulators)
            {
                var provider = written.GetString("provider")!;
                using var control = new EmulatorControlClient(new Uri(written.GetString("endpoint")!));
                var live = await control.GetAsync();
                Assert.Equal(written.ToJson(), live.ToJson());
                Assert.InRange(live.GetInt64("images") ?? 0, 12, 20);
                if (live.GetBool("endpointParameter") != false)
                    Assert.Contains($"${provider} = @{{ Provider = '{provider}'; Region = '{live.GetString("defaultRegion")}'; Endpoint = '{live.GetString("endpoint")}'", script);
                else
                    Assert.Contains($"${provider} = @{{ Provider = '{provider}'; Region = '{live.GetString("defaultRegion")}'; Credential = ", script);
                // The variables a client needs are set before the splatting line that relies on them.
                foreach (var variable in live["environment"]!.Properties)
                {
                    var line = $"$env:{variable.Key} = '{variable.Value.AsString()}'";
                    Assert.Contains(line, script);
                    Assert.True(script.IndexOf(line, StringComparison.Ordinal) < script.IndexOf($"${provider} = @{{", StringComparison.Ordinal), $"{line} comes after ${provider}'s splatting line");
                    Assert.Contains("  " + line, Output());
                }
                Assert.Contains($"Get-CloudImage @{provider}", Output());
            }

            host.StandardInput.Close();
            await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode}:\n{Output()}");
            Assert.False(File.Exists(jsonPath));
            Assert.False(File.Exists(scriptPath));
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
            if (Directory.Exists(stateDir)) Directory.Delete(stateDir, recursive: true);
        }
    }
}

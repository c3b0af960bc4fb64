using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ImageCmdlets.Emulators.Common;

namespace ImageCmdlets.Emulators.Host;

/// <summary>
/// emulators.json (every emulator's GET /_emulator answer) and emulators.ps1 (one splatting hashtable per
/// provider) in the state folder, for scripts and people. They exist exactly while the emulators listen.
/// </summary>
internal sealed class StateFiles
{
    private bool _written;

    public StateFiles(string directory) => Directory = directory;

    public string Directory { get; }
    public string JsonPath => Path.Combine(Directory, "emulators.json");
    public string ScriptPath => Path.Combine(Directory, "emulators.ps1");

    /// <summary>Writes both files, each atomically; emulators.json last, as scripts wait for it.</summary>
    public void Write(IReadOnlyList<EmulatorServer> emulators)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var script = new StringBuilder()
            .AppendLine($"# ImageCmdlets emulators (host pid {Environment.ProcessId}); this file is removed when they stop.")
            .AppendLine("# Dot-source it, then: Get-CloudImage @Tencent (any provider's variable).");
        foreach (var line in emulators.SelectMany(ClientLines)) script.AppendLine(line);
        var json = "[\n" + string.Join(",\n", emulators.Select(e => e.Describe().ToJson())) + "\n]\n";

        WriteAtomically(ScriptPath, script.ToString());
        WriteAtomically(JsonPath, json);
        _written = true;
    }

    /// <summary>Removes the files this host wrote (never another host's).</summary>
    public void Remove()
    {
        if (!_written) return;
        File.Delete(JsonPath);
        File.Delete(ScriptPath);
        _written = false;
    }

    /// <summary>The PowerShell lines that reach an emulator: its environment variables, if any, then its splatting line.</summary>
    public static IEnumerable<string> ClientLines(EmulatorServer emulator) =>
        emulator.ClientEnvironment.Select(v => $"$env:{v.Key} = {Quote(v.Value)}").Append(SplattingLine(emulator));

    /// <summary>
    /// $Tencent = @{ Provider = …; Region = …; Endpoint = …; Credential = … }: splat it into any cmdlet. No
    /// Endpoint where the provider finds it itself (OpenStack: the Keystone catalog).
    /// </summary>
    public static string SplattingLine(EmulatorServer emulator)
    {
        var key = emulator.PrimaryKey ?? throw new InvalidOperationException($"The {emulator.Provider} emulator has no access key.");
        var endpoint = emulator.EndpointIsParameter ? $"Endpoint = {Quote(emulator.BaseUri.ToString())}; " : "";
        return $"${emulator.Provider} = @{{ Provider = {Quote(emulator.Provider)}; Region = {Quote(emulator.DefaultRegion)}; " +
            $"{endpoint}Credential = [pscredential]::new({Quote(key.Id)}, " +
            $"(ConvertTo-SecureString {Quote(key.Secret)} -AsPlainText -Force)) }}";
    }

    /// <summary>A PowerShell single-quoted (verbatim) string.</summary>
    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void WriteAtomically(string path, string text)
    {
        // A reader sees the old file or the whole new one, never half of it.
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
    }
}

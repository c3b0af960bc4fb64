using System;
using System.Globalization;
using System.IO;

namespace ImageCmdlets.Emulators.Host;

/// <summary>The emulator host's command line.</summary>
internal sealed record HostOptions
{
    public const int DefaultPortBase = 18100;

    public const string Usage = """
        Runs every ImageCmdlets cloud emulator on 127.0.0.1 until Ctrl+C or SIGTERM.

        Options:
          --port-base N           emulators listen on N+1, N+2, ... in the order of their provider names (default 18100)
          --random-ports          free ports chosen by the system instead (for tests and CI)
          --state-dir DIR         where emulators.json and emulators.ps1 are written
                                  (default /tmp/imagecmdlets-emulators; elsewhere than Linux, under the temp folder)
          --latency-ms N          added to every API request (default 0)
          --no-sample             start with no images instead of the sample
          --exit-on-stdin-close   also stop when standard input closes
          --help                  this text
        """;

    /// <summary>Null with <see cref="RandomPorts"/>.</summary>
    public int? PortBase { get; private init; } = DefaultPortBase;
    public bool RandomPorts => PortBase is null;
    public string StateDirectory { get; private init; } = DefaultStateDirectory;
    public int LatencyMs { get; private init; }
    public bool Sample { get; private init; } = true;
    public bool ExitOnStdinClose { get; private init; }
    public bool Help { get; private init; }

    /// <summary>/tmp/imagecmdlets-emulators on Linux (where the scripts look), under the temp folder elsewhere.</summary>
    public static string DefaultStateDirectory =>
        OperatingSystem.IsLinux() ? "/tmp/imagecmdlets-emulators" : Path.Combine(Path.GetTempPath(), "imagecmdlets-emulators");

    /// <summary>The options, or an <see cref="ArgumentException"/> whose message says what is wrong.</summary>
    public static HostOptions Parse(string[] args)
    {
        var options = new HostOptions();
        bool portBaseGiven = false, randomPorts = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--port-base":
                    options = options with { PortBase = Number(args[i], Value(), 1, 65_000) };
                    portBaseGiven = true;
                    break;
                case "--random-ports": randomPorts = true; break;
                case "--state-dir": options = options with { StateDirectory = Path.GetFullPath(Value()) }; break;
                case "--latency-ms": options = options with { LatencyMs = Number(args[i], Value(), 0, 600_000) }; break;
                case "--no-sample": options = options with { Sample = false }; break;
                case "--exit-on-stdin-close": options = options with { ExitOnStdinClose = true }; break;
                case "--help" or "-h" or "-?": options = options with { Help = true }; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        if (portBaseGiven && randomPorts) throw new ArgumentException("--port-base and --random-ports exclude each other.");
        return randomPorts ? options with { PortBase = null } : options;
    }

    private static int Number(string option, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{option} takes a whole number from {min} to {max}, not '{text}'.");
}

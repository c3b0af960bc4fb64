using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Emulators.Common;
using Microsoft.AspNetCore.Connections;

namespace ImageCmdlets.Emulators.Host;

/// <summary>
/// The emulator host a person (or CI) runs: every emulator of <see cref="EmulatorCatalog"/> on 127.0.0.1
/// with its sample images, the lines to paste into PowerShell, and the state files while it runs.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        HostOptions options;
        try
        {
            options = HostOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}\n\n{HostOptions.Usage}");
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(HostOptions.Usage);
            return 0;
        }

        // Never disposed: a signal may still arrive while the host shuts down.
        var stop = new CancellationTokenSource();
        var signals = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // the host stops itself, after removing its state files
                stop.Cancel();
            }))
            .ToList();
        if (options.ExitOnStdinClose) _ = Task.Run(() => StopWhenStdinCloses(stop));

        var emulators = EmulatorCatalog.CreateAll();
        var state = new StateFiles(options.StateDirectory);
        try
        {
            if (!await StartAllAsync(emulators, options.PortBase)) return 1;
            foreach (var emulator in emulators)
            {
                emulator.Latency = TimeSpan.FromMilliseconds(options.LatencyMs);
                if (options.Sample) emulator.SeedSample();
            }
            if (File.Exists(state.JsonPath))
                await Console.Error.WriteLineAsync($"warning: replacing {state.JsonPath} (left by a host that did not stop cleanly, or one using the same --state-dir).");
            try
            {
                state.Write(emulators);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"error: cannot write the state files in {state.Directory} ({ex.Message}); pass another --state-dir.");
                return 1;
            }
            PrintWelcome(emulators, state);

            try { await Task.Delay(Timeout.Infinite, stop.Token); }
            catch (OperationCanceledException) { }
            Console.WriteLine("Stopping the emulators.");
            return 0;
        }
        finally
        {
            state.Remove();
            foreach (var emulator in emulators) await emulator.DisposeAsync();
            signals.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Starts each emulator on port-base+1, +2, … (or a free port); false, after saying why, when a port is taken.</summary>
    private static async Task<bool> StartAllAsync(IReadOnlyList<EmulatorServer> emulators, int? portBase)
    {
        for (var i = 0; i < emulators.Count; i++)
        {
            var port = portBase is int first ? first + 1 + i : 0;
            try
            {
                await emulators[i].StartAsync(port);
            }
            catch (IOException ex)
            {
                var why = ex.InnerException is AddressInUseException ? "is already in use" : $"cannot be listened on ({ex.Message})";
                await Console.Error.WriteLineAsync(
                    $"error: port {port} for the {emulators[i].Provider} emulator {why}. The emulators use ports N+1..N+{emulators.Count} " +
                    $"of --port-base N (now {portBase}): pass another --port-base, or --random-ports.");
                return false;
            }
        }
        return true;
    }

    private static void PrintWelcome(IReadOnlyList<EmulatorServer> emulators, StateFiles state)
    {
        Console.WriteLine($"ImageCmdlets emulators on 127.0.0.1: {emulators.Count} providers. Ctrl+C stops them.");
        Console.WriteLine();
        foreach (var emulator in emulators)
        {
            var images = emulator.Describe().GetInt64("images");
            Console.WriteLine($"{emulator.Provider,-10} {emulator.BaseUri,-25} region {emulator.DefaultRegion}, {images} images");
            foreach (var line in StateFiles.ClientLines(emulator)) Console.WriteLine("  " + line);
            Console.WriteLine($"  Get-CloudImage @{emulator.Provider}");
            Console.WriteLine();
        }
        Console.WriteLine($"All of them at once: . {state.ScriptPath}   (details: {state.JsonPath})");
        Console.WriteLine($"Control API on each port: GET {emulators.FirstOrDefault()?.BaseUri}{EmulatorServer.ControlPrefix.TrimStart('/')} " +
            "(seed images, inject faults, add latency, read calls; see the README).");
    }

    private static void StopWhenStdinCloses(CancellationTokenSource stop)
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (stdin.Read(buffer, 0, buffer.Length) > 0) { }
        stop.Cancel();
    }
}

using System;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Security;

namespace ImageCmdlets.Hosted.Tests.Support;

/// <summary>
/// A real PowerShell engine in this process, with the built module imported from its manifest (the
/// same files the module folder ships) and a <see cref="ScriptedHost"/> as the user.
/// </summary>
public sealed class HostedPowerShell : IDisposable
{
    private readonly Runspace _runspace;

    public HostedPowerShell(params string[] answers)
    {
        Host = new ScriptedHost(answers);
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { Path.Combine(AppContext.BaseDirectory, "ImageCmdlets.psd1") });
        _runspace = RunspaceFactory.CreateRunspace(Host, state);
        _runspace.Open();
    }

    public ScriptedHost Host { get; }

    /// <summary>A PSCredential for an access key pair, as a user would make one.</summary>
    public static PSCredential Credential(string id, string secret)
    {
        var password = new SecureString();
        foreach (var c in secret) password.AppendChar(c);
        return new PSCredential(id, password);
    }

    public void Set(string name, object? value) => _runspace.SessionStateProxy.SetVariable(name, value);

    public object? Get(string name) => _runspace.SessionStateProxy.GetVariable(name);

    /// <summary>A pipeline on this runspace; the caller invokes it (synchronously, or async to stop it).</summary>
    public PowerShell Script(string script)
    {
        var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        return shell;
    }

    /// <summary>Runs a script to the end; returns its output and the errors it wrote.</summary>
    public (Collection<PSObject> Output, ErrorRecord[] Errors) Run(string script)
    {
        using var shell = Script(script);
        var output = shell.Invoke();
        return (output, shell.Streams.Error.ToArray());
    }

    public void Dispose() => _runspace.Dispose();
}

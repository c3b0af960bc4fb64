using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace ImageCmdlets.Hosted.Tests.Support;

/// <summary>A prompt the engine showed, and the answer the test gave.</summary>
public sealed record ShownPrompt(string Caption, string Message, IReadOnlyList<string> Choices, string Answer);

/// <summary>
/// A PowerShell host whose user is a script: each confirmation prompt (ShouldProcess and ShouldContinue
/// both end in PromptForChoice) takes the next scripted answer by its hotkey (Y, A, N, L) and is
/// recorded. A prompt nobody scripted fails the test instead of hanging.
/// </summary>
public sealed class ScriptedHost : PSHost
{
    private readonly ScriptedUserInterface _ui;

    public ScriptedHost(IEnumerable<string> answers) => _ui = new ScriptedUserInterface(answers);

    public IReadOnlyList<ShownPrompt> Prompts => _ui.Prompts;
    public IReadOnlyList<ProgressRecord> Progress => _ui.Progress;
    public IReadOnlyList<string> Lines => _ui.Lines;
    public int UnusedAnswers => _ui.UnusedAnswers;

    public override string Name => "ImageCmdletsScriptedHost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }

    private sealed class ScriptedUserInterface : PSHostUserInterface
    {
        private readonly ConcurrentQueue<string> _answers;
        private readonly ConcurrentQueue<ShownPrompt> _prompts = new();
        private readonly ConcurrentQueue<ProgressRecord> _progress = new();
        private readonly ConcurrentQueue<string> _lines = new();

        public ScriptedUserInterface(IEnumerable<string> answers) => _answers = new ConcurrentQueue<string>(answers);

        public IReadOnlyList<ShownPrompt> Prompts => _prompts.ToArray();
        public IReadOnlyList<ProgressRecord> Progress => _progress.ToArray();
        public IReadOnlyList<string> Lines => _lines.ToArray();
        public int UnusedAnswers => _answers.Count;

        public override PSHostRawUserInterface? RawUI => null;

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            var labels = choices.Select(c => c.Label).ToArray();
            if (!_answers.TryDequeue(out var answer))
                throw new InvalidOperationException($"Unexpected prompt (no scripted answer left): {caption}: {message}");
            var index = Array.FindIndex(labels, l => HotKey(l) == answer);
            if (index < 0) throw new InvalidOperationException($"Answer '{answer}' is not a choice of [{string.Join(", ", labels)}] at: {message}");
            _prompts.Enqueue(new ShownPrompt(caption, message, labels, answer));
            return index;
        }

        private static string HotKey(string label)
        {
            var amp = label.IndexOf('&');
            return amp >= 0 && amp + 1 < label.Length ? char.ToUpperInvariant(label[amp + 1]).ToString() : label;
        }

        public override void WriteProgress(long sourceId, ProgressRecord record) => _progress.Enqueue(record);
        public override void Write(string value) => _lines.Enqueue(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _lines.Enqueue(value);
        public override void WriteLine(string value) => _lines.Enqueue(value);
        public override void WriteErrorLine(string value) => _lines.Enqueue(value);
        public override void WriteDebugLine(string message) => _lines.Enqueue("DEBUG: " + message);
        public override void WriteVerboseLine(string message) => _lines.Enqueue("VERBOSE: " + message);
        public override void WriteWarningLine(string message) => _lines.Enqueue("WARNING: " + message);

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new InvalidOperationException($"Unexpected input prompt: {caption}: {message}");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new InvalidOperationException("Unexpected credential prompt.");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new InvalidOperationException("Unexpected credential prompt.");
        public override string ReadLine() => throw new InvalidOperationException("Unexpected ReadLine.");
        public override SecureString ReadLineAsSecureString() => throw new InvalidOperationException("Unexpected ReadLine.");
    }
}

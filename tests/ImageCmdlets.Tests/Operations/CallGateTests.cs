using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageCmdlets.Operations;
using Xunit;

namespace ImageCmdlets.Tests.Operations;

/// <summary>The gate every call to one endpoint passes: adaptive concurrency, pauses after trouble, no waiter ever stranded.</summary>
public class CallGateTests
{
    private static readonly OperationSettings Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(2), RetryMaxDelay = TimeSpan.FromMilliseconds(10), JitterSeed = 3 };

    [Fact]
    public async Task Concurrency_grows_while_calls_are_answered_and_halves_on_trouble_but_never_below_one()
    {
        var gate = new CallGate(max: 8, start: 2, Fast);
        for (var i = 0; i < 10; i++) (await gate.EnterAsync(default)).End(CallOutcome.Answered);
        Assert.Equal(8, gate.Limit);
        (await gate.EnterAsync(default)).End(CallOutcome.Trouble);
        Assert.Equal(4, gate.Limit);
        for (var i = 0; i < 5; i++) (await gate.EnterAsync(default)).End(CallOutcome.Trouble);
        Assert.Equal(1, gate.Limit);
    }

    [Fact]
    public async Task No_more_calls_run_at_once_than_the_limit()
    {
        var gate = new CallGate(max: 3, start: 3, Fast);
        var running = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            using var ticket = await gate.EnterAsync(default);
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(2);
            Interlocked.Decrement(ref running);
            ticket.End(CallOutcome.Answered);
        }));
        Assert.InRange(most, 1, 3);
    }

    [Fact]
    public async Task Waiters_are_never_stranded_when_a_pause_ends_while_they_queue()
    {
        // Trouble pauses the gate for a few milliseconds while other calls queue: the race that once left
        // waiters queued forever with nothing in flight and no wake-up due.
        for (var round = 0; round < 200; round++)
        {
            var gate = new CallGate(max: 3, start: 3, Fast);
            var calls = Enumerable.Range(0, 6).Select(async i =>
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    var ticket = await gate.EnterAsync(default);
                    ticket.End(attempt < 2 && i % 2 == 0 ? CallOutcome.Trouble : CallOutcome.Answered);
                    await Task.Delay(i % 3);
                }
            }).ToArray();
            var all = Task.WhenAll(calls);
            Assert.True(await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10))) == all, $"waiters stranded in round {round}");
        }
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_takes_no_slot()
    {
        var gate = new CallGate(max: 1, start: 1, Fast);
        var holder = await gate.EnterAsync(default);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync(cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        holder.End(CallOutcome.Answered);
        var next = await gate.EnterAsync(default).WaitAsync(TimeSpan.FromSeconds(5));
        next.End(CallOutcome.Answered);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}

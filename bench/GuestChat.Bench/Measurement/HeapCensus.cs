using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace GuestChat.Bench.Measurement;

/// <summary>
/// The live objects of a .NET process, counted by type. An EventPipe session with the runtime's heap-dump keywords
/// induces a full, blocking collection in the process and streams every object that survives it (address, size,
/// type) with the types' names, as <c>dotnet-gcdump</c> does; only the counts are kept. Unlike the resident memory,
/// this leaves out the collector's free space and the garbage not yet collected, so it says what a socket holds.
/// </summary>
public sealed record HeapCensus(long LiveBytes, long Objects, IReadOnlyDictionary<string, TypeTotal> ByType)
{
    private const ClrTraceEventParser.Keywords HeapDump = ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect
        | ClrTraceEventParser.Keywords.GCHeapDump | ClrTraceEventParser.Keywords.Type | ClrTraceEventParser.Keywords.GCHeapAndTypeNames;

    /// <summary>Takes a census of <paramref name="processId"/>; throws if its induced collection does not end within <paramref name="timeout"/>.</summary>
    public static async Task<HeapCensus> TakeAsync(int processId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new DiagnosticsClient(processId);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)HeapDump)], requestRundown: false,
            token: cancellationToken);
        using var source = new EventPipeEventSource(session.EventStream);
        var names = new Dictionary<ulong, string>();
        var byTypeId = new Dictionary<ulong, TypeTotal>();
        int? induced = null;
        var done = false;
        source.Clr.TypeBulkType += data =>
        {
            for (var i = 0; i < data.Count; i++)
            {
                var type = data.Values(i);
                names[type.TypeID] = type.TypeName;
            }
        };
        source.Clr.GCBulkNode += data =>
        {
            for (var i = 0; i < data.Count; i++)
            {
                var node = data.Values(i);
                byTypeId.TryGetValue(node.TypeID, out var total);
                byTypeId[node.TypeID] = new TypeTotal(total.Count + 1, total.Bytes + (long)node.Size);
            }
        };
        source.Clr.GCStart += data => induced ??= data.Reason == GCReason.Induced ? data.Count : null;
        source.Clr.GCStop += data => done |= data.Count == induced;
        var processing = Task.Run(source.Process, CancellationToken.None);
        using (var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            patience.CancelAfter(timeout);
            // The heap's objects are streamed during the collection, before its end event; stopping flushes them.
            while (!Volatile.Read(ref done) && !processing.IsCompleted && !patience.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
            await session.StopAsync(CancellationToken.None);
            await processing;
            cancellationToken.ThrowIfCancellationRequested();
            if (!done) throw new TimeoutException($"No induced collection ended within {timeout.TotalSeconds:0} s.");
        }
        var byType = new Dictionary<string, TypeTotal>();
        foreach (var (typeId, total) in byTypeId)
        {
            var name = names.GetValueOrDefault(typeId) ?? $"type-{typeId:x}";
            byType[name] = byType.GetValueOrDefault(name) + total;
        }
        return new HeapCensus(byType.Values.Sum(total => total.Bytes), byType.Values.Sum(total => total.Count), byType);
    }

    /// <summary>What one census holds beyond another, by type, for types with at least <paramref name="minCount"/> more objects.</summary>
    public IEnumerable<(string Type, TypeTotal Added)> Beyond(HeapCensus other, long minCount) =>
        ByType.Select(entry => (Type: entry.Key, Added: entry.Value - other.ByType.GetValueOrDefault(entry.Key)))
            .Where(entry => entry.Added.Count >= minCount)
            .OrderByDescending(entry => entry.Added.Bytes);
}

/// <summary>Objects of one type: how many, and their bytes.</summary>
public readonly record struct TypeTotal(long Count, long Bytes)
{
    public static TypeTotal operator +(TypeTotal a, TypeTotal b) => new(a.Count + b.Count, a.Bytes + b.Bytes);
    public static TypeTotal operator -(TypeTotal a, TypeTotal b) => new(a.Count - b.Count, a.Bytes - b.Bytes);
}

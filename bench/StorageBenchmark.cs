using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using RankDistill.Activities.Storage;
using RankDistill.Testing;

namespace RankDistill.Bench;

/// <summary>
/// Streams a large file (1 GiB by default, seeded pseudo-random, made on the fly) through each artifact store and back,
/// checking every byte, and measures throughput and peak memory of each. Side by side in the same run: the bare cost of
/// making and checking the bytes, a plain FileStream on the same disk (against the local store), and the Azure SDK's
/// own streaming upload and download (against the blob store), on a private Azurite.
/// <para>Peak RSS is this process's VmHWM, reset before each phase (/proc/self/clear_refs); Azurite's own memory is
/// not in it. Peak managed is the largest GC heap seen by a 10 ms sampler.</para>
/// Usage: <c>dotnet run -c Release --project bench -- storage [--size-mib 1024] [--blocks-in-flight 2]</c>
/// </summary>
internal sealed class StorageBenchmark : IBenchmark
{
    private const int Seed = 20261123;

    public string Name => "storage";

    public string Description => "1 GiB through the local and blob stores and back: MiB/s and peak memory";

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var sizeMiB = Option(args, "--size-mib", 1024);
        var inFlight = Option(args, "--blocks-in-flight", new BlobArtifactStoreOptions().MaxBlocksInFlight);
        long size = (long)sizeMiB << 20;
        Console.WriteLine($"storage benchmark: {sizeMiB} MiB, seed {Seed}, {inFlight} blocks in flight; baseline RSS {Memory.CurrentRssMiB():F0} MiB");
        var folder = Directory.CreateTempSubdirectory("rankdistill-bench-").FullName;
        try
        {
            await using var azurite = await AzuriteServer.StartAsync(cancellationToken);
            var blobOptions = new BlobArtifactStoreOptions { ContainerPrefix = "bench-", MaxBlocksInFlight = inFlight };
            var service = new BlobServiceClient(azurite.ConnectionString, BlobArtifactStore.CreateClientOptions(blobOptions));
            var local = new LocalArtifactStore(Path.Combine(folder, "store"));
            var blob = new BlobArtifactStore(service, blobOptions);
            var plainFile = Path.Combine(folder, "plain.bin");
            var sdkBlob = service.GetBlobContainerClient("bench-sdk").GetBlockBlobClient("big.bin");
            await sdkBlob.GetParentBlobContainerClient().CreateIfNotExistsAsync(cancellationToken: cancellationToken);

            var results = new List<Phase>
            {
                await Phase.RunAsync("bytes only (make + check)", size,
                    ct => SeededContent.WriteAsync(Stream.Null, Seed, size, ct),
                    ct => CheckAsync(new SeededReplay(Seed, size), size, ct), cancellationToken),
                await Phase.RunAsync("local store", size,
                    ct => local.WriteAsync("models/big.bin", (s, c) => SeededContent.WriteAsync(s, Seed, size, c), ct),
                    async ct => await CheckAsync(await local.OpenReadAsync("models/big.bin", ct), size, ct), cancellationToken),
                await Phase.RunAsync("  reference: FileStream", size,
                    async ct =>
                    {
                        await using var file = new FileStream(plainFile, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                        await SeededContent.WriteAsync(file, Seed, size, ct);
                        file.Flush(flushToDisk: true);
                    },
                    ct => CheckAsync(new FileStream(plainFile, FileMode.Open, FileAccess.Read, FileShare.Read, 0), size, ct), cancellationToken),
                await Phase.RunAsync("blob store (Azurite)", size,
                    ct => blob.WriteAsync("models/big.bin", (s, c) => SeededContent.WriteAsync(s, Seed, size, c), ct),
                    async ct => await CheckAsync(await blob.OpenReadAsync("models/big.bin", ct), size, ct), cancellationToken),
                await Phase.RunAsync("  reference: SDK OpenWrite/DownloadStreaming", size,
                    async ct =>
                    {
                        var options = new BlockBlobOpenWriteOptions { BufferSize = blobOptions.BlockSize };
                        await using var stream = await sdkBlob.OpenWriteAsync(overwrite: true, options, ct);
                        await SeededContent.WriteAsync(stream, Seed, size, ct);
                    },
                    async ct => await CheckAsync((await sdkBlob.DownloadStreamingAsync(cancellationToken: ct)).Value.Content, size, ct),
                    cancellationToken),
            };

            Console.WriteLine();
            Console.WriteLine($"{"phase",-44} {"write MiB/s",11} {"read MiB/s",11} {"round trip",11} {"peak RSS",9} {"peak heap",10} {"allocated",10}");
            foreach (var p in results)
                Console.WriteLine($"{p.Name,-44} {p.WriteMiBs,11:F1} {p.ReadMiBs,11:F1} {p.RoundTripMiBs,11:F1} {p.PeakRssMiB,8:F0}M {p.PeakHeapMiB,9:F0}M {p.AllocatedMiB,9:F0}M");
            var (bare, localStore, file, blobStore, sdk) = (results[0], results[1], results[2], results[3], results[4]);
            Console.WriteLine();
            Console.WriteLine($"ratios: local/FileStream round trip {localStore.RoundTripMiBs / file.RoundTripMiBs:F2}, "
                + $"blob/SDK round trip {blobStore.RoundTripMiBs / sdk.RoundTripMiBs:F2}, "
                + $"blob/bytes-only {blobStore.RoundTripMiBs / bare.RoundTripMiBs:F2}");
            Console.WriteLine(FormattableString.Invariant(
                $"storage: size_mib={sizeMiB} local_mib_s={localStore.RoundTripMiBs:F1} blob_mib_s={blobStore.RoundTripMiBs:F1} ")
                + FormattableString.Invariant(
                $"local_write_mib_s={localStore.WriteMiBs:F1} local_read_mib_s={localStore.ReadMiBs:F1} blob_write_mib_s={blobStore.WriteMiBs:F1} ")
                + FormattableString.Invariant(
                $"blob_read_mib_s={blobStore.ReadMiBs:F1} peak_rss_mib={Math.Max(localStore.PeakRssMiB, blobStore.PeakRssMiB):F0} ")
                + FormattableString.Invariant(
                $"peak_managed_mib={Math.Max(localStore.PeakHeapMiB, blobStore.PeakHeapMiB):F0}"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Reads <paramref name="source"/> to its end and fails unless it is exactly the seeded bytes.</summary>
    private static async Task CheckAsync(Stream source, long size, CancellationToken cancellationToken)
    {
        await using (source)
        {
            var difference = await SeededContent.FirstDifferenceAsync(source, Seed, size, cancellationToken);
            if (difference >= 0)
                throw new InvalidDataException($"read-back differs from what was written at byte {difference}");
        }
    }

    /// <summary>The seeded bytes as a read stream, so the bytes-only phase checks exactly as the others do.</summary>
    private sealed class SeededReplay(int seed, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            SeededContent.Fill(seed, _position, buffer[..n]);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed record Phase(string Name, long Size, TimeSpan Write, TimeSpan Read, double PeakRssMiB, double PeakHeapMiB, double AllocatedMiB)
    {
        public double WriteMiBs => Size / 1048576.0 / Write.TotalSeconds;

        public double ReadMiBs => Size / 1048576.0 / Read.TotalSeconds;

        /// <summary>Size over write time plus read time: what moving a checkpoint out and back in costs.</summary>
        public double RoundTripMiBs => Size / 1048576.0 / (Write + Read).TotalSeconds;

        public static async Task<Phase> RunAsync(
            string name, long size, Func<CancellationToken, Task> write, Func<CancellationToken, Task> read, CancellationToken cancellationToken)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Memory.ResetPeakRss();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            using var heap = new HeapSampler();
            var clock = Stopwatch.StartNew();
            await write(cancellationToken);
            var written = clock.Elapsed;
            clock.Restart();
            await read(cancellationToken);
            var phase = new Phase(name, size, written, clock.Elapsed, Memory.PeakRssMiB(), heap.PeakMiB,
                (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1048576.0);
            Console.WriteLine(FormattableString.Invariant($"  {name}: write {phase.WriteMiBs:F1} MiB/s, read {phase.ReadMiBs:F1} MiB/s, peak RSS {phase.PeakRssMiB:F0} MiB"));
            return phase;
        }
    }

    /// <summary>The largest managed heap seen, sampled every 10 ms while a phase runs.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public HeapSampler() => _timer = new Timer(_ => Sample(), null, 0, 10);

        public double PeakMiB
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak) / 1048576.0;
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            var now = GC.GetTotalMemory(forceFullCollection: false);
            long seen;
            while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
            {
            }
        }
    }

    /// <summary>Resident set size of this process from /proc (Linux), where the benchmark runs.</summary>
    private static class Memory
    {
        public static void ResetPeakRss() => File.WriteAllText("/proc/self/clear_refs", "5");

        public static double PeakRssMiB() => ReadStatusKiB("VmHWM:") / 1024.0;

        public static double CurrentRssMiB() => ReadStatusKiB("VmRSS:") / 1024.0;

        private static long ReadStatusKiB(string field)
        {
            var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
            return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
    }
}

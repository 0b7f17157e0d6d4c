using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace GuestChat.Bench.Measurement;

/// <summary>CPU time and memory of one process, read from /proc (Linux), with the moment it was taken.</summary>
public sealed partial record ProcessSample(double CpuSeconds, long RssBytes, long PeakRssBytes, long Timestamp)
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK
    private static readonly double s_clockTicksPerSecond = ReadClockTicks();

    public static ProcessSample Read(int processId)
    {
        var timestamp = Stopwatch.GetTimestamp();
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = KilobytesOf(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = KilobytesOf(line);
        }
        return new ProcessSample(ticks / s_clockTicksPerSecond, rss, peak, timestamp);
    }

    /// <summary>The whole machine's busy CPU time so far (every process and the kernel), from /proc/stat.</summary>
    public static ProcessSample ReadMachine()
    {
        var timestamp = Stopwatch.GetTimestamp();
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...
        long busy = 0;
        for (var index = 1; index < Math.Min(fields.Length, 9); index++)
        {
            if (index is 4 or 5) continue;
            busy += long.Parse(fields[index], CultureInfo.InvariantCulture);
        }
        return new ProcessSample(busy / s_clockTicksPerSecond, 0, 0, timestamp);
    }

    /// <summary>Cores used between two samples: 1.0 is one core busy for the whole interval.</summary>
    public static double CoresBetween(ProcessSample start, ProcessSample end)
    {
        var seconds = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        return seconds <= 0 ? 0 : (end.CpuSeconds - start.CpuSeconds) / seconds;
    }

    private static long KilobytesOf(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private static double ReadClockTicks()
    {
        var ticks = NativeMethods.sysconf(ClockTicksName);
        return ticks > 0 ? ticks : 100;
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial long sysconf(int name);
    }
}

using System.Text.Json;
using GuestChat.Bench.Measurement;
using GuestChat.Bench.Reporting;
using Microsoft.Playwright;

namespace GuestChat.Bench.Browser;

/// <summary>
/// The web app's crypto in Chromium: per message, encrypt by the sender plus decrypt by the receiver, first in
/// one direction (symmetric chain steps), then alternating direction (each message also a Diffie-Hellman
/// ratchet step on both sides). The mean is the batch time divided by the count (performance.now() is coarse
/// in a page); p99 comes from the per-message times.
/// </summary>
public static class CryptoScenario
{
    private const int WarmUpMessages = 50;

    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter progress, CancellationToken cancellationToken)
    {
        var script = await CryptoPage.BuildAsync(progress, cancellationToken);
        await using var chromium = await Chromium.LaunchAsync();
        double[] throttles = options.Quick ? [1] : [1, 4];
        foreach (var throttle in throttles)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress.WriteLine($"crypto: {options.CryptoMessages} messages each way, CPU throttle {throttle}x");
            await using var context = await chromium.Browser.NewContextAsync();
            var page = await CryptoPage.OpenAsync(context, script);
            await Chromium.ThrottleCpuAsync(context, page, throttle);
            // The page's work is bounded by its count; WaitAsync bounds it in time too (the run's deadline).
            await MeasureAsync(page, WarmUpMessages, alternate: false).WaitAsync(cancellationToken);
            await MeasureAsync(page, WarmUpMessages, alternate: true).WaitAsync(cancellationToken);
            var chain = await MeasureAsync(page, options.CryptoMessages, alternate: false).WaitAsync(cancellationToken);
            var ratchet = await MeasureAsync(page, options.CryptoMessages, alternate: true).WaitAsync(cancellationToken);
            report.Add("crypto", ("cpu_throttle", throttle), ("messages", options.CryptoMessages),
                ("encrypt_decrypt_ms", chain.MeanMs), ("encrypt_decrypt_p99_ms", chain.P99Ms),
                ("ratchet_msg_ms", ratchet.MeanMs), ("ratchet_msg_p99_ms", ratchet.P99Ms),
                ("ratchet_step_ms", Math.Max(0, ratchet.MeanMs - chain.MeanMs)));
        }
    }

    private static async Task<(double MeanMs, double P99Ms)> MeasureAsync(IPage page, int count, bool alternate)
    {
        var result = await page.EvaluateAsync<JsonElement>("([count, alternate]) => window.guestChatBench.measure(count, alternate)",
            new object[] { count, alternate });
        var histogram = new LatencyHistogram();
        foreach (var sample in result.GetProperty("samples").EnumerateArray()) histogram.RecordMicroseconds((long)(sample.GetDouble() * 1000));
        return (result.GetProperty("totalMs").GetDouble() / count, histogram.PercentileMilliseconds(99));
    }
}

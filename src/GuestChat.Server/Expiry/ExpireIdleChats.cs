using GuestChat.Server.Chats;
using GuestChat.Server.Configuration;
using GuestChat.Server.Invitations;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Expiry;

/// <summary>
/// Every <c>GuestChat:ExpirySweepInterval</c> (on the injected clock), marks unused invitations whose time is up
/// as expired and hands idle chats to <see cref="ChatWriter"/>, which expires them: their queued envelopes and
/// guest session go and connected parties are told. Reads and writes also apply expiry lazily, so a chat past
/// its time is expired at once even between sweeps.
/// </summary>
public sealed partial class ExpireIdleChats(
    IInvitationStore invitations, IChatStore chats, ChatWriter writer, TimeProvider clock, IOptions<ChatOptions> options,
    ILogger<ExpireIdleChats> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, clock);
        try
        {
            do
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogSweepFailed(e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped; also when the host never started (a port in use): nothing to report beside the real cause.
        }
    }

    /// <summary>One sweep; returns how many invitations and chats were found due.</summary>
    public async Task<(int Invitations, int Chats)> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var expiredInvitations = await invitations.ExpireDueAsync(now, cancellationToken);
        var idle = await chats.FindIdleAsync(now - (long)options.Value.InactivityPeriod.TotalMilliseconds, cancellationToken);
        foreach (var chat in idle)
        {
            await writer.SubmitAsync(new ExpireIfIdle(chat), cancellationToken);
        }
        if (expiredInvitations > 0 || idle.Count > 0)
        {
            LogSwept(expiredInvitations, idle.Count);
        }
        return (expiredInvitations, idle.Count);
    }

    [LoggerMessage(1, LogLevel.Information, "Expiry sweep: {Invitations} invitations expired, {Chats} idle chats to expire")]
    private partial void LogSwept(int invitations, int chats);

    [LoggerMessage(2, LogLevel.Error, "The expiry sweep failed; it runs again at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}

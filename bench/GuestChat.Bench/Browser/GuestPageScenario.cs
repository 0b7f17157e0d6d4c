using System.Text.Json;
using GuestChat.Bench.Clients;
using GuestChat.Bench.Hosting;
using GuestChat.Bench.Reporting;
using Microsoft.Playwright;

namespace GuestChat.Bench.Browser;

/// <summary>
/// The guest's first visit, in headless Chromium against the real server, with a genuine invitation made by the
/// web app's crypto (so the page verifies a real bundle). Each load uses a fresh browser context (empty cache
/// and storage). Times are the page's own clock (0 = navigation start), marked by a MutationObserver:
/// <list type="bullet">
/// <item><c>form_ready_ms</c>: navigation → the invitation is shown ("… invited you to a private chat") with its
/// <b>Join chat</b> button;</item>
/// <item><c>join_ms</c>: the click on <b>Join chat</b> → the chat view ("You are chatting as a guest");</item>
/// <item><c>chat_ready_ms</c> = form_ready_ms + join_ms: the page's own time to chat-ready, leaving out the
/// person typing a name and ticking the terms (here Playwright).</item>
/// </list>
/// Along the way it records when the HTML and then the scripts and styles were downloaded, DOMContentLoaded (the
/// module scripts have run), when the public invitation was requested and received (when the page fetched it:
/// <c>lookups</c> counts the loads that did), the long tasks (main thread busy ≥ 50 ms) before the form, and for
/// the join the time from the click to the claim request, the claim's round trip and from its answer to the chat
/// view, so the time can be attributed; and, as the floor of this browser on this machine, DOMContentLoaded of the
/// server's static /terms page. <c>form_to_click_ms</c> is Playwright's typing, outside chat-ready.
/// The page weight is the JavaScript and CSS that the served guest.html references, each gzipped at level 9 (the
/// HTML itself apart, as <c>html_*_bytes</c>),
/// and, as a check, every script and stylesheet the browser actually fetched up to chat-ready.
/// </summary>
public static class GuestPageScenario
{
    private const string MarksScript = """
        (() => {
          const marks = { longTasks: [] };
          Object.defineProperty(window, '__guestChatBenchMarks', { value: marks });
          try {
            new PerformanceObserver((list) => {
              for (const task of list.getEntries()) marks.longTasks.push([task.startTime, task.duration]);
            }).observe({ type: 'longtask', buffered: true });
          } catch { /* no long task timing in this browser */ }
          const joinButton = () => Array.from(document.querySelectorAll('button')).find((b) => b.textContent.trim() === 'Join chat');
          const check = () => {
            const text = document.body ? document.body.textContent : '';
            if (marks.form === undefined && joinButton() !== undefined && text.includes('invited you to a private chat')) marks.form = performance.now();
            if (marks.chat === undefined && text.includes('You are chatting as a guest')) marks.chat = performance.now();
          };
          new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
          document.addEventListener('click', (event) => {
            const button = event.target instanceof Element ? event.target.closest('button') : null;
            if (marks.click === undefined && button !== null && button.textContent.trim() === 'Join chat') marks.click = performance.now();
          }, true);
        })();
        """;

    public static async Task RunAsync(BenchOptions options, BenchReport report, TextWriter progress, CancellationToken cancellationToken)
    {
        var script = await CryptoPage.BuildAsync(progress, cancellationToken);
        if (options.WebRoots.Count > 0)
        {
            await MeasureAsync(script, options.WebRoots, options, report, progress, cancellationToken);
            return;
        }
        var webRoot = await WebBuild.BuildAsync(progress, cancellationToken);
        try
        {
            await MeasureAsync(script, [new WebRoot(null, webRoot)], options, report, progress, cancellationToken);
        }
        finally
        {
            Directory.Delete(webRoot, recursive: true);
        }
    }

    /// <summary>
    /// Measures each web build on a server of its own, in one Chromium. With several builds (<c>--web-root</c>), every
    /// round loads each build once, in alternating order, so that they share the machine's ups and downs load by load.
    /// </summary>
    private static async Task MeasureAsync(string script, IReadOnlyList<WebRoot> webRoots, BenchOptions options, BenchReport report,
        TextWriter progress, CancellationToken cancellationToken)
    {
        progress.WriteLine("guest page: starting Chromium and the server");
        await using var chromium = await Chromium.LaunchAsync();
        await using var memberContext = await chromium.Browser.NewContextAsync();
        var member = await CryptoPage.OpenAsync(memberContext, script);
        var sites = new List<Site>();
        try
        {
            foreach (var webRoot in webRoots)
            {
                sites.Add(await Site.StartAsync(webRoot, member, options, cancellationToken));
            }
            foreach (var site in sites)
            {
                var firstLink = await site.NewLinkAsync(cancellationToken);
                var pageUrl = new Uri(firstLink).GetLeftPart(UriPartial.Path);
                site.Weight = await PageWeight.OfGuestPageAsync(site.Http, pageUrl, cancellationToken);
                site.Document = await PageWeight.OfAssetsAsync(site.Http, [pageUrl], cancellationToken);
                progress.WriteLine($"guest page: warm-up load{site.Describe()}");
                var warmUp = await LoadAsync(chromium.Browser, firstLink, 1).WaitAsync(cancellationToken);
                site.Loaded = await PageWeight.OfAssetsAsync(site.Http, warmUp.Assets, cancellationToken);
            }

            foreach (var (condition, throttle) in new[] { ("loopback", 1.0), ("loopback_cpu4x", 4.0) })
            {
                var loads = sites.Select(_ => new List<Load>()).ToList();
                var floors = sites.Select(_ => new List<double>()).ToList();
                for (var run = 0; run < options.Repetitions; run++)
                {
                    for (var turn = 0; turn < sites.Count; turn++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var index = run % 2 == 0 ? turn : sites.Count - 1 - turn;
                        var site = sites[index];
                        loads[index].Add(await LoadAsync(chromium.Browser, await site.NewLinkAsync(cancellationToken), throttle)
                            .WaitAsync(cancellationToken));
                        floors[index].Add(await StaticPageAsync(chromium.Browser, new Uri(site.Server.BaseAddress, "/terms").ToString(), throttle)
                            .WaitAsync(cancellationToken));
                    }
                }
                for (var index = 0; index < sites.Count; index++)
                {
                    progress.WriteLine($"guest page: {condition} measured {loads[index].Count} loads{sites[index].Describe()}");
                    Report(report, condition, throttle, sites[index], loads[index], floors[index]);
                }
            }
        }
        finally
        {
            foreach (var site in sites)
            {
                await site.DisposeAsync();
            }
        }
    }

    private static void Report(BenchReport report, string condition, double throttle, Site site, List<Load> loads, List<double> floors)
    {
        (string, object)[] web = site.Label is null ? [] : [("web", site.Label)];
        report.Add("guest-page", [("condition", condition), .. web, ("cpu_throttle", throttle), ("runs", loads.Count),
            ("chat_ready_ms", BenchmarkRun.Median(loads.Select(load => load.FormMs + load.JoinMs))),
            ("chat_ready_max_ms", loads.Max(load => load.FormMs + load.JoinMs)),
            ("form_ready_ms", BenchmarkRun.Median(loads.Select(load => load.FormMs))),
            ("join_ms", BenchmarkRun.Median(loads.Select(load => load.JoinMs))),
            ("assets_loaded_ms", BenchmarkRun.Median(loads.Select(load => load.AssetsLoadedMs))),
            ("dom_content_loaded_ms", BenchmarkRun.Median(loads.Select(load => load.DomContentLoadedMs))),
            ("html_loaded_ms", BenchmarkRun.Median(loads.Select(load => load.HtmlLoadedMs))),
            ("lookups", loads.Count(load => load.LookupStartMs > 0)),
            ("lookup_start_ms", BenchmarkRun.Median(loads.Where(load => load.LookupStartMs > 0).Select(load => load.LookupStartMs))),
            ("lookup_end_ms", BenchmarkRun.Median(loads.Where(load => load.LookupStartMs > 0).Select(load => load.LookupEndMs))),
            ("long_tasks_before_form_ms", BenchmarkRun.Median(loads.Select(load => load.LongTasksBeforeFormMs))),
            ("click_to_claim_ms", BenchmarkRun.Median(loads.Select(load => load.ClickToClaimMs))),
            ("claim_ms", BenchmarkRun.Median(loads.Select(load => load.ClaimMs))),
            ("claim_to_chat_ms", BenchmarkRun.Median(loads.Select(load => load.ClaimToChatMs))),
            ("form_to_click_ms", BenchmarkRun.Median(loads.Select(load => load.FormToClickMs))),
            ("static_page_dcl_ms", BenchmarkRun.Median(floors)),
            ("js_css_gzip_bytes", site.Weight!.GzipBytes), ("js_css_raw_bytes", site.Weight.RawBytes), ("assets", site.Weight.Count),
            ("html_gzip_bytes", site.Document!.GzipBytes), ("html_raw_bytes", site.Document.RawBytes),
            ("loaded_js_css_gzip_bytes", site.Loaded!.GzipBytes), ("loaded_assets", site.Loaded.Count)]);
    }

    private static async Task<Load> LoadAsync(IBrowser browser, string link, double throttle)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var assets = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType is "script" or "stylesheet") lock (assets) assets.Add(response.Url);
        };
        await Chromium.ThrottleCpuAsync(context, page, throttle);
        await page.AddInitScriptAsync(MarksScript);
        await page.GotoAsync(link, new PageGotoOptions { Timeout = 60_000 });
        var join = page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Join chat", Exact = true });
        await join.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await page.GetByLabel("Display name", new PageGetByLabelOptions { Exact = true }).FillAsync("Grace");
        await page.GetByRole(AriaRole.Checkbox).First.CheckAsync();
        await join.ClickAsync();
        await page.GetByText("You are chatting as a guest").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        var marks = await page.EvaluateAsync<JsonElement>("""
            () => {
              const resources = performance.getEntriesByType('resource');
              const navigation = performance.getEntriesByType('navigation')[0];
              const dcl = navigation?.domContentLoadedEventEnd ?? 0;
              // What the document asked for before DOMContentLoaded; chunks imported later are not its critical path.
              const assets = resources.filter((r) => (r.initiatorType === 'script' || r.initiatorType === 'link' || r.initiatorType === 'css')
                                                     && r.startTime < dcl);
              const lookup = resources.find((r) => r.name.includes('/api/invitations/') && r.name.endsWith('/public'));
              const claim = resources.find((r) => r.name.includes('/api/invitations/') && r.name.endsWith('/claim'));
              const marks = window.__guestChatBenchMarks;
              return { ...marks,
                       longTasks: marks.longTasks.filter(([start]) => start < marks.form).reduce((sum, [, duration]) => sum + duration, 0),
                       html: navigation?.responseEnd ?? 0,
                       dcl,
                       claimStart: claim?.startTime ?? 0,
                       claimEnd: claim?.responseEnd ?? 0,
                       assets: Math.max(0, ...assets.map((r) => r.responseEnd)),
                       lookupStart: lookup?.startTime ?? 0,
                       lookupEnd: lookup?.responseEnd ?? 0 };
            }
            """);
        double Mark(string name) => marks.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new InvalidOperationException($"The guest page never reached the '{name}' mark.");
        lock (assets)
        {
            return new Load(Mark("form"), Mark("chat") - Mark("click"), Mark("dcl"), Mark("assets"), Mark("lookupStart"), Mark("lookupEnd"),
                Mark("html"), Mark("longTasks"), Mark("claimStart") - Mark("click"), Mark("claimEnd") - Mark("claimStart"),
                Mark("chat") - Mark("claimEnd"), Mark("click") - Mark("form"), [.. assets]);
        }
    }

    /// <summary>
    /// The floor of this browser on this machine: navigation → DOMContentLoaded of the server's /terms page (static
    /// HTML, no script) in a fresh context under the same throttling, so the guest page's own cost stands apart.
    /// </summary>
    private static async Task<double> StaticPageAsync(IBrowser browser, string url, double throttle)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await Chromium.ThrottleCpuAsync(context, page, throttle);
        await page.GotoAsync(url, new PageGotoOptions { Timeout = 60_000 });
        return await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? 0");
    }

    /// <summary>A built web app (its folder; a label when several are compared) served by a server of its own.</summary>
    public sealed record WebRoot(string? Label, string Folder);

    /// <summary>One web build on its own server, with a member and a registered device that make its invitations.</summary>
    private sealed class Site : IAsyncDisposable
    {
        private readonly GuestChatApi _api;
        private readonly IPage _member;
        private readonly string _cookie;
        private readonly string _deviceId;

        private Site(string? label, GuestChatServer server, HttpClient http, GuestChatApi api, IPage member, string cookie, string deviceId)
        {
            Label = label;
            Server = server;
            Http = http;
            _api = api;
            _member = member;
            _cookie = cookie;
            _deviceId = deviceId;
        }

        public string? Label { get; }

        public GuestChatServer Server { get; }

        public HttpClient Http { get; }

        public PageWeight? Weight { get; set; }

        public PageWeight? Document { get; set; }

        public PageWeight? Loaded { get; set; }

        public string Describe() => Label is null ? "" : $" ({Label})";

        public static async Task<Site> StartAsync(WebRoot webRoot, IPage member, BenchOptions options, CancellationToken cancellationToken)
        {
            var server = await GuestChatServer.StartAsync(options.Server.With("GuestChat__WebRoot", webRoot.Folder), cancellationToken);
            var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var api = new GuestChatApi(http, server.Origin);
                var cookie = await api.CreateMemberAsync("page_member", "Ada Lovelace", Frames.RandomBase64Url(18), cancellationToken);
                var deviceId = await api.RegisterDeviceAsync(cookie,
                    await member.EvaluateAsync<string>("() => window.guestChatBench.createDevice()"), cancellationToken);
                return new Site(webRoot.Label, server, http, api, member, cookie, deviceId);
            }
            catch
            {
                http.Dispose();
                await server.DisposeAsync();
                throw;
            }
        }

        /// <summary>A fresh invitation with a real bundle, made by the web app's crypto in the member's page; its link.</summary>
        public async Task<string> NewLinkAsync(CancellationToken cancellationToken)
        {
            var invitation = await _api.CreateInvitationAsync(_cookie, _deviceId, cancellationToken);
            var made = await _member.EvaluateAsync<JsonElement>("([id, expiresAt]) => window.guestChatBench.createInvitation(id, expiresAt)",
                new object[] { invitation.Id, invitation.ExpiresAt });
            await _api.UploadBundleAsync(_cookie, invitation.Id, new BundleRequest(made.GetProperty("bundle").GetString()!,
                made.GetProperty("bundleTag").GetString()!, made.GetProperty("claimVerifier").GetString()!), cancellationToken);
            return new Uri(Server.BaseAddress, $"/i/{invitation.Id}#{made.GetProperty("linkSecret").GetString()}").ToString();
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Server.DisposeAsync();
        }
    }

    /// <summary>One load's marks, in ms from navigation start: HTML, scripts and styles downloaded, DOMContentLoaded
    /// (module scripts have run), the public invitation requested and received (0 when the page did not fetch it),
    /// the form shown, long tasks before it; and click → chat view with its parts.</summary>
    private sealed record Load(double FormMs, double JoinMs, double DomContentLoadedMs, double AssetsLoadedMs,
        double LookupStartMs, double LookupEndMs, double HtmlLoadedMs, double LongTasksBeforeFormMs, double ClickToClaimMs,
        double ClaimMs, double ClaimToChatMs, double FormToClickMs, IReadOnlyList<string> Assets);
}

//! The HTML audit report (`--format html`): one self-contained page — a summary (still at `HEAD`,
//! only in history, baselined; by rule and by path), a table of every finding that sorts and
//! filters, and a timeline of when secrets entered and left the history.
//!
//! Self-contained and inert: one inline `<style>` and one inline `<script>`, both allowed by
//! their SHA-256 hashes in a Content-Security-Policy that forbids everything else (no request
//! leaves the page, no injected script runs). The rows are rendered here, in HTML; the script
//! only sorts and filters them, so the page reads the same without it. Every value from the
//! scanned content or repository (paths, rule ids and descriptions, authors, commit summaries,
//! the redacted secret) is made printable and HTML-escaped ([`text`]).
//!
//! Stable hooks for tools and tests: the summary numbers carry ids (`count-at-head`,
//! `count-history-only`, `count-unknown`, `count-baselined`, `count-total`) and `data-count`,
//! rule rows `data-rule`, path rows `data-path`, finding rows `data-status`, timeline rows
//! `data-period` with `data-entered`/`data-left` cells; the script fills `rendered-rows`,
//! `rendered-visible` and `rendered-<status>` with what it counted in the table.

use super::{utc_timestamp, what, Mode, ReportContext};
use crate::finding::{Confidence, Finding, Presence};
use crate::terminal::printable;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The most paths the by-path summary lists (the table has every finding).
pub const MAX_PATHS: usize = 100;

/// The longest span, in months, the timeline shows month by month; longer spans go by year.
pub const MAX_MONTHS: usize = 120;

/// Where a finding stands: the page's categories, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// New, and in the scanned files (history: still in `HEAD`'s tree).
    AtHead,
    /// New, and only in history: removed from `HEAD`, but still in every clone.
    HistoryOnly,
    /// New, in history, presence not checked (a commit message, a push range).
    Unknown,
    /// Suppressed by the baseline.
    Baselined,
}

impl Status {
    /// Every status, in display order.
    pub const ALL: [Status; 4] = [
        Status::AtHead,
        Status::HistoryOnly,
        Status::Unknown,
        Status::Baselined,
    ];

    /// The status of a new (not baselined) finding in `mode`.
    pub fn of(f: &Finding, mode: Mode) -> Status {
        match (mode, f.presence) {
            (Mode::Files | Mode::Staged, _) => Status::AtHead,
            (Mode::History, Some(Presence::AtHead)) => Status::AtHead,
            (Mode::History, Some(Presence::HistoryOnly)) => Status::HistoryOnly,
            (Mode::History, None) => Status::Unknown,
        }
    }

    /// The machine name used in ids and `data-status`.
    pub fn key(self) -> &'static str {
        match self {
            Status::AtHead => "at-head",
            Status::HistoryOnly => "history-only",
            Status::Unknown => "unknown",
            Status::Baselined => "baselined",
        }
    }

    fn label(self, mode: Mode) -> &'static str {
        match (self, mode) {
            (Status::AtHead, Mode::History) => "Still at HEAD",
            (Status::AtHead, Mode::Staged) => "Staged",
            (Status::AtHead, Mode::Files) => "In the scanned files",
            (Status::HistoryOnly, _) => "Only in history",
            (Status::Unknown, _) => "In history, presence not checked",
            (Status::Baselined, _) => "Baselined",
        }
    }

    /// Whether the page has a card and a column for this status: at HEAD (the scanned files) and
    /// baselined always, only-in-history in history mode, unknown when there is one.
    fn shown(self, mode: Mode, counts: &Counts) -> bool {
        match self {
            Status::AtHead | Status::Baselined => true,
            Status::HistoryOnly => mode == Mode::History,
            Status::Unknown => counts.get(self) > 0,
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Status::AtHead => "remove and rotate",
            Status::HistoryOnly => "still in every clone: rotate",
            Status::Unknown => "rotate",
            Status::Baselined => "accepted in the baseline",
        }
    }
}

/// Findings per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts([usize; 4]);

impl Counts {
    fn add(&mut self, s: Status) {
        self.0[s as usize] += 1;
    }

    /// How many have status `s`.
    pub fn get(&self, s: Status) -> usize {
        self.0[s as usize]
    }

    /// New findings: every status but baselined.
    pub fn new_findings(&self) -> usize {
        self.get(Status::AtHead) + self.get(Status::HistoryOnly) + self.get(Status::Unknown)
    }

    fn all(&self) -> usize {
        self.0.iter().sum()
    }
}

/// A value from the content or repository, safe in HTML text and in quoted attributes: control
/// and bidirectional characters made visible ([`printable`]), then `& < > " '` escaped.
pub fn text(s: &str) -> String {
    escape(&printable(s))
}

/// `& < > " '` as character references.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CSP source for an inline element with this exact content: `'sha256-<base64>'`.
pub fn csp_hash(content: &str) -> String {
    let digest = Sha256::digest(content.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page's Content-Security-Policy: nothing loads, only the page's own style and script run.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

/// A (year, month) from an RFC 3339 date; `None` if it does not start `YYYY-MM`.
fn year_month(date: &str) -> Option<(i32, u32)> {
    let year = date.get(..4)?.parse().ok()?;
    let month: u32 = date.get(5..7)?.parse().ok()?;
    (date.as_bytes().get(4) == Some(&b'-') && (1..=12).contains(&month)).then_some((year, month))
}

/// One bar pair of the timeline: a month (`2024-03`) or a year (`2024`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// `YYYY-MM` or `YYYY`.
    pub label: String,
    /// Secrets whose introducing commit is in the period.
    pub entered: usize,
    /// Secrets whose removing commit is in the period.
    pub left: usize,
}

/// The timeline of `findings` (new and baselined): every month from the first to the last
/// event, empty months included; by year when that is more than [`MAX_MONTHS`] months. Empty
/// when no finding has a commit.
pub fn timeline<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<Period> {
    let mut entered: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    let mut left: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for f in findings {
        if let Some(ym) = f.commit.as_ref().and_then(|c| year_month(&c.date)) {
            *entered.entry(ym).or_default() += 1;
        }
        if let Some(ym) = f.removed.as_ref().and_then(|c| year_month(&c.date)) {
            *left.entry(ym).or_default() += 1;
        }
    }
    let keys = entered.keys().chain(left.keys());
    let (Some(first), Some(last)) = (keys.clone().min().copied(), keys.max().copied()) else {
        return Vec::new();
    };
    let index = |(y, m): (i32, u32)| y as i64 * 12 + m as i64 - 1;
    let span = (index(last) - index(first) + 1) as usize;
    let by_year = span > MAX_MONTHS;
    let bucket = |ym: (i32, u32)| {
        if by_year {
            (ym.0 - first.0) as usize
        } else {
            (index(ym) - index(first)) as usize
        }
    };
    let n = if by_year {
        (last.0 - first.0 + 1) as usize
    } else {
        span
    };
    let mut out: Vec<Period> = (0..n)
        .map(|i| {
            let label = if by_year {
                format!("{:04}", first.0 + i as i32)
            } else {
                let k = index(first) + i as i64;
                format!("{:04}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1)
            };
            Period {
                label,
                entered: 0,
                left: 0,
            }
        })
        .collect();
    for (ym, c) in entered {
        out[bucket(ym)].entered += c;
    }
    for (ym, c) in left {
        out[bucket(ym)].left += c;
    }
    out
}

/// Writes the page.
pub fn write(findings: &[Finding], ctx: &ReportContext, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<(&Finding, Status)> = findings
        .iter()
        .map(|f| (f, Status::of(f, ctx.mode)))
        .chain(ctx.baselined.iter().map(|f| (f, Status::Baselined)))
        .collect();
    let mut page = String::with_capacity(16 * 1024 + rows.len() * 600);
    head(&mut page, ctx);
    summary(&mut page, &rows, ctx.mode);
    table(&mut page, &rows, ctx);
    timeline_section(&mut page, &rows, ctx.mode);
    page.push_str("</main>\n<script>");
    page.push_str(SCRIPT);
    page.push_str("</script>\n</body>\n</html>\n");
    out.write_all(page.as_bytes())
}

fn head(page: &mut String, ctx: &ReportContext) {
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"sealant {version}\">\n\
         <title>sealant audit report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <header>\n<h1>sealant audit report</h1>\n<p class=\"meta\">Mode <b id=\"mode\">{mode}</b> \
         · generated <time id=\"generated\">{at} UTC</time> · sealant {version} · secrets {shown}</p>\n",
        csp = content_security_policy(),
        version = env!("CARGO_PKG_VERSION"),
        mode = ctx.mode.name(),
        at = utc_timestamp(ctx.finished),
        shown = match ctx.secrets {
            super::SecretDisplay::Redacted => "redacted",
            super::SecretDisplay::Plain => "<strong>shown in full (--show-secrets): do not share this page</strong>",
        },
    );
    if ctx.read_errors > 0 {
        let _ = writeln!(
            page,
            "<p class=\"warning\" id=\"read-errors\" data-count=\"{n}\">{n} path(s) or object(s) could not be read: this report may be incomplete.</p>",
            n = ctx.read_errors
        );
    }
    page.push_str("</header>\n");
}

fn count_cell(page: &mut String, s: Status, n: usize) {
    let _ = write!(
        page,
        "<td class=\"num\" data-col=\"{}\" data-count=\"{n}\">{n}</td>",
        s.key()
    );
}

fn summary(page: &mut String, rows: &[(&Finding, Status)], mode: Mode) {
    let mut total = Counts::default();
    let mut by_rule: BTreeMap<&str, (Counts, &str)> = BTreeMap::new();
    let mut by_path: BTreeMap<&str, Counts> = BTreeMap::new();
    for (f, s) in rows {
        total.add(*s);
        by_rule
            .entry(&f.rule)
            .or_insert((Counts::default(), what(f)))
            .0
            .add(*s);
        by_path.entry(&f.path).or_default().add(*s);
    }
    page.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    let _ = writeln!(
        page,
        "<div class=\"card total\"><span class=\"n\" id=\"count-total\" data-count=\"{n}\">{n}</span><span class=\"label\">New secrets</span><span class=\"hint\">not in the baseline</span></div>",
        n = total.new_findings()
    );
    let columns: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| s.shown(mode, &total))
        .collect();
    for &s in &columns {
        let n = total.get(s);
        {
            let _ = writeln!(
                page,
                "<div class=\"card {k}\"><span class=\"n\" id=\"count-{k}\" data-count=\"{n}\">{n}</span><span class=\"label\">{label}</span><span class=\"hint\">{hint}</span></div>",
                k = s.key(),
                label = s.label(mode),
                hint = s.hint()
            );
        }
    }
    page.push_str("</div>\n");
    if rows.is_empty() {
        page.push_str("<p class=\"clean\">No secrets found.</p>\n</section>\n");
        return;
    }
    let heads: String = columns
        .iter()
        .map(|s| format!("<th class=\"num\">{}</th>", s.label(mode)))
        .collect();
    let _ = writeln!(
        page,
        "<h3>By rule</h3>\n<table id=\"by-rule\" class=\"counts\">\n<thead><tr><th>Rule</th><th>Description</th>{heads}<th class=\"num\">All</th></tr></thead>\n<tbody>"
    );
    let mut rules: Vec<_> = by_rule.into_iter().collect();
    rules.sort_by_key(|(rule, (c, _))| (std::cmp::Reverse(c.all()), *rule));
    for (rule, (c, description)) in rules {
        let _ = write!(
            page,
            "<tr data-rule=\"{r}\"><td><code class=\"rule\">{r}</code></td><td>{d}</td>",
            r = text(rule),
            d = text(description)
        );
        for &s in &columns {
            count_cell(page, s, c.get(s));
        }
        let _ = writeln!(
            page,
            "<td class=\"num\" data-col=\"all\">{}</td></tr>",
            c.all()
        );
    }
    page.push_str("</tbody>\n</table>\n");
    let mut paths: Vec<_> = by_path.into_iter().collect();
    paths.sort_by_key(|(path, c)| (std::cmp::Reverse(c.all()), *path));
    let _ = writeln!(
        page,
        "<h3>By path</h3>\n<table id=\"by-path\" class=\"counts\">\n<thead><tr><th>Path</th>{heads}<th class=\"num\">All</th></tr></thead>\n<tbody>"
    );
    let more = paths.len().saturating_sub(MAX_PATHS);
    for (path, c) in paths.into_iter().take(MAX_PATHS) {
        let _ = write!(
            page,
            "<tr data-path=\"{p}\"><td><code class=\"path\">{p}</code></td>",
            p = text(path)
        );
        for &s in &columns {
            count_cell(page, s, c.get(s));
        }
        let _ = writeln!(
            page,
            "<td class=\"num\" data-col=\"all\">{}</td></tr>",
            c.all()
        );
    }
    page.push_str("</tbody>\n</table>\n");
    if more > 0 {
        let _ = writeln!(
            page,
            "<p class=\"note\">… and {more} more paths (the table below lists every finding).</p>"
        );
    }
    page.push_str("</section>\n");
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// A date cell: the day shown, the full RFC 3339 time as the sort key and tooltip.
fn date_cell(date: &str) -> String {
    let d = text(date);
    format!(
        "<td class=\"date\" data-key=\"{d}\" title=\"{d}\">{}</td>",
        text(date.get(..10).unwrap_or(date))
    )
}

fn table(page: &mut String, rows: &[(&Finding, Status)], ctx: &ReportContext) {
    let history = rows.iter().any(|(f, _)| f.commit.is_some());
    page.push_str("<section id=\"findings-section\">\n<h2>Findings</h2>\n");
    if rows.is_empty() {
        page.push_str("<p class=\"clean\">Nothing to list.</p>\n</section>\n");
        return;
    }
    page.push_str(
        "<div class=\"filters\"><label>Filter <input id=\"filter-text\" type=\"search\" \
         placeholder=\"rule, path, author…\"></label> <label>Status <select id=\"filter-status\">\
         <option value=\"\">all</option>",
    );
    for s in Status::ALL {
        if rows.iter().any(|(_, r)| *r == s) {
            let _ = write!(
                page,
                "<option value=\"{}\">{}</option>",
                s.key(),
                s.label(ctx.mode)
            );
        }
    }
    page.push_str(
        "</select></label> <span id=\"table-status\" hidden>showing <span id=\"rendered-visible\"></span> \
         of <span id=\"rendered-rows\"></span> rows (",
    );
    let mut counts = Counts::default();
    for (_, s) in rows {
        counts.add(*s);
    }
    let parts: Vec<String> = Status::ALL
        .iter()
        .filter(|s| s.shown(ctx.mode, &counts))
        .map(|s| {
            format!(
                "{}: <span id=\"rendered-{}\"></span>",
                s.label(ctx.mode).to_lowercase(),
                s.key()
            )
        })
        .collect();
    page.push_str(&parts.join(", "));
    page.push_str(")</span></div>\n<div class=\"scroll\">\n<table id=\"findings\">\n<thead><tr>");
    let mut columns = vec![
        ("Status", "num"),
        ("Rule", "text"),
        ("Confidence", "num"),
        ("Path", "text"),
        ("Line", "num"),
        ("Secret", "text"),
    ];
    if history {
        columns.extend([
            ("Introduced in", "text"),
            ("Author", "text"),
            ("Entered", "text"),
            ("Left", "text"),
        ]);
    }
    for (name, kind) in columns {
        let _ = write!(
            page,
            "<th data-type=\"{kind}\"><button type=\"button\">{name}</button></th>"
        );
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for (f, s) in rows {
        finding_row(page, f, *s, ctx, history);
    }
    page.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn finding_row(page: &mut String, f: &Finding, s: Status, ctx: &ReportContext, history: bool) {
    let status_label = match (s, f.presence) {
        (Status::Baselined, Some(Presence::AtHead)) => "Baselined (at HEAD)",
        (Status::Baselined, Some(Presence::HistoryOnly)) => "Baselined (history only)",
        _ => s.label(ctx.mode),
    };
    let confidence = match f.confidence {
        Confidence::Low => 0,
        Confidence::Medium => 1,
        Confidence::High => 2,
    };
    let mut secret = text(&ctx.show(f));
    if !f.decoded.is_empty() {
        let _ = write!(
            secret,
            " <span class=\"decoded\">(decoded: {})</span>",
            text(&super::chain(f))
        );
    }
    let _ = write!(
        page,
        "<tr data-status=\"{k}\" data-fingerprint=\"{fp}\"><td data-key=\"{order}\"><span class=\"badge {k}\">{status_label}</span></td>\
         <td title=\"{d}\"><code class=\"rule\">{r}</code></td><td data-key=\"{confidence}\">{c}</td><td><code class=\"path\">{p}</code></td>\
         <td class=\"num\" data-key=\"{line}\">{line}</td><td><code class=\"secret\">{secret}</code></td>",
        k = s.key(),
        fp = text(f.fingerprint.as_str()),
        order = s as usize,
        d = text(what(f)),
        r = text(&f.rule),
        c = f.confidence.name(),
        p = text(&f.path),
        line = f.location.start.line,
    );
    if history {
        match &f.commit {
            Some(c) => {
                let _ = write!(
                    page,
                    "<td data-key=\"{id}\" title=\"{id}: {summary}\"><code>{short}</code></td><td title=\"{email}\">{author}</td>{date}",
                    id = text(&c.commit),
                    summary = text(&c.summary),
                    short = text(short(&c.commit)),
                    email = text(&c.email),
                    author = text(&c.author),
                    date = date_cell(&c.date),
                );
            }
            None => page.push_str("<td></td><td></td><td></td>"),
        }
        match (&f.removed, f.presence) {
            (Some(r), _) => {
                let d = text(&r.date);
                let _ = write!(
                    page,
                    "<td class=\"date\" data-key=\"{d}\" title=\"removed in {id} by {author}: {summary}\">{day} <code>{short}</code></td>",
                    id = text(&r.commit),
                    author = text(&r.author),
                    summary = text(&r.summary),
                    day = text(r.date.get(..10).unwrap_or(&r.date)),
                    short = text(short(&r.commit)),
                );
            }
            (None, Some(Presence::AtHead)) => {
                page.push_str("<td data-key=\"~\">still at HEAD</td>");
            }
            (None, Some(Presence::HistoryOnly)) => {
                page.push_str("<td data-key=\"~\">removed (commit not in the scanned range)</td>");
            }
            (None, None) => page.push_str("<td data-key=\"~\"></td>"),
        }
    }
    page.push_str("</tr>\n");
}

fn timeline_section(page: &mut String, rows: &[(&Finding, Status)], mode: Mode) {
    page.push_str("<section id=\"timeline-section\">\n<h2>Timeline</h2>\n");
    let periods = timeline(rows.iter().map(|(f, _)| *f));
    if periods.is_empty() {
        let why = if mode == Mode::History {
            "No finding has a commit date."
        } else {
            "The timeline needs commits: run <code>sealant history</code>."
        };
        let _ = writeln!(page, "<p class=\"note\">{why}</p>\n</section>");
        return;
    }
    let entered: usize = periods.iter().map(|p| p.entered).sum();
    let left: usize = periods.iter().map(|p| p.left).sum();
    let _ = writeln!(
        page,
        "<p class=\"note\"><span class=\"key entered\"></span> entered: <span id=\"timeline-entered\" data-count=\"{entered}\">{entered}</span> \
         secrets by the date of their introducing commit · <span class=\"key left\"></span> left: \
         <span id=\"timeline-left\" data-count=\"{left}\">{left}</span> by the date of the commit that removed them.</p>"
    );
    svg(page, &periods);
    page.push_str(
        "<details><summary>Numbers</summary>\n<table id=\"timeline\" class=\"counts\">\n\
         <thead><tr><th>Period</th><th class=\"num\">Entered</th><th class=\"num\">Left</th></tr></thead>\n<tbody>\n",
    );
    for p in &periods {
        let _ = writeln!(
            page,
            "<tr data-period=\"{l}\"><td>{l}</td><td class=\"num\" data-entered=\"{e}\">{e}</td><td class=\"num\" data-left=\"{x}\">{x}</td></tr>",
            l = p.label,
            e = p.entered,
            x = p.left
        );
    }
    page.push_str("</tbody>\n</table>\n</details>\n</section>\n");
}

/// Grouped bars, entered and left, per period; no script, no external font.
fn svg(page: &mut String, periods: &[Period]) {
    const BAR: usize = 12;
    const SLOT: usize = 2 * BAR + 6;
    const PLOT: usize = 120;
    const LEFT: usize = 30;
    let max = periods
        .iter()
        .map(|p| p.entered.max(p.left))
        .max()
        .unwrap_or(0)
        .max(1);
    let width = LEFT + periods.len() * SLOT + 10;
    let height = PLOT + 40;
    let _ = writeln!(
        page,
        "<svg id=\"timeline-chart\" role=\"img\" aria-label=\"secrets entered and left per period\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">"
    );
    let base = PLOT + 10;
    let _ = writeln!(
        page,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"></line><text class=\"tick\" x=\"{}\" y=\"14\" text-anchor=\"end\">{max}</text><text class=\"tick\" x=\"{}\" y=\"{base}\" text-anchor=\"end\">0</text>",
        width - 10,
        LEFT - 4,
        LEFT - 4
    );
    // A label is about two slots wide: at most one every other slot, and at most twelve.
    let every = periods.len().div_ceil(12).max(2);
    for (i, p) in periods.iter().enumerate() {
        let x = LEFT + i * SLOT + 3;
        for (j, (class, n)) in [("entered", p.entered), ("left", p.left)]
            .iter()
            .enumerate()
        {
            if *n == 0 {
                continue;
            }
            let h = (n * PLOT).div_ceil(max);
            let _ = writeln!(
                page,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{BAR}\" height=\"{h}\"><title>{}: {n} {class}</title></rect>",
                x + j * BAR,
                base - h,
                p.label
            );
        }
        if i % every == 0 {
            let _ = writeln!(
                page,
                "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + BAR,
                base + 16,
                p.label
            );
        }
    }
    page.push_str("</svg>\n");
}

/// The page's style sheet (allowed by its hash, see [`content_security_policy`]).
pub const STYLE: &str = "
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--head:#c62828;--hist:#ef6c00;--unk:#6a1b9a;--base:#2e7d32;--card:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;--card:#151b23}}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta,.note,.hint{color:var(--muted)}.warning{color:var(--head);font-weight:600}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--muted);border-radius:6px;padding:10px 14px;min-width:150px;display:flex;flex-direction:column}
.card .n{font-size:28px;font-weight:700}.card .hint{font-size:12px}
.card.at-head{border-left-color:var(--head)}.card.history-only{border-left-color:var(--hist)}.card.unknown{border-left-color:var(--unk)}.card.baselined{border-left-color:var(--base)}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--card);position:sticky;top:0}td.num,th.num{text-align:right}
table.counts{width:auto}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
code.path,code.secret{overflow-wrap:break-word}.scroll{overflow-x:auto}code.rule,td.date,.badge{white-space:nowrap}
th button{all:unset;cursor:pointer;font-weight:600}th button:focus-visible{outline:2px solid var(--hist)}
th[aria-sort=ascending] button::after{content:' \\25B2'}th[aria-sort=descending] button::after{content:' \\25BC'}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff;background:var(--muted);white-space:nowrap}
.badge.at-head{background:var(--head)}.badge.history-only{background:var(--hist)}.badge.unknown{background:var(--unk)}.badge.baselined{background:var(--base)}
.filters{margin:8px 0;display:flex;flex-wrap:wrap;gap:12px;align-items:center}input,select{font:inherit}
.decoded{color:var(--muted);font-size:12px}.clean{font-weight:600;color:var(--base)}
svg{max-width:100%;height:auto;display:block;margin:8px 0}svg .entered{fill:var(--head)}svg .left{fill:var(--base)}
svg .axis{stroke:var(--muted)}svg .tick{fill:var(--muted);font-size:10px}
.key{display:inline-block;width:10px;height:10px}.key.entered{background:var(--head)}.key.left{background:var(--base)}
@media print{.filters{display:none}th{position:static}}
";

/// The page's script (allowed by its hash): counts the table's rows into `rendered-*`, filters
/// rows by text and status, sorts by a clicked column. It only reads and reorders the DOM.
pub const SCRIPT: &str = r#"
(function () {
  "use strict";
  var table = document.getElementById("findings");
  function set(id, value) {
    var e = document.getElementById(id);
    if (e) { e.textContent = String(value); }
  }
  document.documentElement.setAttribute("data-script", "ran");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var counts = {};
  rows.forEach(function (r) {
    var s = r.getAttribute("data-status");
    counts[s] = (counts[s] || 0) + 1;
  });
  set("rendered-rows", rows.length);
  ["at-head", "history-only", "unknown", "baselined"].forEach(function (s) {
    set("rendered-" + s, counts[s] || 0);
  });
  var text = document.getElementById("filter-text");
  var status = document.getElementById("filter-status");
  function apply() {
    var q = text.value.toLowerCase();
    var st = status.value;
    var n = 0;
    rows.forEach(function (r) {
      var ok = (st === "" || r.getAttribute("data-status") === st) &&
        (q === "" || r.textContent.toLowerCase().indexOf(q) !== -1);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    set("rendered-visible", n);
  }
  text.addEventListener("input", apply);
  status.addEventListener("change", apply);
  function key(cell) {
    return cell.hasAttribute("data-key") ? cell.getAttribute("data-key") : cell.textContent;
  }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.querySelector("button").addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var num = th.getAttribute("data-type") === "num";
      rows.sort(function (a, b) {
        var x = key(a.cells[col]);
        var y = key(b.cells[col]);
        var c = num ? Number(x) - Number(y) : (x < y ? -1 : (x > y ? 1 : 0));
        return c * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  apply();
  document.getElementById("table-status").hidden = false;
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{
        CommitInfo, Fingerprint, FingerprintKey, Location, Position, Presence, Secret,
    };
    use crate::report::{Color, SecretDisplay};
    use std::time::SystemTime;

    fn finding(rule: &str, path: &str, secret: &str) -> Finding {
        let secret = Secret::new(secret);
        let at = Position { line: 3, column: 7 };
        Finding {
            rule: rule.into(),
            description: format!("{rule} token"),
            path: path.into(),
            location: Location {
                start: at,
                end: at,
                offset: 0,
            },
            fingerprint: Fingerprint::compute(&FingerprintKey::new(*b"k"), rule, path, &secret),
            secret,
            entropy: 4.0,
            commit: None,
            occurrences: Vec::new(),
            presence: None,
            removed: None,
            confidence: Confidence::High,
            decoded: Vec::new(),
            excerpt: None,
        }
    }

    fn commit(id: char, date: &str, author: &str, summary: &str) -> CommitInfo {
        CommitInfo {
            commit: id.to_string().repeat(40),
            author: author.into(),
            email: "a@example.test".into(),
            date: date.into(),
            summary: summary.into(),
        }
    }

    fn ctx(mode: Mode, baselined: Vec<Finding>) -> ReportContext {
        ReportContext {
            secrets: SecretDisplay::Redacted,
            color: Color::Never,
            layout: crate::report::Layout::Flat,
            mode,
            rules: Vec::new(),
            started: SystemTime::UNIX_EPOCH,
            finished: SystemTime::UNIX_EPOCH,
            read_errors: 0,
            baselined,
        }
    }

    fn page(findings: &[Finding], ctx: &ReportContext) -> String {
        let mut out = Vec::new();
        write(findings, ctx, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The number in `<span id="ID" ...>N</span>`.
    fn count(page: &str, id: &str) -> usize {
        let start = page
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no #{id}"));
        let rest = &page[start..];
        let open = rest.find('>').unwrap() + 1;
        let close = rest.find('<').unwrap();
        rest[open..close].parse().unwrap()
    }

    const SECRET: &str = "ghp_R8x2Kq9LmZ4vT7wN3pB6yC1dF5hJ0s0001";

    #[test]
    fn every_value_from_the_repository_is_inert() {
        let hostile = "<img src=x onerror=alert(1)>";
        let mut f = finding("custom\"><script>x</script>", hostile, SECRET);
        f.description = "<b onmouseover=alert(2)>".into();
        f.presence = Some(Presence::HistoryOnly);
        f.commit = Some(commit(
            'a',
            "2024-01-02T03:04:05+00:00",
            "<svg onload=alert(3)>",
            "fix </script><script>alert(4)</script>",
        ));
        f.removed = Some(commit('b', "2024-03-01T00:00:00+00:00", "x'y", "&amp;"));
        let mut plain = ctx(Mode::History, Vec::new());
        plain.secrets = SecretDisplay::Plain;
        f.secret = Secret::new("</script><img src=y onerror=alert(5)>");
        let p = page(&[f], &plain);
        for bad in [
            "<img",
            "<svg onload",
            "<b onmouseover",
            "<script>x",
            "<script>alert",
        ] {
            assert!(!p.contains(bad), "{bad} in the page");
        }
        assert!(p.contains("&lt;img src=x onerror=alert(1)&gt;"), "{p}");
        assert!(p.contains("x&#39;y") && p.contains("&amp;amp;"), "{p}");
        // The only script is the page's own, once.
        assert_eq!(p.matches("<script").count(), 1);
        assert_eq!(p.matches("</script>").count(), 1);
        assert!(p.contains(&format!("<script>{SCRIPT}</script>")));
    }

    #[test]
    fn secrets_are_redacted_and_nothing_external_loads() {
        let f = finding("github-classic-pat", "app.env", SECRET);
        let p = page(&[f], &ctx(Mode::Files, Vec::new()));
        assert!(!p.contains(SECRET));
        assert!(p.contains("ghp_…01"), "{p}");
        for external in ["http://", "https://", " src=", "href=", "@import", "url("] {
            assert!(!p.contains(external), "{external}");
        }
        let csp = content_security_policy();
        assert!(p.contains(&format!("content=\"{csp}\"")));
        assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(csp.contains(&csp_hash(SCRIPT)) && !csp.contains("unsafe"));
        assert!(p.contains(&format!("<style>{STYLE}</style>")));
        // No inline style attributes: the policy would block them.
        assert!(!p.contains(" style="));
    }

    #[test]
    fn csp_hash_is_base64_sha256() {
        // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            csp_hash("alert(1)"),
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
    }

    #[test]
    fn summary_counts_each_category_by_rule_and_path() {
        let mut head = finding("aws", "a.env", SECRET);
        head.presence = Some(Presence::AtHead);
        let mut gone = finding("aws", "b.env", SECRET);
        gone.presence = Some(Presence::HistoryOnly);
        let mut message = finding("gh", "<commit message>", SECRET);
        message.presence = None;
        let based = finding("gh", "a.env", SECRET);
        let p = page(&[head, gone, message], &ctx(Mode::History, vec![based]));
        assert_eq!(count(&p, "count-total"), 3);
        assert_eq!(count(&p, "count-at-head"), 1);
        assert_eq!(count(&p, "count-history-only"), 1);
        assert_eq!(count(&p, "count-unknown"), 1);
        assert_eq!(count(&p, "count-baselined"), 1);
        assert_eq!(p.matches("<tr data-status=").count(), 4);
        assert_eq!(p.matches("<tr data-status=\"baselined\"").count(), 1);
        assert!(p.contains("<tr data-rule=\"aws\">"));
        assert!(p.contains("<tr data-path=\"&lt;commit message&gt;\">"));
        let aws = &p[p.find("<tr data-rule=\"aws\">").unwrap()..];
        let aws = &aws[..aws.find("</tr>").unwrap()];
        assert!(
            aws.contains("data-col=\"at-head\" data-count=\"1\""),
            "{aws}"
        );
        assert!(
            aws.contains("data-col=\"baselined\" data-count=\"0\""),
            "{aws}"
        );
    }

    #[test]
    fn files_mode_has_no_history_columns_and_no_timeline() {
        let p = page(
            &[finding("gh", "x.txt", SECRET)],
            &ctx(Mode::Files, Vec::new()),
        );
        assert_eq!(count(&p, "count-at-head"), 1);
        assert!(!p.contains("id=\"count-history-only\""));
        assert!(!p.contains("Introduced in") && !p.contains("id=\"timeline\""));
        let empty = page(&[], &ctx(Mode::Staged, Vec::new()));
        assert_eq!(count(&empty, "count-total"), 0);
        assert!(empty.contains("No secrets found."));
    }

    #[test]
    fn timeline_fills_empty_months_and_switches_to_years() {
        let at = |d: &str, removed: Option<&str>| {
            let mut f = finding("gh", "x", SECRET);
            f.commit = Some(commit('a', d, "a", "s"));
            f.removed = removed.map(|r| commit('b', r, "a", "s"));
            f
        };
        let fs = [
            at("2023-11-30T23:00:00-05:00", Some("2024-02-01T00:00:00Z")),
            at("2023-11-01T00:00:00Z", None),
        ];
        let t = timeline(fs.iter());
        let labels: Vec<&str> = t.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2023-11", "2023-12", "2024-01", "2024-02"]);
        assert_eq!((t[0].entered, t[0].left), (2, 0));
        assert_eq!((t[3].entered, t[3].left), (0, 1));
        let long = [at("2001-05-01T00:00:00Z", Some("2020-01-01T00:00:00Z"))];
        let t = timeline(long.iter());
        assert_eq!(t.len(), 20);
        assert_eq!((t[0].label.as_str(), t[0].entered), ("2001", 1));
        assert_eq!((t[19].label.as_str(), t[19].left), ("2020", 1));
        assert!(timeline([finding("gh", "x", SECRET)].iter()).is_empty());
    }
}

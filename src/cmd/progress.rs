//! The progress bar of every scanning command (scan, staged, history, baseline): on stderr, only
//! on a terminal, not under CI, not with `--quiet`, and only once the run has lasted a second
//! (short runs print nothing). `SEALANT_PROGRESS_DELAY_MS` changes the second (tests use 0).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A progress bar on stderr: only on a terminal, not under CI, not with `--quiet`, and only
/// once the run has lasted a second (short runs print nothing).
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    delay: Duration,
    shown: AtomicBool,
}

impl Progress {
    const DELAY: Duration = Duration::from_secs(1);

    fn delay() -> Duration {
        std::env::var("SEALANT_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Self::DELAY, Duration::from_millis)
    }

    pub(super) fn new(wanted: bool) -> Self {
        let enabled = wanted && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar =
            enabled.then(|| ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()));
        Progress {
            bar,
            started: Instant::now(),
            delay: Self::delay(),
            shown: AtomicBool::new(false),
        }
    }

    pub(super) fn start_planning(&self) {
        if let Some(bar) = &self.bar {
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} walking history: {pos} commits")
            {
                bar.set_style(style);
            }
        }
    }

    /// Switches to a bar over `len` items (`what`: `files`, `blobs`).
    pub(super) fn start_scanning(&self, what: &str, len: u64) {
        if let Some(bar) = &self.bar {
            let template =
                format!("{{spinner}} scanning {what} {{bar:30}} {{pos}}/{{len}} ({{eta}})");
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style);
            }
            bar.reset();
            bar.set_length(len);
        }
    }

    pub(super) fn inc(&self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        if !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() >= self.delay
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            // Draw now: the steady tick's first draw may come after a short run has ended.
            bar.tick();
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

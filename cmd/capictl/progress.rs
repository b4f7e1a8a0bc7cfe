//! Progress bars (indicatif) for long operations, drawn on stderr only when it is a terminal.
//! Log lines printed meanwhile go above the bars (see `logging.rs`), so both stay readable.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use capictl::{NoProgress, Progress, ProgressEvent};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

/// The bars on screen, if any: the logger prints through it while it is set.
static ACTIVE: OnceLock<Mutex<Option<MultiProgress>>> = OnceLock::new();

fn active() -> &'static Mutex<Option<MultiProgress>> {
    ACTIVE.get_or_init(|| Mutex::new(None))
}

/// Prints a log line above the bars when bars are shown; returns false when there are none.
pub fn print_above_bars(line: &str) -> bool {
    let guard = active().lock().unwrap_or_else(|e| e.into_inner());
    match guard.as_ref() {
        Some(multi) => {
            let _ = multi.println(line);
            true
        }
        None => false,
    }
}

/// Bars when stderr is a terminal, nothing otherwise (the log lines are the progress then).
pub fn for_stderr() -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(Bars::new())
    } else {
        Box::new(NoProgress)
    }
}

/// indicatif bars: one for fetching, one per applied provider, a spinner per wait.
struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    fn new() -> Bars {
        let multi = MultiProgress::new();
        *active().lock().unwrap_or_else(|e| e.into_inner()) = Some(multi.clone());
        Bars {
            multi,
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn add(&self, key: String, bar: ProgressBar) {
        let bar = self.multi.add(bar);
        let mut bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = bars.insert(key, bar) {
            old.finish_and_clear();
        }
    }

    fn with(&self, key: &str, f: impl FnOnce(&ProgressBar)) {
        let bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = bars.get(key) {
            f(bar);
        }
    }

    fn finish(&self, key: &str) {
        let removed = self
            .bars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        if let Some(bar) = removed {
            bar.finish_and_clear();
        }
    }
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg:<28} [{bar:30}] {pos}/{len} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress for Bars {
    fn event(&self, event: ProgressEvent<'_>) {
        match event {
            ProgressEvent::FetchStarted { count } => {
                let bar = ProgressBar::new(count as u64)
                    .with_style(bar_style())
                    .with_message("fetching providers");
                bar.enable_steady_tick(Duration::from_millis(120));
                self.add("fetch".into(), bar);
            }
            ProgressEvent::Fetched { .. } => self.with("fetch", |b| b.inc(1)),
            ProgressEvent::FetchFinished => self.finish("fetch"),
            ProgressEvent::ApplyStarted { subject, count } => {
                let bar = ProgressBar::new(count as u64)
                    .with_style(bar_style())
                    .with_message(format!("applying {subject}"));
                bar.enable_steady_tick(Duration::from_millis(120));
                self.add(format!("apply {subject}"), bar);
            }
            ProgressEvent::Applied { subject, .. } => {
                self.with(&format!("apply {subject}"), |b| b.inc(1))
            }
            ProgressEvent::ApplyFinished { subject } => self.finish(&format!("apply {subject}")),
            ProgressEvent::WaitStarted { subject } => {
                let bar = ProgressBar::new_spinner()
                    .with_style(spinner_style())
                    .with_message(format!("waiting for {subject}"));
                bar.enable_steady_tick(Duration::from_millis(120));
                self.add(format!("wait {subject}"), bar);
            }
            ProgressEvent::WaitFinished { subject } => self.finish(&format!("wait {subject}")),
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        for (_, bar) in self.bars.lock().unwrap_or_else(|e| e.into_inner()).drain() {
            bar.finish_and_clear();
        }
        let _ = self.multi.clear();
        *active().lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

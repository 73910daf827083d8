//! Drawing a batch's progress on a terminal: one line per phase (reading and
//! checking, writing the ledger, rebuilding indexes, committing), each with a
//! spinner that keeps turning on its own thread while SQLite works, a bar when
//! the total is known, and "done" at the end. Nothing is drawn on a pipe or
//! for machine formats.

use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use stockflow::ops::progress::{Phase, Progress};
use stockflow::render::Format;

use super::App;

/// How often a spinner turns while nothing else moves.
const TICK: Duration = Duration::from_millis(120);

/// The progress lines of one batch.
#[derive(Debug)]
pub struct Bars {
    multi: MultiProgress,
    /// The input's size in bytes, when it is a file.
    size: Option<u64>,
    reading: Option<ProgressBar>,
    writing: Option<ProgressBar>,
    current: Option<ProgressBar>,
}

impl Bars {
    /// Progress lines on stderr when it is a terminal and the output is for
    /// people (`table` or `csv`); `None` otherwise.
    pub fn new(app: &App, size: Option<u64>) -> Option<Self> {
        if !app.stderr_tty || matches!(app.format, Format::Json | Format::Jsonl) {
            return None;
        }
        Some(Self {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            size,
            reading: None,
            writing: None,
            current: None,
        })
    }

    /// Removes the lines (after a failure: the error says what happened).
    pub fn clear(&self) {
        let _ = self.multi.clear();
    }

    fn line(&self, phase: Phase, template: &str, length: Option<u64>) -> ProgressBar {
        let bar = match length {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::no_length(),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✓"));
        }
        bar.set_prefix(phase.describe());
        let bar = self.multi.add(bar);
        bar.enable_steady_tick(TICK);
        bar
    }

    fn writing_line(&mut self) -> ProgressBar {
        if let Some(bar) = &self.writing {
            return bar.clone();
        }
        let bar = self.line(
            Phase::Writing,
            "{spinner} {prefix:22} {bar:30} {human_pos}/{human_len} movements {msg}",
            Some(0),
        );
        self.writing = Some(bar.clone());
        bar
    }
}

fn done(bar: &ProgressBar) {
    bar.set_message("done");
    bar.finish();
}

impl Progress for Bars {
    fn phase(&mut self, phase: Phase) {
        if let Some(bar) = self.current.take() {
            done(&bar);
        }
        match phase {
            Phase::Reading => {
                let bar = match self.size {
                    Some(bytes) => self.line(
                        phase,
                        "{spinner} {prefix:22} {bar:30} {bytes}/{total_bytes} {msg}",
                        Some(bytes),
                    ),
                    None => self.line(phase, "{spinner} {prefix:22} {msg}", None),
                };
                self.reading = Some(bar);
            }
            Phase::Writing => {
                if let Some(bar) = self.reading.take() {
                    if let Some(bytes) = self.size {
                        bar.set_position(bytes);
                    }
                    done(&bar);
                }
                self.current = Some(self.writing_line());
            }
            Phase::Indexing | Phase::Committing => {
                for bar in [self.reading.take(), self.writing.take()]
                    .into_iter()
                    .flatten()
                {
                    done(&bar);
                }
                let bar = self.line(phase, "{spinner} {prefix:22} {elapsed} {msg}", None);
                self.current = Some(bar);
            }
            Phase::Done => {
                for bar in [self.reading.take(), self.writing.take()]
                    .into_iter()
                    .flatten()
                {
                    done(&bar);
                }
            }
        }
    }

    fn read(&mut self, rows: u64, bytes: u64) {
        if let Some(bar) = &self.reading {
            if self.size.is_some() {
                bar.set_position(bytes);
            }
            bar.set_message(format!("{rows} rows"));
        }
    }

    fn written(&mut self, done: u64, total: u64) {
        let bar = self.writing_line();
        bar.set_length(total);
        bar.set_position(done);
    }
}

/// How a batch shows its progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Lines that move, on a terminal, for table and CSV output
    Auto,
    /// One plain line per phase on stderr, terminal or not (logs, tests)
    Plain,
    /// Nothing
    Never,
}

/// The `--progress` flag of the batch commands.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ProgressArg {
    /// Progress on stderr: auto (a terminal), plain (one line per phase), never
    #[arg(
        long = "progress",
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub mode: Mode,
}

/// One line per phase, for logs: `progress: rebuilding indexes`.
#[derive(Debug, Default)]
struct Plain {
    rows: u64,
}

impl Progress for Plain {
    fn phase(&mut self, phase: Phase) {
        match phase {
            Phase::Done => eprintln!("progress: done ({} rows)", self.rows),
            _ => eprintln!("progress: {}", phase.describe()),
        }
    }
    fn read(&mut self, rows: u64, _: u64) {
        self.rows = rows;
    }
    fn written(&mut self, _: u64, _: u64) {}
}

/// Runs a batch with the progress `mode` asks for (see [`Bars::new`] for `auto`).
pub fn run<T>(
    app: &App,
    mode: Mode,
    size: Option<u64>,
    batch: impl FnOnce(&mut dyn Progress) -> stockflow::Result<T>,
) -> stockflow::Result<T> {
    let bars = match mode {
        Mode::Auto => Bars::new(app, size),
        Mode::Plain => return batch(&mut Plain::default()),
        Mode::Never => None,
    };
    let Some(mut bars) = bars else {
        return batch(&mut stockflow::ops::progress::Quiet);
    };
    let result = batch(&mut bars);
    if result.is_err() {
        bars.clear();
    }
    result
}

//! A table into a pipe or a file: every row and every column at natural
//! width, in its box, drawn line by line exactly as comfy-table's
//! UTF8_BORDERS_ONLY draws it on a terminal. Such a table must measure every
//! row before its first line, and a pipe may take a whole ledger, so it holds
//! each row as one compact string (about 100 bytes a movement) rather than as
//! records and comfy-table cells (about 4 KB).

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::Tone;
use super::layout::{self, Align, Column};

/// Between the cells of a held row: an escaped cell holds no control character.
const SEP: char = '\u{1f}';

/// The rows of a table, escaped, and the width of each column so far.
#[derive(Debug)]
pub struct Whole {
    widths: Vec<usize>,
    rows: Vec<(String, Tone)>,
}

impl Whole {
    /// An empty table under `columns`, measured from their headers if shown.
    pub fn new(columns: &[Column], header: bool) -> Self {
        let widths = columns
            .iter()
            .map(|c| if header { c.header.width() } else { 0 })
            .collect();
        Self {
            widths,
            rows: Vec::new(),
        }
    }

    /// Adds a row of cells (unescaped), one per column.
    pub fn push(&mut self, cells: &[String], tone: Tone) {
        let mut line = String::new();
        for (k, width) in self.widths.iter_mut().enumerate() {
            let cell = layout::escape(cells.get(k).map_or("", String::as_str));
            *width = (*width).max(cell.width());
            if k > 0 {
                line.push(SEP);
            }
            line.push_str(&cell);
        }
        self.rows.push((line, tone));
    }

    /// Draws the table: box, header (bold with colour), rows (toned ones
    /// red with colour).
    pub fn write<W: Write>(
        &self,
        w: &mut W,
        columns: &[Column],
        header: bool,
        color: bool,
    ) -> io::Result<()> {
        let inner = self.widths.iter().sum::<usize>() + 2 * self.widths.len();
        rule(w, ['┌', '─', '┐'], inner)?;
        if header {
            let bold = color.then_some(("\u{1b}[1m", "\u{1b}[0m"));
            self.line(w, columns, columns.iter().map(|c| c.header), bold)?;
            rule(w, ['╞', '═', '╡'], inner)?;
        }
        for (row, tone) in &self.rows {
            let red = (color && *tone == Tone::Red).then_some(("\u{1b}[38;5;9m", "\u{1b}[39m"));
            self.line(w, columns, row.split(SEP), red)?;
        }
        rule(w, ['└', '─', '┘'], inner)
    }

    fn line<'a, W: Write>(
        &self,
        w: &mut W,
        columns: &[Column],
        cells: impl Iterator<Item = &'a str>,
        style: Option<(&str, &str)>,
    ) -> io::Result<()> {
        let (on, off) = style.unwrap_or(("", ""));
        w.write_all("│".as_bytes())?;
        for ((cell, width), column) in cells.zip(&self.widths).zip(columns) {
            let pad = " ".repeat(width.saturating_sub(cell.width()));
            match column.align {
                Align::Left => write!(w, " {on}{cell}{pad}{off} ")?,
                Align::Right => write!(w, " {on}{pad}{cell}{off} ")?,
            }
        }
        w.write_all("│\n".as_bytes())
    }
}

fn rule<W: Write>(w: &mut W, [left, fill, right]: [char; 3], inner: usize) -> io::Result<()> {
    let fill: String = std::iter::repeat_n(fill, inner).collect();
    writeln!(w, "{left}{fill}{right}")
}

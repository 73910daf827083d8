//! The one rendering seam: every result reaches stdout through [`Out`].
//!
//! A row type implements [`Record`] once (in `records`): its machine columns
//! and cells, so CSV flattens nested values the same way everywhere and CSV
//! injection is guarded in one place; and its table for people, with short
//! headers in words, names instead of ids, fitted to the terminal by
//! `layout`. A result that is more than a list is a [`Document`] (in
//! `documents`), so the command line never matches on the format. JSON and
//! JSON Lines come from `Serialize`. The library's data types know nothing of
//! tables or colour.

use std::io::Write;

use comfy_table::{
    Attribute, Cell as TableCell, CellAlignment, Color, ContentArrangement, LineStyle, Table,
    TableStyle, presets,
};
use serde::Serialize;

use crate::error::Result;

pub mod color;
mod documents;
pub use documents::{Counted, Initialised};
pub mod layout;
pub mod orders;
mod plan;
mod records;
mod whole;

pub use layout::{Align, Column};

/// An output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table for people.
    Table,
    /// Pretty JSON: one object, or one array.
    Json,
    /// JSON Lines: one compact object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

impl Format {
    /// Parses a format name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "table" => Some(Self::Table),
            "json" => Some(Self::Json),
            "jsonl" => Some(Self::Jsonl),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

/// One cell of a table or CSV row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Free text: guarded against formula injection in CSV.
    Text(String),
    /// A number, money or flag: written as it is.
    Number(String),
    /// An absent value: an empty cell.
    Null,
}

impl Cell {
    /// A text cell, or `Null` when absent.
    pub fn text(value: Option<&str>) -> Self {
        value.map_or(Self::Null, |v| Self::Text(v.to_owned()))
    }

    /// A number-like cell, or `Null` when absent.
    pub fn num<T: ToString>(value: Option<T>) -> Self {
        value.map_or(Self::Null, |v| Self::Number(v.to_string()))
    }

    /// The cell as written to CSV. A text cell that a spreadsheet would run as
    /// a formula gets a leading `'` (OWASP CSV injection); numbers never change.
    pub fn csv(&self) -> String {
        match self {
            Self::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{t}"),
            Self::Text(t) | Self::Number(t) => t.clone(),
            Self::Null => String::new(),
        }
    }
}

/// The most rows a table of an unbounded list shows on a terminal (`stock
/// history`); into a pipe or a file a table shows every row.
pub const TABLE_ROWS: usize = 200;

/// A table without its box, on a terminal too narrow for it: a rule under the
/// header, cells two spaces apart.
const UNFRAMED: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─'));

/// How a table row should stand out when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Nothing to say.
    Plain,
    /// Act now (an alert already out of stock or due within its lead time).
    Red,
}

/// A row type: its machine columns and cells (CSV), and its table for people.
pub trait Record: Serialize {
    /// Column names, for the CSV header (the JSON keys, flattened).
    fn columns() -> &'static [&'static str];
    /// This row's cells, one per column.
    fn cells(&self) -> Vec<Cell>;
    /// The table's columns: short headers in words, names rather than ids.
    fn table() -> &'static [Column];
    /// This row's table cells, one per [`Record::table`] column, unescaped.
    fn row(&self) -> Vec<String>;
    /// How the row stands out when colour is on.
    fn tone(&self) -> Tone {
        Tone::Plain
    }
}

/// A command's whole result when it is more than one object or one list
/// (a report with a footer, a product with its stock): how each format shows it.
pub trait Document {
    /// `--format json`.
    fn json<W: Write>(&self, out: &mut Out<W>) -> Result<()>;
    /// `--format jsonl`; the JSON value on one line unless said otherwise.
    fn jsonl<W: Write>(&self, out: &mut Out<W>) -> Result<()> {
        self.json(out)
    }
    /// `--format csv`.
    fn csv<W: Write>(&self, out: &mut Out<W>) -> Result<()>;
    /// `--format table`.
    fn table<W: Write>(&self, out: &mut Out<W>) -> Result<()>;
}

/// The only writer of results; buffers and flushes once. What a terminal's
/// conveniences left out (rows past the cap, columns, cut cells) is said
/// after the results, on the note writer (stderr).
pub struct Out<W: Write> {
    w: W,
    format: Format,
    color: bool,
    width: Option<usize>,
    notes: Vec<String>,
    note_to: Option<Box<dyn Write>>,
}

impl<W: Write> std::fmt::Debug for Out<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Out")
            .field("format", &self.format)
            .field("color", &self.color)
            .field("width", &self.width)
            .field("notes", &self.notes)
            .finish_non_exhaustive()
    }
}

impl<W: Write> Out<W> {
    /// A renderer writing `format` to `w`, with colour or not (see
    /// [`color::wanted`]); tables at natural width until [`Out::width`].
    pub fn new(w: W, format: Format, color: bool) -> Self {
        Self {
            w,
            format,
            color,
            width: None,
            notes: Vec::new(),
            note_to: None,
        }
    }

    /// Fit tables into `width` display columns (the terminal's) and cap
    /// their rows; or, with `None`, show every row and column whole.
    #[must_use]
    pub fn width(self, width: Option<usize>) -> Self {
        Self { width, ..self }
    }

    /// Where notes go (stderr), after the results: what fitting a terminal
    /// left out. Without it, notes are dropped.
    #[must_use]
    pub fn notes(self, to: Box<dyn Write>) -> Self {
        Self {
            note_to: Some(to),
            ..self
        }
    }

    /// The format being written.
    pub fn format(&self) -> Format {
        self.format
    }

    /// How many rows a list may bring: a table on a terminal shows at most
    /// [`TABLE_ROWS`] and the caller says so with [`Out::note`]. `None`:
    /// every row (every other format, and any table into a pipe or a file).
    pub fn holds_at_most(&self) -> Option<usize> {
        (self.format == Format::Table && self.width.is_some()).then_some(TABLE_ROWS)
    }

    /// A note for the person at the terminal, said after the results (on
    /// stderr); dropped when no note writer was given (not a terminal).
    pub fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    /// A whole result, each format as the document says.
    pub fn show<D: Document>(&mut self, doc: &D) -> Result<()> {
        match self.format {
            Format::Json => doc.json(self),
            Format::Jsonl => doc.jsonl(self),
            Format::Csv => doc.csv(self),
            Format::Table => doc.table(self),
        }
    }

    /// One object (a created or updated record); a table shows it field by
    /// field, leaving out the empty ones.
    pub fn object<R: Record>(&mut self, record: &R) -> Result<()> {
        match self.format {
            Format::Json => self.json_pretty(record),
            Format::Jsonl => self.json_line(record),
            Format::Csv => self.csv_rows::<R, &R>(std::iter::once(Ok(record))),
            Format::Table => {
                const FIELDS: [Column; 2] = [Column::text(""), Column::text("").shrink(12)];
                let rows: Vec<(Vec<String>, Tone)> = R::table()
                    .iter()
                    .zip(record.row())
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(c, v)| (vec![c.header.to_owned(), v], Tone::Plain))
                    .collect();
                self.draw(&FIELDS, false, &rows)
            }
        }
    }

    /// A list of records, streamed where the format allows (all but table).
    pub fn list<R: Record>(&mut self, rows: impl IntoIterator<Item = Result<R>>) -> Result<()> {
        let mut rows = rows.into_iter();
        match self.format {
            Format::Json => {
                self.w.write_all(b"[")?;
                let mut first = true;
                for row in rows {
                    self.w.write_all(if first { b"\n  " } else { b",\n  " })?;
                    first = false;
                    write_indented(&mut self.w, &row?)?;
                }
                self.w.write_all(if first { b"]\n" } else { b"\n]\n" })?;
                Ok(())
            }
            Format::Jsonl => rows.try_for_each(|row| self.json_line(&row?)),
            Format::Csv => self.csv_rows(rows),
            Format::Table if self.width.is_none() => {
                // Into a pipe: every row, held compactly, not as records.
                let mut whole = whole::Whole::new(R::table(), true);
                for row in rows {
                    let row = row?;
                    whole.push(&row.row(), row.tone());
                }
                whole.write(&mut self.w, R::table(), true, self.color)?;
                Ok(())
            }
            Format::Table => {
                let rows = rows.collect::<Result<Vec<R>>>()?;
                self.table(&rows)
            }
        }
    }

    /// A value as pretty JSON, or one compact line for JSON Lines.
    pub fn json_value<T: Serialize>(&mut self, value: &T) -> Result<()> {
        match self.format {
            Format::Jsonl => self.json_line(value),
            _ => self.json_pretty(value),
        }
    }

    /// Lines of text for people (a footer, a one-line result, `check`'s
    /// problems), each with its control characters escaped like a table cell.
    pub fn line(&mut self, text: &str) -> Result<()> {
        for line in text.split('\n') {
            writeln!(self.w, "{}", layout::escape(line))?;
        }
        Ok(())
    }

    /// A footer under a table: its lines broken between words to fit the
    /// terminal (a plain line when not on one).
    pub fn footer(&mut self, text: &str) -> Result<()> {
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                self.width
                    .map_or_else(|| l.to_owned(), |w| layout::wrap(l, w))
            })
            .collect();
        self.line(&lines.join("\n"))
    }

    /// A table of `rows` with a title line above it.
    pub fn titled_table<R: Record>(&mut self, title: &str, rows: &[R]) -> Result<()> {
        writeln!(self.w, "\n{title}")?;
        self.table(rows)
    }

    /// Rows as a table fitted to the width; toned rows coloured when colour is on.
    pub fn table<R: Record>(&mut self, rows: &[R]) -> Result<()> {
        let rows: Vec<(Vec<String>, Tone)> = rows.iter().map(|r| (r.row(), r.tone())).collect();
        self.draw(R::table(), true, &rows)
    }

    fn draw(
        &mut self,
        columns: &[Column],
        header: bool,
        rows: &[(Vec<String>, Tone)],
    ) -> Result<()> {
        if self.width.is_none() {
            let mut whole = whole::Whole::new(columns, header);
            for (row, tone) in rows {
                whole.push(row, *tone);
            }
            whole.write(&mut self.w, columns, header, self.color)?;
            return Ok(());
        }
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|(r, _)| r.iter().map(|c| layout::escape(c).into_owned()).collect())
            .collect();
        let shape = layout::fit(columns, &cells, self.width);
        self.announce(columns, &shape);
        let mut table = Table::new();
        if shape.framed {
            table.load_style(presets::UTF8_BORDERS_ONLY);
        } else {
            table.load_style(UNFRAMED);
        }
        table.set_content_arrangement(ContentArrangement::Disabled);
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        if header {
            table.set_header(shape.shown.iter().map(|&i| {
                let cell = TableCell::new(columns[i].title(shape.short));
                if self.color {
                    cell.add_attribute(Attribute::Bold)
                } else {
                    cell
                }
            }));
        }
        for (row, (_, tone)) in cells.iter().zip(rows) {
            table.add_row(shape.shown.iter().zip(&shape.widths).map(|(&i, &w)| {
                let text = row.get(i).map_or("", String::as_str);
                let cell = TableCell::new(layout::truncate(text, w));
                match tone {
                    Tone::Red if self.color => cell.fg(Color::Red),
                    _ => cell,
                }
            }));
        }
        // Both styles draw a blank between columns. Framed, one space of
        // padding on the left only (and both sides of the last) sets cells
        // two spaces apart inside the box; unframed, the first column has
        // none and the last no right padding: as `layout::overhead` counts.
        let last = shape.shown.len().saturating_sub(1);
        for (k, &i) in shape.shown.iter().enumerate() {
            let Some(column) = table.column_mut(k) else {
                continue;
            };
            if shape.framed {
                column.set_padding((1, u16::from(k == last)));
            } else {
                column.set_padding((u16::from(k > 0), 0));
            }
            if columns[i].align == Align::Right {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(self.w, "{table}")?;
        Ok(())
    }

    /// Remembers, for the note after the output, what fitting the terminal
    /// left out of this table: whole columns, and cells cut with `…`.
    fn announce(&mut self, columns: &[Column], shape: &layout::Shape) {
        let (Some(width), false) = (self.width, shape.dropped.is_empty() && shape.cut == 0) else {
            return;
        };
        let mut what = Vec::new();
        if !shape.dropped.is_empty() {
            let names: Vec<&str> = shape.dropped.iter().map(|&i| columns[i].header).collect();
            what.push(format!("left out {}", names.join(", ")));
        }
        if shape.cut > 0 {
            let cells = if shape.cut == 1 { "cell" } else { "cells" };
            what.push(format!("cut {} {cells}", shape.cut));
        }
        self.notes.push(format!(
            "note: fitted to {width} columns: {}; --format csv for all",
            what.join(", ")
        ));
    }

    fn json_pretty<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.w, value)?;
        self.w.write_all(b"\n")?;
        Ok(())
    }

    fn json_line<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer(&mut self.w, value)?;
        self.w.write_all(b"\n")?;
        Ok(())
    }

    /// One record that is not a [`Record`] type (`check`, `init`) as CSV: a
    /// header row, then its one row of cells, guarded like any other.
    pub fn csv_record(&mut self, columns: &[&str], cells: &[Cell]) -> Result<()> {
        let mut csv = csv::Writer::from_writer(&mut self.w);
        csv.write_record(columns)?;
        csv.write_record(cells.iter().map(Cell::csv))?;
        csv.flush()?;
        Ok(())
    }

    fn csv_rows<R: Record, B: std::borrow::Borrow<R>>(
        &mut self,
        rows: impl Iterator<Item = Result<B>>,
    ) -> Result<()> {
        let mut csv = csv::Writer::from_writer(&mut self.w);
        csv.write_record(R::columns())?;
        for row in rows {
            csv.write_record(row?.borrow().cells().iter().map(Cell::csv))?;
        }
        csv.flush()?;
        Ok(())
    }

    /// Flushes everything written so far, then writes the notes.
    pub fn finish(mut self) -> Result<()> {
        self.w.flush()?;
        if let Some(to) = self.note_to.as_mut() {
            for note in &self.notes {
                let note = layout::escape(note);
                let note = self
                    .width
                    .map_or_else(|| note.to_string(), |w| layout::wrap(&note, w));
                // A note that cannot be written loses nothing of the result.
                let _ = writeln!(to, "{note}");
            }
        }
        Ok(())
    }
}

fn write_indented<W: Write, T: Serialize>(w: &mut W, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    w.write_all(text.replace('\n', "\n  ").as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: String,
        delta: i64,
    }

    impl Record for Row {
        fn columns() -> &'static [&'static str] {
            &["name", "delta"]
        }
        fn cells(&self) -> Vec<Cell> {
            vec![
                Cell::Text(self.name.clone()),
                Cell::Number(self.delta.to_string()),
            ]
        }
        fn table() -> &'static [Column] {
            const COLUMNS: &[Column] = &[Column::text("Name").shrink(6), Column::num("Change")];
            COLUMNS
        }
        fn row(&self) -> Vec<String> {
            vec![self.name.clone(), self.delta.to_string()]
        }
        fn tone(&self) -> Tone {
            if self.delta < 0 {
                Tone::Red
            } else {
                Tone::Plain
            }
        }
    }

    fn render_with(format: Format, color: bool, width: Option<usize>, rows: Vec<Row>) -> String {
        let mut buf = Vec::new();
        let mut out = Out::new(&mut buf, format, color).width(width);
        out.list(rows.into_iter().map(Ok)).unwrap();
        out.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn render(format: Format, rows: Vec<Row>) -> String {
        render_with(format, false, None, rows)
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                name: "=SUM(A1)".into(),
                delta: -5,
            },
            Row {
                name: "a,\"b\"\nc".into(),
                delta: 3,
            },
        ]
    }

    #[test]
    fn csv_guards_formulas_but_never_numbers() {
        let text = render(Format::Csv, rows());
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let records: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(records[0], ["'=SUM(A1)", "-5"]);
        assert_eq!(records[1], ["a,\"b\"\nc", "3"], "CSV keeps the data as is");
    }

    #[test]
    fn json_list_is_an_array_and_jsonl_a_line_each() {
        let json: serde_json::Value = serde_json::from_str(&render(Format::Json, rows())).unwrap();
        assert_eq!(json[1]["name"], "a,\"b\"\nc");
        assert_eq!(json.as_array().unwrap().len(), 2);
        let empty: serde_json::Value = serde_json::from_str(&render(Format::Json, vec![])).unwrap();
        assert_eq!(empty, serde_json::json!([]));
        let lines = render(Format::Jsonl, rows());
        assert_eq!(lines.lines().count(), 2);
        assert_eq!(render(Format::Jsonl, vec![]), "");
    }

    #[test]
    fn tables_have_word_headers_and_numbers_on_the_right() {
        let text = render(Format::Table, rows());
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].contains("Name") && lines[1].contains("Change"),
            "{text}"
        );
        // "Change" is 6 wide: -5 and 3 end where the header ends.
        let end = |l: &str, s: &str| l.find(s).map(|i| i + s.len());
        assert_eq!(end(lines[3], "-5"), end(lines[1], "Change"), "{text}");
        assert_eq!(end(lines[4], "3"), end(lines[1], "Change"), "{text}");
    }

    #[test]
    fn table_cells_escape_control_characters_and_never_wrap() {
        let evil = Row {
            name: "Evil\u{1b}]0;pwned\u{7}\u{1b}[2J".into(),
            delta: 1,
        };
        let text = render(Format::Table, vec![evil]);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(
            text.contains("Evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"),
            "{text}"
        );
        // A newline inside a value stays on its row.
        let text = render(Format::Table, rows());
        assert_eq!(text.lines().count(), 6, "{text}");
        assert!(text.contains("a,\"b\"\\nc"), "{text}");
    }

    #[test]
    fn plain_lines_escape_control_characters_too() {
        let mut buf = Vec::new();
        let mut out = Out::new(&mut buf, Format::Table, false);
        out.line("problem: product \u{1b}[2J\nsecond line").unwrap();
        out.finish().unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text, "problem: product \\u{1b}[2J\nsecond line\n");
    }

    #[test]
    fn a_narrow_table_cuts_text_with_an_ellipsis() {
        let long = Row {
            name: "Adhesive tape, double-sided".into(),
            delta: 12,
        };
        let text = render_with(Format::Table, false, Some(20), vec![long]);
        assert!(text.lines().all(|l| l.chars().count() <= 20), "{text}");
        // Too narrow for the box: 20 = 12 for the name + 2 + 6 ("Change").
        assert!(text.contains("\nAdhesive ta…      12\n"), "{text}");
        let boxed = render_with(
            Format::Table,
            false,
            Some(40),
            vec![Row {
                name: "Adhesive tape, double-sided".into(),
                delta: 12,
            }],
        );
        assert!(
            boxed.contains("│ Adhesive tape, double-sided      12 │"),
            "{boxed}"
        );
    }

    #[test]
    fn a_piped_table_is_drawn_as_comfy_table_draws_a_wide_terminal_one() {
        let rows = || {
            vec![
                Row {
                    name: "東京倉庫センター北".into(),
                    delta: 1,
                },
                Row {
                    name: "Cafe\u{301} au lait, double \u{1b}[2J".into(),
                    delta: -20,
                },
            ]
        };
        let piped = render_with(Format::Table, false, None, rows());
        assert_eq!(piped, render_with(Format::Table, false, Some(500), rows()));
        let mut buf = Vec::new();
        let mut out = Out::new(&mut buf, Format::Table, false);
        out.object(&rows().remove(1)).unwrap();
        out.finish().unwrap();
        let mut wide = Vec::new();
        let mut out = Out::new(&mut wide, Format::Table, false).width(Some(500));
        out.object(&rows().remove(1)).unwrap();
        out.finish().unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            String::from_utf8(wide).unwrap()
        );
        let empty = render(Format::Table, vec![]);
        assert_eq!(empty, render_with(Format::Table, false, Some(500), vec![]));
    }

    #[test]
    fn only_toned_rows_are_red_and_only_with_colour() {
        let coloured = render_with(Format::Table, true, None, rows());
        let red_line = coloured.lines().find(|l| l.contains("-5")).unwrap();
        let plain_line = coloured.lines().find(|l| l.contains(" 3")).unwrap();
        assert!(
            red_line.contains("\u{1b}[38;5;9m") || red_line.contains("\u{1b}[31m"),
            "{coloured:?}"
        );
        assert!(
            !plain_line.contains("\u{1b}[31m") && !plain_line.contains("\u{1b}[38;5;9m"),
            "{coloured:?}"
        );
        assert!(!render(Format::Table, rows()).contains('\u{1b}'));
    }

    #[test]
    fn wide_and_combining_characters_keep_the_borders_aligned() {
        use unicode_width::UnicodeWidthStr;
        let rows = || {
            vec![
                Row {
                    name: "東京倉庫センター北".into(),
                    delta: 1,
                },
                Row {
                    name: "Cafe\u{301} au lait, double".into(),
                    delta: -20,
                },
                Row {
                    name: "plain".into(),
                    delta: 300,
                },
            ]
        };
        for width in [None, Some(20), Some(21), Some(60)] {
            let text = render_with(Format::Table, false, width, rows());
            let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
            assert!(
                widths.iter().all(|w| *w == widths[0]),
                "{width:?}: {widths:?}\n{text}"
            );
            if let Some(w) = width {
                assert!(widths[0] <= w, "{text}");
            }
        }
    }

    #[test]
    fn an_object_table_lists_its_fields_by_header() {
        let mut buf = Vec::new();
        let mut out = Out::new(&mut buf, Format::Table, false);
        out.object(&rows().remove(0)).unwrap();
        out.finish().unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("Name") && text.contains("=SUM(A1)"), "{text}");
        assert!(text.contains("Change") && text.contains("-5"), "{text}");
    }
}

//! The one rendering seam: every result reaches stdout through [`Out`].
//!
//! A row type implements [`Record`] once (its columns and cells), so the table
//! and the CSV of a command always agree, nested values flatten the same way,
//! and CSV injection is guarded in one place. JSON and JSON Lines come from
//! `Serialize`.

use std::io::Write;

use comfy_table::{Cell as TableCell, Color, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::error::Result;

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

    fn plain(&self) -> &str {
        match self {
            Self::Text(t) | Self::Number(t) => t,
            Self::Null => "",
        }
    }
}

/// A row type: its column names and cells, in the same order.
pub trait Record: Serialize {
    /// Column names, for the CSV header and the table header.
    fn columns() -> &'static [&'static str];
    /// The columns a table shows, when a row is too wide for a terminal
    /// (by name, in `columns` order); all of them by default.
    fn table_columns() -> &'static [&'static str] {
        Self::columns()
    }
    /// This row's cells, one per column.
    fn cells(&self) -> Vec<Cell>;
    /// Whether a table should highlight this row (e.g. an urgent alert).
    fn urgent(&self) -> bool {
        false
    }
}

/// The only writer of results; buffers and flushes once.
#[derive(Debug)]
pub struct Out<W: Write> {
    w: W,
    format: Format,
    color: bool,
}

impl<W: Write> Out<W> {
    /// A renderer writing `format` to `w`; `color` only for a terminal without `NO_COLOR`.
    pub fn new(w: W, format: Format, color: bool) -> Self {
        Self { w, format, color }
    }

    /// One object (a created or updated record).
    pub fn object<R: Record>(&mut self, record: &R) -> Result<()> {
        match self.format {
            Format::Json => self.json_pretty(record),
            Format::Jsonl => self.json_line(record),
            Format::Csv => self.csv_rows::<R, &R>(std::iter::once(Ok(record))),
            Format::Table => self.vertical(R::columns(), &record.cells()),
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
            Format::Table => {
                let rows = rows.collect::<Result<Vec<R>>>()?;
                self.table(&rows)?;
                Ok(())
            }
        }
    }

    /// A value as pretty JSON, or one compact line for JSON Lines; for
    /// objects with no row form (a report, a nested detail).
    pub fn json_value<T: Serialize>(&mut self, value: &T) -> Result<()> {
        match self.format {
            Format::Jsonl => self.json_line(value),
            _ => self.json_pretty(value),
        }
    }

    /// A plain line of text (table format footers and notices).
    pub fn line(&mut self, text: &str) -> Result<()> {
        writeln!(self.w, "{text}")?;
        Ok(())
    }

    /// A table of `rows` with a title line above it (table format only).
    pub fn titled_table<R: Record>(&mut self, title: &str, rows: &[R]) -> Result<()> {
        writeln!(self.w, "\n{title}")?;
        self.table(rows)
    }

    /// Rows as a table; urgent rows in red when colour is on.
    pub fn table<R: Record>(&mut self, rows: &[R]) -> Result<()> {
        let mut table = self.new_table();
        let shown: Vec<bool> = R::columns()
            .iter()
            .map(|c| R::table_columns().contains(c))
            .collect();
        table.set_header(R::table_columns().iter().copied());
        for row in rows {
            let urgent = self.color && row.urgent();
            let cells = row.cells();
            table.add_row(cells.iter().zip(&shown).filter(|(_, s)| **s).map(|(c, _)| {
                let cell = TableCell::new(c.plain());
                if urgent { cell.fg(Color::Red) } else { cell }
            }));
        }
        writeln!(self.w, "{table}")?;
        Ok(())
    }

    fn vertical(&mut self, names: &[&str], cells: &[Cell]) -> Result<()> {
        let mut table = self.new_table();
        for (name, cell) in names.iter().zip(cells) {
            table.add_row([*name, cell.plain()]);
        }
        writeln!(self.w, "{table}")?;
        Ok(())
    }

    fn new_table(&self) -> Table {
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        table
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

    /// Flushes everything written so far.
    pub fn finish(mut self) -> Result<()> {
        self.w.flush()?;
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
    }

    fn render(format: Format, rows: Vec<Row>) -> String {
        let mut buf = Vec::new();
        let mut out = Out::new(&mut buf, format, false);
        out.list(rows.into_iter().map(Ok)).unwrap();
        out.finish().unwrap();
        String::from_utf8(buf).unwrap()
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
        assert_eq!(records[1], ["a,\"b\"\nc", "3"]);
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

    #[derive(Serialize)]
    struct Wide {
        a: i64,
        b: i64,
    }

    impl Record for Wide {
        fn columns() -> &'static [&'static str] {
            &["a", "b"]
        }
        fn table_columns() -> &'static [&'static str] {
            &["b"]
        }
        fn cells(&self) -> Vec<Cell> {
            vec![Cell::num(Some(self.a)), Cell::num(Some(self.b))]
        }
    }

    #[test]
    fn tables_may_show_fewer_columns_than_csv() {
        let render = |format| {
            let mut buf = Vec::new();
            let mut out = Out::new(&mut buf, format, false);
            out.list(std::iter::once(Ok(Wide { a: 111, b: 222 })))
                .unwrap();
            out.finish().unwrap();
            String::from_utf8(buf).unwrap()
        };
        let table = render(Format::Table);
        assert!(table.contains("222") && !table.contains("111"), "{table}");
        assert_eq!(render(Format::Csv), "a,b\n111,222\n");
    }

    #[derive(Serialize)]
    struct Flagged(bool);

    impl Record for Flagged {
        fn columns() -> &'static [&'static str] {
            &["flag"]
        }
        fn cells(&self) -> Vec<Cell> {
            vec![Cell::num(Some(self.0))]
        }
        fn urgent(&self) -> bool {
            self.0
        }
    }

    #[test]
    fn only_urgent_rows_are_red_and_only_with_colour() {
        let render = |color| {
            let mut buf = Vec::new();
            let mut out = Out::new(&mut buf, Format::Table, color);
            out.table(&[Flagged(true), Flagged(false)]).unwrap();
            out.finish().unwrap();
            String::from_utf8(buf).unwrap()
        };
        let coloured = render(true);
        let red_line = coloured.lines().find(|l| l.contains("true")).unwrap();
        let plain_line = coloured.lines().find(|l| l.contains("false")).unwrap();
        assert!(red_line.contains("\u{1b}["), "{coloured}");
        assert!(!plain_line.contains('\u{1b}'), "{coloured}");
        assert!(!render(false).contains('\u{1b}'));
    }

    #[test]
    fn table_has_no_escape_codes_without_colour() {
        let text = render(Format::Table, rows());
        assert!(text.contains("=SUM(A1)"));
        assert!(!text.contains('\u{1b}'));
    }
}

//! Reading a CSV input (`stock adjust --file`, `import products`): a header
//! row naming the columns, then records, each error naming its line.
//!
//! The csv crate's own `Position::line` is taken before the parser skips the
//! `\n` of a CRLF line end and any blank lines, so it runs short on files from
//! Excel or Python, and it cannot see a stream cut off inside an open quote
//! (that record simply runs to the end). [`Scan`] watches the bytes as they
//! pass to the parser — line breaks and quotes only, found with `memchr` — so
//! a record's line is exact and an unclosed quote is an error naming the line
//! it opened on.

use std::collections::VecDeque;
use std::io::Read;

use csv::ByteRecord;

use crate::error::{Error, Kind, Result};

/// Prefixes an error about a value with the line and column it was found at.
pub(crate) fn at(line: u64, column: &str) -> impl FnOnce(Error) -> Error + '_ {
    move |e| match e.kind() {
        // About the database, not the row's value: no line to blame.
        Kind::Busy | Kind::Database => e,
        _ => e.context(format_args!("line {line}, column {column}")),
    }
}

/// A CSV input with a header row, read record by record.
pub(crate) struct CsvInput<R: Read> {
    reader: csv::Reader<Scan<R>>,
    record: ByteRecord,
}

impl<R: Read> std::fmt::Debug for CsvInput<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvInput")
            .field("position", self.reader.position())
            .finish()
    }
}

impl<R: Read> CsvInput<R> {
    /// Reads `input` (not yet touched: the header is read by [`CsvInput::columns`]).
    pub fn new(input: R) -> Self {
        // 64 KiB reads: a pipe hands over at most that much at once.
        let reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .buffer_capacity(1 << 16)
            .from_reader(Scan::new(input));
        Self {
            reader,
            record: ByteRecord::new(),
        }
    }

    /// Reads the header: every name known, none twice, every required one present.
    pub fn columns(&mut self, required: &[&str], optional: &[&str]) -> Result<Columns> {
        let header = match self.reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(self.csv_error(&e)),
        };
        if header.is_empty() || header.iter().all(<[u8]>::is_empty) && header.len() == 1 {
            return Err(Error::invalid(format!(
                "empty input: expected a header row ({})",
                required.join(", ")
            )));
        }
        let line = header
            .position()
            .map_or(1, |p| self.reader.get_mut().line_at(p.byte()));
        Columns::new(&header, line, required, optional)
    }

    /// The next record, or `None` at the end of the input.
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {
                let byte = self.record.position().map_or(0, csv::Position::byte);
                let line = self.reader.get_mut().line_at(byte);
                Ok(Some(Row {
                    line,
                    record: &self.record,
                }))
            }
            Ok(false) => match self.reader.get_ref().unclosed_quote() {
                Some(line) => Err(unclosed(line)),
                None => Ok(None),
            },
            Err(e) => Err(self.csv_error(&e)),
        }
    }

    /// Bytes of input read so far (for progress).
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    fn csv_error(&mut self, err: &csv::Error) -> Error {
        if let csv::ErrorKind::Io(e) = err.kind() {
            return Error::from(std::io::Error::new(e.kind(), e.to_string()));
        }
        // A quote left open swallows the rest of the input into one record,
        // whatever else is then wrong with that record.
        if let Some(line) = self.reader.get_ref().unclosed_quote() {
            return unclosed(line);
        }
        let byte = err
            .position()
            .map_or_else(|| self.reader.position().byte(), csv::Position::byte);
        let line = self.reader.get_mut().line_at(byte);
        let what = match err.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("{len} fields where the header has {expected_len}"),
            _ => format!("malformed CSV: {err}"),
        };
        Error::invalid(format!("line {line}: {what}"))
    }
}

fn unclosed(line: u64) -> Error {
    Error::invalid(format!(
        "line {line}: a quoted field opened here is never closed (the input ends inside it)"
    ))
}

/// The header's column names, looked up once into positions.
#[derive(Debug)]
pub(crate) struct Columns {
    names: Vec<String>,
}

impl Columns {
    fn new(header: &ByteRecord, line: u64, required: &[&str], optional: &[&str]) -> Result<Self> {
        let mut names: Vec<String> = Vec::with_capacity(header.len());
        for raw in header {
            let name = std::str::from_utf8(raw)
                .map_err(|_| Error::invalid(format!("line {line}: a column name is not UTF-8")))?
                .trim();
            let known = |n: &str| required.contains(&n) || optional.contains(&n);
            if !known(name) {
                return Err(Error::invalid(format!(
                    "line {line}: unknown column {name:?}{} (expected {}, optionally {})",
                    hint(name, &known),
                    required.join(", "),
                    optional.join(", ")
                )));
            }
            if names.iter().any(|n| n == name) {
                return Err(Error::invalid(format!(
                    "line {line}: column {name} appears twice"
                )));
            }
            names.push(name.to_owned());
        }
        for want in required {
            if !names.iter().any(|n| n == want) {
                return Err(Error::invalid(format!(
                    "line {line}: missing column {want}"
                )));
            }
        }
        Ok(Self { names })
    }

    /// The position of column `name`, if the header has it.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The position of a required column (present: checked by `new`).
    pub fn required(&self, name: &str) -> usize {
        self.index(name).unwrap_or(usize::MAX)
    }
}

/// Why a column name may not be known: the whole header read as one column
/// (a spreadsheet that separates with `;` or tabs), or capitals.
fn hint(name: &str, known: &dyn Fn(&str) -> bool) -> String {
    if let Some(sep) = [';', '\t'].into_iter().find(|c| name.contains(*c)) {
        let sep = if sep == ';' { "semicolons" } else { "tabs" };
        return format!(": separate columns with commas, not {sep}");
    }
    let lower = name.to_lowercase();
    if known(&lower) {
        return format!(": column names are lower case ({name:?} → {lower:?})");
    }
    String::new()
}

/// One record and the line it starts on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'r> {
    /// The line the record starts on (1 is the header).
    pub line: u64,
    record: &'r ByteRecord,
}

impl<'r> Row<'r> {
    /// The cell of column `index` named `name`: `None` when the column is
    /// absent or the cell empty; an error naming line and column when it is not UTF-8.
    pub fn get(&self, index: Option<usize>, name: &str) -> Result<Option<&'r str>> {
        let Some(raw) = index.and_then(|i| self.record.get(i)) else {
            return Ok(None);
        };
        if raw.is_empty() {
            return Ok(None);
        }
        std::str::from_utf8(raw).map(Some).map_err(|e| {
            Error::invalid(format!(
                "line {}, column {name}: not valid UTF-8 (byte {} of the cell)",
                self.line,
                e.valid_up_to() + 1
            ))
        })
    }

    /// Like `get`, but an empty cell is an error naming the line and column.
    pub fn need(&self, index: usize, name: &str) -> Result<&'r str> {
        self.get(Some(index), name)?.ok_or_else(|| {
            Error::invalid(format!(
                "line {}, column {name}: {name} is required",
                self.line
            ))
        })
    }
}

/// Passes bytes through to the CSV parser, noting line breaks (to give each
/// record its true line) and whether a quoted field is open.
#[derive(Debug)]
pub(crate) struct Scan<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// `\n` seen before the first entry of `breaks`.
    lines_before: u64,
    /// Line-break bytes not yet behind the parser: (offset, whether it
    /// ends a line: a `\r`, or a `\n` that is not the second half of `\r\n`).
    breaks: VecDeque<(u64, bool)>,
    /// Lines ended so far.
    newlines: u64,
    /// Where the last `\r` was.
    last_cr: Option<u64>,
    /// The byte before the current buffer.
    last: u8,
    /// Inside a quoted field, opened on this line.
    open: Option<u64>,
    /// Inside quotes, a `"` at this offset: a close, or the first of `""`.
    quote_at: Option<u64>,
    /// The input has ended.
    ended: bool,
}

impl<R> Scan<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            lines_before: 0,
            breaks: VecDeque::new(),
            newlines: 0,
            last_cr: None,
            last: b'\n',
            open: None,
            quote_at: None,
            ended: false,
        }
    }

    /// The line of the record that the parser says starts at `byte`: the
    /// parser's start is before the line breaks it skips, so skip them here.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = byte;
        while let Some(&(at, ends_line)) = self.breaks.front() {
            if at > start {
                break;
            }
            if at == start {
                start += 1;
            }
            if ends_line {
                self.lines_before += 1;
            }
            self.breaks.pop_front();
        }
        self.lines_before + 1
    }

    /// The line a still-open quoted field began on, once the input has ended.
    fn unclosed_quote(&self) -> Option<u64> {
        if !self.ended || self.quote_at.is_some() {
            return None;
        }
        self.open
    }

    fn note(&mut self, bytes: &[u8]) {
        for i in memchr::memchr3_iter(b'"', b'\n', b'\r', bytes) {
            let at = self.offset + i as u64;
            let b = bytes[i];
            if let Some(q) = self.quote_at.take() {
                if b == b'"' && at == q + 1 {
                    continue; // `""`: an escaped quote, still inside
                }
                self.open = None; // that quote closed the field
            }
            match b {
                b'"' if self.open.is_some() => self.quote_at = Some(at),
                b'"' => {
                    let before = if i > 0 { bytes[i - 1] } else { self.last };
                    // A quote opens a field only at its start (also after a BOM).
                    if matches!(before, b',' | b'\n' | b'\r') || (at == 3 && before == 0xBF) {
                        self.open = Some(self.newlines + 1);
                    }
                }
                _ => {
                    let ends_line = b == b'\r' || self.last_cr.is_none_or(|cr| cr + 1 != at);
                    if b == b'\r' {
                        self.last_cr = Some(at);
                    }
                    self.newlines += u64::from(ends_line);
                    self.breaks.push_back((at, ends_line));
                }
            }
        }
        if let Some(&b) = bytes.last() {
            self.last = b;
        }
        self.offset += bytes.len() as u64;
    }
}

impl<R: Read> Read for Scan<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.ended |= n == 0 && !buf.is_empty();
        self.note(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_errors_about_a_value_name_its_line() {
        let bad = at(3, "delta")(Error::conflict("not enough stock"));
        assert_eq!(bad.message(), "line 3, column delta: not enough stock");
        let busy = at(3, "delta")(Error::new(Kind::Busy, "locked"));
        assert_eq!((busy.kind(), busy.message()), (Kind::Busy, "locked"));
        let gone = at(3, "delta")(Error::database("the server went away"));
        assert_eq!(gone.message(), "the server went away");
    }

    fn lines(text: &str) -> Result<Vec<u64>> {
        let mut input = CsvInput::new(text.as_bytes());
        input.columns(&["a"], &["b"])?;
        let mut out = Vec::new();
        while let Some(row) = input.next()? {
            out.push(row.line);
        }
        Ok(out)
    }

    #[test]
    fn record_lines_are_exact_for_crlf_blank_lines_and_quoted_newlines() {
        assert_eq!(lines("a,b\n1,2\n3,4\n").unwrap(), [2, 3]);
        assert_eq!(lines("a,b\r\n1,2\r\n3,4\r\n").unwrap(), [2, 3]);
        assert_eq!(lines("a,b\r1,2\r3,4").unwrap(), [2, 3]);
        assert_eq!(lines("a,b\n\n1,2\n\n\n3,4\n").unwrap(), [3, 6]);
        assert_eq!(lines("a,b\r\n\r\n1,2\r\n\r\n3,4").unwrap(), [3, 5]);
        assert_eq!(lines("a,b\n1,\"x\ny\nz\"\n3,4\n").unwrap(), [2, 5]);
        assert_eq!(lines("a,b\n1,\"say \"\"hi\"\"\n\"\n3,4\n").unwrap(), [2, 4]);
        assert_eq!(lines("\u{feff}a,b\n\"1\",2\n").unwrap(), [2]);
    }

    #[test]
    fn a_stream_cut_inside_an_open_quote_names_the_line_it_opened_on() {
        let err = lines("a,b\n1,2\n3,\"cut\nshort\n").unwrap_err();
        assert_eq!(err.exit_code(), 3);
        assert!(err.message().starts_with("line 3: a quoted field"), "{err}");
        // A quote inside an unquoted cell is a character, not an opening.
        assert_eq!(lines("a,b\n1,5\" pipe\n").unwrap(), [2]);
        // Closed at the very end, or by an escaped quote and a close.
        assert_eq!(lines("a,b\n1,\"x\"").unwrap(), [2]);
        assert_eq!(lines("a,b\n1,\"x\"\"\"").unwrap(), [2]);
        assert!(lines("a,b\n1,\"x\"\"").is_err());
    }

    #[test]
    fn header_problems_name_line_1() {
        for (text, part) in [
            ("a,b,a\n1,2,3\n", "line 1: column a appears twice"),
            ("b\n1\n", "line 1: missing column a"),
            (
                "a,c\n1,2\n",
                "line 1: unknown column \"c\" (expected a, optionally b)",
            ),
            (
                "a;b\n1;2\n",
                "line 1: unknown column \"a;b\": separate columns with commas, not semicolons",
            ),
            (
                "a\tb\n1\t2\n",
                "line 1: unknown column \"a\\tb\": separate columns with commas, not tabs",
            ),
            (
                "A,b\n1,2\n",
                "line 1: unknown column \"A\": column names are lower case (\"A\" → \"a\")",
            ),
            ("", "empty input"),
        ] {
            let err = lines(text).unwrap_err();
            assert!(err.message().starts_with(part), "{text:?}: {err}");
        }
    }

    #[test]
    fn ragged_rows_and_bad_utf8_name_their_line() {
        let err = lines("a,b\n1,2\n\n1,2,3\n").unwrap_err();
        assert_eq!(err.message(), "line 4: 3 fields where the header has 2");
        let mut input = CsvInput::new(&b"a,b\r\n1,2\r\nx\xff,2\r\n"[..]);
        let columns = input.columns(&["a"], &["b"]).unwrap();
        let a = Some(columns.required("a"));
        assert_eq!(
            input.next().unwrap().unwrap().get(a, "a").unwrap(),
            Some("1")
        );
        let row = input.next().unwrap().unwrap();
        let err = row.get(a, "a").unwrap_err();
        assert_eq!(
            err.message(),
            "line 3, column a: not valid UTF-8 (byte 2 of the cell)"
        );
    }
}

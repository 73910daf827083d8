//! How a table fits a terminal: which columns it shows and how wide each is.
//!
//! comfy-table draws the table; this module decides its shape first, so the
//! result never wraps a cell over several lines. Into a pipe nothing gives
//! way. On a terminal the box and long headers go first, then the minor
//! columns; then each column is either kept whole (numbers, SKUs, times) or
//! may shrink to a minimum (14 for names), its text cut with `…`; optional
//! columns are dropped, least important first, when even the minimums do not
//! fit. The [`Shape`] says what was left out, for the note. Widths are
//! display columns (CJK counts two, combining marks zero), the same measure
//! comfy-table pads with.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Which side a column's cells line up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// One column of a table for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header, in words.
    pub header: &'static str,
    /// A shorter header for a narrow terminal (`Days` for `Days left`).
    pub short: &'static str,
    /// Where its cells line up.
    pub align: Align,
    /// The narrowest it may become, its text cut with `…`; 0: never cut.
    pub min: usize,
    /// 0: always shown; otherwise dropped on a narrow terminal, higher first.
    pub drop: u8,
    /// Worth less than a whole name: dropped before any cell is cut.
    pub minor: bool,
}

impl Column {
    /// A text column, always shown, never cut.
    pub const fn text(header: &'static str) -> Self {
        Self {
            header,
            short: header,
            align: Align::Left,
            min: 0,
            drop: 0,
            minor: false,
        }
    }

    /// A right-aligned number column, always shown, never cut.
    pub const fn num(header: &'static str) -> Self {
        Self {
            align: Align::Right,
            ..Self::text(header)
        }
    }

    /// This column may shrink to `min` display columns (at least its header).
    pub const fn shrink(self, min: usize) -> Self {
        Self { min, ..self }
    }

    /// This column is dropped when space runs out, higher `rank` first.
    pub const fn optional(self, rank: u8) -> Self {
        Self { drop: rank, ..self }
    }

    /// This column is dropped (higher `rank` first) before any name is cut.
    pub const fn minor(self, rank: u8) -> Self {
        Self {
            drop: rank,
            minor: true,
            ..self
        }
    }

    /// On a narrow terminal the header reads `short`.
    pub const fn short(self, short: &'static str) -> Self {
        Self { short, ..self }
    }

    /// The header as a table of this shape shows it.
    pub fn title(&self, short: bool) -> &'static str {
        if short { self.short } else { self.header }
    }

    fn floor(&self, natural: usize, short: bool) -> usize {
        if self.min == 0 {
            natural
        } else {
            natural.min(self.min.max(self.title(short).width()))
        }
    }
}

/// Display columns a table of `columns` takes beyond its cells. Framed
/// (comfy-table's UTF8_BORDERS_ONLY): a border each side and one space of
/// padding each side of every cell. Unframed: two spaces between cells.
pub fn overhead(columns: usize, framed: bool) -> usize {
    if framed {
        2 + 2 * columns
    } else {
        2 * columns.saturating_sub(1)
    }
}

/// The chosen shape: the columns shown, each one's width, and the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Indexes into the table's columns, in order.
    pub shown: Vec<usize>,
    /// The width of each shown column.
    pub widths: Vec<usize>,
    /// Drawn in a box (else a rule under the header only).
    pub framed: bool,
    /// Headers in their short form.
    pub short: bool,
    /// Columns with something in them that were left out to fit.
    pub dropped: Vec<usize>,
    /// How many cells were cut with `…` to fit.
    pub cut: usize,
}

impl Shape {
    /// The width the table takes.
    pub fn total(&self) -> usize {
        overhead(self.shown.len(), self.framed) + self.widths.iter().sum::<usize>()
    }
}

/// Fits `rows` (already escaped) under `columns` into `width` display
/// columns, or at natural width when `width` is `None` (not a terminal:
/// then every column is shown whole, boxed, as it is).
///
/// On a terminal the table gives way in this order until it fits: its box,
/// its long headers, its minor columns (`Sold/day` before a name is cut);
/// then text columns shrink, least important first, down to their minimum,
/// and optional columns are dropped when even the minimums do not fit.
pub fn fit(columns: &[Column], rows: &[Vec<String>], width: Option<usize>) -> Shape {
    let Some(width) = width else {
        let all: Vec<usize> = (0..columns.len()).collect();
        return Fit::new(columns, rows, usize::MAX).shape(&all, true, false);
    };
    let fit = Fit::new(columns, rows, width);
    for (framed, short) in [(true, false), (false, false), (false, true)] {
        if let Some(shape) = fit.whole(&fit.all, framed, short) {
            return shape;
        }
    }
    let mut shown = fit.all.clone();
    while let Some(pos) = least(columns, &shown, true) {
        shown.remove(pos);
        if let Some(shape) = fit.whole(&shown, false, true) {
            return shape;
        }
    }
    fit.cut(shown)
}

/// One table being fitted: its columns, rows, the width to fit, and the
/// columns worth showing at all.
struct Fit<'a> {
    columns: &'a [Column],
    rows: &'a [Vec<String>],
    width: usize,
    all: Vec<usize>,
}

impl<'a> Fit<'a> {
    fn new(columns: &'a [Column], rows: &'a [Vec<String>], width: usize) -> Self {
        // An optional column with nothing in it is not worth its header.
        let blank = |i: usize| {
            !rows.is_empty() && rows.iter().all(|r| r.get(i).is_none_or(String::is_empty))
        };
        let all = (0..columns.len())
            .filter(|&i| columns[i].drop == 0 || !blank(i))
            .collect();
        Self {
            columns,
            rows,
            width,
            all,
        }
    }

    /// Each column's natural width under its long or short header.
    fn natural(&self, short: bool) -> Vec<usize> {
        let cells = |i: usize| self.rows.iter().filter_map(move |r| r.get(i));
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                cells(i)
                    .map(|s| s.width())
                    .fold(c.title(short).width(), usize::max)
            })
            .collect()
    }

    /// `shown` at natural width, whatever its total.
    fn shape(&self, shown: &[usize], framed: bool, short: bool) -> Shape {
        let natural = self.natural(short);
        Shape {
            shown: shown.to_vec(),
            widths: shown.iter().map(|&i| natural[i]).collect(),
            framed,
            short,
            dropped: self.dropped(shown),
            cut: 0,
        }
    }

    /// `shown` at natural width, if that fits.
    fn whole(&self, shown: &[usize], framed: bool, short: bool) -> Option<Shape> {
        Some(self.shape(shown, framed, short)).filter(|s| s.total() <= self.width)
    }

    fn dropped(&self, shown: &[usize]) -> Vec<usize> {
        self.all
            .iter()
            .copied()
            .filter(|i| !shown.contains(i))
            .collect()
    }

    /// Unframed, short headers: drops optional columns until the minimums
    /// fit, then takes one display column at a time from the least important
    /// column that may still give (the first to be dropped), the widest among
    /// equals, so the product's name keeps its room longest: first down to
    /// each column's minimum, then, when nothing optional is left, to its header.
    fn cut(&self, mut shown: Vec<usize>) -> Shape {
        let natural = self.natural(true);
        let columns = self.columns;
        let floor = |i: usize, hard: bool| match columns[i].min {
            0 => natural[i],
            _ if hard => columns[i].title(true).width(),
            _ => columns[i].floor(natural[i], true),
        };
        let need = |shown: &[usize]| {
            overhead(shown.len(), false) + shown.iter().map(|&i| floor(i, false)).sum::<usize>()
        };
        while need(&shown) > self.width {
            let Some(pos) = least(columns, &shown, false) else {
                break;
            };
            shown.remove(pos);
        }
        let mut widths: Vec<usize> = shown.iter().map(|&i| natural[i]).collect();
        let mut excess = (overhead(shown.len(), false) + widths.iter().sum::<usize>())
            .saturating_sub(self.width);
        for hard in [false, true] {
            while excess > 0 {
                let widest = (0..shown.len())
                    .filter(|&k| widths[k] > floor(shown[k], hard))
                    .max_by_key(|&k| (columns[shown[k]].drop, widths[k], k));
                let Some(k) = widest else { break };
                widths[k] -= 1;
                excess -= 1;
            }
        }
        let cut = self
            .rows
            .iter()
            .flat_map(|r| {
                shown
                    .iter()
                    .zip(&widths)
                    .filter(|(i, w)| r.get(**i).is_some_and(|s| s.width() > **w))
            })
            .count();
        Shape {
            dropped: self.dropped(&shown),
            shown,
            widths,
            framed: false,
            short: true,
            cut,
        }
    }
}

/// The position in `shown` of the column to drop next: the highest rank,
/// the rightmost among equals; only minor columns when `minor`.
fn least(columns: &[Column], shown: &[usize], minor: bool) -> Option<usize> {
    shown
        .iter()
        .enumerate()
        .filter(|(_, i)| columns[**i].drop > 0 && (!minor || columns[**i].minor))
        .max_by_key(|(pos, i)| (columns[**i].drop, *pos))
        .map(|(pos, _)| pos)
}

/// `text` cut to at most `width` display columns, ending in `…` when cut.
/// Combining marks stay with the character they follow.
pub fn truncate(text: &str, width: usize) -> Cow<'_, str> {
    if text.width() <= width {
        return Cow::Borrowed(text);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let budget = width.saturating_sub(1);
    let mut used = 0;
    let mut end = 0;
    for (i, ch) in text.char_indices() {
        let w = ch.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        end = i + ch.len_utf8();
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

/// `text` broken between words into lines of at most `width` display
/// columns (a word longer than that keeps its own line), for footers.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut used = 0;
    for word in text.split(' ') {
        let w = word.width();
        if used > 0 && used + 1 + w > width {
            out.push('\n');
            used = 0;
        } else if used > 0 {
            out.push(' ');
            used += 1;
        }
        out.push_str(word);
        used += w;
    }
    out
}

/// `text` with every control character (C0, DEL, C1) written as a visible
/// escape, so no stored value can move the cursor or retitle a terminal.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALERT: [Column; 9] = [
        Column::text("SKU"),
        Column::text("Product").shrink(14),
        Column::text("Warehouse").shrink(14).optional(1),
        Column::num("Stock").short("Qty"),
        Column::num("Min"),
        Column::num("Days left").short("Days"),
        Column::num("Lead").minor(3),
        Column::text("Supplier").shrink(14).optional(2),
        Column::num("Reorder").short("Order"),
    ];

    fn row(product: &str, supplier: &str) -> Vec<String> {
        [
            "ADH-1144",
            product,
            "Main Warehouse",
            "0",
            "25",
            "out",
            "14",
            supplier,
            "120",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    fn long() -> Vec<String> {
        row(
            "Adhesive tape, double-sided, 50 m roll",
            "Lindqvist Industrial Supply",
        )
    }

    #[test]
    fn at_200_columns_every_column_is_shown_whole_in_its_box() {
        let shape = fit(&ALERT, &[long()], Some(200));
        assert_eq!(shape.shown, (0..9).collect::<Vec<_>>());
        assert!(shape.framed && !shape.short, "{shape:?}");
        assert_eq!(
            shape.widths[1],
            "Adhesive tape, double-sided, 50 m roll".len()
        );
        assert_eq!(shape.widths[7], "Lindqvist Industrial Supply".len());
        assert_eq!((shape.dropped.len(), shape.cut), (0, 0));
    }

    #[test]
    fn at_80_columns_names_of_14_stay_whole_and_the_box_and_minor_columns_give_way() {
        let rows = [
            row("Widget A", "Supplier Corp"),
            row("Widget B, blue", "Supplier Co-op"),
        ];
        let shape = fit(&ALERT, &rows, Some(80));
        assert!(shape.total() <= 80, "{shape:?}");
        assert!(!shape.framed && shape.short, "{shape:?}");
        // Lead goes; every name is whole: 8 + 14 + 14 + 3 + 3 + 4 + 14 + 5
        // and two spaces between eight columns.
        assert_eq!(shape.shown, vec![0, 1, 2, 3, 4, 5, 7, 8]);
        assert_eq!(shape.widths, vec![8, 14, 14, 3, 3, 4, 14, 5], "{shape:?}");
        assert_eq!((shape.dropped, shape.cut), (vec![6], 0));
    }

    #[test]
    fn at_80_columns_long_names_are_cut_to_14_and_numbers_stay_whole() {
        let shape = fit(&ALERT, &[long()], Some(80));
        assert!(shape.total() <= 80, "{shape:?}");
        assert_eq!(shape.shown, vec![0, 1, 2, 3, 4, 5, 7, 8]);
        assert_eq!(shape.widths[0], 8);
        assert_eq!(shape.widths[5], "Days".len());
        // The supplier gives first, down to 14; the product keeps the rest:
        // 80 - 14 (gaps) - 8 - 14 - 3 - 3 - 4 - 14 - 5 = 15.
        assert_eq!(shape.widths, vec![8, 15, 14, 3, 3, 4, 14, 5], "{shape:?}");
        assert_eq!(shape.cut, 2);
    }

    #[test]
    fn at_60_columns_optional_columns_are_dropped_least_important_first() {
        let shape = fit(&ALERT, &[long()], Some(60));
        assert!(shape.total() <= 60, "{shape:?}");
        assert_eq!(shape.shown, vec![0, 1, 3, 4, 5, 8], "{shape:?}");
        assert_eq!(shape.dropped, vec![2, 6, 7]);
    }

    #[test]
    fn when_nothing_optional_is_left_names_are_cut_below_14() {
        let shape = fit(&ALERT, &[long()], Some(40));
        assert!(shape.total() <= 40, "{shape:?}");
        assert!(shape.widths[1] < 14, "{shape:?}");
    }

    #[test]
    fn without_a_terminal_nothing_is_cut_or_left_out() {
        let shape = fit(&ALERT, &[long()], None);
        assert_eq!(shape.shown, (0..9).collect::<Vec<_>>());
        assert!(shape.framed && !shape.short);
        assert_eq!(shape.widths[1], 38);
        assert_eq!(shape.widths[7], 27);
        let mut rows = vec![long()];
        rows[0][6] = String::new();
        assert!(fit(&ALERT, &rows, None).shown.contains(&6));
    }

    #[test]
    fn an_optional_column_with_nothing_in_it_is_left_out_on_a_terminal() {
        let mut rows = vec![row("Tape", "Supplier Corp")];
        rows[0][6] = String::new();
        let shape = fit(&ALERT, &rows, Some(200));
        assert!(!shape.shown.contains(&6));
        assert!(shape.dropped.is_empty(), "nothing was lost: {shape:?}");
        assert!(fit(&ALERT, &[], Some(200)).shown.contains(&6));
    }

    #[test]
    fn truncation_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(truncate("Hamburg North", 20), "Hamburg North");
        assert_eq!(truncate("Hamburg North", 8), "Hamburg…");
        assert_eq!(truncate("Hamburg North", 1), "…");
        assert_eq!(truncate("Hamburg North", 0), "");
    }

    #[test]
    fn wide_characters_are_cut_by_display_width() {
        // Each ideograph is two columns wide: 5 columns hold two and the ellipsis.
        let cut = truncate("東京倉庫センター", 6);
        assert_eq!(cut, "東京…");
        assert!(cut.width() <= 6);
        let shape = fit(
            &[Column::text("Warehouse").shrink(9)],
            &[vec!["東京倉庫センター".into()]],
            None,
        );
        assert_eq!(shape.widths, vec![16]);
        let shape = fit(
            &[Column::text("Warehouse").shrink(9)],
            &[vec!["東京倉庫センター".into()]],
            Some(9),
        );
        assert_eq!(shape.widths, vec![9]);
    }

    #[test]
    fn combining_marks_stay_with_their_letter_and_take_no_width() {
        let name = "Cafe\u{301} noir";
        assert_eq!(name.width(), 9);
        let cut = truncate(name, 5);
        assert_eq!(cut, "Cafe\u{301}…");
        assert_eq!(cut.width(), 5);
    }

    #[test]
    fn footers_wrap_between_words() {
        let footer = "114 alerts (15 out of stock, 52 run out within lead time, in red)";
        assert_eq!(wrap(footer, 80), footer);
        assert_eq!(
            wrap(footer, 60),
            // The first line is exactly 60 wide.
            "114 alerts (15 out of stock, 52 run out within lead time, in\nred)"
        );
        assert_eq!(wrap("a verylongword b", 4), "a\nverylongword\nb");
    }

    #[test]
    fn control_characters_are_escaped_visibly() {
        assert_eq!(
            escape("Evil\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "Evil\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"
        );
        assert_eq!(escape("a\nb\tc\u{7f}\u{9b}"), "a\\nb\\tc\\u{7f}\\u{9b}");
        assert!(matches!(escape("Widget Ä"), Cow::Borrowed(_)));
    }
}

//! How a table fits a terminal: which columns it shows and how wide each is.
//!
//! comfy-table draws the table; this module decides its shape first, so the
//! result never wraps a cell over several lines. Each column is either kept
//! whole (numbers, SKUs, times) or may shrink to a minimum, its text cut with
//! `…`; optional columns are dropped, least important first, when even the
//! minimums do not fit. Widths are display columns (CJK counts two, combining
//! marks zero), the same measure comfy-table pads with.

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
    /// Where its cells line up.
    pub align: Align,
    /// The narrowest it may become, its text cut with `…`; 0: never cut.
    pub min: usize,
    /// 0: always shown; otherwise dropped on a narrow terminal, higher first.
    pub drop: u8,
}

impl Column {
    /// A text column, always shown, never cut.
    pub const fn text(header: &'static str) -> Self {
        Self {
            header,
            align: Align::Left,
            min: 0,
            drop: 0,
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

    fn floor(&self, natural: usize) -> usize {
        if self.min == 0 {
            natural
        } else {
            natural.min(self.min.max(self.header.width()))
        }
    }
}

/// Display columns a table takes beyond its cells: a border each side and one
/// space of padding each side of every cell (comfy-table's UTF8_BORDERS_ONLY).
pub fn overhead(columns: usize) -> usize {
    2 + 2 * columns
}

/// The chosen shape: the indexes of the columns shown and each one's width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Indexes into the table's columns, in order.
    pub shown: Vec<usize>,
    /// The width of each shown column.
    pub widths: Vec<usize>,
}

/// The width a table into a pipe or a file keeps to by leaving out optional
/// columns (never by cutting a cell): the spec's 80 columns.
pub const PIPE_WIDTH: usize = 80;

/// Fits `rows` (already escaped) under `columns` into `width` display
/// columns, or at natural width when `width` is `None` (not a terminal).
pub fn fit(columns: &[Column], rows: &[Vec<String>], width: Option<usize>) -> Shape {
    let natural: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|s| s.width())
                .chain([c.header.width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // An optional column with nothing in it is not worth its header.
    let blank =
        |i: usize| !rows.is_empty() && rows.iter().all(|r| r.get(i).is_none_or(String::is_empty));
    let mut shown: Vec<usize> = (0..columns.len())
        .filter(|&i| columns[i].drop == 0 || !blank(i))
        .collect();
    let drop_until = |shown: &mut Vec<usize>, fits: &dyn Fn(&[usize]) -> bool| {
        while !fits(shown) {
            let droppable = shown
                .iter()
                .enumerate()
                .filter(|(_, i)| columns[**i].drop > 0)
                .max_by_key(|(pos, i)| (columns[**i].drop, *pos));
            match droppable {
                Some((pos, _)) => {
                    shown.remove(pos);
                }
                None => break,
            }
        }
    };
    let Some(width) = width else {
        // Into a pipe nothing is cut, but the optional columns give way, in
        // the terminal's order, until the table fits `PIPE_WIDTH`.
        let whole = |shown: &[usize]| {
            overhead(shown.len()) + shown.iter().map(|&i| natural[i]).sum::<usize>() <= PIPE_WIDTH
        };
        drop_until(&mut shown, &whole);
        let widths = shown.iter().map(|&i| natural[i]).collect();
        return Shape { shown, widths };
    };
    let need = |shown: &[usize]| {
        overhead(shown.len())
            + shown
                .iter()
                .map(|&i| columns[i].floor(natural[i]))
                .sum::<usize>()
    };
    drop_until(&mut shown, &|shown: &[usize]| need(shown) <= width);
    let mut widths: Vec<usize> = shown.iter().map(|&i| natural[i]).collect();
    let mut excess = (overhead(shown.len()) + widths.iter().sum::<usize>()).saturating_sub(width);
    // Take one display column at a time from the least important column that
    // may still give (the first to be dropped), the widest among equals, so
    // the product's name keeps its room longest.
    while excess > 0 {
        let widest = (0..shown.len())
            .filter(|&k| widths[k] > columns[shown[k]].floor(natural[shown[k]]))
            .max_by_key(|&k| (columns[shown[k]].drop, widths[k], k));
        let Some(k) = widest else { break };
        widths[k] -= 1;
        excess -= 1;
    }
    Shape { shown, widths }
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
        Column::text("Product").shrink(10),
        Column::text("Warehouse").shrink(9).optional(1),
        Column::num("Stock"),
        Column::num("Min"),
        Column::num("Days left"),
        Column::num("Lead").optional(3),
        Column::text("Supplier").shrink(8).optional(2),
        Column::num("Reorder"),
    ];

    fn row(product: &str) -> Vec<String> {
        [
            "ADH-1144",
            product,
            "Hamburg North",
            "0",
            "25",
            "out",
            "14",
            "Lindqvist Industrial Supply",
            "120",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    fn total(shape: &Shape) -> usize {
        overhead(shape.shown.len()) + shape.widths.iter().sum::<usize>()
    }

    #[test]
    fn at_200_columns_every_column_is_shown_whole() {
        let rows = [row("Adhesive tape, double-sided, 50 m roll")];
        let shape = fit(&ALERT, &rows, Some(200));
        assert_eq!(shape.shown, (0..9).collect::<Vec<_>>());
        assert_eq!(
            shape.widths[1],
            "Adhesive tape, double-sided, 50 m roll".len()
        );
        assert_eq!(shape.widths[7], "Lindqvist Industrial Supply".len());
    }

    #[test]
    fn at_80_columns_text_columns_give_and_numbers_stay_whole() {
        let rows = [row("Adhesive tape, double-sided, 50 m roll")];
        let shape = fit(&ALERT, &rows, Some(80));
        assert!(total(&shape) <= 80, "{shape:?}");
        // Lead goes first; every number column and the SKU stay whole.
        assert_eq!(shape.shown, vec![0, 1, 2, 3, 4, 5, 7, 8]);
        assert_eq!(shape.widths[0], 8);
        assert_eq!(shape.widths[5], "Days left".len());
        // The less important columns give first, down to their minimum;
        // the product's name takes the rest: 80 - 18 - 8 - 5 - 3 - 9 - 7 - 9 - 8.
        assert_eq!(shape.widths, vec![8, 13, 9, 5, 3, 9, 8, 7], "{shape:?}");
    }

    #[test]
    fn at_60_columns_optional_columns_are_dropped_least_important_first() {
        let rows = [row("Adhesive tape, double-sided, 50 m roll")];
        let shape = fit(&ALERT, &rows, Some(60));
        assert!(total(&shape) <= 60, "{shape:?}");
        assert_eq!(shape.shown, vec![0, 1, 3, 4, 5, 8], "{shape:?}");
    }

    #[test]
    fn without_a_terminal_nothing_is_cut() {
        let rows = [row("Adhesive tape, double-sided, 50 m roll")];
        let shape = fit(&ALERT, &rows, None);
        // Optional columns give way towards 80; the cells left are whole.
        assert_eq!(shape.shown, vec![0, 1, 3, 4, 5, 8], "{shape:?}");
        assert_eq!(shape.widths[1], 38);
        let shape = fit(&ALERT, &[row("Tape")], None);
        assert!(total(&shape) <= PIPE_WIDTH, "{shape:?}");
        assert_eq!(shape.widths[1], "Product".len());
    }

    #[test]
    fn an_optional_column_with_nothing_in_it_is_left_out() {
        let mut rows = vec![row("Tape")];
        rows[0][6] = String::new();
        assert!(!fit(&ALERT, &rows, None).shown.contains(&6));
        assert!(fit(&ALERT, &[], None).shown.contains(&6));
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

//! Request text in the log: a path is the client's, so it is written with
//! control characters (C0, DEL, C1) escaped as tables escape them, and the
//! bidirectional formatting characters too, so no request can move an
//! operator's cursor, retitle a terminal or make a log line read backwards.

use std::borrow::Cow;

/// `text` with control and bidi formatting characters as `\u{...}`.
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    let controls = crate::render::layout::escape(text);
    if !controls.chars().any(is_bidi) {
        return controls;
    }
    let mut out = String::with_capacity(controls.len() + 8);
    for ch in controls.chars() {
        if is_bidi(ch) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(ch)));
        } else {
            out.push(ch);
        }
    }
    Cow::Owned(out)
}

/// The marks, embeddings, overrides and isolates of Unicode's bidi algorithm.
fn is_bidi(ch: char) -> bool {
    matches!(
        ch,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_in_a_path_are_escaped() {
        assert_eq!(escape("/api/products/A-1"), "/api/products/A-1");
        assert_eq!(
            escape("/a\u{1b}]0;x\u{7}/\u{85}/\u{202e}gnp.exe/\u{2066}"),
            "/a\\u{1b}]0;x\\u{7}/\\u{85}/\\u{202e}gnp.exe/\\u{2066}"
        );
        assert_eq!(escape("/caf\u{e9}"), "/caf\u{e9}");
    }
}

//! When a table gets colour: the policy in one pure function, so every rule
//! has a unit test and `main` only gathers the facts.

use std::ffi::OsStr;

/// `--color` (or `STOCKFLOW_COLOR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum When {
    /// Colour on a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    #[default]
    Auto,
    /// Colour even in a pipe (e.g. into `less -R`).
    Always,
    /// Never colour.
    Never,
}

/// What the environment says about colour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    /// Whether stdout is a terminal.
    pub stdout_tty: bool,
    /// `NO_COLOR`: any non-empty value turns colour off (no-color.org).
    pub no_color: Option<&'a OsStr>,
    /// `TERM`: `dumb` turns colour off.
    pub term: Option<&'a OsStr>,
}

/// Whether stdout gets colour: `--color always|never` decides alone; `auto`
/// needs a terminal, no `NO_COLOR` and a `TERM` other than `dumb`.
pub fn wanted(when: When, facts: Facts<'_>) -> bool {
    match when {
        When::Always => true,
        When::Never => false,
        When::Auto => {
            facts.stdout_tty
                && facts.no_color.is_none_or(OsStr::is_empty)
                && facts.term.is_none_or(|t| t != "dumb")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tty<'a>() -> Facts<'a> {
        Facts {
            stdout_tty: true,
            ..Facts::default()
        }
    }

    #[test]
    fn auto_colours_a_terminal_only() {
        assert!(wanted(When::Auto, tty()));
        assert!(!wanted(When::Auto, Facts::default()));
    }

    #[test]
    fn a_non_empty_no_color_turns_colour_off() {
        let no = Facts {
            no_color: Some(OsStr::new("1")),
            ..tty()
        };
        assert!(!wanted(When::Auto, no));
        let empty = Facts {
            no_color: Some(OsStr::new("")),
            ..tty()
        };
        assert!(wanted(When::Auto, empty));
    }

    #[test]
    fn a_dumb_terminal_gets_no_colour() {
        let dumb = Facts {
            term: Some(OsStr::new("dumb")),
            ..tty()
        };
        assert!(!wanted(When::Auto, dumb));
        let xterm = Facts {
            term: Some(OsStr::new("xterm-256color")),
            ..tty()
        };
        assert!(wanted(When::Auto, xterm));
    }

    #[test]
    fn always_and_never_override_everything() {
        let against = Facts {
            stdout_tty: false,
            no_color: Some(OsStr::new("1")),
            term: Some(OsStr::new("dumb")),
        };
        assert!(wanted(When::Always, against));
        assert!(!wanted(When::Never, tty()));
    }
}

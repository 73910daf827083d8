//! Help that cannot drift from behaviour: every leaf command's `--help` shows
//! at least one example, each example names that very command, and the
//! command line parses (clap reads it up to the `--help` put after it, so
//! an unknown flag or a bad choice in an example fails here).

use crate::support::Sf;

/// The subcommands listed under `Commands:` in a help text (never `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// Every leaf command's path, with its `--help` text.
fn leaves(sf: &Sf) -> Vec<(Vec<String>, String)> {
    let mut todo = vec![Vec::<String>::new()];
    let mut leaves = Vec::new();
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = sf.run(&args).ok().stdout;
        let subs = subcommands(&help);
        if subs.is_empty() {
            leaves.push((path, help));
        } else {
            for sub in subs {
                let mut next = path.clone();
                next.push(sub);
                todo.push(next);
            }
        }
    }
    leaves
}

/// The example lines of a help text: `  stockflow ...`, a trailing `\` joined
/// with the next line.
fn examples(help: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut lines = help.lines();
    while let Some(line) = lines.next() {
        let Some(example) = line.strip_prefix("  stockflow ") else {
            continue;
        };
        let mut example = example.to_owned();
        while example.ends_with('\\') {
            example.pop();
            example.push_str(lines.next().unwrap_or_default().trim_start());
        }
        found.push(example);
    }
    found
}

/// A shell command line's words up to its first pipe, redirection, `&&` or
/// parenthesised remark, with single and double quotes removed.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, ' ') => {
                if started || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (None, '|' | '>' | '<' | '&' | '(') if word.is_empty() && !started => break,
            (None, c) => word.push(c),
        }
    }
    if started || !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn every_leaf_command_has_an_example_of_itself_that_parses() {
    let sf = Sf::new();
    let leaves = leaves(&sf);
    assert!(leaves.len() >= 29, "{} leaves", leaves.len());
    for (path, help) in &leaves {
        let examples = examples(help);
        assert!(
            !examples.is_empty(),
            "stockflow {path:?} --help: no example\n{help}"
        );
        for example in examples {
            let mut args = words(&example);
            // Global options may come first: `stockflow --db stock.db copy ...`.
            while args
                .first()
                .is_some_and(|a| ["--db", "--format", "--color"].contains(&a.as_str()))
            {
                args.drain(..2);
            }
            assert!(
                args.starts_with(path),
                "`stockflow {example}` is not an example of {path:?}"
            );
            let mut parse: Vec<&str> = args.iter().map(String::as_str).collect();
            parse.push("--help");
            let out = sf.run(&parse).ok();
            let usage = format!("Usage: stockflow {}", path.join(" "));
            assert!(
                out.stdout.contains(&usage),
                "`stockflow {example}` does not parse: {}",
                out.explain()
            );
        }
    }
}

#[test]
fn help_says_the_database_is_a_file_or_a_postgresql_url() {
    let sf = Sf::new();
    let help = sf.run(&["--help"]).ok().stdout;
    assert!(!help.contains("one SQLite file"), "{help}");
    assert!(help.contains("PostgreSQL"), "{help}");
    assert!(help.contains("--db <PATH|URL>"), "{help}");
    let copy = sf.run(&["copy", "--help"]).ok().stdout;
    assert!(copy.contains("--to <PATH|URL>"), "{copy}");
    assert!(copy.contains("PostgreSQL"), "{copy}");
}

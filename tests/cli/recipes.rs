//! Recipes run as written: the cron line under cron's bare environment, the
//! README's completion install lines on a fresh account, completion values.

use std::path::Path;
use std::process::Command;

use crate::support::BIN;
use crate::tables::worked_example;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A fresh account's home with `stockflow` where `cargo install` puts it.
fn fresh_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join(".cargo/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(BIN, bin.join("stockflow")).unwrap();
    home
}

/// `sh -c line` with only what cron gives a job (HOME, LOGNAME, SHELL and
/// PATH=/usr/bin:/bin), in a time zone whose date differs from UTC's most of the day.
fn as_cron(home: &Path, line: &str) -> std::process::Output {
    Command::new("/bin/sh")
        .args(["-c", line])
        .env_clear()
        .env("HOME", home)
        .env("LOGNAME", "cron")
        .env("SHELL", "/bin/sh")
        .env("PATH", "/usr/bin:/bin")
        .env("TZ", "Pacific/Kiritimati")
        .output()
        .unwrap()
}

#[test]
fn the_cron_line_runs_under_crons_bare_environment_and_mails_the_file_it_wrote() {
    let sf = worked_example();
    let home = fresh_home();
    let out_dir = home.path().join("alerts");
    std::fs::create_dir(&out_dir).unwrap();
    let script_path = format!("{ROOT}/examples/cron/export-alerts.sh");
    let script = std::fs::read_to_string(&script_path).unwrap();
    let line = script
        .lines()
        .find_map(|l| l.strip_prefix("#   30 6 * * *"))
        .expect("the crontab line in the script's header")
        .trim();
    // Only the site's paths and the mailer change; the environment is the line's.
    let db = sf.db.to_str().unwrap();
    let line = line
        .replace("/srv/stock/stockflow.db", db)
        .replace("/opt/stockflow/export-alerts.sh", &script_path)
        .replace("/srv/stock/alerts", out_dir.to_str().unwrap())
        .replace(
            r#"mail -s "Low stock" purchasing@example.com"#,
            r#"cat > "$HOME/mailed.csv""#,
        );
    assert!(!line.contains("/srv/") && line.contains("cat >"), "{line}");
    let run = as_cron(home.path(), &line);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{line}\n{stderr}");

    let today = chrono::Utc::now().format("%F").to_string();
    let file = out_dir.join(format!("alerts-1-{today}.csv"));
    let written = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e}; {stderr}", file.display()));
    let mailed = std::fs::read_to_string(home.path().join("mailed.csv")).unwrap();
    assert_eq!(mailed, written, "the mail carries the file written");
    let mut csv = csv::Reader::from_reader(written.as_bytes());
    assert_eq!(&csv.headers().unwrap()[2], "sku");
    let skus: Vec<String> = csv.records().map(|r| r.unwrap()[2].to_owned()).collect();
    assert_eq!(skus, ["ADH-1144", "WID-001", "BLT-M8"]);
    let left: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        [format!("alerts-1-{today}.csv")],
        "no temporary file left"
    );

    // The script itself, with the line's environment: exit 10 means alerts.
    let direct = as_cron(
        home.path(),
        &format!(
            "PATH=$HOME/.cargo/bin:/usr/bin:/bin STOCKFLOW_DB={db} {script_path} 1 {}",
            out_dir.display()
        ),
    );
    assert_eq!(direct.status.code(), Some(10));
    assert_eq!(
        String::from_utf8_lossy(&direct.stdout).trim(),
        file.to_str().unwrap()
    );
}

#[test]
fn the_cron_script_says_so_when_stockflow_is_not_on_path() {
    let home = fresh_home();
    let run = as_cron(
        home.path(),
        &format!(
            "{ROOT}/examples/cron/export-alerts.sh 1 {}",
            home.path().display()
        ),
    );
    assert_eq!(run.status.code(), Some(127));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("set PATH or STOCKFLOW_BIN"), "{stderr}");
}

#[test]
fn readme_completion_lines_work_on_a_fresh_account() {
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let lines: Vec<&str> = readme
        .lines()
        .filter(|l| l.contains("stockflow completions ") && l.starts_with("mkdir -p"))
        .map(|l| l.split(" # ").next().unwrap().trim())
        .collect();
    assert_eq!(lines.len(), 3, "bash, zsh and fish lines: {lines:?}");
    let home = fresh_home();
    for line in &lines {
        let run = as_cron(
            home.path(),
            &format!("PATH=$HOME/.cargo/bin:/usr/bin:/bin; {line}"),
        );
        assert!(
            run.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let bash = home
        .path()
        .join(".local/share/bash-completion/completions/stockflow");
    for file in [
        bash.clone(),
        home.path().join(".zfunc/_stockflow"),
        home.path().join(".config/fish/completions/stockflow.fish"),
    ] {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("stockflow"), "{}", file.display());
    }
    let loaded = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p stockflow",
            bash.display()
        ))
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{loaded:?}");
}

/// The lines of the bash completion that answer `flag` in `stock adjust`/`history`.
fn bash_case(script: &str, flag: &str) -> Vec<String> {
    let lines: Vec<&str> = script.lines().collect();
    let mut cases = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.trim() == format!("{flag})") {
            let body: Vec<&str> = lines[i + 1..]
                .iter()
                .take_while(|l| l.trim() != "return 0")
                .copied()
                .collect();
            cases.push(body.join("\n"));
        }
    }
    cases
}

#[test]
fn completion_offers_values_and_never_file_names_for_ids_and_times() {
    let out = Command::new(BIN)
        .args(["completions", "bash"])
        .output()
        .unwrap();
    let script = String::from_utf8(out.stdout).unwrap();
    let has = |flag: &str, words: &str| {
        let cases = bash_case(&script, flag);
        assert!(!cases.is_empty(), "{flag}");
        assert!(cases.iter().all(|c| c.contains(words)), "{flag}: {cases:?}");
    };
    has(
        "--reason",
        r#"compgen -W "receipt return sale damage correction""#,
    );
    has("--format", r#"compgen -W "table json jsonl csv""#);
    has("--color", r#"compgen -W "auto always never""#);
    for flag in [
        "--company",
        "--warehouse",
        "--since",
        "--until",
        "--at",
        "--as-of",
        "--sku",
        "--delta",
        "--quantity",
        "--limit",
        "--note",
    ] {
        let cases = bash_case(&script, flag);
        assert!(!cases.is_empty(), "{flag}");
        assert!(
            cases.iter().all(|c| !c.contains("compgen -f")),
            "{flag} offers file names: {cases:?}"
        );
    }
    // Paths still complete as files, the import's argument too (zsh's `_files`).
    let zsh = Command::new(BIN)
        .args(["completions", "zsh"])
        .output()
        .unwrap();
    let zsh = String::from_utf8(zsh.stdout).unwrap();
    let import = zsh
        .lines()
        .find(|l| l.contains("The CSV file, or - for standard input"))
        .unwrap();
    assert!(import.ends_with(":_files' \\"), "{import}");
    let since = zsh.lines().find(|l| l.starts_with("'--since=")).unwrap();
    assert!(!since.contains("_files"), "{since}");
    assert!(
        bash_case(&script, "--file")
            .iter()
            .all(|c| c.contains("compgen -f"))
    );
    assert!(
        bash_case(&script, "--db")
            .iter()
            .all(|c| c.contains("compgen -f"))
    );
}

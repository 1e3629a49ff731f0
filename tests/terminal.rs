//! The text report a person reads: grouped by file on a terminal with a redacted line of context,
//! flat `path:line:col` lines otherwise; colour only on a terminal and never under `NO_COLOR`; a
//! progress bar on a terminal only; `--verbose` timing per phase.

use crate::util::*;
use std::path::Path;

fn project() -> (TestDir, String, String) {
    let token = secrets::github(7);
    let stripe = secrets::stripe(3);
    let dir = TestDir::with(&[
        (
            "config/app.env",
            format!("# app\nGITHUB_TOKEN={token}  # deploy\nPORT=8080\nSTRIPE_KEY={stripe}\n")
                .as_bytes(),
        ),
        ("notes.txt", b"nothing here\n"),
    ]);
    (dir, token, stripe)
}

/// `sealant ARGS` on a pseudo-terminal (`script`), stdout and stderr as the terminal shows them.
fn on_terminal(dir: &Path, args: &str, env: &[(&str, &str)]) -> String {
    let cmd = format!("{} {args}", sealant_bin().display());
    let mut script = std::process::Command::new("script");
    script
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(dir)
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(std::process::Stdio::null());
    scrub_git_env(&mut script);
    for (k, v) in env {
        script.env(k, v);
    }
    let out = script.output().expect("script(1) from util-linux");
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

#[test]
fn piped_output_is_flat_with_a_redacted_line_of_context() {
    let (dir, token, stripe) = project();
    let out = dir.run(&["scan", ".", "--no-baseline"]);
    out.assert_exit(1);
    let text = stdout(&out);
    assert!(text.contains("config/app.env:2:14  "), "{text}");
    assert!(text.contains("config/app.env:4:12  "), "{text}");
    assert!(text.contains("    | GITHUB_TOKEN=ghp_…"), "{text}");
    assert!(
        text.contains("  # deploy"),
        "the rest of the line stays: {text}"
    );
    assert!(text.contains("    | STRIPE_KEY=sk_l…"), "{text}");
    assert!(!text.contains(&token) && !text.contains(&stripe), "{text}");
    assert!(!text.contains('\x1b'), "no escape codes when piped: {text}");
    assert!(!stderr(&out).contains('\x1b'), "{}", stderr(&out));
}

#[test]
fn heading_groups_findings_by_file() {
    let (dir, token, _) = project();
    dir.write(
        "other.env",
        format!("TOKEN={}\n", secrets::github(8)).as_bytes(),
    );
    let out = dir.run(&["scan", ".", "--no-baseline", "--heading"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let app = lines
        .iter()
        .position(|l| *l == "config/app.env (2 findings)")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(lines[app + 1].starts_with("  2:14  "), "{text}");
    assert!(
        lines[app + 2].starts_with("      | GITHUB_TOKEN=ghp_…"),
        "{text}"
    );
    assert!(lines[app + 3].starts_with("  4:12  "), "{text}");
    assert!(lines.contains(&"other.env (1 finding)"), "{text}");
    assert!(!text.contains("config/app.env:2"), "{text}");
    assert!(!text.contains(&token));
    // --no-heading (the last flag wins) is the flat layout again.
    let flat = stdout(&dir.run(&["scan", ".", "--no-baseline", "--heading", "--no-heading"]));
    assert!(flat.contains("config/app.env:2:14"), "{flat}");
}

#[test]
fn a_terminal_gets_colour_and_headings_unless_no_color() {
    let (dir, token, _) = project();
    let text = on_terminal(dir.path(), "scan . --no-baseline -q", &[]);
    assert!(
        text.contains("\x1b[35;1mconfig/app.env (2 findings)"),
        "{text}"
    );
    assert!(text.contains("\x1b[31mgithub"), "{text}");
    assert!(!text.contains(&token), "{text}");
    let plain = on_terminal(dir.path(), "scan . --no-baseline -q", &[("NO_COLOR", "1")]);
    assert!(plain.contains("config/app.env (2 findings)"), "{plain}");
    assert!(
        !plain.contains('\x1b'),
        "NO_COLOR: no escape codes at all: {plain:?}"
    );
    // An empty NO_COLOR does not count (no-color.org).
    let empty = on_terminal(dir.path(), "scan . --no-baseline -q", &[("NO_COLOR", "")]);
    assert!(empty.contains('\x1b'), "{empty:?}");
}

#[test]
fn progress_shows_on_a_terminal_for_scan_and_baseline_only() {
    let (dir, _, _) = project();
    for i in 0..40 {
        dir.write(&format!("src/f{i}.txt"), b"nothing to see\n");
    }
    let delay = [("SEALANT_PROGRESS_DELAY_MS", "0"), ("NO_COLOR", "1")];
    let text = on_terminal(dir.path(), "scan . --no-baseline -j1", &delay);
    assert!(text.contains("scanning files"), "{text:?}");
    let quiet = on_terminal(dir.path(), "scan . --no-baseline -j1 -q", &delay);
    assert!(!quiet.contains("scanning files"), "{quiet:?}");
    let created = on_terminal(dir.path(), "baseline create", &delay);
    assert!(created.contains("scanning files"), "{created:?}");
    // Not on a pipe, even with no delay.
    let dir2 = project().0;
    let piped = sealant_in(dir2.path())
        .args(["scan", ".", "--no-baseline", "-j1"])
        .env("SEALANT_PROGRESS_DELAY_MS", "0")
        .env_remove("CI")
        .output()
        .unwrap();
    assert!(!stderr(&piped).contains("scanning"), "{}", stderr(&piped));
}

#[test]
fn verbose_times_every_phase() {
    let (dir, _, _) = project();
    let out = dir.run(&["scan", ".", "--no-baseline", "--verbose"]);
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.starts_with("sealant: timing: "))
        .unwrap_or_else(|| panic!("{err}"));
    for phase in ["rules ", "list ", "scan ", "baseline ", "report ", "total "] {
        assert!(line.contains(phase), "{phase}: {line}");
    }
    assert!(!stderr(&dir.run(&["scan", ".", "--no-baseline"])).contains("timing"));

    let repo = TestRepo::new();
    repo.write("a.env", format!("TOKEN={}\n", secrets::github(9)));
    repo.commit_all("one");
    let out = repo.run(&["history", "--all", "-v"]);
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.starts_with("sealant: timing: "))
        .unwrap_or_else(|| panic!("{err}"));
    for phase in [
        "rules ",
        "walk ",
        "scan ",
        "attribute ",
        "baseline ",
        "report ",
    ] {
        assert!(line.contains(phase), "{phase}: {line}");
    }
}

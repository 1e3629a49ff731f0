//! The one pipeline and its plan: fatal problems before scanning (a custom rule or allowlist
//! regex that does not compile), the `-j` bound, results independent of the thread count, and
//! the baseline scope of partial scans (no stale entries; moves between named files).

use crate::util::*;
use std::path::Path;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    sealant_in(dir).args(args).output().expect("sealant runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A regex that parses but is far over the regex crate's size limit.
const HUGE_REGEX: &str = r"(?:\w{100}){1000}";

#[test]
fn a_custom_rule_that_does_not_compile_is_an_error_naming_it_before_scanning() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join(".sealant.toml"),
        format!(
            "[[rule]]\nid = \"too-big\"\nkeywords = [\"zz\"]\nregex = '''{HUGE_REGEX}'''\n"
        ),
    )
    .unwrap();
    // Without a keyword hit the rule would never run: the error must not depend on content.
    std::fs::write(dir.path().join("a.txt"), "nothing here\n").unwrap();
    for args in [&["scan"][..], &["scan", "a.txt"], &["rules", "list"]] {
        let out = run(dir.path(), args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("rule `too-big`"), "{args:?}: {err}");
        assert!(!err.contains("scanned"), "{args:?} scanned first: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn a_global_allowlist_regex_that_does_not_compile_is_an_error() {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(
        dir.path().join(".sealant.toml"),
        format!("[allowlist]\nregexes = ['''{HUGE_REGEX}''']\n"),
    )
    .unwrap();
    let out = run(dir.path(), &["scan"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(".sealant.toml") && err.contains("w{100}"), "{err}");
}

#[test]
fn thread_counts_far_above_the_cores_are_clamped_with_a_note() {
    let r = TestRepo::new();
    r.write("app.env", format!("TOKEN={}\n", secrets::github(7)));
    r.commit_all("add");
    for args in [
        &["scan", "-j", "100000"][..],
        &["history", "-j", "100000"],
        &["staged", "-j", "100000"],
    ] {
        let out = run(r.path(), args);
        let err = text(&out.stderr);
        assert!(err.contains("-j 100000 clamped to"), "{args:?}: {err}");
        let expected = if args[0] == "staged" { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {err}");
    }
}

#[test]
fn reports_are_the_same_bytes_for_any_thread_count() {
    let r = TestRepo::new();
    for i in 0..40u32 {
        r.write(
            &format!("dir{}/f{i}.env", i % 7),
            format!("A=1\nTOKEN={}\nSTRIPE={}\n", secrets::github(i), secrets::stripe(i)),
        );
        if i % 10 == 9 {
            r.commit_all(&format!("batch {i}"));
        }
    }
    for cmd in [&["scan"][..], &["history", "--all"]] {
        let report = |j: &str| {
            let mut args = cmd.to_vec();
            args.extend(["-j", j, "--format", "jsonl", "-q"]);
            let out = run(r.path(), &args);
            assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
            out.stdout
        };
        let one = report("1");
        assert_eq!(jsonl(&one).len(), 80, "{cmd:?}");
        assert_eq!(one, report("3"), "{cmd:?}: -j 1 and -j 3 differ");
        assert_eq!(one, report("8"), "{cmd:?}: -j 1 and -j 8 differ");
    }
}

/// A folder whose baseline accepts one token in `a.env` and one in `other.env`.
fn baselined_project() -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    std::fs::write(dir.path().join("a.env"), format!("TOKEN={}\n", secrets::github(1))).unwrap();
    std::fs::write(
        dir.path().join("other.env"),
        format!("TOKEN={}\n", secrets::github(2)),
    )
    .unwrap();
    std::fs::write(dir.path().join("b.env"), "X=1\n").unwrap();
    let out = run(dir.path(), &["baseline", "create"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    dir
}

#[test]
fn a_partial_scan_reports_no_stale_entries() {
    let dir = baselined_project();
    // other.env's secret is gone: stale for a full scan, unknowable for a scan of a.env.
    std::fs::write(dir.path().join("other.env"), "TOKEN=\n").unwrap();
    let out = run(dir.path(), &["scan"]);
    assert!(text(&out.stderr).contains("1 stale"), "{}", text(&out.stderr));
    for args in [&["scan", "a.env"][..], &["scan", "a.env", "b.env"]] {
        let out = run(dir.path(), args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("stale"), "{args:?}: {err}");
    }
}

#[test]
fn a_history_range_reports_no_stale_entries() {
    let r = TestRepo::new();
    r.write("a.env", format!("TOKEN={}\n", secrets::github(1)));
    let base = r.commit_all("add a secret");
    let out = r.sealant().args(["baseline", "create"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    r.commit_all("baseline");
    r.write("README.md", "docs\n");
    r.commit_all("docs");
    let out = run(r.path(), &["history", &format!("{base}..HEAD")]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("0 findings; 0 baselined"), "{err}");
    assert!(!err.contains("stale"), "{err}");
}

#[test]
fn a_move_between_two_named_files_is_judged_as_a_full_scan_judges_it() {
    let dir = baselined_project();
    // The accepted secret moves from a.env to b.env.
    std::fs::write(dir.path().join("a.env"), "X=1\n").unwrap();
    std::fs::write(dir.path().join("b.env"), format!("TOKEN={}\n", secrets::github(1))).unwrap();
    for (args, baselined) in [(&["scan"][..], 2), (&["scan", "a.env", "b.env"], 1)] {
        let out = run(dir.path(), args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        let expected = format!("0 findings; {baselined} baselined");
        assert!(err.contains(&expected), "{args:?}: {err}");
    }
    // Naming only the destination: a.env was not scanned but still exists, so it may still
    // hold the secret: b.env's copy is new, as before.
    let out = run(dir.path(), &["scan", "b.env"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

//! The one pipeline and its plan: fatal problems before scanning (a custom rule or allowlist
//! regex that does not compile), the `-j` bound, results independent of the thread count, and
//! the baseline scope of partial scans (no stale entries; moves between named files).

use crate::util::*;

/// A regex that parses but is far over the regex crate's size limit.
const HUGE_REGEX: &str = r"(?:\w{100}){1000}";

#[test]
fn a_custom_rule_that_does_not_compile_is_an_error_naming_it_before_scanning() {
    let dir = TestDir::new();
    dir.write(
        ".sealant.toml",
        format!("[[rule]]\nid = \"too-big\"\nkeywords = [\"zz\"]\nregex = '''{HUGE_REGEX}'''\n"),
    );
    // Without a keyword hit the rule would never run: the error must not depend on content.
    dir.write("a.txt", "nothing here\n");
    for args in [&["scan"][..], &["scan", "a.txt"], &["rules", "list"]] {
        let out = dir.run(args);
        out.assert_exit_for(2, format!("{args:?}"));
        let err = stderr(&out);
        assert!(err.contains("rule `too-big`"), "{args:?}: {err}");
        assert!(!err.contains("scanned"), "{args:?} scanned first: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn a_global_allowlist_regex_that_does_not_compile_is_an_error() {
    let dir = TestDir::new();
    dir.write(
        ".sealant.toml",
        format!("[allowlist]\nregexes = ['''{HUGE_REGEX}''']\n"),
    );
    let out = dir.run(&["scan"]);
    out.assert_exit(2);
    let err = stderr(&out);
    assert!(
        err.contains(".sealant.toml") && err.contains("w{100}"),
        "{err}"
    );
}

#[test]
fn thread_counts_far_above_the_cores_are_clamped_with_a_note() {
    let r = TestRepo::new();
    r.write("app.env", env_line(7));
    r.commit_all("add");
    for (args, code) in [
        (&["scan", "-j", "100000"][..], 1),
        (&["history", "-j", "100000"], 1),
        (&["staged", "-j", "100000"], 0),
    ] {
        let out = r.run(args);
        out.assert_exit_for(code, format!("{args:?}"));
        let err = stderr(&out);
        assert!(err.contains("-j 100000 clamped to"), "{args:?}: {err}");
    }
}

#[test]
fn reports_are_the_same_bytes_for_any_thread_count() {
    let r = TestRepo::new();
    for i in 0..40u32 {
        r.write(
            &format!("dir{}/f{i}.env", i % 7),
            format!(
                "A=1\nTOKEN={}\nSTRIPE={}\n",
                secrets::github(i),
                secrets::stripe(i)
            ),
        );
        if i % 10 == 9 {
            r.commit_all(&format!("batch {i}"));
        }
    }
    for cmd in [&["scan"][..], &["history", "--all"]] {
        let report = |j: &str| {
            let mut args = cmd.to_vec();
            args.extend(["-j", j, "--format", "jsonl", "-q"]);
            let out = r.run(&args);
            out.assert_exit_for(1, format!("{args:?}"));
            out.stdout
        };
        let one = report("1");
        assert_eq!(jsonl(&one).len(), 80, "{cmd:?}");
        assert_eq!(one, report("3"), "{cmd:?}: -j 1 and -j 3 differ");
        assert_eq!(one, report("8"), "{cmd:?}: -j 1 and -j 8 differ");
    }
}

/// A folder whose baseline accepts one token in `a.env` and one in `other.env`.
fn baselined_project() -> TestDir {
    let dir = TestDir::with(&[
        ("a.env", env_line(1).as_bytes()),
        ("other.env", env_line(2).as_bytes()),
        ("b.env", b"X=1\n"),
    ]);
    dir.run(&["baseline", "create"]).assert_exit(0);
    dir
}

#[test]
fn a_partial_scan_reports_no_stale_entries() {
    let dir = baselined_project();
    // other.env's secret is gone: stale for a full scan, unknowable for a scan of a.env.
    dir.write("other.env", "TOKEN=\n");
    let err = stderr(&dir.run(&["scan"]));
    assert!(err.contains("1 stale"), "{err}");
    for args in [&["scan", "a.env"][..], &["scan", "a.env", "b.env"]] {
        let out = dir.run(args);
        out.assert_exit_for(0, format!("{args:?}"));
        let err = stderr(&out);
        assert!(!err.contains("stale"), "{args:?}: {err}");
    }
}

#[test]
fn a_history_range_reports_no_stale_entries() {
    let r = TestRepo::new();
    r.write("a.env", env_line(1));
    let base = r.commit_all("add a secret");
    r.run(&["baseline", "create"]).assert_exit(0);
    r.commit_all("baseline");
    r.write("README.md", "docs\n");
    r.commit_all("docs");
    let out = r.run(&["history", &format!("{base}..HEAD")]);
    out.assert_exit(0);
    let err = stderr(&out);
    assert!(err.contains("0 findings; 0 baselined"), "{err}");
    assert!(!err.contains("stale"), "{err}");
}

#[test]
fn a_move_between_two_named_files_is_judged_as_a_full_scan_judges_it() {
    let dir = baselined_project();
    // The accepted secret moves from a.env to b.env.
    dir.write("a.env", "X=1\n");
    dir.write("b.env", env_line(1));
    for (args, baselined) in [(&["scan"][..], 2), (&["scan", "a.env", "b.env"], 1)] {
        let out = dir.run(args);
        out.assert_exit_for(0, format!("{args:?}"));
        let err = stderr(&out);
        let expected = format!("0 findings; {baselined} baselined");
        assert!(err.contains(&expected), "{args:?}: {err}");
    }
    // Naming only the destination: a.env was not scanned but still exists, so it may still
    // hold the secret: b.env's copy is new, as before.
    dir.run(&["scan", "b.env"]).assert_exit(1);
}

/// Seeded pseudo-random generator (xorshift): property tests stay reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn alnum(&mut self, len: usize) -> String {
        const SET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| SET[self.below(SET.len() as u64) as usize] as char)
            .collect()
    }
}

/// A repository of random files holding random provider-shaped secrets; returns the secrets.
fn random_repo(seed: u64) -> (TestRepo, Vec<String>) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1));
    let r = TestRepo::new();
    let mut secrets = Vec::new();
    for f in 0..(3 + rng.below(6)) {
        let mut text = String::new();
        for _ in 0..(1 + rng.below(5)) {
            let secret = match rng.below(3) {
                0 => secrets::github_with(&rng.alnum(30)),
                1 => format!("{}{}", "sk_live_", rng.alnum(24)),
                _ => {
                    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
                    let body: String = (0..16)
                        .map(|_| B32[rng.below(32) as usize] as char)
                        .collect();
                    format!("{}{body}", "AKIA")
                }
            };
            let pad = "x".repeat(rng.below(40) as usize);
            text.push_str(&format!("{pad} token = \"{secret}\"\nnothing {pad}\n"));
            secrets.push(secret);
        }
        r.write(&format!("d{}/f{f}.cfg", rng.below(3)), text);
        if rng.below(2) == 0 {
            r.commit_all(&format!("c{f}"));
        }
    }
    r.commit_all("last");
    (r, secrets)
}

#[test]
fn every_format_is_the_same_bytes_for_any_thread_count() {
    for seed in 0..3 {
        let (r, _) = random_repo(seed);
        let formats = [
            "text", "json", "jsonl", "sarif", "junit", "gitlab", "github", "csv",
        ];
        for format in formats {
            for cmd in [&["scan"][..], &["history", "--all"]] {
                let report = |j: &str| {
                    let mut args = cmd.to_vec();
                    args.extend(["-j", j, "--format", format, "-q"]);
                    let out = r.run(&args).stdout;
                    // GitLab's report carries the scan's start and end times; nothing else varies.
                    String::from_utf8(out)
                        .unwrap()
                        .lines()
                        .filter(|l| !l.contains("\"start_time\"") && !l.contains("\"end_time\""))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                let one = report("1");
                assert!(!one.is_empty());
                for j in ["2", "5"] {
                    assert_eq!(
                        one,
                        report(j),
                        "seed {seed}, {cmd:?} {format}: -j 1 vs -j {j}"
                    );
                }
            }
        }
    }
}

#[test]
fn no_default_output_contains_a_secret() {
    for seed in 0..4 {
        let (r, secrets) = random_repo(seed);
        // Stage one more, for the staged gate.
        r.write(
            "new.cfg",
            format!(
                "token = \"{}\"\n",
                secrets::github_with(&Rng(seed + 7).alnum(30))
            ),
        );
        r.git(&["add", "new.cfg"]);
        let mut outputs = Vec::new();
        let formats = [
            "text", "json", "jsonl", "sarif", "junit", "gitlab", "github", "csv",
        ];
        for format in formats {
            for cmd in [&["scan"][..], &["history", "--all"], &["staged"]] {
                let mut args = cmd.to_vec();
                args.extend(["--format", format]);
                let out = r.run(&args);
                out.assert_exit_for(1, format!("seed {seed} {args:?}"));
                outputs.push((format!("{args:?}"), combined(&out)));
            }
        }
        let report = r.join("report.out");
        r.run(&["scan", "-o", report.to_str().unwrap()])
            .assert_exit(1);
        outputs.push(("-o".into(), std::fs::read_to_string(&report).unwrap()));
        for (what, text) in &outputs {
            for s in &secrets {
                assert!(
                    !text.contains(s.as_str()),
                    "seed {seed}: {what} leaks a secret"
                );
                // Not even most of it.
                assert!(
                    !text.contains(&s[..s.len() - 4]),
                    "seed {seed}: {what} leaks a prefix"
                );
            }
        }
        // The property is not vacuous: asked to, the report shows them.
        let shown = stdout(&r.run(&["scan", "--show-secrets"]));
        assert!(
            secrets.iter().all(|s| shown.contains(s.as_str())),
            "seed {seed}"
        );
    }
}

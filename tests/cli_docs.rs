//! `sealant completions`, `sealant man` and the examples `sealant --help` ends with.

use crate::util::*;

#[test]
fn bash_completion_loads() {
    let script = format!(
        "source <('{}' completions bash) && complete -p sealant",
        sealant_bin().display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .expect("bash runs");
    out.assert_exit(0);
    assert!(stdout(&out).contains("sealant"), "{}", stdout(&out));
}

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    let dir = TestDir::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = dir.run(&["completions", shell]);
        out.assert_exit_for(0, shell);
        let text = stdout(&out);
        assert!(!text.trim().is_empty(), "{shell}");
        for word in ["staged", "history", "baseline", "config"] {
            assert!(text.contains(word), "{shell}: no `{word}`");
        }
    }
    let out = dir.run(&["completions", "tcsh"]);
    out.assert_exit(2);
}

#[test]
fn man_page_is_roff_with_the_subcommands() {
    let out = TestDir::new().run(&["man"]);
    out.assert_exit(0);
    let text = stdout(&out);
    // clap_mangen puts a two-line quote-macro preamble (`.ie`/`.el`) before the title.
    assert!(
        text.lines().any(|l| l.starts_with(".TH sealant 1")),
        "{text}"
    );
    assert!(text.contains(".SH SUBCOMMANDS"), "{text}");
    for word in ["history", "staged", "baseline", "completions"] {
        assert!(text.contains(word), "no `{word}`");
    }
}

#[test]
fn man_dir_writes_a_page_per_subcommand() {
    let dir = TestDir::new();
    dir.run(&["man", "--dir", "out/man1"]).assert_exit(0);
    for page in [
        "sealant.1",
        "sealant-history.1",
        "sealant-staged.1",
        "sealant-baseline-update.1",
        "sealant-config-check.1",
    ] {
        let text = dir.read_text(&format!("out/man1/{page}"));
        assert!(text.lines().any(|l| l.starts_with(".TH ")), "{page}");
    }
    assert!(dir
        .read_text("out/man1/sealant-history.1")
        .contains("config\\-rev"));
}

#[test]
fn help_ends_with_an_example_per_use_and_each_parses() {
    const EXAMPLES: &[&str] = &[
        "sealant install",
        "sealant staged",
        "sealant history origin/main..HEAD --format sarif -o sealant.sarif",
        "sealant history --all",
        "sealant history --all --format html -o audit.html",
        "sealant baseline update",
    ];
    let dir = TestDir::new();
    for flag in ["--help", "-h"] {
        let out = dir.run(&[flag]);
        out.assert_exit(0);
        let text = stdout(&out);
        for ex in EXAMPLES {
            assert!(text.contains(&format!("    {ex}\n")), "{flag}: `{ex}`");
        }
    }
    // Each example is valid syntax: with --help appended, clap parses the arguments before it
    // (an unknown flag or a bad value would exit 2 instead).
    for ex in EXAMPLES {
        let mut args: Vec<&str> = ex.split_whitespace().skip(1).collect();
        args.push("--help");
        dir.run(&args).assert_exit_for(0, ex);
    }
}

//! `sealant init`: sets a repository up in one command, and says what it did. Each step leaves an
//! existing file alone (nothing is overwritten), so a second run changes nothing and says so:
//!
//! 1. a commented `.sealant.toml` (every setting at its default, commented out);
//! 2. a baseline of what the tree holds now: up to [`HANDFUL`] findings are accepted as is; more
//!    are accepted after a yes on a terminal, or with `--yes`; otherwise init stops and says how
//!    to review them;
//! 3. the pre-commit hook: the `sealant` hook added to an existing `.pre-commit-config.yaml` (a
//!    text insertion at the end of its `repos:` list: comments and formatting stay), else the git
//!    hook `sealant install` writes;
//! 4. a `.gitignore` check: which of `.env`, `.env.*`, `*.pem`, `*.key`, … it does not ignore
//!    (judged by git's own matching rules, through the `ignore` crate), and with
//!    `--fix-gitignore` those lines appended (with `!.env.example` and friends kept tracked).

use super::{baseline, install};
use crate::baseline::{write_atomically, BASELINE_FILE_NAME};
use crate::cli::{InitArgs, InstallArgs};
use crate::config::CONFIG_FILE_NAME;
use crate::exit::ExitStatus;
use anyhow::{Context, Result};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

/// Findings a new baseline accepts without asking.
pub const HANDFUL: usize = 5;

/// What each step did.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// Wrote or changed something.
    Changed(String),
    /// Nothing to do.
    Kept(String),
    /// Needs the user (the run exits 1).
    Blocked(String),
}

/// Runs `sealant init`.
pub(super) fn run(args: InitArgs) -> Result<ExitStatus> {
    let repo = crate::git::open(args.repo.as_deref())?;
    let root = crate::git::root(&repo);
    let steps = [
        config(&root)?,
        baseline_step(&root, args.yes)?,
        hook(&root, args.repo.as_deref())?,
        gitignore(&root, args.fix_gitignore)?,
    ];
    let mut changed = false;
    let mut blocked = false;
    for step in &steps {
        match step {
            Step::Changed(m) => {
                changed = true;
                super::say_fmt!("init: {m}");
            }
            Step::Kept(m) => super::say_fmt!("init: {m}"),
            Step::Blocked(m) => {
                blocked = true;
                super::say_fmt!("init: {m}");
            }
        }
    }
    if blocked {
        return Ok(ExitStatus::Findings);
    }
    if !changed {
        super::say("init: nothing to do: this repository is already set up");
    }
    Ok(ExitStatus::Clean)
}

fn config(root: &Path) -> Result<Step> {
    let path = root.join(CONFIG_FILE_NAME);
    if path.exists() {
        return Ok(Step::Kept(format!("{CONFIG_FILE_NAME} exists, kept")));
    }
    write_atomically(&path, CONFIG_TEMPLATE.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Step::Changed(format!(
        "wrote {CONFIG_FILE_NAME} (every setting at its default, commented)"
    )))
}

/// The config `init` writes: the defaults, commented, with what each setting does.
const CONFIG_TEMPLATE: &str = r#"# sealant configuration (see README "Configuration"). Every setting below is at its default;
# uncomment to change it. `sealant config check` shows the effective configuration.

[scan]
# Skip files larger than this many bytes (listed in the summary). Default: read every file.
# max_file_size = 10485760
# Honour inline `sealant:allow` comments. CI gates may turn this off.
# inline_allow = true
# Report findings of at least this confidence: "low", "medium" or "high".
# min_confidence = "medium"

[allowlist]
# Paths never scanned (globs), e.g. vendored code or recorded test fixtures.
# paths = ["vendor/**", "tests/fixtures/**"]
# Secret values that are known not to be secrets (regexes on the value).
# regexes = ['''^sk_test_''']

[rules]
# Built-in rules to turn off, by id (`sealant rules list`).
# disable = ["generic-token"]

# Custom rules: the same format as the built-in rules (rules/README.md).
# [[rule]]
# id = "acme-internal-token"
# description = "ACME internal service token"
# keywords = ["acme_"]
# regex = '''\b(?P<secret>acme_[A-Za-z0-9]{32})\b'''
# examples = ["ACME_TOKEN=acme_0123456789abcdefABCDEF0123456789"]
# negative_examples = ["ACME_TOKEN=acme_<token>"]
"#;

fn baseline_step(root: &Path, yes: bool) -> Result<Step> {
    if root.join(BASELINE_FILE_NAME).exists() {
        return Ok(Step::Kept(format!("{BASELINE_FILE_NAME} exists, kept")));
    }
    let n = baseline::count_for_root(root)?;
    if n > HANDFUL && !yes && !confirm(n)? {
        return Ok(Step::Blocked(format!(
            "{n} findings in the tree, baseline not created: review them with `sealant scan`, \
             remove or allow the real ones, then run `sealant init --yes` to accept the rest"
        )));
    }
    baseline::create_for_root(root)?;
    Ok(Step::Changed(format!(
        "wrote {BASELINE_FILE_NAME} accepting {n} current finding(s); commit it"
    )))
}

/// Asks on a terminal whether to accept `n` findings; `false` off a terminal.
fn confirm(n: usize) -> Result<bool> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Ok(false);
    }
    eprint!("sealant init: accept {n} current findings into the baseline? [y/N] ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

const PRE_COMMIT_CONFIG: &str = ".pre-commit-config.yaml";

fn hook(root: &Path, dir: Option<&Path>) -> Result<Step> {
    let config = root.join(PRE_COMMIT_CONFIG);
    if config.exists() {
        let text = std::fs::read_to_string(&config)
            .with_context(|| format!("cannot read {}", config.display()))?;
        return match add_pre_commit_hook(&text) {
            None => Ok(Step::Kept(format!(
                "{PRE_COMMIT_CONFIG} already runs sealant"
            ))),
            Some(updated) => {
                write_atomically(&config, updated.as_bytes())
                    .with_context(|| format!("cannot write {}", config.display()))?;
                Ok(Step::Changed(format!(
                    "added the sealant hook to {PRE_COMMIT_CONFIG} (run `pre-commit install`)"
                )))
            }
        };
    }
    let hook = install::pre_commit_hook(dir)?;
    if hook.exists() {
        let text = std::fs::read_to_string(&hook).unwrap_or_default();
        return Ok(if text.contains("sealant staged") {
            Step::Kept("the git pre-commit hook already runs sealant".into())
        } else {
            Step::Kept(format!(
                "{} exists and is not sealant's: kept; add `sealant staged` to it",
                hook.display()
            ))
        });
    }
    install::run(InstallArgs {
        force: false,
        repo: dir.map(Path::to_path_buf),
    })?;
    Ok(Step::Changed("installed the git pre-commit hook".into()))
}

/// `text` (a `.pre-commit-config.yaml`) with sealant's hook appended to its `repos:` list, or
/// `None` if it already has a `sealant` hook. The list's end is where the next top-level key
/// starts; the new entry copies the list's indentation. Everything else is kept byte for byte.
fn add_pre_commit_hook(text: &str) -> Option<String> {
    let has_hook = text.lines().any(|l| {
        let t = l.trim_start().trim_start_matches("- ").trim();
        t == "id: sealant" || t == "id: \"sealant\"" || t == "id: 'sealant'"
    });
    if has_hook {
        return None;
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let top_level = |l: &str| {
        let c = l.chars().next();
        c.is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
    };
    let repos = lines.iter().position(|l| l.starts_with("repos:"));
    let (insert_at, indent) = match repos {
        Some(r) => {
            let end = lines[r + 1..]
                .iter()
                .position(|l| top_level(l))
                .map_or(lines.len(), |i| r + 1 + i);
            // Back over trailing blank and comment lines: they belong to what follows.
            let mut at = end;
            while at > r + 1 && {
                let t = lines[at - 1].trim();
                t.is_empty() || t.starts_with('#')
            } {
                at -= 1;
            }
            let indent = lines[r + 1..end]
                .iter()
                .find(|l| l.trim_start().starts_with("- "))
                .map_or(String::new(), |l| {
                    l[..l.len() - l.trim_start().len()].to_string()
                });
            (at, indent)
        }
        None => (lines.len(), String::new()),
    };
    let version = env!("CARGO_PKG_VERSION");
    let entry = format!(
        "{indent}- repo: https://github.com/sealant-scanner/sealant\n{indent}  rev: v{version}\n{indent}  hooks:\n{indent}    - id: sealant\n"
    );
    let mut out = String::with_capacity(text.len() + entry.len() + 8);
    for l in &lines[..insert_at] {
        out.push_str(l);
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if repos.is_none() {
        out.push_str("repos:\n");
    }
    out.push_str(&entry);
    for l in &lines[insert_at..] {
        out.push_str(l);
    }
    Some(out)
}

/// Patterns `.gitignore` should hold, each with a path it must ignore; then paths it must not.
const SHOULD_IGNORE: &[(&str, &str)] = &[
    (".env", ".env"),
    (".env.*", ".env.production"),
    ("*.pem", "server.pem"),
    ("*.key", "server.key"),
    ("id_rsa", "id_rsa"),
    ("id_ed25519", "id_ed25519"),
    ("*.p12", "client.p12"),
    ("*.pfx", "client.pfx"),
    ("*.jks", "release.jks"),
    ("*.keystore", "release.keystore"),
    ("*.tfstate", "terraform.tfstate"),
    ("*.tfstate.*", "terraform.tfstate.backup"),
    (".pgpass", ".pgpass"),
    (".netrc", ".netrc"),
];
const KEEP_TRACKED: &[&str] = &[".env.example", ".env.sample", ".env.template"];

fn gitignore(root: &Path, fix: bool) -> Result<Step> {
    let path = root.join(".gitignore");
    let build = |extra: &[String]| {
        let mut b = ignore::gitignore::GitignoreBuilder::new(root);
        if path.exists() {
            b.add(&path);
        }
        for line in extra {
            let _ = b.add_line(None, line);
        }
        b.build()
    };
    let current = build(&[]).context("cannot read .gitignore")?;
    let ignored = |g: &ignore::gitignore::Gitignore, p: &str| {
        g.matched_path_or_any_parents(root.join(p), false)
            .is_ignore()
    };
    let mut missing: Vec<String> = SHOULD_IGNORE
        .iter()
        .filter(|(_, sample)| !ignored(&current, sample))
        .map(|(pattern, _)| pattern.to_string())
        .collect();
    let with = build(&missing).context("cannot build the .gitignore check")?;
    for keep in KEEP_TRACKED {
        if ignored(&with, keep) {
            missing.push(format!("!{keep}"));
        }
    }
    if missing.is_empty() {
        return Ok(Step::Kept(
            ".gitignore covers .env, keys and state files".into(),
        ));
    }
    if !fix {
        return Ok(Step::Kept(format!(
            ".gitignore does not ignore {}: add them, or rerun with --fix-gitignore",
            missing.join(" ")
        )));
    }
    let mut text = if path.exists() {
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?
    } else {
        String::new()
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str("# Secrets stay out of git (added by `sealant init --fix-gitignore`).\n");
    for line in &missing {
        text.push_str(line);
        text.push('\n');
    }
    write_atomically(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Step::Changed(format!(
        "added {} to .gitignore",
        missing.join(" ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hook_goes_at_the_end_of_repos_keeping_everything_else() {
        let text = "# team hooks\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0 # pinned\n    hooks:\n      - id: black\n\n# pre-commit.ci\nci:\n  autofix_prs: false\n";
        let out = add_pre_commit_hook(text).unwrap();
        let expected_entry = format!(
            "  - repo: https://github.com/sealant-scanner/sealant\n    rev: v{}\n    hooks:\n      - id: sealant\n",
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(
            out,
            text.replace(
                "      - id: black\n\n",
                &format!("      - id: black\n{expected_entry}\n")
            )
        );
        assert_eq!(add_pre_commit_hook(&out), None);
        // A list at column 0, and no trailing newline.
        let flat = "repos:\n- repo: local\n  hooks:\n  - id: lint";
        let out = add_pre_commit_hook(flat).unwrap();
        assert!(out.starts_with(flat), "{out}");
        assert!(out.contains("\n- repo: https://github.com/sealant-scanner/sealant\n  rev:"));
    }
}

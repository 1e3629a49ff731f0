//! `sealant baseline ...`: create, update, check, audit and import. Each scans the whole root
//! through the same pipeline as `scan` (ignoring the current baseline), then edits the baseline
//! file deterministically and writes it atomically. Nothing here prints a secret: entries hold
//! hashes, output shows redacted values.

use crate::baseline::{
    self, Baseline, BaselineFile, Entry, Label, Scope, SecretHasher, BASELINE_FILE_NAME,
};
use crate::cli::{
    BaselineArgs, BaselineCheckArgs, BaselineCommand, BaselineFileArgs, BaselineImportArgs,
    ImportFormat,
};
use crate::exit::ExitStatus;
use crate::finding::Finding;
use crate::plan::{self, project_root, BaselineChoice, FilesRequest, Options};
use crate::scan::Outcome;
use crate::source::worktree::{self, IgnoreFiles, Symlinks};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

/// Runs a baseline subcommand.
pub fn run(cmd: BaselineCommand) -> Result<ExitStatus> {
    match cmd {
        BaselineCommand::Create(a) => create(a),
        BaselineCommand::Update(a) => update(a),
        BaselineCommand::Check(a) => check(a),
        BaselineCommand::Audit(a) => audit(a),
        BaselineCommand::Import(a) => import(a),
    }
}

/// The root and baseline path a baseline command works on.
struct Target {
    root: PathBuf,
    path: PathBuf,
}

fn target(args: &BaselineFileArgs) -> Result<Target> {
    let root = match &args.root {
        Some(r) => {
            std::path::absolute(r).with_context(|| format!("{}: invalid root", r.display()))?
        }
        None => project_root(
            &std::env::current_dir().context("cannot determine the current directory")?,
        ),
    };
    if !root.is_dir() {
        bail!("{}: not a directory", root.display());
    }
    let path = args
        .baseline
        .clone()
        .unwrap_or_else(|| root.join(BASELINE_FILE_NAME));
    Ok(Target { root, path })
}

/// How many findings a baseline of `root` would accept (a whole-root scan, no baseline).
pub(super) fn count_for_root(root: &std::path::Path) -> Result<usize> {
    let args = root_args(root);
    let t = target(&args)?;
    Ok(scan_all(&t, &args, None)?.findings.len())
}

/// `baseline create` for `root` (refuses to overwrite an existing baseline).
pub(super) fn create_for_root(root: &std::path::Path) -> Result<ExitStatus> {
    create(BaselineArgs {
        file: root_args(root),
        force: false,
        max_file_size: None,
    })
}

fn root_args(root: &std::path::Path) -> BaselineFileArgs {
    BaselineFileArgs {
        baseline: None,
        config: None,
        root: Some(root.to_path_buf()),
    }
}

/// Scans the whole root with no baseline applied.
fn scan_all(t: &Target, args: &BaselineFileArgs, max_file_size: Option<u64>) -> Result<Outcome> {
    let options = Options {
        config: args.config.clone(),
        baseline: BaselineChoice::Ignore,
        max_file_size,
        ..Options::default()
    };
    let request = FilesRequest {
        paths: vec![t.root.clone()],
        root: Some(t.root.clone()),
        symlinks: Symlinks::Skip,
        ignore_files: IgnoreFiles::Respect,
    };
    let (plan, tree) = plan::files(&options, request)?;
    let progress = super::progress::Progress::new(true);
    let listing = worktree::walk(&tree.walk);
    progress.start_scanning("files", listing.candidates.len() as u64);
    let mut batch = plan.pipeline().run(&listing.candidates, &|| progress.inc());
    drop(progress);
    batch.errors.extend(listing.errors);
    let mut outcome = batch.into_outcome(Scope::Complete);
    outcome.add_cross_file_findings(&plan.rules);
    for e in &outcome.errors {
        super::say_fmt!("error: {}: {}", e.path, e.message);
    }
    if !outcome.errors.is_empty() {
        bail!(
            "{} file(s) could not be scanned; the baseline was not changed",
            outcome.errors.len()
        );
    }
    Ok(outcome)
}

/// Scans the whole root and compares every finding with `b`.
fn scan_and_compare(
    t: &Target,
    args: &BaselineFileArgs,
    b: &Baseline,
) -> Result<baseline::Comparison> {
    let outcome = scan_all(t, args, None)?;
    let file = BaselineFile::with(&t.path, b.clone())?;
    Ok(file.compare(outcome.findings, &Scope::Complete))
}

fn hasher_for(b: &Baseline, path: &std::path::Path) -> Result<SecretHasher> {
    SecretHasher::new(&b.hash).map_err(|m| anyhow!("baseline {}: {m}", path.display()))
}

fn entry_for(f: &Finding, hasher: &SecretHasher) -> Entry {
    Entry {
        rule: f.rule.clone(),
        path: f.path.clone(),
        hash: hasher.hash(f.secret.expose()),
        line: Some(f.location.start.line),
        label: None,
        note: None,
        expires: None,
    }
}

/// `create`: a new baseline of everything found. With `--force` over an existing file, its salt
/// and every entry's label, note, expiry and line hint are kept, so the same tree gives the same
/// bytes.
fn create(a: BaselineArgs) -> Result<ExitStatus> {
    let t = target(&a.file)?;
    let previous = if t.path.exists() {
        if !a.force {
            return Err(baseline::BaselineError::Exists {
                path: t.path.clone(),
            }
            .into());
        }
        Some(Baseline::load(&t.path)?)
    } else {
        None
    };
    let outcome = scan_all(&t, &a.file, a.max_file_size)?;
    let mut b = Baseline::new();
    if let Some(prev) = &previous {
        b.hash = prev.hash.clone();
    }
    let hasher = hasher_for(&b, &t.path)?;
    hasher.prime(outcome.findings.iter().map(|f| f.secret.expose()));
    let old: HashMap<(String, String, String), Entry> = previous
        .map(|p| {
            p.entries
                .into_iter()
                .map(|e| ((e.rule.clone(), e.path.clone(), e.hash.clone()), e))
                .collect()
        })
        .unwrap_or_default();
    for f in &outcome.findings {
        let fresh = entry_for(f, &hasher);
        let key = (fresh.rule.clone(), fresh.path.clone(), fresh.hash.clone());
        b.entries.push(old.get(&key).cloned().unwrap_or(fresh));
    }
    b.normalize();
    b.save(&t.path)?;
    super::say_fmt!(
        "wrote {} with {} entries ({} files scanned)",
        t.path.display(),
        b.entries.len(),
        outcome.stats.scanned
    );
    Ok(ExitStatus::Clean)
}

/// `update`: adds new findings, drops entries that match nothing, follows renamed files.
/// Existing entries keep their line hint, so unrelated edits do not rewrite the file.
fn update(a: BaselineArgs) -> Result<ExitStatus> {
    let t = target(&a.file)?;
    let mut b = if t.path.exists() {
        Baseline::load(&t.path)?
    } else {
        Baseline::new()
    };
    let before = t.path.exists().then(|| b.to_bytes());
    let outcome = scan_all(&t, &a.file, a.max_file_size)?;
    let hasher = hasher_for(&b, &t.path)?;
    let today = baseline::today();
    let cmp = baseline::compare(&b, &hasher, outcome.findings, &Scope::Complete, &today);
    let mut out = std::io::stdout().lock();
    for (ei, new_path) in &cmp.moved {
        let e = &mut b.entries[*ei];
        line(
            &mut out,
            &format!("~ {}  {} -> {}", e.rule, e.path, new_path),
        )?;
        e.path = new_path.clone();
    }
    let mut removed = Vec::new();
    for &ei in &cmp.stale {
        let e = &b.entries[ei];
        line(
            &mut out,
            &format!(
                "- {}  {}{}",
                e.rule,
                e.path,
                e.line.map(|l| format!(":{l}")).unwrap_or_default()
            ),
        )?;
        removed.push(ei);
    }
    let mut keep = vec![true; b.entries.len()];
    for ei in removed {
        keep[ei] = false;
    }
    let mut i = 0;
    b.entries.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    let mut existing: std::collections::HashSet<(String, String, String)> = b
        .entries
        .iter()
        .map(|e| (e.rule.clone(), e.path.clone(), e.hash.clone()))
        .collect();
    let mut added = 0;
    for f in &cmp.new {
        let e = entry_for(f, &hasher);
        // Expired entries stay (check reports them); a second occurrence in one file is one entry.
        if !existing.insert((e.rule.clone(), e.path.clone(), e.hash.clone())) {
            continue;
        }
        line(
            &mut out,
            &format!(
                "+ {}  {}:{}  {}",
                e.rule,
                e.path,
                f.location.start.line,
                f.secret.redacted()
            ),
        )?;
        b.entries.push(e);
        added += 1;
    }
    b.normalize();
    let after = b.to_bytes();
    if before.as_deref() == Some(after.as_slice()) {
        super::say_fmt!(
            "{} is up to date ({} entries)",
            t.path.display(),
            b.entries.len()
        );
    } else {
        b.save(&t.path)?;
        super::say_fmt!(
            "updated {}: {} added, {} removed, {} moved, {} entries",
            t.path.display(),
            added,
            cmp.stale.len(),
            cmp.moved.len(),
            b.entries.len()
        );
    }
    Ok(ExitStatus::Clean)
}

/// `check`: exit 1 if entries are stale (match nothing) or expired, or with `--require-labels`
/// unlabeled.
fn check(a: BaselineCheckArgs) -> Result<ExitStatus> {
    let t = target(&a.file)?;
    if !t.path.exists() {
        bail!(
            "no baseline at {} (create one with `sealant baseline create`)",
            t.path.display()
        );
    }
    let b = Baseline::load(&t.path)?;
    let cmp = scan_and_compare(&t, &a.file, &b)?;
    let mut problems: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for &i in &cmp.stale {
        problems
            .entry(i)
            .or_default()
            .push("stale: matches no finding (secret removed? run `sealant baseline update`)");
    }
    for &i in &cmp.expired {
        problems.entry(i).or_default().push("expired");
    }
    if a.require_labels {
        for (i, e) in b.entries.iter().enumerate() {
            if e.label.is_none() {
                problems
                    .entry(i)
                    .or_default()
                    .push("unlabeled (run `sealant baseline audit`)");
            }
        }
    }
    let mut out = std::io::stdout().lock();
    for (i, why) in &problems {
        let e = &b.entries[*i];
        line(
            &mut out,
            &format!(
                "{}:{}  {}  {}",
                e.path,
                e.line.unwrap_or(0),
                e.rule,
                why.join("; ")
            ),
        )?;
    }
    super::say_fmt!(
        "{} entries, {} stale, {} expired{}",
        b.entries.len(),
        cmp.stale.len(),
        cmp.expired.len(),
        if a.require_labels {
            format!(
                ", {} unlabeled",
                b.entries.iter().filter(|e| e.label.is_none()).count()
            )
        } else {
            String::new()
        }
    );
    Ok(if problems.is_empty() {
        ExitStatus::Clean
    } else {
        ExitStatus::Findings
    })
}

/// `audit`: label each entry interactively. Needs a terminal.
fn audit(a: BaselineFileArgs) -> Result<ExitStatus> {
    if !std::io::stdin().is_terminal() {
        bail!("`sealant baseline audit` is interactive and needs a terminal on standard input (edit labels in the JSON file otherwise)");
    }
    let t = target(&a)?;
    let mut b = Baseline::load(&t.path)?;
    let cmp = scan_and_compare(&t, &a, &b)?;
    let shown: HashMap<usize, &Finding> = cmp
        .matched_entry
        .iter()
        .copied()
        .zip(cmp.baselined.iter())
        .collect();
    let mut order: Vec<usize> = (0..b.entries.len()).collect();
    order.sort_by_key(|&i| (b.entries[i].label.is_some(), i));
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut err = std::io::stderr().lock();
    let mut changed = 0;
    for (n, &i) in order.iter().enumerate() {
        let e = &b.entries[i];
        let current = shown.get(&i).map(|f| {
            format!(
                "{}:{}  {}",
                f.path,
                f.location.start.line,
                f.secret.redacted()
            )
        });
        writeln!(err)?;
        line(
            &mut err,
            &format!(
                "[{}/{}] {}  {}",
                n + 1,
                order.len(),
                e.rule,
                current.unwrap_or_else(|| format!("{} (not found now: stale)", e.path))
            ),
        )?;
        line(
            &mut err,
            &format!(
                "    label: {}{}",
                e.label.map(label_name).unwrap_or("none"),
                e.note
                    .as_ref()
                    .map(|n| format!("  note: {n}"))
                    .unwrap_or_default()
            ),
        )?;
        write!(
            err,
            "    (f)alse positive, (a)ccepted, (r)otated, (s)kip, (q)uit > "
        )?;
        err.flush()?;
        let Some(Ok(answer)) = lines.next() else {
            break;
        };
        let label = match answer.trim() {
            "f" => Some(Label::FalsePositive),
            "a" => Some(Label::Accepted),
            "r" => Some(Label::Rotated),
            "q" => break,
            _ => None,
        };
        if let Some(label) = label {
            write!(err, "    note (enter to keep): ")?;
            err.flush()?;
            let note = lines.next().and_then(|l| l.ok()).unwrap_or_default();
            let e = &mut b.entries[i];
            e.label = Some(label);
            if !note.trim().is_empty() {
                e.note = Some(note.trim().to_string());
            }
            changed += 1;
        }
    }
    if changed > 0 {
        b.save(&t.path)?;
    }
    writeln!(err)?;
    line(
        &mut err,
        &format!("sealant: labeled {changed} entries in {}", t.path.display()),
    )?;
    Ok(ExitStatus::Clean)
}

/// Writes one line with control characters escaped (paths come from the tree).
fn line(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    writeln!(out, "{}", crate::terminal::printable(text))
}

fn label_name(l: Label) -> &'static str {
    match l {
        Label::FalsePositive => "false-positive",
        Label::Accepted => "accepted",
        Label::Rotated => "rotated",
    }
}

/// `import`: turns a detect-secrets baseline or a gitleaks report / `.gitleaksignore` into
/// entries by scanning the tree and matching findings to the foreign records. Foreign records
/// that match no finding are counted and reported.
fn import(a: BaselineImportArgs) -> Result<ExitStatus> {
    let t = target(&a.file)?;
    let text = std::fs::read_to_string(&a.input)
        .with_context(|| format!("cannot read {}", a.input.display()))?;
    let mut b = if t.path.exists() {
        if !a.force {
            return Err(baseline::BaselineError::Exists {
                path: t.path.clone(),
            }
            .into());
        }
        Baseline::load(&t.path)?
    } else {
        Baseline::new()
    };
    let records = match a.from {
        ImportFormat::DetectSecrets => crate::import::detect_secrets(&text),
        ImportFormat::Gitleaks => crate::import::gitleaks(&text),
    }
    .map_err(|m| anyhow!("{}: {m}", a.input.display()))?;
    if records.is_empty() {
        bail!(
            "{}: no records to import; the baseline was not written",
            a.input.display()
        );
    }
    let outcome = scan_all(&t, &a.file, None)?;
    let hasher = hasher_for(&b, &t.path)?;
    let (matched, unmatched) = crate::import::match_records(&records, &outcome.findings);
    let mut added = 0;
    for (fi, rec) in matched {
        let f = &outcome.findings[fi];
        let mut e = entry_for(f, &hasher);
        if b.entries
            .iter()
            .any(|x| x.rule == e.rule && x.path == e.path && x.hash == e.hash)
        {
            continue;
        }
        e.label = rec.label;
        e.note = Some(rec.note.clone());
        b.entries.push(e);
        added += 1;
    }
    for r in &unmatched {
        super::say_fmt!(
            "not imported (no matching finding now): {}:{}",
            r.path,
            r.line.unwrap_or(0)
        );
    }
    if added == 0 {
        bail!(
            "none of the {} records matches a current finding; {} was not written",
            records.len(),
            t.path.display()
        );
    }
    b.normalize();
    b.save(&t.path)?;
    super::say_fmt!(
        "imported {added} entries into {} ({} records matched nothing)",
        t.path.display(),
        unmatched.len()
    );
    Ok(ExitStatus::Clean)
}

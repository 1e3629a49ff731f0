//! Command-line types (clap derive). No I/O here: `cmd` turns these into plan requests and runs
//! them; only `main` and `cmd` use this module.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// sealant: find secrets before they are committed, in CI ranges and in full history.
///
/// Exit codes: 0 no new findings, 1 new findings, 2 usage, config or I/O error
/// (the scan could not show the content is clean).
#[derive(Debug, Parser)]
#[command(
    name = "sealant",
    version,
    about,
    long_about,
    propagate_version = true,
    after_help = EXAMPLES,
    after_long_help = EXAMPLES
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The examples `sealant --help` ends with: one per way sealant is used.
pub const EXAMPLES: &str = "\
Examples:
  Pre-commit gate (install the hook once; it runs `sealant staged`):
    sealant install
    sealant staged

  CI: the commits a branch adds, as SARIF for code scanning:
    sealant history origin/main..HEAD --format sarif -o sealant.sarif

  Audit every commit reachable from any ref:
    sealant history --all

  The same audit as one HTML page to read or share (secrets redacted):
    sealant history --all --format html -o audit.html

  Accept today's findings and gate only new ones:
    sealant baseline update";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders (default: the current directory); `-` reads standard input.
    Scan(ScanArgs),
    /// Pre-commit gate: scan what `git commit` would record (the index against HEAD).
    Staged(GitArgs),
    /// Scan what commits introduced: `origin/main..HEAD` for CI, `--all` for an audit.
    History(HistoryArgs),
    /// git pre-push hook: scan the commits being pushed (reads git's pre-push lines on stdin).
    PrePush(PrePushArgs),
    /// Server-side pre-receive hook: scan pushed commits (reads `<old> <new> <ref>` on stdin).
    PreReceive(GitArgs),
    /// Set a repository up: a commented .sealant.toml, a baseline of what is there now, the
    /// pre-commit hook, and a .gitignore check. Never overwrites; a second run changes nothing.
    Init(InitArgs),
    /// Install a git pre-commit hook that runs `sealant staged`.
    Install(InstallArgs),
    /// List built-in and configured rules, or check rules' examples.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Manage the baseline of accepted findings (.sealant-baseline.json).
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Validate .sealant.toml and show the settings it gives.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script to standard output.
    Completions(CompletionsArgs),
    /// Print the sealant(1) man page (roff) to standard output, or write every page to a folder.
    Man(ManArgs),
}

/// `sealant man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write sealant.1 and a page per subcommand (sealant-history.1, sealant-baseline-update.1,
    /// ...) into DIR instead, creating it.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `sealant config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the config and print the effective rules, allowlist and scan settings (exit 2
    /// on a bad config, or one that would scan nothing).
    Check {
        /// Config file (default: .sealant.toml at the repository root or the current directory).
        #[arg(long, short = 'c', value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// `sealant completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options shared by every scanning command.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print secrets in full (default: redacted to a short prefix/suffix).
    #[arg(long)]
    pub show_secrets: bool,
    /// Config file (default: .sealant.toml at the repository or scan root).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Baseline file (default: .sealant-baseline.json at the repository or scan root).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Ignore the baseline: report every finding.
    #[arg(long)]
    pub no_baseline: bool,
    /// Ignore inline `sealant:allow` comments (only the baseline and config suppress).
    #[arg(long)]
    pub no_inline_allow: bool,
    /// Skip files larger than SIZE, listing them (suffixes K, M, G; default: scan every file,
    /// streaming large ones).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Report findings of at least this confidence (default: medium; low adds generic
    /// assignments in documentation, tests and examples).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<ConfidenceArg>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Colour for the text report.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Group the text report by file, a heading per file (default on a terminal).
    #[arg(long, overrides_with = "no_heading")]
    pub heading: bool,
    /// One `path:line:col` line per finding (default when piped or written to a file).
    #[arg(long, overrides_with = "heading")]
    pub no_heading: bool,
    /// No summary or progress on stderr.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print how long each phase took (config and rules, listing, scanning, baseline, report).
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// `sealant scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` for standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Follow symbolic links (loops are detected).
    #[arg(long, short = 'L')]
    pub follow_symlinks: bool,
    /// Scan files that .gitignore/.ignore exclude too (e.g. an unpacked archive or a build dir).
    #[arg(long)]
    pub no_ignore: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Commands that operate on a repository.
#[derive(Debug, Args)]
pub struct GitArgs {
    /// Repository (default: discovered from the current directory).
    #[arg(long, short = 'C', value_name = "DIR")]
    pub repo: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `sealant history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Revisions: `A..B` ranges, `^A` exclusions, or tips (default: HEAD).
    #[arg(value_name = "REVSPEC")]
    pub revs: Vec<String>,
    /// Every commit reachable from any ref (branches, tags, remotes, stash).
    #[arg(long, conflicts_with = "revs")]
    pub all: bool,
    /// Scan commit messages too (a token pasted into a message is as leaked as one in a file).
    #[arg(long)]
    pub include_messages: bool,
    /// Read .sealant.toml and the baseline from REV's tree (e.g. `origin/main`), not the work
    /// tree: the branch being judged cannot switch the gate off.
    #[arg(long, value_name = "REV", conflicts_with_all = ["config", "baseline"])]
    pub config_rev: Option<String>,
    #[command(flatten)]
    pub cache: CacheArgs,
    #[command(flatten)]
    pub git: GitArgs,
}

/// The incremental-audit cache of `history` and `pre-push`.
#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Keep the cache of blobs found clean in DIR instead of <git dir>/sealant/cache. Only
    /// clean blob ids are stored, keyed by the sealant build, rules and config; blobs with
    /// findings are rescanned every run, so the report is the same as without the cache.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Neither read nor write the cache: scan every blob.
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,
}

/// `sealant pre-push`.
#[derive(Debug, Args)]
pub struct PrePushArgs {
    /// Remote name, as git passes it.
    pub remote: Option<String>,
    /// Remote URL, as git passes it.
    pub url: Option<String>,
    /// Read .sealant.toml and the baseline from REV's tree (e.g. `origin/main`), not the work
    /// tree.
    #[arg(long, value_name = "REV", conflicts_with_all = ["config", "baseline"])]
    pub config_rev: Option<String>,
    #[command(flatten)]
    pub cache: CacheArgs,
    #[command(flatten)]
    pub git: GitArgs,
}

/// `sealant install`.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Replace an existing pre-commit hook.
    #[arg(long)]
    pub force: bool,
    /// Repository (default: discovered from the current directory).
    #[arg(long, short = 'C', value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

/// `sealant init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Accept every current finding into the new baseline without asking (for scripts).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Append the missing secret patterns (.env, .env.*, *.pem, *.key, ...) to .gitignore.
    #[arg(long)]
    pub fix_gitignore: bool,
    /// Repository (default: discovered from the current directory).
    #[arg(long, short = 'C', value_name = "DIR")]
    pub repo: Option<PathBuf>,
}

/// `sealant rules ...`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the effective rules (built-in minus disabled, plus custom).
    List {
        /// Config file.
        #[arg(long, short = 'c', value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Run rules' examples and negative examples (built-in rules, or those in FILE).
    Check {
        /// A rules file or a .sealant.toml with [[rule]] tables.
        file: Option<PathBuf>,
    },
}

/// `sealant baseline ...`.
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan and write a new baseline (refuses to overwrite without --force).
    Create(BaselineArgs),
    /// Add new findings, drop entries that match nothing; prints the changes.
    Update(BaselineArgs),
    /// Exit 1 if entries are stale or expired (or unlabeled, with --require-labels).
    Check(BaselineCheckArgs),
    /// Review entries on a terminal and label each one.
    Audit(BaselineFileArgs),
    /// Import a detect-secrets baseline or a gitleaks report / .gitleaksignore.
    Import(BaselineImportArgs),
}

/// Where the baseline lives.
#[derive(Debug, Args, Clone)]
pub struct BaselineFileArgs {
    /// Baseline file (default: .sealant-baseline.json at the repository or scan root).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Config file.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Folder to scan (default: the repository root, or the current directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// `baseline create` / `update`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub file: BaselineFileArgs,
    /// Overwrite an existing baseline (keeps its salt and labels).
    #[arg(long)]
    pub force: bool,
    /// Skip files larger than SIZE, listing them (default: scan every file).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
}

/// `baseline check`.
#[derive(Debug, Args)]
pub struct BaselineCheckArgs {
    #[command(flatten)]
    pub file: BaselineFileArgs,
    /// Unlabeled entries fail the check too.
    #[arg(long)]
    pub require_labels: bool,
}

/// `baseline import`.
#[derive(Debug, Args)]
pub struct BaselineImportArgs {
    #[command(flatten)]
    pub file: BaselineFileArgs,
    /// Format of the input.
    #[arg(long, value_enum)]
    pub from: ImportFormat,
    /// The file to import.
    pub input: PathBuf,
    /// Overwrite an existing baseline (entries are merged into it).
    #[arg(long)]
    pub force: bool,
}

/// Foreign baseline formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    /// detect-secrets `.secrets.baseline`.
    DetectSecrets,
    /// gitleaks JSON report or `.gitleaksignore`.
    Gitleaks,
}

/// `--format`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    /// Human-readable.
    Text,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and GitLab (rules with help, CWE-798 and severity).
    Sarif,
    /// JUnit XML, for Jenkins and GitLab test reports (one failed test case per finding).
    Junit,
    /// GitLab secret-detection report (schema 15.x), for `artifacts: reports: secret_detection`.
    Gitlab,
    /// GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding.
    Github,
    /// CSV (RFC 4180) with a header row, one row per finding.
    Csv,
    /// A self-contained HTML audit page (summary by rule and path, sortable and filterable
    /// table, timeline); nothing external loads, secrets redacted.
    Html,
}

/// `--min-confidence`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ConfidenceArg {
    /// Everything.
    Low,
    /// Provider-shaped tokens and secret-named assignments with real values (default).
    Medium,
    /// Only tokens whose structure checks out.
    High,
}

/// `--color`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorArg {
    /// Colour on a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Parses `25M`, `512K`, `1G`, `1000`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.chars().last() {
        Some('k' | 'K') => (&s[..s.len() - 1], 1024),
        Some('m' | 'M') => (&s[..s.len() - 1], 1024 * 1024),
        Some('g' | 'G') => (&s[..s.len() - 1], 1024 * 1024 * 1024),
        _ => (s, 1),
    };
    match num.parse::<u64>().ok().and_then(|n| n.checked_mul(mult)) {
        Some(0) => Err(
            "the size limit must be at least 1 byte (leave the flag out to scan every file)".into(),
        ),
        Some(n) => Ok(n),
        None => Err(format!(
            "`{s}` is not a size (examples: 1048576, 512K, 25M)"
        )),
    }
}

//! The staging step between the command line and the pipeline. Plain [`Options`] (no clap types)
//! plus a source request become a [`Plan`] — root found, config loaded, rules and allowlists
//! compiled, baseline loaded with its hasher, thread pool built — and a resolved source: a
//! [`WorkTree`] to walk, a staged repository, or a [`HistorySource`] with its commits selected.
//!
//! Every fatal problem surfaces here, before anything is scanned: a config that does not parse, a
//! custom rule or allowlist regex that does not compile (named), a malformed baseline, a path that
//! does not exist, a revision that does not resolve, a thread count that cannot be started.
//! Nothing after this step parses or guesses.

use crate::allow::Allowlist;
use crate::baseline::{
    Baseline, BaselineError, BaselineFile, Comparison, Scope, BASELINE_FILE_NAME,
};
use crate::cache::CacheKey;
use crate::config::{Config, ConfigError, ScanSettings, CONFIG_FILE_NAME};
use crate::finding::{Confidence, Finding, FingerprintKey};
use crate::git::{self, GitError, HookRepo};
use crate::matcher::{InlineAllow, RuleSet};
use crate::phases::Phases;
use crate::report::{
    Color, ColorChoice, Format, Layout, LayoutChoice, ReportOptions, SecretDisplay,
};
use crate::scan::Pipeline;
use crate::source::commits::{self, Selected};
use crate::source::worktree::{IgnoreFiles, Symlinks, WalkOptions};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;
use thiserror::Error;

/// A problem that stops a command before it scans.
#[derive(Debug, Error)]
pub enum PlanError {
    /// The config file, or a rule or allowlist in it.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The baseline file.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// The repository, a revision or hook input.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The keyword automaton failed to build.
    #[error("cannot compile rule keywords: {0}")]
    Keywords(String),
    /// The thread pool could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why.
        message: String,
    },
    /// A path or argument that cannot be used.
    #[error("{0}")]
    Usage(String),
}

/// Files only sealant writes or reads as data: never scanned. Our config may hold custom rules'
/// examples; our baseline and detect-secrets' hold only hashes.
pub const SCANNER_FILES: [&str; 3] = [CONFIG_FILE_NAME, BASELINE_FILE_NAME, ".secrets.baseline"];

/// At most this many worker threads per core: more only adds contention (and `-j 100000` must
/// not try to start 100,000 threads).
pub const MAX_THREADS_PER_CORE: usize = 4;

/// Which baseline applies.
#[derive(Debug, Clone)]
pub enum BaselineChoice {
    /// `.sealant-baseline.json` at the root, if it exists.
    Discover,
    /// This file (it must exist).
    File(PathBuf),
    /// None: every finding is new.
    Ignore,
}

/// How the report should look, as asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// Format.
    pub format: Format,
    /// File, or standard output.
    pub output: Option<PathBuf>,
    /// Secret display.
    pub secrets: SecretDisplay,
    /// Colour.
    pub color: ColorChoice,
    /// Text layout.
    pub layout: LayoutChoice,
    /// No summary or progress on stderr.
    pub quiet: bool,
    /// Timing per phase on stderr.
    pub verbose: bool,
}

impl Default for ReportRequest {
    fn default() -> Self {
        ReportRequest {
            format: Format::Text,
            output: None,
            secrets: SecretDisplay::Redacted,
            color: ColorChoice::Never,
            layout: LayoutChoice::Flat,
            quiet: true,
            verbose: false,
        }
    }
}

/// What every scanning command is asked, besides its source.
#[derive(Debug, Clone)]
pub struct Options {
    /// Config file (default: `.sealant.toml` at the root).
    pub config: Option<PathBuf>,
    /// Baseline.
    pub baseline: BaselineChoice,
    /// Overrides the config's inline-allow setting.
    pub inline_allow: Option<InlineAllow>,
    /// Overrides the config's size limit.
    pub max_file_size: Option<u64>,
    /// Overrides the config's minimum confidence.
    pub min_confidence: Option<Confidence>,
    /// Worker threads (`None` or 0: all cores).
    pub threads: Option<usize>,
    /// Read `.sealant.toml` and the baseline from this revision's tree instead of the work tree
    /// (git modes: a CI gate judging a branch takes its settings from the base branch).
    pub config_rev: Option<String>,
    /// Report.
    pub report: ReportRequest,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            config: None,
            baseline: BaselineChoice::Discover,
            inline_allow: None,
            max_file_size: None,
            min_confidence: None,
            threads: None,
            config_rev: None,
            report: ReportRequest::default(),
        }
    }
}

/// Where the config and the baseline come from.
enum Settings {
    /// Files at the root (or named by `--config` / `--baseline`).
    Files,
    /// Read from a revision's tree (`--config-rev`), already parsed.
    FromRevision {
        config: Box<Config>,
        baseline: Option<Box<BaselineFile>>,
    },
}

/// Everything a command needs besides its source, resolved.
pub struct Plan {
    /// Root that paths are relative to, and where config and baseline are looked up.
    pub root: PathBuf,
    /// Compiled rules and global allowlist.
    pub rules: RuleSet,
    /// Settings after command-line overrides.
    pub settings: ScanSettings,
    /// The incremental-audit cache's key: this build with these rules and settings.
    pub cache_key: CacheKey,
    /// The baseline, if one applies.
    pub baseline: Option<BaselineFile>,
    /// Report options, resolved.
    pub report: ReportOptions,
    /// Worker threads.
    pub threads: usize,
    /// The one thread pool every parallel step runs on.
    pub pool: rayon::ThreadPool,
    /// Notes for the summary line (a clamped thread count).
    pub notes: Vec<String>,
    /// When planning started (the summary's elapsed time).
    pub started: Instant,
    /// Time per phase (`--verbose`); planning itself is the first, `rules`.
    pub phases: Phases,
}

impl Plan {
    fn resolve(
        options: &Options,
        root: PathBuf,
        started: Instant,
        settings: Settings,
    ) -> Result<Plan, PlanError> {
        let (threads, note) = thread_count(options.threads);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("sealant-{i}"))
            .build()
            .map_err(|e| PlanError::Threads {
                threads,
                message: e.to_string(),
            })?;
        let (config, baseline) = match settings {
            Settings::Files => {
                let config = match &options.config {
                    Some(p) => Config::load(p)?,
                    None => Config::discover(&root)?,
                };
                let baseline = match &options.baseline {
                    BaselineChoice::Ignore => None,
                    BaselineChoice::File(p) => Some(BaselineFile::open(p)?),
                    BaselineChoice::Discover => {
                        let p = root.join(BASELINE_FILE_NAME);
                        if p.is_file() {
                            Some(BaselineFile::open(&p)?)
                        } else {
                            None
                        }
                    }
                };
                (config, baseline)
            }
            Settings::FromRevision { config, baseline } => (*config, baseline.map(|b| *b)),
        };
        let mut settings = config.settings();
        if let Some(max) = options.max_file_size {
            settings.max_file_size = Some(max);
        }
        if settings.max_file_size == Some(0) {
            return Err(PlanError::Usage(
                "max_file_size must be at least 1 byte (leave it out to scan every file)".into(),
            ));
        }
        if let Some(inline) = options.inline_allow {
            settings.inline_allow = inline;
        }
        if let Some(min) = options.min_confidence {
            settings.min_confidence = min;
        }
        let cache_key = CacheKey::new(&config.file, &settings);
        let key = fingerprint_key(&root, &options.baseline, baseline.as_ref());
        let rules = compile_rules(&config, settings.inline_allow)?.with_fingerprint_key(key);
        Ok(Plan {
            root,
            rules,
            settings,
            cache_key,
            baseline,
            report: report_options(&options.report),
            threads,
            pool,
            notes: note.into_iter().collect(),
            started,
            phases: {
                let phases = Phases::new(started);
                phases.mark("rules");
                phases
            },
        })
    }

    /// The scan pipeline over this plan's rules, size limit and pool.
    pub fn pipeline(&self) -> Pipeline<'_> {
        Pipeline::new(&self.rules, self.settings.max_file_size, &self.pool)
            .with_min_confidence(self.settings.min_confidence)
    }

    /// Compares findings with the baseline (all are new without one).
    pub fn compare(&self, findings: Vec<Finding>, scope: &Scope) -> Comparison {
        match &self.baseline {
            None => Comparison {
                new: findings,
                ..Default::default()
            },
            Some(b) => self.pool.install(|| b.compare(findings, scope)),
        }
    }
}

/// The environment variable that sets the fingerprint key (any non-empty string).
pub const FINGERPRINT_KEY_VAR: &str = "SEALANT_FINGERPRINT_KEY";

/// The key for findings' fingerprints: [`FINGERPRINT_KEY_VAR`] if set; else derived from the
/// baseline's salt (the baseline in use, or the root's baseline file even when `--no-baseline`
/// ignores it), so fingerprints are stable in a repository with a baseline and useless to
/// whoever holds only the report; else, as a last resort, derived from the root's absolute path:
/// stable for one checkout, but guessable (README: set the variable in CI).
fn fingerprint_key(
    root: &Path,
    choice: &BaselineChoice,
    in_use: Option<&BaselineFile>,
) -> FingerprintKey {
    if let Some(v) = std::env::var_os(FINGERPRINT_KEY_VAR).filter(|v| !v.is_empty()) {
        return FingerprintKey::new(v.as_encoded_bytes());
    }
    let salt = match (in_use, choice) {
        (Some(b), _) => Some(b.baseline.hash.salt.clone()),
        (None, BaselineChoice::Ignore) => Baseline::load(&root.join(BASELINE_FILE_NAME))
            .ok()
            .map(|b| b.hash.salt),
        (None, _) => None,
    };
    match salt {
        Some(salt) => FingerprintKey::new(format!("sealant-fingerprint-key\0salt\0{salt}")),
        None => FingerprintKey::new(format!("sealant-fingerprint-key\0root\0{}", root.display())),
    }
}

/// The thread count for `-j`: 0 or none = all cores; at most [`MAX_THREADS_PER_CORE`] per core
/// (more is clamped, with a note).
fn thread_count(requested: Option<usize>) -> (usize, Option<String>) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let limit = cores * MAX_THREADS_PER_CORE;
    match requested {
        None | Some(0) => (cores, None),
        Some(n) if n > limit => (
            limit,
            Some(format!(
                "-j {n} clamped to {limit} threads ({MAX_THREADS_PER_CORE} per core on {cores} core{})",
                if cores == 1 { "" } else { "s" }
            )),
        ),
        Some(n) => (n, None),
    }
}

/// The effective rules with the global allowlist (plus [`SCANNER_FILES`]), compiled. A custom
/// rule or allowlist regex that does not compile is an error naming it.
pub(crate) fn compile_rules(config: &Config, inline: InlineAllow) -> Result<RuleSet, PlanError> {
    let mut spec = config.file.allowlist.clone();
    spec.paths.extend(SCANNER_FILES.map(String::from));
    let allow_error = |source| ConfigError::Allow {
        path: config.display_path(),
        source,
    };
    let global = Allowlist::from_spec(&spec).map_err(allow_error)?;
    global.compile_now().map_err(allow_error)?;
    RuleSet::new(config.rules()?, global, inline).map_err(|e| PlanError::Keywords(e.to_string()))
}

fn report_options(r: &ReportRequest) -> ReportOptions {
    let color = match r.color {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto => {
            if r.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            {
                Color::Always
            } else {
                Color::Never
            }
        }
    };
    let layout = match r.layout {
        LayoutChoice::Grouped => Layout::Grouped,
        LayoutChoice::Flat => Layout::Flat,
        LayoutChoice::Auto if r.output.is_none() && std::io::stdout().is_terminal() => {
            Layout::Grouped
        }
        LayoutChoice::Auto => Layout::Flat,
    };
    ReportOptions {
        format: r.format,
        output: r.output.clone(),
        secrets: r.secrets,
        color,
        layout,
        quiet: r.quiet,
        verbose: r.verbose,
    }
}

/// The folder paths are reported relative to (and `.sealant.toml` and the baseline are looked
/// up in): the enclosing git work tree; outside git, the current directory when `start` is under
/// it, else `start` itself (or its folder).
pub fn project_root(start: &Path) -> PathBuf {
    let abs = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let start_dir = if abs.is_dir() {
        abs.clone()
    } else {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone())
    };
    let mut dir = start_dir.clone();
    loop {
        if dir.join(".git").exists() {
            return dir;
        }
        if !dir.pop() {
            break;
        }
    }
    match std::env::current_dir() {
        Ok(cwd) if start_dir.starts_with(&cwd) => cwd,
        _ => start_dir,
    }
}

fn current_dir() -> Result<PathBuf, PlanError> {
    std::env::current_dir()
        .map_err(|_| PlanError::Usage("cannot determine the current directory".into()))
}

/// Files and folders to scan.
#[derive(Debug, Clone)]
pub struct FilesRequest {
    /// Files or folders (empty: the current directory).
    pub paths: Vec<PathBuf>,
    /// The root, when the caller names it (baseline commands); else found from the first path.
    pub root: Option<PathBuf>,
    /// Whether symbolic links are followed.
    pub symlinks: Symlinks,
    /// Whether ignore files apply.
    pub ignore_files: IgnoreFiles,
}

/// How much of the root a work-tree scan covers: decides whether baseline entries can be stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// The root itself: every file under it.
    WholeRoot,
    /// Named files or folders under it.
    Part,
}

/// A resolved work-tree source.
#[derive(Debug, Clone)]
pub struct WorkTree {
    /// What to walk.
    pub walk: WalkOptions,
    /// How much of the root that is.
    pub extent: Extent,
}

/// Plans a scan of files and folders. `Err` if a path does not exist.
pub fn files(options: &Options, req: FilesRequest) -> Result<(Plan, WorkTree), PlanError> {
    let started = Instant::now();
    let paths = if req.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        req.paths
    };
    let root = match req.root {
        Some(r) => {
            let r = std::path::absolute(&r)
                .map_err(|_| PlanError::Usage(format!("{}: invalid root", r.display())))?;
            if !r.is_dir() {
                return Err(PlanError::Usage(format!(
                    "{}: not a directory",
                    r.display()
                )));
            }
            r
        }
        None => project_root(&paths[0]),
    };
    let plan = Plan::resolve(options, root.clone(), started, Settings::Files)?;
    for p in &paths {
        let meta = match req.symlinks {
            Symlinks::Follow => std::fs::metadata(p),
            Symlinks::Skip => std::fs::symlink_metadata(p),
        };
        let kind = meta
            .map(|m| m.file_type())
            .map_err(|_| PlanError::Usage(format!("{}: no such file or directory", p.display())))?;
        if !(kind.is_file() || kind.is_dir() || kind.is_symlink()) {
            // Reading a FIFO blocks, /dev/zero never ends: neither can be shown clean.
            return Err(PlanError::Usage(format!(
                "{}: not a regular file or directory (a FIFO, socket or device); pipe it to `sealant scan -` instead",
                p.display()
            )));
        }
    }
    let absolute = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
    let extent = if paths.len() == 1 && absolute(&paths[0]) == absolute(&root) {
        Extent::WholeRoot
    } else {
        Extent::Part
    };
    let walk = WalkOptions {
        roots: paths.iter().map(absolute).collect(),
        base: root,
        symlinks: req.symlinks,
        ignore_files: req.ignore_files,
        threads: plan.threads,
    };
    Ok((plan, WorkTree { walk, extent }))
}

/// Plans a scan of standard input (rooted at the current directory's project).
pub fn stdin(options: &Options) -> Result<Plan, PlanError> {
    let started = Instant::now();
    Plan::resolve(
        options,
        project_root(&current_dir()?),
        started,
        Settings::Files,
    )
}

/// Plans a scan of a repository's staged change (`dir`: `-C`, else discovered).
pub fn staged(options: &Options, dir: Option<&Path>) -> Result<(Plan, gix::Repository), PlanError> {
    let started = Instant::now();
    let repo = git::open(dir)?;
    let settings = settings_for_repo(options, &repo)?;
    let plan = Plan::resolve(options, git::root(&repo), started, settings)?;
    Ok((plan, repo))
}

/// Which commits a history scan covers, as asked for.
#[derive(Debug, Clone)]
pub enum Commits {
    /// Every commit reachable from any ref (`--all`).
    All,
    /// Revspecs (empty: `HEAD`).
    Revspecs(Vec<String>),
    /// git's pre-push input, and the remote's name as git passed it.
    PrePush {
        /// The hook's standard input.
        input: String,
        /// Remote name.
        remote: Option<String>,
    },
    /// git's pre-receive input.
    PreReceive {
        /// The hook's standard input.
        input: String,
    },
}

/// Whether history findings say if the secret is still at `HEAD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceCheck {
    /// Yes (`history`: an audit wants to know what is still in the tree).
    Report,
    /// No (push hooks judge the pushed commits only).
    Skip,
}

/// A resolved history source.
pub struct HistorySource {
    /// The repository, with git's object-directory environment applied.
    pub repo: HookRepo,
    /// The commits, and notes about them.
    pub selected: Selected,
    /// Whether findings get `presence`.
    pub presence: PresenceCheck,
}

/// Plans a history scan (`dir`: `-C`, else discovered, honouring `GIT_DIR`). `Err` names a
/// revision, ref or hook line that does not resolve.
pub fn history(
    options: &Options,
    dir: Option<&Path>,
    commits: Commits,
) -> Result<(Plan, HistorySource), PlanError> {
    let started = Instant::now();
    let hook_repo = git::open_with_object_env(dir)?;
    let repo = &hook_repo.repo;
    let settings = settings_for_repo(options, repo)?;
    let plan = Plan::resolve(options, git::root(repo), started, settings)?;
    let (selected, presence) = match &commits {
        Commits::All => (commits::all(repo)?, PresenceCheck::Report),
        Commits::Revspecs(revs) => (commits::revspecs(repo, revs)?, PresenceCheck::Report),
        Commits::PrePush { input, remote } => (
            commits::pre_push(repo, input, remote.as_deref())?,
            PresenceCheck::Skip,
        ),
        Commits::PreReceive { input } => (commits::pre_receive(repo, input)?, PresenceCheck::Skip),
    };
    Ok((
        plan,
        HistorySource {
            repo: hook_repo,
            selected,
            presence,
        },
    ))
}

/// The settings of a git-mode plan: files, or with `--config-rev` the revision's tree.
fn settings_for_repo(options: &Options, repo: &gix::Repository) -> Result<Settings, PlanError> {
    let Some(rev) = &options.config_rev else {
        return Ok(Settings::Files);
    };
    let files = git::files_at_revision(repo, rev, &[CONFIG_FILE_NAME, BASELINE_FILE_NAME])?;
    let origin = |name: &str| PathBuf::from(format!("{rev}:{name}"));
    let text = |bytes: Vec<u8>, name: &str| {
        String::from_utf8(bytes)
            .map_err(|_| PlanError::Usage(format!("{}: not UTF-8", origin(name).display())))
    };
    let mut files = files.into_iter();
    let config = match files.next().flatten() {
        Some(bytes) => Config::parse(&text(bytes, CONFIG_FILE_NAME)?, &origin(CONFIG_FILE_NAME))?,
        None => Config::default(),
    };
    let baseline = match (files.next().flatten(), &options.baseline) {
        (_, BaselineChoice::Ignore) | (None, _) => None,
        (Some(bytes), _) => {
            let path = origin(BASELINE_FILE_NAME);
            let parsed = Baseline::parse(&text(bytes, BASELINE_FILE_NAME)?, &path)?;
            Some(Box::new(BaselineFile::with(&path, parsed)?))
        }
    };
    Ok(Settings::FromRevision {
        config: Box::new(config),
        baseline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_are_bounded() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(thread_count(None), (cores, None));
        assert_eq!(thread_count(Some(0)), (cores, None));
        assert_eq!(thread_count(Some(1)), (1, None));
        let (n, note) = thread_count(Some(100_000));
        assert_eq!(n, cores * MAX_THREADS_PER_CORE);
        assert!(note.expect("a note").contains("-j 100000 clamped"));
    }
}

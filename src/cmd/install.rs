//! `sealant install`: writes a pre-commit hook running `sealant staged` into the hooks folder git
//! uses (`core.hooksPath`, or the common git dir's `hooks/`, so linked worktrees share it). Never
//! replaces an existing hook unless asked.

use crate::cli::InstallArgs;
use crate::error::one_line;
use crate::exit::ExitStatus;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// Where git looks for the pre-commit hook of the repository at (or above) `dir`.
pub(super) fn pre_commit_hook(dir: Option<&std::path::Path>) -> Result<PathBuf> {
    let repo = crate::git::open(dir)?;
    Ok(hooks_dir(&repo)?.join("pre-commit"))
}

/// Runs `sealant install`.
pub(super) fn run(args: InstallArgs) -> Result<ExitStatus> {
    let repo = crate::git::open(args.repo.as_deref())?;
    let hooks_dir = hooks_dir(&repo)?;
    let hook = hooks_dir.join("pre-commit");
    if hook.exists() && !args.force {
        bail!(
            "{} already exists; not replacing it (run `sealant install --force` to replace it, or call `sealant staged` from it)",
            hook.display()
        );
    }
    std::fs::create_dir_all(&hooks_dir)
        .with_context(|| format!("cannot create {}", hooks_dir.display()))?;
    let exe = std::env::current_exe().context("cannot locate the sealant binary")?;
    let script = hook_script(&exe.to_string_lossy());
    crate::baseline::write_atomically(&hook, script.as_bytes())
        .with_context(|| format!("cannot write {}", hook.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", hook.display()))?;
    }
    super::say_fmt!("installed {}", hook.display());
    Ok(ExitStatus::Clean)
}

/// The hook script: runs the binary that installed it, or `sealant` on PATH if that binary has
/// moved.
fn hook_script(exe: &str) -> String {
    let quoted = format!("'{}'", exe.replace('\'', r"'\''"));
    format!(
        "#!/bin/sh\n# Installed by `sealant install`: blocks commits that add secrets.\n\
         # Bypass once (not recommended): git commit --no-verify\n\
         sealant={quoted}\n\
         if [ -x \"$sealant\" ]; then exec \"$sealant\" staged; fi\n\
         exec sealant staged\n"
    )
}

fn hooks_dir(repo: &gix::Repository) -> Result<PathBuf> {
    let configured = repo
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .map_err(|e| anyhow::anyhow!("invalid core.hooksPath: {}", one_line(&e.to_string())))?;
    if let Some(p) = configured {
        if p.is_absolute() {
            return Ok(p);
        }
        // Relative hooksPath is relative to the work tree root (githooks(5)).
        return Ok(crate::git::root(repo).join(p));
    }
    Ok(repo.common_dir().join("hooks"))
}

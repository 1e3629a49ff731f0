//! The ready-made CI integrations, run locally: the GitHub Action's (`action.yml`) shell steps and
//! the GitLab template's (`ci/sealant.gitlab-ci.yml`) script, on a real repository whose branch
//! adds a secret on top of `origin/main`. The YAML is read with PyYAML (installed with pre-commit
//! by scripts/test.sh); the install steps are only syntax-checked (they build sealant from
//! source, which the test suite has just done).

use crate::util::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A YAML file as JSON, through PyYAML; `None` (outside CI) when PyYAML is missing.
fn yaml(path: &Path) -> Option<serde_json::Value> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        assert!(
            std::env::var_os("CI").is_none(),
            "PyYAML is missing under CI: {}",
            stderr(&out)
        );
        eprintln!("note: PyYAML not installed; skipping");
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).expect("PyYAML prints JSON"))
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A client repository with `origin/main` (clean) and a branch `feature` adding `change`.
fn branch_with(change: Option<String>) -> (TestRepo, TestRepo) {
    let server = TestRepo::new_bare();
    let repo = TestRepo::new();
    repo.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
    repo.write("README.md", "# app\n");
    repo.commit_all("initial");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["fetch", "-q", "origin"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("notes.txt", "more\n");
    if let Some(text) = change {
        repo.write("app.env", text);
    }
    repo.commit_all("feature work");
    (server, repo)
}

/// PATH with the test binary's folder first.
fn path_with_sealant() -> String {
    let bin = sealant_bin();
    let dir = bin.parent().unwrap().display().to_string();
    format!("{dir}:{}", std::env::var("PATH").unwrap_or_default())
}

fn bash(script: &str, dir: &Path, env: &[(&str, String)]) -> std::process::Output {
    let mut cmd = Command::new("bash");
    cmd.arg("-c").arg(script).current_dir(dir);
    scrub_git_env(&mut cmd);
    cmd.env("PATH", path_with_sealant()).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

/// Runs the action's steps that `run:` shell on `repo` (install: syntax only); returns the
/// scan step's `exit-code` output and the gate step's exit status.
fn run_action(repo: &TestRepo) -> Option<(String, Option<i32>)> {
    let action = yaml(&src().join("action.yml"))?;
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().expect("steps");
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no step {name:?}"))
    };
    let install = step("Install sealant")["run"].as_str().unwrap();
    let check = Command::new("bash")
        .args(["-n", "-c", install])
        .status()
        .unwrap();
    assert!(check.success(), "install step does not parse");
    let upload = step("Upload SARIF");
    assert!(upload["uses"]
        .as_str()
        .unwrap()
        .starts_with("github/codeql-action/upload-sarif@"));

    let temp = TestDir::new();
    let output = temp.join("github_output");
    std::fs::write(&output, "").unwrap();
    let default = |input: &str| {
        action["inputs"][input]["default"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let scan = step("Scan the pull request");
    let env = vec![
        ("SEALANT_BASE", default("base")),
        ("SEALANT_REPORT", default("sarif")),
        ("SEALANT_BASE_BRANCH", "main".to_string()),
        ("SEALANT_SRC", src().display().to_string()),
        ("RUNNER_TEMP", temp.path().display().to_string()),
        ("GITHUB_OUTPUT", output.display().to_string()),
    ];
    let out = bash(scan["run"].as_str().unwrap(), repo.path(), &env);
    assert!(out.status.success(), "scan step failed: {}", combined(&out));
    let outputs = std::fs::read_to_string(&output).unwrap();
    let code = outputs
        .lines()
        .find_map(|l| l.strip_prefix("exit-code="))
        .unwrap_or_else(|| panic!("no exit-code output: {outputs}"))
        .to_string();
    let gate = step("Gate")["run"].as_str().unwrap();
    let gated = bash(gate, repo.path(), &[("SEALANT_EXIT", code.clone())]);
    Some((code, gated.status.code()))
}

#[test]
fn github_action_fails_a_branch_that_adds_a_secret_and_uploads_sarif() {
    let (_server, repo) = branch_with(Some(env_line(61)));
    let Some((code, gate)) = run_action(&repo) else {
        return;
    };
    assert_eq!(code, "1");
    assert_eq!(gate, Some(1));
    let sarif: serde_json::Value =
        serde_json::from_slice(&repo.read("sealant.sarif")).expect("SARIF report");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.env"));
    assert!(!repo
        .read_text("sealant.sarif")
        .contains(&secrets::github(61)));
}

#[test]
fn github_action_passes_a_clean_branch() {
    let (_server, repo) = branch_with(None);
    let Some((code, gate)) = run_action(&repo) else {
        return;
    };
    assert_eq!(code, "0");
    assert_eq!(gate, Some(0));
}

/// Runs the GitLab job's `script` lines in one shell, as GitLab does (stopping at the first
/// failing line), on `repo`; returns the exit status.
fn run_gitlab(repo: &TestRepo) -> Option<Option<i32>> {
    let template = yaml(&src().join("ci/sealant.gitlab-ci.yml"))?;
    let job = &template["sealant"];
    let install = job["before_script"][0].as_str().unwrap();
    let check = Command::new("bash")
        .args(["-n", "-c", install])
        .status()
        .unwrap();
    assert!(check.success());
    let script: Vec<&str> = job["script"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let mut env: Vec<(&str, String)> =
        vec![("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main".to_string())];
    for (k, v) in job["variables"].as_object().unwrap() {
        let v = v
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string());
        env.push((k.as_str(), v));
    }
    let out = bash(&format!("set -e\n{}", script.join("\n")), repo.path(), &env);
    Some(out.status.code())
}

#[test]
fn gitlab_template_fails_a_merge_request_that_adds_a_secret() {
    let (_server, repo) = branch_with(Some(env_line(62)));
    let Some(code) = run_gitlab(&repo) else {
        return;
    };
    assert_eq!(code, Some(1));
    let report: serde_json::Value =
        serde_json::from_slice(&repo.read("gl-secret-detection-report.json")).unwrap();
    assert_eq!(report["scan"]["type"], "secret_detection");
    let vulns = report["vulnerabilities"].as_array().unwrap();
    assert!(
        vulns.iter().any(|v| v["location"]["file"] == "app.env"),
        "{report}"
    );
    assert!(!report.to_string().contains(&secrets::github(62)));

    let (_server, clean) = branch_with(None);
    assert_eq!(run_gitlab(&clean), Some(Some(0)));
}

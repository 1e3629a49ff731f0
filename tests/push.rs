//! `sealant pre-push` and `sealant pre-receive`: real `git push`es into bare repositories with the
//! hooks installed, plus the hooks' stdin protocol driven directly.

use crate::util::*;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

const ZERO: &str = "0000000000000000000000000000000000000000";

/// Writes an executable hook `name` into `hooks_dir` that runs `sealant ARGS "$@"` by absolute
/// path, leaving git's environment (GIT_DIR, quarantine variables) as git set it.
fn install_hook(hooks_dir: &Path, name: &str, args: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(hooks_dir).unwrap();
    let path = hooks_dir.join(name);
    let script = format!(
        "#!/bin/sh\nexec '{}' {args} \"$@\"\n",
        sealant_bin().display()
    );
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A bare server and a client whose `origin` is the server.
fn server_and_client() -> (TestRepo, TestRepo) {
    let server = TestRepo::new_bare();
    let client = TestRepo::new();
    client.git(&["remote", "add", "origin", server.path().to_str().unwrap()]);
    (server, client)
}

fn push(client: &TestRepo, args: &[&str]) -> Output {
    let mut all = vec!["push", "origin"];
    all.extend_from_slice(args);
    client.git_cmd(&all).output().expect("git push runs")
}

/// The server's value of `refname`, or `None` if it does not exist.
fn server_ref(server: &TestRepo, refname: &str) -> Option<String> {
    let out = server
        .git_cmd(&["rev-parse", "--verify", "-q", refname])
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| stdout(&out).trim().to_string())
}

/// Findings of [`GITHUB_RULE`], as (secret, commit) pairs, sorted.
fn secrets_and_commits(stdout: &[u8]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = jsonl(stdout)
        .into_iter()
        .filter(|f| f["rule"] == GITHUB_RULE)
        .map(|f: Value| {
            (
                f["secret"].as_str().unwrap().to_string(),
                f["commit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn pre_receive_rejects_a_secret_and_the_ref_does_not_move() {
    let (server, client) = server_and_client();
    install_hook(&server.path().join("hooks"), "pre-receive", "pre-receive");
    client.write("a.txt", "clean\n");
    let c1 = client.commit_all("clean");
    let out = push(&client, &["main"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server_ref(&server, "refs/heads/main").as_deref(),
        Some(c1.as_str())
    );

    client.write("b.txt", token(1));
    client.commit_all("leak");
    client.write("c.txt", "clean\n");
    client.commit_all("more");
    let out = push(&client, &["main"]);
    assert!(!out.status.success(), "push with a secret was accepted");
    let err = stderr(&out);
    assert!(err.contains("pre-receive hook declined"), "{err}");
    assert!(err.contains(GITHUB_RULE), "{err}");
    assert!(
        !err.contains(&secrets::github(1)),
        "secret leaked to the pusher: {err}"
    );
    assert_eq!(
        server_ref(&server, "refs/heads/main").as_deref(),
        Some(c1.as_str()),
        "server ref moved"
    );

    // A new branch and an annotated tag carrying the secret are rejected too, also when git keeps
    // the pushed pack in its quarantine instead of unpacking loose objects.
    server.git(&["config", "receive.unpackLimit", "1"]);
    let out = push(&client, &["main:refs/heads/other"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert_eq!(server_ref(&server, "refs/heads/other"), None);
    client.git(&["tag", "-a", "-m", "v1", "v1"]);
    let out = push(&client, &["v1"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert_eq!(server_ref(&server, "refs/tags/v1"), None);
}

/// With a hook installed and old history holding a secret already on the server: a new branch
/// whose only new commit is clean, a clean fast-forward of main, and a branch deletion are all
/// accepted, and the server refs move accordingly.
fn accepts_clean_branch_fast_forward_and_deletion(server: &TestRepo, client: &TestRepo) {
    client.git(&["checkout", "-q", "-b", "feature"]);
    client.write("f.txt", "clean\n");
    let f = client.commit_all("feature");
    let out = push(client, &["feature"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server_ref(server, "refs/heads/feature").as_deref(),
        Some(f.as_str())
    );

    client.git(&["checkout", "-q", "main"]);
    client.write("m.txt", "clean\n");
    let m = client.commit_all("main");
    let out = push(client, &["main"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server_ref(server, "refs/heads/main").as_deref(),
        Some(m.as_str())
    );

    let out = push(client, &["--delete", "feature"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server_ref(server, "refs/heads/feature"), None);
}

#[test]
fn pre_receive_accepts_clean_pushes_deletions_and_clean_branches_over_old_secrets() {
    let (server, client) = server_and_client();
    // History with a secret reaches the server before the hook exists.
    client.write("a.txt", token(1));
    client.commit_all("leak");
    client.remove("a.txt");
    client.commit_all("remove");
    let out = push(&client, &["main"]);
    assert!(out.status.success(), "{}", stderr(&out));
    install_hook(&server.path().join("hooks"), "pre-receive", "pre-receive");

    accepts_clean_branch_fast_forward_and_deletion(&server, &client);
}

#[test]
fn pre_push_rejects_a_secret_and_the_remote_does_not_move() {
    let (server, client) = server_and_client();
    install_hook(&client.path().join(".git/hooks"), "pre-push", "pre-push");
    client.write("a.txt", "clean\n");
    let c1 = client.commit_all("clean");
    let out = push(&client, &["main"]);
    assert!(out.status.success(), "{}", stderr(&out));

    client.write("b.txt", token(1));
    client.commit_all("leak");
    let out = push(&client, &["main"]);
    assert!(!out.status.success(), "push with a secret was accepted");
    let err = stderr(&out);
    assert!(err.contains("failed to push"), "{err}");
    assert_eq!(
        server_ref(&server, "refs/heads/main").as_deref(),
        Some(c1.as_str()),
        "server ref moved"
    );
    // A new branch too.
    let out = push(&client, &["main:refs/heads/other"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert_eq!(server_ref(&server, "refs/heads/other"), None);
}

#[test]
fn pre_push_accepts_clean_pushes_deletions_and_clean_branches_over_old_secrets() {
    let (server, client) = server_and_client();
    install_hook(&client.path().join(".git/hooks"), "pre-push", "pre-push");
    client.write("a.txt", token(1));
    client.commit_all("leak");
    client.remove("a.txt");
    client.commit_all("remove");
    let out = push(&client, &["--no-verify", "main"]);
    assert!(out.status.success(), "{}", stderr(&out));

    accepts_clean_branch_fast_forward_and_deletion(&server, &client);
}

#[test]
fn pre_push_scans_exactly_the_pushed_commits() {
    let (_server, client) = server_and_client();
    client.write("a.txt", token(1));
    let c1 = client.commit_all("one");
    client.write("b.txt", token(2));
    let c2 = client.commit_all("two");
    client.write("c.txt", token(3));
    let c3 = client.commit_all("three");
    let run = |remote: &str, stdin: String| {
        client
            .sealant()
            .args([
                "pre-push",
                remote,
                "file:///nowhere",
                "--format",
                "jsonl",
                "--show-secrets",
            ])
            .write_stdin(stdin)
            .output()
            .unwrap()
    };

    // An update: only what lies between the remote's sha and ours.
    let out = run(
        "origin",
        format!("refs/heads/main {c3} refs/heads/main {c1}\n"),
    );
    out.assert_exit(1);
    assert_eq!(
        secrets_and_commits(&out.stdout),
        vec![
            (secrets::github(2), c2.clone()),
            (secrets::github(3), c3.clone())
        ]
    );
    let f = &jsonl(&out.stdout)[0];
    assert!(
        f.get("presence").is_none(),
        "push findings carry no presence: {f}"
    );

    // A new branch with no remote-tracking refs: the whole history.
    let out = run("origin", format!("refs/heads/x {c2} refs/heads/x {ZERO}\n"));
    assert_eq!(
        secrets_and_commits(&out.stdout),
        vec![
            (secrets::github(1), c1.clone()),
            (secrets::github(2), c2.clone())
        ]
    );

    // With remote-tracking refs, a new branch hides what the remote already has.
    client.git(&["update-ref", "refs/remotes/origin/main", &c2]);
    let out = run("origin", format!("refs/heads/x {c3} refs/heads/x {ZERO}\n"));
    assert_eq!(
        secrets_and_commits(&out.stdout),
        vec![(secrets::github(3), c3.clone())]
    );
    // Pushing to a URL (no such remote): all remote-tracking refs are hidden.
    let out = run(
        "file:///elsewhere",
        format!("refs/heads/x {c3} refs/heads/x {ZERO}\n"),
    );
    assert_eq!(
        secrets_and_commits(&out.stdout),
        vec![(secrets::github(3), c3.clone())]
    );

    // Deletions and empty input scan nothing.
    let out = run("origin", format!("(delete) {ZERO} refs/heads/x {c3}\n"));
    out.assert_exit(0);
    let out = run("origin", String::new());
    out.assert_exit(0);

    // Malformed input is an error, not a pass.
    let out = run("origin", "refs/heads/main nonsense\n".to_string());
    out.assert_exit(2);
    assert!(
        stderr(&out).starts_with("sealant: error: malformed pre-push input line"),
        "{}",
        stderr(&out)
    );
    let out = run(
        "origin",
        format!(
            "refs/heads/main {} refs/heads/main {ZERO}\n",
            "1".repeat(40)
        ),
    );
    out.assert_exit(2);
    assert!(stderr(&out).contains(&"1".repeat(40)), "{}", stderr(&out));
}

#[test]
fn pre_receive_hides_every_existing_ref() {
    let repo = TestRepo::new_bare();
    let work = TestRepo::new();
    work.write("a.txt", token(1));
    let c1 = work.commit_all("one");
    work.git(&["checkout", "-q", "--detach"]);
    work.write("b.txt", token(2));
    let c2 = work.commit_all("two");
    work.git(&[
        "push",
        "-q",
        repo.path().to_str().unwrap(),
        &format!("{c1}:refs/heads/main"),
        &format!("{c2}:refs/tmp/x"),
    ]);
    // c2 now exists only as unreferenced objects.
    repo.git(&["update-ref", "-d", "refs/tmp/x"]);
    // A broken ref only hides less; it does not block pushes.
    repo.write("refs/heads/broken", format!("{}\n", "1".repeat(40)));
    let run = |stdin: String| {
        repo.sealant()
            .args(["pre-receive", "--format", "jsonl", "--show-secrets"])
            .write_stdin(stdin)
            .output()
            .unwrap()
    };
    let out = run(format!("{ZERO} {c2} refs/heads/new\n"));
    out.assert_exit(1);
    assert_eq!(
        secrets_and_commits(&out.stdout),
        vec![(secrets::github(2), c2.clone())]
    );
    let out = run(format!("{c1} {c2} refs/heads/main\n"));
    assert_eq!(
        secrets_and_commits(&out.stdout),
        vec![(secrets::github(2), c2.clone())]
    );
    let out = run(format!("{c2} {ZERO} refs/heads/gone\n"));
    out.assert_exit(0);
    let out = run("garbage\n".to_string());
    out.assert_exit(2);
}

#[test]
fn pre_receive_takes_its_settings_from_the_server_not_the_pushed_branch() {
    let (server, client) = server_and_client();
    install_hook(&server.path().join("hooks"), "pre-receive", "pre-receive");
    client.write("a.txt", "clean\n");
    client.commit_all("clean");
    assert!(push(&client, &["main"]).status.success());
    // The branch switches every rule off for itself and adds a secret.
    client.write(".sealant.toml", "[allowlist]\npaths = [\"**\"]\n");
    client.write("b.txt", token(3));
    client.commit_all("allowlist everything, then leak");
    let out = push(&client, &["main"]);
    assert!(!out.status.success(), "pushed: {}", stderr(&out));
    assert!(stderr(&out).contains(GITHUB_RULE), "{}", stderr(&out));
}

#[test]
fn pre_push_under_pre_commit_reads_the_push_from_its_environment() {
    let (_server, client) = server_and_client();
    client.write("a.txt", "clean\n");
    let c1 = client.commit_all("clean");
    client.write("b.txt", token(1));
    let c2 = client.commit_all("leak");
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = client.sealant();
        cmd.args(["pre-push", "--format", "jsonl"]);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        // pre-commit forwards no standard input: it must not be waited on.
        cmd.write_stdin("").output().unwrap()
    };
    // A range: only the commits after FROM.
    let out = run(&[
        ("PRE_COMMIT_REMOTE_NAME", "origin"),
        ("PRE_COMMIT_FROM_REF", c1.as_str()),
        ("PRE_COMMIT_TO_REF", c2.as_str()),
        ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
        ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/main"),
    ]);
    out.assert_exit(1);
    let f = jsonl(&out.stdout);
    assert_eq!(f.len(), 1, "{}", stdout(&out));
    assert_eq!(f[0]["path"], "b.txt");
    // The clean range passes.
    run(&[
        ("PRE_COMMIT_REMOTE_NAME", "origin"),
        ("PRE_COMMIT_FROM_REF", c1.as_str()),
        ("PRE_COMMIT_TO_REF", c1.as_str()),
    ])
    .assert_exit(0);
    // A whole new history: pre-commit names only the remote and branch.
    let out = run(&[
        ("PRE_COMMIT_REMOTE_NAME", "origin"),
        ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
    ]);
    out.assert_exit(1);
}

//! The CI report formats parsed back field by field: GitLab's secret-detection report, GitHub
//! workflow commands, CSV, and the SARIF and JUnit details that code-scanning services read.

use crate::util::*;
use serde_json::Value;
use std::process::Output;

/// `sealant ARGS` in `dir` with a fixed fingerprint key, so two runs agree.
fn run_keyed(dir: &std::path::Path, args: &[&str]) -> Output {
    sealant_in(dir)
        .args(args)
        .env("SEALANT_FINGERPRINT_KEY", "formats-test-key")
        .output()
        .unwrap()
}

/// The JSON Lines records of the same scan, to compare every format against.
fn records(dir: &std::path::Path, args: &[&str]) -> Vec<Value> {
    let mut a = args.to_vec();
    a.extend(["--format", "jsonl"]);
    jsonl(&run_keyed(dir, &a).stdout)
}

/// A working tree with a high-confidence token, a low-confidence one (its checksum fails) and a
/// committed `.env` (a file rule's finding), under a path that needs escaping everywhere.
fn odd_tree() -> (TestDir, String, String) {
    let good = secrets::github(41);
    let bad = format!("ghp_{}000000", "Q7ZK4M2XW6RJ3TR8x2Kq9LmZ4vT7wN");
    let dir = TestDir::with(&[
        (
            "odd,dir:100%/app \"x\".txt",
            format!("see {good}\n").as_bytes(),
        ),
        ("docs/notes.txt", format!("x {bad}\n").as_bytes()),
        (".env", b"DEBUG=1\n"),
    ]);
    (dir, good, bad)
}

const SCAN: [&str; 5] = ["scan", ".", "--no-baseline", "--min-confidence", "low"];

// --- GitLab ------------------------------------------------------------------------------------

fn is_gitlab_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// The parts of GitLab's secret-detection schema 15.x a report must satisfy: required fields,
/// their types, the time pattern and the severity enum.
fn assert_gitlab_shape(v: &Value) {
    let version = v["version"].as_str().unwrap();
    assert!(version.starts_with("15."), "{version}");
    let scan = &v["scan"];
    for tool in ["scanner", "analyzer"] {
        let t = &scan[tool];
        assert_eq!(t["id"], "sealant", "{tool}");
        assert_eq!(t["name"], "sealant", "{tool}");
        assert_eq!(t["vendor"]["name"], "sealant", "{tool}");
        assert_eq!(t["version"], env!("CARGO_PKG_VERSION"), "{tool}");
    }
    assert_eq!(scan["type"], "secret_detection");
    assert_eq!(scan["status"], "success");
    let (start, end) = (
        scan["start_time"].as_str().unwrap(),
        scan["end_time"].as_str().unwrap(),
    );
    assert!(
        is_gitlab_time(start) && is_gitlab_time(end),
        "{start} {end}"
    );
    assert!(start <= end, "{start} > {end}");
    for vuln in v["vulnerabilities"].as_array().unwrap() {
        let id = vuln["id"].as_str().unwrap();
        assert_eq!(id.len(), 36, "{id}");
        // Schema 15 removed these from vulnerabilities (gitlab-org/gitlab#368140): a report
        // that still has them does not validate.
        for gone in ["category", "cve", "confidence", "message", "scanner"] {
            assert!(vuln.get(gone).is_none(), "{gone}: {vuln}");
        }
        assert!(!vuln["name"].as_str().unwrap().is_empty());
        assert!(!vuln["description"].as_str().unwrap().is_empty());
        let sev = vuln["severity"].as_str().unwrap();
        assert!(
            ["Critical", "High", "Medium", "Low", "Info", "Unknown"].contains(&sev),
            "{sev}"
        );
        assert!(vuln["location"]["commit"]["sha"].is_string(), "{vuln}");
        assert!(vuln.get("raw_source_code_extract").is_none(), "{vuln}");
        let ids = vuln["identifiers"].as_array().unwrap();
        assert!(!ids.is_empty());
        for i in ids {
            for k in ["type", "name", "value"] {
                assert!(i[k].is_string(), "{i}");
            }
        }
    }
}

#[test]
fn gitlab_report_of_a_working_tree() {
    let (dir, good, bad) = odd_tree();
    let mut args = SCAN.to_vec();
    args.extend(["--format", "gitlab"]);
    let out = run_keyed(dir.path(), &args);
    out.assert_exit(1);
    let text = stdout(&out);
    assert!(!text.contains(&good) && !text.contains(&bad), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_gitlab_shape(&v);
    let recs = records(dir.path(), &SCAN);
    let vulns = v["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), recs.len(), "{text}");
    assert_eq!(vulns.len(), 3, "{text}");
    let mut ids = std::collections::BTreeSet::new();
    for (vuln, rec) in vulns.iter().zip(&recs) {
        assert!(ids.insert(vuln["id"].as_str().unwrap().to_string()));
        assert_eq!(vuln["name"], rec["description"]);
        let loc = &vuln["location"];
        assert_eq!(loc["file"], rec["path"]);
        assert_eq!(loc["start_line"], rec["line"]);
        assert_eq!(loc["end_line"], rec["end_line"]);
        // Not a history scan: the placeholder commit the schema requires, nothing else.
        assert_eq!(loc["commit"], serde_json::json!({ "sha": "0000000" }));
        assert_eq!(vuln["identifiers"][0]["type"], "sealant_rule_id");
        assert_eq!(vuln["identifiers"][0]["value"], rec["rule"]);
        assert_eq!(vuln["identifiers"][1]["value"], "798");
        let description = vuln["description"].as_str().unwrap();
        let want = match (
            rec["rule"].as_str().unwrap(),
            rec["confidence"].as_str().unwrap(),
        ) {
            ("env-file", _) => "Medium",
            (_, "high") => "Critical",
            (_, "medium") => "High",
            (_, "low") => "Low",
            other => panic!("{other:?}"),
        };
        assert_eq!(vuln["severity"], want, "{vuln}");
        if rec["rule"] != "env-file" {
            assert!(
                description.contains(rec["secret"].as_str().unwrap()),
                "{description}"
            );
        }
    }
    let sev: Vec<&str> = vulns
        .iter()
        .map(|v| v["severity"].as_str().unwrap())
        .collect();
    assert!(sev.contains(&"Critical") && sev.contains(&"Low") && sev.contains(&"Medium"));
    // Stable ids: a second run gives the same report apart from the times.
    let again: Value = serde_json::from_slice(&run_keyed(dir.path(), &args).stdout).unwrap();
    assert_eq!(again["vulnerabilities"], v["vulnerabilities"]);
}

#[test]
fn gitlab_report_of_history_carries_the_commit() {
    let r = TestRepo::new();
    r.write("README", "hi\n");
    r.commit_all("first");
    r.write("conf/app.txt", token(42));
    let c = r.commit_all("add the config");
    let out = run_keyed(r.path(), &["history", "--format", "gitlab"]);
    out.assert_exit(1);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_gitlab_shape(&v);
    let rec = &records(r.path(), &["history"])[0];
    let vulns = v["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 1, "{v}");
    let loc = &vulns[0]["location"];
    assert_eq!(loc["file"], "conf/app.txt");
    assert_eq!(loc["start_line"], 1);
    assert_eq!(loc["end_line"], 1);
    assert_eq!(loc["commit"]["sha"], c.as_str());
    assert_eq!(loc["commit"]["author"], "Ada Tester");
    assert_eq!(loc["commit"]["date"], rec["date"]);
    assert_eq!(loc["commit"]["message"], "add the config");
    assert_eq!(vulns[0]["identifiers"][0]["value"], GITHUB_RULE);
    assert_eq!(vulns[0]["severity"], "Critical");
}

#[test]
fn gitlab_report_with_nothing_found_is_still_a_report() {
    let dir = TestDir::with(&[("a.txt", b"nothing here\n")]);
    let out = dir.run(&["scan", ".", "--format", "gitlab"]);
    out.assert_exit(0);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_gitlab_shape(&v);
    assert_eq!(v["vulnerabilities"], serde_json::json!([]));
}

// --- GitHub ------------------------------------------------------------------------------------

/// Undoes GitHub's escaping.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// One workflow command: level, properties in order, message.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").unwrap_or_else(|| panic!("{line}"));
    let (head, message) = rest.split_once("::").unwrap();
    let (level, props) = head.split_once(' ').unwrap();
    let props = props
        .split(',')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            assert!(!v.contains(',') && !v.contains(':'), "{p}");
            (k.to_string(), unescape(v))
        })
        .collect();
    assert!(!message.contains('\n') && !message.contains('\r'));
    (level.to_string(), props, unescape(message))
}

#[test]
fn github_annotations_one_per_finding_escaped() {
    let (dir, good, bad) = odd_tree();
    let mut args = SCAN.to_vec();
    args.extend(["--format", "github"]);
    let out = run_keyed(dir.path(), &args);
    out.assert_exit(1);
    let text = stdout(&out);
    assert!(!text.contains(&good) && !text.contains(&bad), "{text}");
    let recs = records(dir.path(), &SCAN);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), recs.len(), "{text}");
    for (line, rec) in lines.iter().zip(&recs) {
        let (level, props, message) = parse_command(line);
        let want = if rec["confidence"] == "low" {
            "warning"
        } else {
            "error"
        };
        assert_eq!(level, want, "{line}");
        let get = |k: &str| props.iter().find(|(p, _)| p == k).unwrap().1.clone();
        let keys: Vec<&str> = props.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"]
        );
        assert_eq!(get("file"), rec["path"].as_str().unwrap(), "{line}");
        assert_eq!(get("line"), rec["line"].to_string());
        assert_eq!(get("col"), rec["column"].to_string());
        assert_eq!(get("endLine"), rec["end_line"].to_string());
        assert_eq!(get("endColumn"), rec["end_column"].to_string());
        assert_eq!(get("title"), rec["rule"].as_str().unwrap());
        if rec["rule"] != "env-file" {
            assert!(
                message.contains(rec["secret"].as_str().unwrap()),
                "{message}"
            );
        }
        assert!(message.contains(rec["rule"].as_str().unwrap()), "{message}");
        assert!(
            message.contains(rec["description"].as_str().unwrap()),
            "{message}"
        );
    }
    // The odd path is escaped in the property, not in the data.
    assert!(
        text.contains("file=odd%2Cdir%3A100%25/app \"x\".txt,"),
        "{text}"
    );
}

#[test]
fn github_annotations_in_history_name_the_commit() {
    let r = TestRepo::new();
    r.write("a.txt", token(43));
    let c = r.commit_all("add a\nwith a body: 100%");
    let out = r.run(&["history", "--format", "github"]);
    out.assert_exit(1);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    let (level, _, message) = parse_command(text.lines().next().unwrap());
    assert_eq!(level, "error");
    assert!(message.contains(&c[..12]), "{message}");
    assert!(message.contains("Ada Tester"), "{message}");
}

// --- CSV ---------------------------------------------------------------------------------------

/// A minimal RFC 4180 reader (independent of the writer's crate).
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                assert!(field.is_empty(), "quote inside an unquoted field");
                quoted = true
            }
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "a bare CR");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            '\n' => panic!("a row ends with LF, not CRLF"),
            c => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && row.is_empty(),
        "unterminated"
    );
    rows
}

const CSV_HEADER: [&str; 14] = [
    "rule",
    "description",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "secret",
    "fingerprint",
    "confidence",
    "decoded",
    "commit",
    "author",
    "date",
];

fn assert_csv_matches(text: &str, recs: &[Value]) {
    let rows = parse_csv(text);
    assert_eq!(rows[0], CSV_HEADER);
    assert_eq!(rows.len(), recs.len() + 1, "{text}");
    for (row, rec) in rows[1..].iter().zip(recs) {
        assert_eq!(row.len(), CSV_HEADER.len());
        for (k, cell) in CSV_HEADER.iter().zip(row) {
            let want = match &rec[*k] {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Array(a) => a
                    .iter()
                    .map(|e| e.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(" → "),
                Value::Null => String::new(),
                other => panic!("{k}: {other}"),
            };
            assert_eq!(cell, &want, "{k} in {row:?}");
        }
    }
}

#[test]
fn csv_report_quotes_and_round_trips() {
    let (dir, good, bad) = odd_tree();
    let mut args = SCAN.to_vec();
    args.extend(["--format", "csv"]);
    let out = run_keyed(dir.path(), &args);
    out.assert_exit(1);
    let text = stdout(&out);
    assert!(!text.contains(&good) && !text.contains(&bad), "{text}");
    assert!(
        text.contains("\"odd,dir:100%/app \"\"x\"\".txt\""),
        "{text}"
    );
    assert_csv_matches(&text, &records(dir.path(), &SCAN));
    // --show-secrets shows them, in both.
    let mut plain = args.clone();
    plain.push("--show-secrets");
    let text = stdout(&run_keyed(dir.path(), &plain));
    assert!(text.contains(&good), "{text}");
    let mut rec_args = SCAN.to_vec();
    rec_args.push("--show-secrets");
    assert_csv_matches(&text, &records(dir.path(), &rec_args));
}

#[test]
fn csv_report_of_history_has_the_commit_columns_and_a_newline_path() {
    let r = TestRepo::new();
    r.write("two\nlines.txt", token(44));
    r.commit_all("a path with a newline");
    let out = run_keyed(r.path(), &["history", "--format", "csv"]);
    out.assert_exit(1);
    let text = stdout(&out);
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!(rows[1][2], "two\nlines.txt");
    assert_eq!(rows[1][11], r.head());
    assert_eq!(rows[1][12], "Ada Tester");
    assert_csv_matches(&text, &records(r.path(), &["history"]));
    // Nothing found: the header alone.
    let clean = TestDir::with(&[("a.txt", b"nothing\n")]);
    let out = clean.run(&["scan", ".", "--format", "csv"]);
    out.assert_exit(0);
    assert_eq!(parse_csv(&stdout(&out)), vec![CSV_HEADER.to_vec()]);
}

// --- SARIF -------------------------------------------------------------------------------------

#[test]
fn sarif_rules_and_run_carry_what_code_scanning_reads() {
    let (dir, _, _) = odd_tree();
    let report = dir.join("out.sarif");
    let mut args = SCAN.to_vec();
    args.extend(["--format", "sarif", "-o", report.to_str().unwrap()]);
    run_keyed(dir.path(), &args).assert_exit(1);
    let v: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["automationDetails"]["id"], "sealant/files/");
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    // No times: the same findings give the same bytes.
    assert!(inv.get("startTimeUtc").is_none() && inv.get("endTimeUtc").is_none());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 60);
    for rule in rules {
        for k in ["shortDescription", "fullDescription"] {
            assert!(!rule[k]["text"].as_str().unwrap().is_empty(), "{rule}");
        }
        let help = rule["help"]["text"].as_str().unwrap();
        let md = rule["help"]["markdown"].as_str().unwrap();
        for way in ["rotate", "sealant:allow", "sealant baseline"] {
            assert!(help.contains(way) && md.contains(way), "{way}: {help}");
        }
        let tags: Vec<&str> = rule["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        for t in ["security", "secret", "CWE-798"] {
            assert!(tags.contains(&t), "{tags:?}");
        }
        let sev = rule["properties"]["security-severity"].as_str().unwrap();
        assert!(["9.0", "7.0", "3.0"].contains(&sev), "{sev}");
        let precision = rule["properties"]["precision"].as_str().unwrap();
        assert!(
            ["very-high", "high", "medium", "low"].contains(&precision),
            "{precision}"
        );
    }
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(rule(GITHUB_RULE)["properties"]["security-severity"], "9.0");
    assert_eq!(rule("env-file")["properties"]["security-severity"], "7.0");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let recs = records(dir.path(), &SCAN);
    for (res, rec) in results.iter().zip(&recs) {
        assert_eq!(res["partialFingerprints"]["sealant/v1"], rec["fingerprint"]);
        let want = match rec["confidence"].as_str().unwrap() {
            "high" => "9.0",
            "medium" => "7.0",
            _ => "3.0",
        };
        assert_eq!(res["properties"]["security-severity"], want);
    }
    crate::scan::validate_sarif(&report);
}

#[test]
fn sarif_of_history_names_its_mode_and_a_read_error_fails_the_invocation() {
    let r = TestRepo::new();
    r.write("a.txt", token(45));
    r.commit_all("a");
    let out = r.run(&["history", "--format", "sarif"]);
    out.assert_exit(1);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runs"][0]["automationDetails"]["id"], "sealant/history/");
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], true);

    // A path that cannot be read (a dangling link, followed): the results may be partial.
    let dir = TestDir::with(&[("a.txt", token(46).as_bytes())]);
    dir.symlink("missing-target", "dangling");
    let report = dir.join("out.sarif");
    let out = dir.run(&[
        "scan",
        ".",
        "-L",
        "--no-baseline",
        "--format",
        "sarif",
        "-o",
        report.to_str().unwrap(),
    ]);
    out.assert_exit(1);
    let v: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 1);
    crate::scan::validate_sarif(&report);
}

// --- JUnit -------------------------------------------------------------------------------------

#[test]
fn junit_counts_and_cases_as_jenkins_and_gitlab_read_them() {
    let (dir, good, bad) = odd_tree();
    let mut args = SCAN.to_vec();
    args.extend(["--format", "junit"]);
    let out = run_keyed(dir.path(), &args);
    out.assert_exit(1);
    let xml = stdout(&out);
    assert!(!xml.contains(&good) && !xml.contains(&bad));
    let recs = records(dir.path(), &SCAN);
    let n = recs.len();
    assert!(
        xml.contains(&format!(
            r#"<testsuites name="sealant" tests="{n}" failures="{n}">"#
        )),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            r#"<testsuite name="sealant" tests="{n}" failures="{n}">"#
        )),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), n);
    assert_eq!(xml.matches("<failure ").count(), n);
    assert_eq!(xml.matches("</testcase>").count(), n);
    for rec in &recs {
        let path = rec["path"]
            .as_str()
            .unwrap()
            .replace('&', "&amp;")
            .replace('"', "&quot;");
        let case = format!(
            r#"<testcase classname="{}" name="{path}:{}:{}" file="{path}" line="{}">"#,
            rec["rule"].as_str().unwrap(),
            rec["line"],
            rec["column"],
            rec["line"]
        );
        assert!(xml.contains(&case), "{case}\n{xml}");
    }
}

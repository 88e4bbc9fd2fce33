//! `authsel serve` over HTTP: every endpoint, every class of bad input, concurrent requests,
//! against the real binary on an ephemeral loopback port (docs/workbench.md).

#[path = "../browser/http.rs"]
mod http;
#[path = "../browser/server.rs"]
mod server;

use super::common::authsel;
use http::{get, post_json, request};
use serde_json::{json, Value};
use server::Server;

const EXAMPLES: [&str; 4] = [
    "examples/01-ct-train-equip-333.ron",
    "examples/04-helicopter-lease-5y.ron",
    "examples/06-fms-mde-20m.ron",
    "examples/10-pko-emergency-drawdown.ron",
];

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

fn cli_json(path: &str) -> Value {
    let o = authsel(&["eval", "--format", "json", path]);
    serde_json::from_slice(&o.stdout).unwrap()
}

fn lebanon_form() -> Value {
    json!({
        "id": "LBN-27-CT-01", "title": "Train and equip LAF counter-terrorism companies",
        "partner": "Lebanon", "recipient": "NationalMilitary",
        "purposes": ["counterterrorism"], "activities": ["training", "equipment"],
        "amount_usd": "30,000,000", "start": "2027-03-01", "duration_months": "24",
        "funding": "DoD", "leahy": "Passed"
    })
}

#[test]
fn every_page_is_served_with_the_security_headers() {
    let s = Server::start(&[]);
    let mut total = 0;
    for path in ["/", "/assets/app.js", "/assets/style.css"] {
        let r = get(&s.addr, path);
        assert_eq!(r.status, 200, "{path}");
        total += r.body.len();
    }
    assert!(total < 200 * 1024, "first load is {total} bytes");
    for path in [
        "/",
        "/authorities",
        "/authorities/usc10-333",
        "/graph",
        "/batch",
    ] {
        let r = get(&s.addr, path);
        assert_eq!(r.status, 200, "{path}");
        let csp = r.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        let html = r.text();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("https://") && !html.contains("http://") || path == "/graph");
    }
    let form = get(&s.addr, "/").text();
    for field in [
        "id",
        "title",
        "partner",
        "recipient",
        "amount_usd",
        "start",
        "duration_months",
        "funding",
        "leahy",
        "major_defense_equipment_usd",
        "emergency",
    ] {
        assert!(
            form.contains(&format!("<label for=\"f-{field}\">")),
            "{field} has no label"
        );
    }
    assert!(form.contains("<datalist id=\"partners\">") && form.contains("value=\"Lebanon\""));
    assert!(form.contains("type=\"date\""));
    assert!(get(&s.addr, "/authorities/usc10-333")
        .text()
        .contains("10 U.S.C. § 333"));
    assert!(get(&s.addr, "/graph").text().contains("<svg"));
}

#[test]
fn nothing_outside_the_map_is_served() {
    let s = Server::start(&[]);
    for path in [
        "/authorities/no-such",
        "/nope",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e%2fCargo.toml",
        "/assets/..%2F..%2Fetc%2Fpasswd",
        "/api/export/..%2F..%2Fetc%2Fpasswd",
        "/authorities/..%2F..%2FCargo.toml",
    ] {
        let r = if path.starts_with("/api/") {
            post_json(&s.addr, path, "{}")
        } else {
            get(&s.addr, path)
        };
        assert_eq!(r.status, 404, "{path}");
        assert!(
            !r.text().contains("[package]") && !r.text().contains("root:"),
            "{path}"
        );
    }
    assert_eq!(get(&s.addr, "/api/eval").status, 405);
    assert_eq!(http::delete(&s.addr, "/").status, 405);
}

#[test]
fn the_api_decision_is_the_clis() {
    let s = Server::start(&[]);
    for path in EXAMPLES {
        let body = json!({ "ron": read(path) }).to_string();
        let r = post_json(&s.addr, "/api/eval", &body);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        let v = r.json();
        assert_eq!(v["ok"], true);
        assert_eq!(v["decision"], cli_json(path), "{path}");
        assert!(v["panel"]
            .as_str()
            .unwrap()
            .contains("id=\"recommendation\""));
    }
}

#[test]
fn the_form_is_judged_and_exported_as_the_cli_judges_its_file() {
    let s = Server::start(&[]);
    let body = json!({ "form": lebanon_form(), "today": "2026-11-30" }).to_string();
    let r = post_json(&s.addr, "/api/eval", &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["decision"]["recommended"], "usc10-333");
    let panel = v["panel"].as_str().unwrap();
    assert!(panel.contains("<ol class=\"timeline\">"));
    // The exported RON evaluates identically with the CLI.
    let ron = post_json(&s.addr, "/api/export/ron", &body);
    assert_eq!(ron.status, 200);
    assert!(ron
        .header("content-disposition")
        .unwrap()
        .contains("LBN-27-CT-01.ron"));
    let dir = std::env::temp_dir().join(format!("authsel-serve-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("LBN-27-CT-01.ron");
    std::fs::write(&file, &ron.body).unwrap();
    let cli = cli_json(file.to_str().unwrap());
    let mut api = v["decision"].clone();
    // The record names the file only by its digest, which is the same text's.
    assert_eq!(api["record"]["input_digest"], cli["record"]["input_digest"]);
    api["record"] = cli["record"].clone();
    assert_eq!(api, cli);
    // The memo is `--format markdown`, the JSON is `--format json`.
    let md = post_json(&s.addr, "/api/export/markdown", &body);
    let cli_md = authsel(&["eval", "--format", "markdown", file.to_str().unwrap()]);
    assert_eq!(md.text(), String::from_utf8_lossy(&cli_md.stdout));
    let js = post_json(&s.addr, "/api/export/json", &body);
    assert_eq!(serde_json::from_slice::<Value>(&js.body).unwrap(), cli);
    // Import fills the form back.
    let imp = request(
        &s.addr,
        "POST",
        "/api/import?name=x.ron",
        "text/plain",
        Some(&ron.body),
    );
    assert_eq!(imp.status, 200, "{}", imp.text());
    assert_eq!(imp.json()["form"]["amount_usd"], "30000000");
    assert_eq!(imp.json()["form"]["purposes"], json!(["counterterrorism"]));
    let printable = request(
        &s.addr,
        "POST",
        "/memo",
        "application/x-www-form-urlencoded",
        Some(
            format!(
                "request={}",
                body.replace('%', "%25")
                    .replace('&', "%26")
                    .replace('+', "%2B")
                    .replace(' ', "+")
            )
            .as_bytes(),
        ),
    );
    assert_eq!(printable.status, 200, "{}", printable.text());
    assert!(printable.text().contains("usc10-333"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_invalid_form_gets_the_clis_words_beside_each_field() {
    let s = Server::start(&[]);
    let mut f = lebanon_form();
    f["purposes"] = json!(["counterterrorizm"]);
    f["start"] = json!("2027-02-30");
    let r = post_json(&s.addr, "/api/eval", &json!({ "form": f }).to_string());
    assert_eq!(r.status, 422, "{}", r.text());
    let errors = r.json()["errors"].as_array().unwrap().clone();
    let field = |name: &str| {
        errors
            .iter()
            .find(|e| e["field"] == name)
            .unwrap_or_else(|| panic!("{name}: {errors:?}"))
            .clone()
    };
    assert!(field("purposes")["message"]
        .as_str()
        .unwrap()
        .contains("unknown purpose `counterterrorizm`"));
    assert!(field("purposes")["help"]
        .as_str()
        .unwrap()
        .contains("counterterrorism"));
    // The same words as `authsel eval` on the same text.
    let dir = std::env::temp_dir().join(format!("authsel-serve-invalid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("proposal.ron");
    std::fs::write(&file, r.json()["ron"].as_str().unwrap()).unwrap();
    let o = authsel(&["eval", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    for e in &errors {
        assert!(stderr.contains(e["message"].as_str().unwrap()), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn user_text_is_shown_as_text() {
    let s = Server::start(&[]);
    let mut f = lebanon_form();
    f["title"] = json!("<script>alert(1)</script>");
    f["id"] = json!("\"><img src=x onerror=alert(1)>");
    let r = post_json(&s.addr, "/api/eval", &json!({ "form": f }).to_string());
    assert_eq!(r.status, 200, "{}", r.text());
    let panel = r.json()["panel"].as_str().unwrap().to_string();
    assert!(
        !panel.contains("<script>") && !panel.contains("<img"),
        "{panel}"
    );
    assert!(panel.contains("&lt;img src=x onerror=alert(1)&gt;"));
    let batch =
        json!({"files": [{"name": "<b>x</b>.ron", "text": "Proposal(id: \"<i>\""}]}).to_string();
    let r = post_json(&s.addr, "/api/batch", &batch);
    assert_eq!(r.status, 200);
    let html = r.json()["html"].as_str().unwrap().to_string();
    assert!(!html.contains("<b>") && !html.contains("<i>"), "{html}");
}

#[test]
fn every_bad_request_is_a_4xx_with_a_message_and_the_server_goes_on() {
    let mut s = Server::start(&[]);
    let big = format!("{{\"ron\":\"{}\"}}", "x".repeat(1 << 20));
    let cases: Vec<(&str, &str, Vec<u8>, u16)> = vec![
        ("/api/eval", "application/json", b"{".to_vec(), 400),
        ("/api/eval", "application/json", b"".to_vec(), 400),
        ("/api/eval", "application/json", b"[1,2]".to_vec(), 400),
        (
            "/api/eval",
            "application/json",
            b"{\"form\": 3}".to_vec(),
            400,
        ),
        (
            "/api/eval",
            "application/json",
            b"{\"form\":{\"id\":[]}}".to_vec(),
            400,
        ),
        (
            "/api/eval",
            "application/json",
            b"{\"form\":{},\"ron\":\"\"}".to_vec(),
            400,
        ),
        (
            "/api/eval",
            "application/json",
            b"{\"other\":1}".to_vec(),
            400,
        ),
        (
            "/api/eval",
            "application/json",
            b"{\"ron\":\"x\",\"today\":\"tomorrow\"}".to_vec(),
            400,
        ),
        (
            "/api/eval",
            "application/json",
            b"{\"form\":{\"facts\":{\"x\":[1]}}}".to_vec(),
            400,
        ),
        ("/api/eval", "application/json", b"\xff\xfe".to_vec(), 400),
        ("/api/eval", "text/plain", b"not json at all".to_vec(), 400),
        ("/api/eval", "application/json", big.into_bytes(), 413),
        (
            "/api/eval",
            "application/json",
            b"{\"ron\":\"Proposal(\"}".to_vec(),
            422,
        ),
        (
            "/api/whatif",
            "application/json",
            b"{\"a\":{}}".to_vec(),
            400,
        ),
        (
            "/api/batch",
            "application/json",
            b"{\"files\":[]}".to_vec(),
            400,
        ),
        (
            "/api/batch",
            "application/json",
            b"{\"files\":[{\"name\":\"../x.ron\",\"text\":\"\"}]}".to_vec(),
            400,
        ),
        (
            "/api/batch",
            "application/json",
            b"{\"files\":\"x\"}".to_vec(),
            400,
        ),
        ("/api/import", "text/plain", b"\xff\xfe".to_vec(), 422),
        (
            "/memo",
            "application/x-www-form-urlencoded",
            b"nothing=1".to_vec(),
            400,
        ),
        (
            "/memo",
            "application/x-www-form-urlencoded",
            b"request=%7B".to_vec(),
            400,
        ),
        ("/api/export/ron", "application/json", b"{".to_vec(), 400),
        ("/api/export/pdf", "application/json", b"{}".to_vec(), 404),
    ];
    for (path, ct, body, status) in &cases {
        let r = request(&s.addr, "POST", path, ct, Some(body));
        assert_eq!(
            r.status,
            *status,
            "{path} {:?}: {}",
            String::from_utf8_lossy(&body[..body.len().min(60)]),
            r.text()
        );
        if *status == 400 || *status == 413 {
            let msg = r.json()["error"].as_str().unwrap().to_string();
            assert!(!msg.is_empty());
        }
    }
    // A batch over 50 MiB.
    let huge = vec![b' '; (50 << 20) + 1];
    assert_eq!(
        request(
            &s.addr,
            "POST",
            "/api/batch",
            "application/json",
            Some(&huge)
        )
        .status,
        413
    );
    // Garbage on the wire.
    let r = http::raw(&s.addr, b"NOT HTTP AT ALL\r\n\r\n");
    assert!((400..500).contains(&r.status), "{}", r.status);
    assert!(s.alive());
    assert_eq!(get(&s.addr, "/").status, 200);
    let ok = post_json(
        &s.addr,
        "/api/eval",
        &json!({ "ron": read(EXAMPLES[0]) }).to_string(),
    );
    assert_eq!(ok.status, 200);
    // One log line per request.
    let log = s.log_text();
    assert!(
        log.lines()
            .filter(|l| l.starts_with("POST /api/eval "))
            .count()
            >= 13,
        "{log}"
    );
    assert!(log.contains("POST /api/eval 413 "));
}

#[test]
fn concurrent_requests_get_the_same_answers() {
    let s = Server::start(&[]);
    let bodies: Vec<String> = EXAMPLES
        .iter()
        .map(|p| json!({ "ron": read(p) }).to_string())
        .collect();
    let expected: Vec<Value> = EXAMPLES.iter().map(|p| cli_json(p)).collect();
    std::thread::scope(|scope| {
        for t in 0..16 {
            let (addr, bodies, expected) = (&s.addr, &bodies, &expected);
            scope.spawn(move || {
                for i in 0..8 {
                    let k = (t + i) % bodies.len();
                    let r = post_json(addr, "/api/eval", &bodies[k]);
                    assert_eq!(r.status, 200);
                    assert_eq!(r.json()["decision"], expected[k]);
                }
            });
        }
    });
}

#[test]
fn what_if_shows_what_changed() {
    let s = Server::start(&[]);
    let a = lebanon_form();
    let mut b = lebanon_form();
    b["leahy"] = json!("Failed");
    let body = json!({ "a": { "form": a }, "b": { "form": b } }).to_string();
    let r = post_json(&s.addr, "/api/whatif", &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["fields"], json!([["leahy", "Passed", "Failed"]]));
    assert_eq!(v["change"]["old"]["recommended"], "usc10-333");
    assert_ne!(v["change"]["new"]["recommended"], "usc10-333");
    assert!(v["html"].as_str().unwrap().contains("usc10-333"));
    let same =
        json!({ "a": { "form": lebanon_form() }, "b": { "form": lebanon_form() } }).to_string();
    let v = post_json(&s.addr, "/api/whatif", &same).json();
    assert_eq!(v["change"], Value::Null);
}

#[test]
fn a_batch_upload_is_checked_as_check_checks_a_folder() {
    let s = Server::start(&[]);
    let mut files: Vec<Value> = EXAMPLES.iter().map(|p| json!({ "name": format!("set/{}", p.trim_start_matches("examples/")), "text": read(p) })).collect();
    files.push(json!({ "name": "set/zz-corrupt.ron", "text": "Proposal(\n    id: \"BAD\",\n    title: ,\n)\n" }));
    let r = post_json(
        &s.addr,
        "/api/batch",
        &json!({ "files": files }).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["summary"]["proposals"], 4);
    assert_eq!(v["summary"]["invalid_files"], 1);
    assert_eq!(v["exit_code"], 2);
    let html = v["html"].as_str().unwrap();
    assert!(html.contains("set/zz-corrupt.ron:3:"), "{html}");
    assert!(html.contains("01-ct-train-equip-333.ron"));
}

/// A zip archive of `(name, bytes)` entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn post_zip(addr: &str, bytes: &[u8]) -> http::Response {
    request(
        addr,
        "POST",
        "/api/batch/zip",
        "application/zip",
        Some(bytes),
    )
}

#[test]
fn a_zip_of_proposals_is_checked_and_a_bad_entry_hides_nothing() {
    let s = Server::start(&[]);
    let texts: Vec<(String, String)> = EXAMPLES
        .iter()
        .map(|p| {
            (
                format!("set/{}", p.trim_start_matches("examples/")),
                read(p),
            )
        })
        .collect();
    let mut entries: Vec<(&str, &[u8])> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    let corrupt = b"Proposal(\n    id: \"BAD\",\n    title: ,\n)\n";
    entries.push(("set/zz-corrupt.ron", corrupt));
    entries.push(("set/not-utf8.ron", b"\xff\xfe"));
    entries.push(("../../etc/escape.ron", b"Proposal()"));
    entries.push(("set/README.txt", b"not a proposal: skipped"));
    let r = post_zip(&s.addr, &zip_of(&entries));
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["summary"]["proposals"], 4, "{v}");
    assert_eq!(v["summary"]["invalid_files"], 3, "{v}");
    let html = v["html"].as_str().unwrap();
    assert!(html.contains("set/zz-corrupt.ron:3:"), "{html}");
    assert!(html.contains("E0205"), "{html}");
    assert!(html.contains("`.` and `..` are not allowed"), "{html}");
    assert!(!html.contains("README"), "{html}");
    // The same files as JSON give the same report.
    let files: Vec<Value> = texts
        .iter()
        .map(|(n, t)| json!({ "name": n, "text": t }))
        .collect();
    let j = post_json(
        &s.addr,
        "/api/batch",
        &json!({ "files": files }).to_string(),
    )
    .json();
    assert_eq!(j["summary"]["proposals"], 4);
}

#[test]
fn a_corrupt_zip_or_a_zip_bomb_is_refused_and_the_server_goes_on() {
    let s = Server::start(&[]);
    // Not a zip at all, and a zip cut in half: 400 with a message.
    for bytes in [
        b"PK\x03\x04 this is not a zip".to_vec(),
        zip_of(&[("a.ron", read(EXAMPLES[0]).as_bytes())])[..40].to_vec(),
    ] {
        let r = post_zip(&s.addr, &bytes);
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(r.json()["error"].as_str().unwrap().contains("zip"));
    }
    // A damaged entry (its bytes changed after it was written) is an invalid file; the
    // others are checked.
    let good = read(EXAMPLES[1]);
    let mut damaged = zip_of(&[
        ("a.ron", read(EXAMPLES[0]).as_bytes()),
        ("b.ron", good.as_bytes()),
    ]);
    let at = damaged.windows(2).position(|w| w == b"PK").unwrap() + 60;
    damaged[at] ^= 0xff;
    let r = post_zip(&s.addr, &damaged);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["summary"]["proposals"], 1, "{v}");
    assert_eq!(v["summary"]["invalid_files"], 1, "{v}");
    // One entry that expands past 4 MiB (64 MiB of spaces, about 64 KB deflated): that entry is
    // refused by its size, unread, and the rest are checked.
    let bomb = vec![b' '; 64 << 20];
    let r = post_zip(
        &s.addr,
        &zip_of(&[("bomb.ron", &bomb), ("b.ron", good.as_bytes())]),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["summary"]["proposals"], 1, "{v}");
    assert!(v["html"].as_str().unwrap().contains("E0214"), "{v}");
    // Many entries of 4 MiB each: past 50 MiB expanded, the whole upload is a 413.
    let four = vec![b' '; 4 << 20];
    let names: Vec<String> = (0..14).map(|i| format!("f{i}.ron")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &four[..])).collect();
    let r = post_zip(&s.addr, &zip_of(&many));
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("50 MiB"));
    // The server goes on.
    let r = post_json(
        &s.addr,
        "/api/eval?detail=brief",
        &json!({ "ron": good }).to_string(),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn the_lean_answer_is_the_clis_brief_and_a_candidate_is_fetched_when_opened() {
    let s = Server::start(&[]);
    for path in EXAMPLES {
        let body = json!({ "ron": read(path) }).to_string();
        let full = post_json(&s.addr, "/api/eval", &body);
        let lean = post_json(&s.addr, "/api/eval?detail=brief", &body);
        assert_eq!(lean.status, 200, "{path}: {}", lean.text());
        let v = lean.json();
        let o = authsel(&["eval", "--format", "json", "--detail", "brief", path]);
        let mut cli: Value = serde_json::from_slice(&o.stdout).unwrap();
        // The CLI names the file it read; the form has none.
        cli.as_object_mut().unwrap().remove("file");
        assert_eq!(v["brief"], cli, "{path}");
        assert!(v.get("decision").is_none());
        let panel = v["panel"].as_str().unwrap();
        assert!(panel.contains("id=\"recommendation\"") && panel.contains("data-pending"));
        assert!(
            lean.body.len() * 3 < full.body.len(),
            "{path}: lean {} bytes, full {}",
            lean.body.len(),
            full.body.len()
        );
        // Each candidate's findings, as the full panel shows them.
        let decision = cli_json(path);
        for c in decision["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .skip(1)
            .take(3)
        {
            let id = c["authority"].as_str().unwrap();
            let r = post_json(&s.addr, &format!("/api/candidate?authority={id}"), &body);
            assert_eq!(r.status, 200, "{path} {id}: {}", r.text());
            let html = r.json()["html"].as_str().unwrap().to_string();
            assert!(html.contains("<table class=\"findings\">"), "{html}");
            let full_panel = full.json()["panel"].as_str().unwrap().to_string();
            assert!(full_panel.contains(&html), "{path} {id}");
        }
    }
    let body = json!({ "ron": read(EXAMPLES[0]) }).to_string();
    let r = post_json(&s.addr, "/api/candidate?authority=nope", &body);
    assert_eq!(r.status, 404);
    let r = post_json(&s.addr, "/api/candidate", &body);
    assert_eq!(r.status, 400);
    let r = post_json(&s.addr, "/api/eval?detail=everything", &body);
    assert_eq!(r.status, 400);
    let r = post_json(&s.addr, "/api/eval?detail=brief", "{\"ron\":\"Proposal(\"}");
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["ok"], false);
}

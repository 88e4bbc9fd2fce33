//! End-to-end journeys of the workbench in a real headless Chromium, driven through chromedriver
//! (`webdriver.rs`) against `authsel serve` on an ephemeral loopback port.
//!
//! They need Debian's `chromium` and `chromium-driver`, so they are `#[ignore]`d in a plain
//! `cargo test`; `.ci/run` installs both and runs `cargo test --test browser -- --ignored`, where
//! they can fail. Screenshots go to `$AUTHSEL_SCREENSHOTS` (default `target/screenshots`); the ones
//! in `docs/screenshots/` were taken with `AUTHSEL_SCREENSHOTS=docs/screenshots`.

mod http;
mod server;
mod webdriver;

use serde_json::Value;
use server::Server;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use webdriver::{Browser, PATIENCE, SPACE, TAB};

/// One browser at a time: a 2-core machine runs one Chromium well, several badly.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shot(b: &Browser, name: &str) {
    let dir = std::env::var("AUTHSEL_SCREENSHOTS")
        .map(|d| root().join(d))
        .unwrap_or_else(|_| root().join("target/screenshots"));
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    b.screenshot(&dir.join(format!("{name}.png")));
}

fn authsel(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_authsel"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run authsel")
}

/// The decision the page's form gets now, from the server (as the page asks for it).
fn api_decision(b: &Browser) -> Value {
    let v = b.script_async(
        "const done = arguments[arguments.length - 1];\
         fetch('/api/eval', {method: 'POST', body: JSON.stringify({form: readForm()})})\
           .then(r => r.json()).then(v => done(JSON.stringify(v.decision)));",
    );
    serde_json::from_str(v.as_str().expect("a JSON string")).expect("the decision")
}

fn import(b: &Browser, file: &str) {
    let path = root().join(file);
    b.type_into("#import", path.to_str().unwrap(), false);
    b.wait_text("#status", "the file opened", |t| {
        t.starts_with("Opened") || t.starts_with("Evaluated")
    });
}

fn recommended(b: &Browser) -> String {
    b.script("const e = document.querySelector('#recommendation [data-authority]'); return e ? e.dataset.authority : '';")
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn wait_recommended(b: &Browser, id: &str) {
    let started = Instant::now();
    while recommended(b) != id {
        assert!(
            started.elapsed() < PATIENCE,
            "timed out waiting for {id}; the panel says {}",
            b.text("#result")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn fill_333(b: &Browser) {
    b.type_into("#f-id", "LBN-27-CT-01", false);
    b.type_into(
        "#f-title",
        "Train and equip LAF counter-terrorism companies",
        false,
    );
    b.type_into("#f-partner", "Lebanon", false);
    b.click("#f-recipient option[value=NationalMilitary]");
    b.click("#purposes-counterterrorism");
    b.click("#activities-training");
    b.click("#activities-equipment");
    b.type_into("#f-amount_usd", "30000000", false);
    b.type_into("#f-start", "03012027", false);
    b.type_into("#f-duration_months", "24", false);
    b.click("#f-funding option[value=DoD]");
    b.click("#f-leahy option[value=Passed]");
}

fn wait_download(dir: &Path) -> PathBuf {
    let started = Instant::now();
    loop {
        let done = std::fs::read_dir(dir).ok().and_then(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "ron"))
        });
        if let Some(p) = done {
            return p;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "no download in {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --test browser -- --ignored"]
fn a_planner_fills_the_form_for_333_and_exports_a_ron_file_the_cli_agrees_with() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let s = Server::start(&[]);
    let b = Browser::start();
    b.goto(&s.url("/"));
    shot(&b, "form");
    fill_333(&b);
    let start = b.find("#f-start");
    assert_eq!(b.property(&start, "value"), "2027-03-01");
    wait_recommended(&b, "usc10-333");
    // The notification date, on the duty timeline.
    let duties = b.wait_text("#duties", "the notification date", |t| {
        t.contains("2027-02-14")
    });
    assert!(
        duties.to_lowercase().contains("congressional notification"),
        "{duties}"
    );
    let amount = b.find("#f-amount_usd");
    assert_eq!(
        b.property(&amount, "value"),
        "30,000,000",
        "money shows thousands separators"
    );
    b.script("window.scrollTo(0, 0);");
    shot(&b, "decision");
    // Export the RON; the CLI evaluates the file as the page does.
    b.click("#export-ron");
    let file = wait_download(&b.downloads);
    let cli = authsel(&["eval", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(cli.status.code(), Some(0));
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(cli, api_decision(&b));
    assert_eq!(cli["recommended"], "usc10-333");
}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --test browser -- --ignored"]
fn a_verified_fix_makes_a_rejected_lease_eligible_and_undo_takes_it_back() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let s = Server::start(&[]);
    let b = Browser::start();
    b.goto(&s.url("/"));
    import(&b, "rules/cases/domain/04-helicopter-lease-7y.ron");
    b.wait_text("#recommendation h2", "no authority", |t| {
        t.starts_with("No authority fits")
    });
    b.click("details[data-authority=lease] summary");
    // The live panel is lean: the candidate's findings and fix are fetched when it is opened.
    let fix = b.wait_text(
        "details[data-authority=lease] .cand-body",
        "the lease's fix",
        |t| t.contains("Apply this fix"),
    );
    assert!(fix.contains("Apply this fix"), "{fix}");
    b.script("document.querySelector('details[data-authority=lease]').scrollIntoView();");
    shot(&b, "fix");
    b.click("details[data-authority=lease] button.apply");
    wait_recommended(&b, "lease");
    assert!(b
        .text("#recommendation h2")
        .to_lowercase()
        .contains("eligible"));
    let months = b.find("#f-duration_months");
    assert_eq!(b.property(&months, "value"), "60");
    b.click("#undo");
    b.wait_text("#recommendation h2", "no authority again", |t| {
        t.starts_with("No authority fits")
    });
    assert_eq!(b.property(&months, "value"), "84");
}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --test browser -- --ignored"]
fn answering_an_open_question_changes_the_verdict() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let s = Server::start(&[]);
    let b = Browser::start();
    b.goto(&s.url("/"));
    import(&b, "rules/cases/faa-506a1/07-emergency-unknown.ron");
    wait_recommended(&b, "eda-grant");
    assert!(b
        .text("#recommendation h2")
        .to_lowercase()
        .contains("conditional"));
    let q = b.text("#questions");
    assert!(
        q.contains("Has the President determined that an emergency exists?"),
        "{q}"
    );
    b.click("#questions [data-name=emergency][data-value=true]");
    wait_recommended(&b, "faa-506a1");
    assert!(b
        .text("#recommendation h2")
        .to_lowercase()
        .contains("eligible"));
    let emergency = b.find("#f-emergency");
    assert_eq!(b.property(&emergency, "value"), "true");
    assert!(!b.text("#questions").contains("emergency exists"));
    // A value the reader refuses is shown beside its field, in the CLI's words.
    b.type_into("#f-amount_usd", "60 million", true);
    let e = b.wait_text("#e-amount_usd", "the field's error", |t| {
        t.contains("integer")
    });
    assert_eq!(e, "E0201: Expected integer");
    assert!(b
        .text("#result")
        .contains("proposal.ron:12:16: error[E0201]: Expected integer"));
}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --test browser -- --ignored"]
fn a_zip_with_one_corrupt_entry_is_checked_and_the_rest_evaluated() {
    use std::io::Write;
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!("authsel-browser-zip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("proposals.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&file).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for f in [
        "examples/01-ct-train-equip-333.ron",
        "examples/04-helicopter-lease-5y.ron",
        "examples/06-fms-mde-20m.ron",
    ] {
        let name = format!(
            "fy27/{}",
            Path::new(f).file_name().unwrap().to_str().unwrap()
        );
        w.start_file(name, opts).unwrap();
        w.write_all(&std::fs::read(root().join(f)).unwrap())
            .unwrap();
    }
    w.start_file("fy27/zz-corrupt.ron", opts).unwrap();
    w.write_all(b"Proposal(\n    id: \"BAD-1\",\n    title: ,\n)\n")
        .unwrap();
    w.finish().unwrap();
    let s = Server::start(&[]);
    let b = Browser::start();
    b.goto(&s.url("/batch"));
    let input = b.find("#batch-zip");
    assert_eq!(b.computed_label(&input), "Or a zip archive");
    b.type_into("#batch-zip", file.to_str().unwrap(), false);
    b.click("#batch-run");
    let errors = b.wait_text("#batch-report", "the corrupt entry's error", |t| {
        t.contains("zz-corrupt.ron:3:")
    });
    assert!(errors.contains("fy27/zz-corrupt.ron:3:"), "{errors}");
    assert_eq!(b.text("#n-proposals"), "3");
    assert_eq!(b.text("#n-invalid"), "1");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --test browser -- --ignored"]
fn a_folder_with_one_corrupt_file_is_checked_and_the_error_shown_with_its_line() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::env::temp_dir().join(format!("authsel-browser-batch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let set = dir.join("fy27");
    assert!(
        authsel(&["gen", "--count", "20", "--seed", "3", set.to_str().unwrap()])
            .status
            .success()
    );
    for f in [
        "examples/01-ct-train-equip-333.ron",
        "examples/06-fms-mde-20m.ron",
    ] {
        std::fs::copy(root().join(f), set.join(Path::new(f).file_name().unwrap())).unwrap();
    }
    // Two State Partnership proposals that take § 341's ceiling over between them.
    let spp = std::fs::read_to_string(root().join("rules/cases/domain/16b-spp-8m.ron")).unwrap();
    std::fs::write(set.join("spp-a.ron"), &spp).unwrap();
    let id = spp
        .lines()
        .find(|l| l.trim_start().starts_with("id:"))
        .unwrap();
    std::fs::write(set.join("spp-b.ron"), spp.replace(id, "    id: \"SPP-B\",")).unwrap();
    std::fs::write(
        set.join("zz-corrupt.ron"),
        "Proposal(\n    id: \"BAD-1\",\n    title: ,\n)\n",
    )
    .unwrap();
    let s = Server::start(&[]);
    let b = Browser::start();
    b.goto(&s.url("/batch"));
    b.type_into("#batch-folder", set.to_str().unwrap(), false);
    b.click("#batch-run");
    let errors = b.wait_text("#batch-report", "the corrupt file's error", |t| {
        t.contains("zz-corrupt.ron:3:")
    });
    assert!(errors.contains("fy27/zz-corrupt.ron:3:"), "{errors}");
    assert_eq!(b.text("#n-proposals"), "24");
    assert_eq!(b.text("#n-invalid"), "1");
    let chart = b.find("#batch-report svg.chart");
    assert_eq!(b.computed_role(&chart), "image");
    assert!(
        b.text("#batch-report").contains("crossed by SPP-B")
            || b.script("return document.querySelector('svg.chart').textContent")
                .as_str()
                .unwrap()
                .contains("crossed by SPP-B")
    );
    b.script("document.querySelector('#batch-report').scrollIntoView();");
    shot(&b, "batch");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --test browser -- --ignored"]
fn the_form_works_from_the_keyboard_and_every_control_has_a_label() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let s = Server::start(&[]);
    let b = Browser::start();
    b.goto(&s.url("/"));
    // The first Tab reaches the skip link; then the sections, the toolbar, the form, in order.
    b.keys(TAB);
    assert_eq!(b.focused(), "#main");
    let mut order = Vec::new();
    for _ in 0..16 {
        b.keys(TAB);
        order.push(b.focused());
        if order.last().is_some_and(|f| f == "f-id") {
            break;
        }
    }
    let pos = |id: &str| {
        order
            .iter()
            .position(|f| f == id)
            .unwrap_or_else(|| panic!("{id} not reached: {order:?}"))
    };
    assert!(
        pos("import") < pos("export-ron") && pos("export-ron") < pos("f-id"),
        "{order:?}"
    );
    // Fill the required fields by keyboard alone.
    b.keys("KB-1");
    b.keys(TAB);
    assert_eq!(b.focused(), "f-title");
    b.keys("Keyboard only");
    b.keys(TAB);
    b.keys("Lebanon");
    b.keys(TAB);
    assert_eq!(b.focused(), "f-partner_outside_registry");
    b.keys(TAB);
    assert_eq!(b.focused(), "f-recipient");
    b.keys("N");
    b.keys(TAB);
    b.keys("counterterrorism");
    b.keys(TAB);
    assert_eq!(b.focused(), "purposes-counterterrorism");
    b.keys(SPACE);
    // Tab on to the activities' filter.
    let mut guard = 0;
    while b.focused() != ""
        && !b
            .script("return document.activeElement.dataset.for === 'activities'")
            .as_bool()
            .unwrap_or(false)
    {
        b.keys(TAB);
        guard += 1;
        assert!(guard < 60, "the activities' filter was not reached");
    }
    b.keys("training");
    b.keys(TAB);
    assert_eq!(b.focused(), "activities-training");
    b.keys(SPACE);
    b.keys(TAB);
    assert_eq!(b.focused(), "f-amount_usd");
    b.keys("1000000");
    b.keys(TAB);
    assert_eq!(b.focused(), "f-start");
    b.keys("03012027");
    b.wait_text("#recommendation h2", "a recommendation", |t| {
        t.starts_with("Use ")
    });
    let form = api_decision(&b);
    assert_eq!(form["proposal"], "KB-1");
    // Every control has a name in the accessibility tree: show every one first (filters
    // cleared, candidates opened), since a hidden control has none.
    b.script(
        "for (const f of document.querySelectorAll('.pick-filter')) { f.value = ''; f.dispatchEvent(new Event('input')); }\
         for (const d of document.querySelectorAll('details')) d.open = true;",
    );
    let mut unlabelled = Vec::new();
    for e in b.find_all("input:not([type=hidden]), select, button, textarea") {
        if b.computed_label(&e).trim().is_empty() {
            unlabelled.push(b.property(&e, "outerHTML").to_string());
        }
    }
    assert!(
        unlabelled.is_empty(),
        "controls without a label: {unlabelled:#?}"
    );
    let recipient = b.find("#f-recipient");
    assert_eq!(b.computed_label(&recipient), "Recipient");
    assert_eq!(b.computed_role(&recipient), "combobox");
}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --test browser -- --ignored"]
fn what_if_compares_two_versions_side_by_side() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let s = Server::start(&[]);
    let b = Browser::start();
    b.goto(&s.url("/"));
    import(&b, "examples/01-ct-train-equip-333.ron");
    wait_recommended(&b, "usc10-333");
    b.click("#keep-a");
    b.click("#f-leahy option[value=Failed]");
    b.wait_text("#recommendation h2", "another recommendation", |t| {
        !t.contains("Foreign security forces")
    });
    b.click("#compare");
    let diff = b.wait_text("#whatif-result", "the comparison", |t| {
        t.contains("Fields changed")
    });
    assert!(
        diff.contains("leahy") && diff.contains("Passed") && diff.contains("Failed"),
        "{diff}"
    );
    assert!(diff.contains("usc10-333: eligible →"), "{diff}");
    b.script("document.querySelector('#whatif').scrollIntoView();");
    shot(&b, "whatif");
}

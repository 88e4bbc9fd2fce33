//! Bytes as a ledger file, read the way the CLI reads `--ledger` (`RuleBase::read_ledger` against
//! the built-in rules); a ledger that reads is applied to a fixed proposal (example 01), whose
//! decision is explained and rendered as JSON. Invariants: no panic; a refused ledger comes back as
//! diagnostics of this file, each at a line and column inside the text, at most `MAX_PER_FILE` of
//! them plus the count; a ledger that reads is also what `Ledger::from_ron` reads.
#![no_main]

use authsel::diagnostic::MAX_PER_FILE;
use authsel::{Context, Diagnostic, Ledger, Proposal, RuleBase};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

mod common;

const NAME: &str = "fuzz-ledger.ron";

fn context() -> &'static (RuleBase, Proposal) {
    static CX: OnceLock<(RuleBase, Proposal)> = OnceLock::new();
    CX.get_or_init(|| {
        let rb = RuleBase::builtin();
        let text = include_str!("../../examples/01-ct-train-equip-333.ron");
        let p = rb
            .read_proposal("examples/01-ct-train-equip-333.ron", text)
            .unwrap_or_else(|d| panic!("example 01 does not read: {d:?}"));
        (rb, p)
    })
}

/// Panics unless `line`:`column` is inside the text.
fn assert_inside(what: &str, line: usize, column: usize, lines: &[common::Line], text: &str) {
    assert!(
        common::inside(lines, line, column),
        "{what} at {line}:{column} is outside the text ({}); text {:?}",
        common::describe(lines, line),
        text.get(..text.len().min(400)).unwrap_or(""),
    );
}

fn check_diagnostics(diags: &[Diagnostic], lines: &[common::Line], text: &str) {
    assert!(
        !diags.is_empty(),
        "read_ledger refused the ledger with no diagnostic"
    );
    assert!(
        diags.len() <= MAX_PER_FILE + 1,
        "{} diagnostics for one file (at most {MAX_PER_FILE} plus the count)",
        diags.len()
    );
    for d in diags {
        assert_eq!(d.file, NAME, "diagnostic of another file: {d}");
        assert!(
            d.is_error(),
            "a refused ledger with a non-error diagnostic: {d}"
        );
        assert_inside(
            &format!("diagnostic {}", d.code),
            d.line,
            d.column,
            lines,
            text,
        );
        // Rendering a diagnostic (source line, caret) must not panic either.
        let _ = d.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (rb, p) = context();
    let lines = common::lines(text);
    let parsed = Ledger::from_ron(text);
    if let Err(e) = &parsed {
        assert_inside(
            &format!("Ledger::from_ron error {}", e.code),
            e.line,
            e.column,
            &lines,
            text,
        );
        let _ = e.to_diagnostic(NAME, text).to_string();
    }
    match rb.read_ledger(NAME, text) {
        Err(diags) => check_diagnostics(&diags, &lines, text),
        Ok(ledger) => {
            // `read_ledger` reads each authority as a planner's name (`PDA`, `Section 1206`,
            // spelling aside) and keeps its id; `from_ron` keeps the text as written.
            let mut as_ids = parsed.clone();
            if let Ok(l) = as_ids.as_mut() {
                for e in l.entries_mut() {
                    if let Some(a) = rb.authority_named(&e.authority) {
                        e.authority = a.id.to_string();
                    }
                }
            }
            assert!(
                as_ids.as_ref() == Ok(&ledger),
                "read_ledger read a ledger that Ledger::from_ron does not: {parsed:?}"
            );
            let ctx = Context {
                as_of: None,
                ledger: Some(&ledger),
            };
            let d = rb.evaluate_with(p, &ctx);
            let json = authsel::render::json::decision(&d.explain());
            assert!(!json.is_empty(), "empty JSON for a decision");
        }
    }
});

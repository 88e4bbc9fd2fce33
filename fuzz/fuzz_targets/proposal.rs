//! Proposal and ledger text into the RON parsers, then (when it parses) the id checks against the
//! built-in rule base and a full evaluation.
#![no_main]

use authsel::{Context, Ledger, Proposal, RuleBase};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn rules() -> &'static RuleBase {
    static RB: OnceLock<RuleBase> = OnceLock::new();
    RB.get_or_init(RuleBase::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Proposal::from_ron(text);
    let rb = rules();
    if let Ok(p) = rb.read_proposal("fuzz.ron", text) {
        let d = rb.evaluate(&p);
        let _ = serde_json_len(&d);
    }
    if let Ok(l) = rb.read_ledger("fuzz.ron", text) {
        // A ledger that parses is used against a fixed proposal (ceiling sums, overflow).
        let p = include_str!("../../examples/10-pko-emergency-drawdown.ron");
        if let Ok(p) = Proposal::from_ron(p) {
            let d = rb.evaluate_with(
                &p,
                &Context {
                    as_of: None,
                    ledger: Some(&l),
                },
            );
            let _ = serde_json_len(&d);
        }
    }
    let _ = Ledger::from_ron(text);
});

fn serde_json_len(d: &authsel::Decision) -> usize {
    authsel::render::json::decision(&d.explain()).len()
}

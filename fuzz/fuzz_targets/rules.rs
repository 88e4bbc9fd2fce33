//! Rule text into the parser and checker: alone, and beside the built-in vocabulary, partner
//! registry and restrictions (so that names resolve and the deeper checks run). A rule base that
//! checks is then used to evaluate the example proposals.
#![no_main]

use authsel::{Proposal, RuleBase, SourceFile};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn context() -> &'static (Vec<SourceFile>, Vec<Proposal>) {
    static CX: OnceLock<(Vec<SourceFile>, Vec<Proposal>)> = OnceLock::new();
    CX.get_or_init(|| {
        let files = RuleBase::builtin_files()
            .into_iter()
            .filter(|f| {
                ["vocabulary", "partners", "restrictions"]
                    .iter()
                    .any(|k| f.name.contains(k))
            })
            .collect();
        let proposals = [
            include_str!("../../examples/01-ct-train-equip-333.ron"),
            include_str!("../../examples/06-fms-mde-20m.ron"),
            include_str!("../../examples/10-pko-emergency-drawdown.ron"),
        ]
        .iter()
        .filter_map(|t| Proposal::from_ron(t).ok())
        .collect();
        (files, proposals)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let one = SourceFile {
        name: "fuzz.auth".into(),
        text: text.to_string(),
    };
    let _ = RuleBase::from_files(std::slice::from_ref(&one));
    let (base, proposals) = context();
    let mut files = base.clone();
    files.push(one);
    if let Ok(rb) = RuleBase::from_files(&files) {
        for p in proposals {
            // Explained too: rendering reads every finding against the mutated rules.
            let _ = rb.evaluate(p).explain();
        }
    }
});

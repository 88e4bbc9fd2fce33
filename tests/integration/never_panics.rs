//! Arbitrary text into both parsers: errors, never panics.

use authsel::{Proposal, RuleBase, SourceFile};
use proptest::prelude::*;

const PROPOSAL: &str = include_str!("../../examples/01-ct-train-equip-333.ron");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn proposal_parser_never_panics(s in "\\PC*") {
        let _ = Proposal::from_ron(&s);
    }

    #[test]
    fn rule_parser_never_panics(s in "\\PC*") {
        let _ = RuleBase::from_files(&[SourceFile { name: "x.auth".into(), text: s }]);
    }

    /// Mutations of a valid proposal: delete, insert or replace a byte range.
    #[test]
    fn mutated_proposals_never_panic(at in 0usize..400, len in 0usize..8, ins in "[\\x00-\\x7f§é]{0,6}") {
        let rb = RuleBase::builtin();
        let mut s = PROPOSAL.to_string();
        let at = at.min(s.len());
        let end = (at + len).min(s.len());
        if s.is_char_boundary(at) && s.is_char_boundary(end) {
            s.replace_range(at..end, &ins);
        }
        if let Ok(p) = rb.read_proposal("m.ron", &s) {
            let d = rb.evaluate(&p).into_explanation();
            prop_assert_eq!(d.proposal, p.id);
        }
    }

    /// Mutations of the built-in rule files.
    #[test]
    fn mutated_rules_never_panic(file in 0usize..8, at in 0usize..20000, len in 0usize..12, ins in "[ -~\\n]{0,8}") {
        let mut files = RuleBase::builtin_files();
        let n = files.len();
        let f = &mut files[file % n];
        let at = at.min(f.text.len());
        let end = (at + len).min(f.text.len());
        if f.text.is_char_boundary(at) && f.text.is_char_boundary(end) {
            f.text.replace_range(at..end, &ins);
        }
        let _ = RuleBase::from_files(&files);
    }
}

//! Every ```authsel block in docs/dsl.md parses and checks, so the reference cannot drift.

use authsel::{RuleBase, SourceFile};

#[test]
fn dsl_reference_examples_check() {
    let doc = include_str!("../../docs/dsl.md");
    let mut blocks = Vec::new();
    let mut cur: Option<String> = None;
    for line in doc.lines() {
        match (&mut cur, line.trim()) {
            (None, "```authsel") => cur = Some(String::new()),
            (Some(b), "```") => {
                blocks.push(std::mem::take(b));
                cur = None;
            }
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            _ => {}
        }
    }
    assert!(
        blocks.len() >= 3,
        "expected the reference's examples, found {}",
        blocks.len()
    );
    // The blocks build on each other (a vocabulary, then a registry, then authorities).
    let files: Vec<SourceFile> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| SourceFile {
            name: format!("docs/dsl.md#{i}"),
            text: b.clone(),
        })
        .collect();
    // The example authorities name a few purposes and activities the doc does not declare.
    let mut files = files;
    files.push(SourceFile {
        name: "extra.auth".into(),
        text: "purpose disaster_relief \"x\"\n".into(),
    });
    match RuleBase::from_files(&files) {
        Ok(rb) => {
            assert!(rb.authority("example-333").is_some());
            assert_eq!(
                rb.authority_named("GPOI").map(|a| a.id.as_str()),
                Some("example-333")
            );
            assert_eq!(
                rb.authority("example-2282")
                    .map(|a| a.superseded_by.clone()),
                Some(vec!["example-333".to_string()])
            );
        }
        Err(authsel::LoadError::Invalid(d)) => {
            panic!("{}", d.iter().map(ToString::to_string).collect::<String>())
        }
        Err(e) => panic!("{e}"),
    }
}

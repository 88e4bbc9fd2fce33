//! JUnit XML of a `check` run, for CI systems. Rendering only: nothing is decided here.

use super::ceiling_status;
use crate::batch::{Report, Row};
use crate::diagnostic::Diagnostic;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// XML text and attribute escaping; characters XML 1.0 forbids become U+FFFD.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test case per proposal (a failure when nothing fits or it is over a ceiling),
/// one per invalid file (an error). `time` is the batch's wall time on the suites and each file's
/// reading, checking and evaluating on its case, in seconds: the only bytes that differ between
/// two runs. Nothing is said twice: a failure's `message` is its summary, its text the detail.
pub fn check(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.errors {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let failures = report.rows.iter().filter(|r| r.failed()).count();
    let tests = report.rows.len() + by_file.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\" time=\"{:.3}\"",
        by_file.len(),
        report.elapsed.as_secs_f64()
    );
    let _ = writeln!(out, "<testsuites name=\"authsel check\" {counts}>");
    let _ = writeln!(
        out,
        "  <testsuite name=\"authsel check\" {counts} skipped=\"0\">"
    );
    for r in &report.rows {
        case(&mut out, report, r);
    }
    for (file, diags) in by_file {
        let _ = writeln!(
            out,
            "    <testcase name=\"{}\" classname=\"authsel.check.input\" file=\"{0}\">",
            xml_escape(file)
        );
        let text: String = diags.iter().map(|d| d.to_string()).collect();
        let first = diags.first().map_or(String::new(), |d| d.message.clone());
        let code = diags.first().map_or("E0200", |d| d.code);
        let _ = writeln!(
            out,
            "      <error type=\"{code}\" message=\"{}\">{}</error>",
            xml_escape(&first),
            xml_escape(&text)
        );
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// One proposal's test case: its failures, or the authority that fits.
fn case(out: &mut String, report: &Report, r: &Row) {
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"authsel.check\" file=\"{}\" time=\"{:.6}\">",
        xml_escape(&r.proposal),
        xml_escape(&r.file),
        r.elapsed.as_secs_f64()
    );
    match (&r.recommended, &r.why_none) {
        (Some(a), _) if r.over_ceilings.is_empty() => {
            let _ = writeln!(
                out,
                "      <system-out>{}: {}</system-out>",
                xml_escape(a),
                r.verdict
            );
        }
        (Some(_), _) => {}
        (None, why) => {
            let why = why.as_deref().unwrap_or("no candidate authority");
            let _ = writeln!(
                out,
                "      <failure type=\"no_authority\" message=\"no fitting authority\">{}</failure>",
                xml_escape(why)
            );
            // `check --plan`: the authorities that together would cover it.
            if let Some(plan) = &r.plan {
                let _ = writeln!(
                    out,
                    "      <system-out>plan: {}</system-out>",
                    xml_escape(plan)
                );
            }
        }
    }
    for label in &r.over_ceilings {
        let status = report
            .ceilings
            .iter()
            .find(|c| c.over && c.label() == *label)
            .map_or(String::new(), ceiling_status);
        let _ = writeln!(
            out,
            "      <failure type=\"ceiling\" message=\"{} is over the {}\">{}</failure>",
            xml_escape(r.recommended.as_deref().unwrap_or("")),
            xml_escape(label),
            xml_escape(&status)
        );
    }
    let _ = writeln!(out, "    </testcase>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_covers_markup_and_control_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}\n"
        );
    }
}

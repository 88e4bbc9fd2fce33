//! HTML text: the one `escape` function and the page frame every page shares. Invariant: every
//! piece of text that did not come from this file's own literals goes through [`escape`] (element
//! text and attribute values alike), so user input is shown as text, never run as markup.

use std::fmt::Write;

/// Escapes text for HTML element content and for double- or single-quoted attribute values:
/// `&`, `<`, `>`, `"` and `'` become entities. Control characters other than tab and line breaks
/// become U+FFFD, so nothing invisible is echoed back.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    out
}

/// [`escape`], appended to `out`. Runs of plain text are copied whole: this is the hottest
/// function of a page (a decision's panel is mostly escaped text).
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while let Some(&b) = bytes.get(i) {
        let (with, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b'\t' | b'\n' | b'\r' => ("", 0),
            0..=0x1f | 0x7f => ("\u{fffd}", 1),
            // U+0080..U+009F (C1 controls) are 0xC2 0x80..0x9F in UTF-8.
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => ("\u{fffd}", 2),
            _ => ("", 0),
        };
        if len == 0 {
            i += 1;
            continue;
        }
        // `i` is at an ASCII byte or a lead byte, so both slices are on character boundaries.
        out.push_str(text.get(start..i).unwrap_or(""));
        out.push_str(with);
        i += len;
        start = i;
    }
    out.push_str(text.get(start..).unwrap_or(""));
}

/// The site's sections, in the navigation bar: (path, label).
const NAV: [(&str, &str); 4] = [
    ("/", "Proposal"),
    ("/authorities", "Authorities"),
    ("/graph", "Graph"),
    ("/batch", "Batch check"),
];

/// A whole page: the head (the stylesheet and script are this binary's own assets), a skip link,
/// the navigation with `current` marked, and `body` (already HTML) in `<main>`.
pub(crate) fn page(title: &str, current: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    let _ = write!(out, "<title>{} · authsel</title>", escape(title));
    out.push_str("<link rel=\"stylesheet\" href=\"/assets/style.css\">");
    out.push_str("<script src=\"/assets/app.js\" defer></script></head><body>");
    out.push_str("<a class=\"skip\" href=\"#main\">Skip to content</a>");
    out.push_str("<header><nav aria-label=\"Sections\"><span class=\"brand\">authsel</span><ul>");
    for (path, label) in NAV {
        let here = if path == current {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(out, "<li><a href=\"{path}\"{here}>{label}</a></li>");
    }
    out.push_str("</ul></nav></header><main id=\"main\" tabindex=\"-1\">");
    out.push_str(body);
    out.push_str("</main><footer>A decision aid that shows its work, not legal advice: ");
    out.push_str("check the statute, the SAMM and counsel.</footer></body></html>\n");
    out
}

/// `<tag>escaped text</tag>`.
pub(crate) fn el(tag: &str, text: &str) -> String {
    format!("<{tag}>{}</{tag}>", escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_turns_markup_into_text() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape(r#"a & b "c" 'd'"#),
            "a &amp; b &quot;c&quot; &#39;d&#39;"
        );
        assert_eq!(escape("x\u{0}y\u{1b}z\n"), "x\u{fffd}y\u{fffd}z\n");
        assert_eq!(escape("a\u{85}b\u{9f}\u{a0}é"), "a\u{fffd}b\u{fffd}\u{a0}é");
        assert_eq!(escape("§ 333 — ok"), "§ 333 — ok");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn escape_agrees_with_the_one_character_at_a_time_rule() {
        let slow = |t: &str| -> String {
            t.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    '\t' | '\n' | '\r' => c.to_string(),
                    c if c.is_control() => "\u{fffd}".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert_eq!(escape(&all), slow(&all));
        for t in ["", "plain", "<<>>", "é<ü>\u{85}", "\u{10ffff}&"] {
            assert_eq!(escape(t), slow(t), "{t:?}");
        }
    }

    #[test]
    fn escaped_text_has_no_markup_characters() {
        let all: String = (0u8..128).map(char::from).collect();
        let e = escape(&all);
        assert!(!e.contains(['<', '>', '"', '\'']));
        assert_eq!(e.matches('&').count(), 5);
    }

    #[test]
    fn a_page_escapes_its_title_and_marks_the_current_section() {
        let p = page("<b>", "/batch", "<p>x</p>");
        assert!(p.contains("<title>&lt;b&gt; · authsel</title>"));
        assert!(p.contains("<a href=\"/batch\" aria-current=\"page\">"));
        assert!(!p.contains("http://") && !p.contains("https://"));
    }
}

//! `authsel docs`: the handbook (`docs/authorities.md`) generated from the rule base, so the
//! documentation a planner reads is the rule base itself. A test keeps the committed copy current.

use crate::model::RuleBase;
use crate::model::{Authority, Duty, Rule, RuleKind};
use crate::render::markdown::escape as md;
use crate::render::SheetLine;
use std::fmt::Write;

fn rule_line(r: &Rule) -> String {
    let what = match &r.kind {
        RuleKind::Require { condition, .. } => format!("`{condition}`"),
        RuleKind::Ceiling { limit, within } => format!(
            "at most **{limit}** per fiscal year{}",
            within
                .as_ref()
                .map_or(String::new(), |w| format!(" (sub-ceiling within `{w}`)"))
        ),
    };
    let mut s = format!("| `{}` | {what}", r.name);
    if let Some(w) = &r.when {
        let _ = write!(s, " when `{w}`");
    }
    let mut note = r
        .because
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    if let Some(rem) = &r.remedy {
        let _ = write!(
            note,
            "{}remedy: {rem}",
            if note.is_empty() { "" } else { "; " }
        );
    }
    if let Some(u) = &r.unconfirmed {
        let _ = write!(
            note,
            "{}**unconfirmed:** {u}",
            if note.is_empty() { "" } else { "; " }
        );
    }
    let _ = write!(s, " | {} | {} |", md(&note), md(&r.citation));
    s
}

fn duty_line(d: &Duty, all: &[Duty]) -> String {
    let timing = d.timing_text(all);
    let mut s = format!("| `{}` | {} | {timing}", d.name, d.kind.name());
    if let Some(w) = &d.when {
        let _ = write!(s, " when `{w}`");
    }
    let mut note = d.to.as_ref().map(|t| format!("to {t}")).unwrap_or_default();
    if let Some(u) = &d.unconfirmed {
        let _ = write!(
            note,
            "{}**unconfirmed:** {u}",
            if note.is_empty() { "" } else { "; " }
        );
    }
    let _ = write!(s, " | {} | {} |", md(&note), md(&d.citation));
    s
}

fn authority(out: &mut String, rb: &RuleBase, a: &Authority) {
    let _ = writeln!(out, "## `{}` — {}\n", a.id, a.name);
    let _ = writeln!(out, "- **Citation:** {}", a.citation);
    if let Some(t) = a.title {
        let _ = writeln!(out, "- **Title:** {t}");
    }
    if let Some(d) = &a.administered_by {
        let exec = a
            .executed_by
            .as_ref()
            .map_or(String::new(), |e| format!("; executed by {e}"));
        let _ = writeln!(out, "- **Administered by:** {d}{exec}");
    }
    in_force(out, a);
    for (line, value, cite) in super::sheet(rb, a) {
        let label = match line {
            SheetLine::Aka => "Also known as",
            SheetLine::Programs => "Programs under it",
            SheetLine::Supersedes => "Supersedes",
            SheetLine::SupersededBy => "Superseded by",
            SheetLine::Serves => "Purposes",
            SheetLine::Provides => "Activities",
            SheetLine::Recipients => "Recipients",
            SheetLine::Funding => "Funding",
            SheetLine::Applies => "Restrictions applied",
        };
        let cite = cite.map_or(String::new(), |c| format!(" ({c})"));
        let _ = writeln!(out, "- **{label}:** {value}{cite}");
    }
    rules_and_duties(out, a);
    if !a.caveats.is_empty() {
        let _ = writeln!(out, "\nCaveats:\n");
        for c in &a.caveats {
            let _ = writeln!(out, "- {}", md(c));
        }
    }
    out.push('\n');
}

/// When the authority is in force, with the citations of its dates.
fn in_force(out: &mut String, a: &Authority) {
    let dates: Vec<String> = [
        ("effective", &a.effective),
        ("expires after", &a.expires),
        ("repealed from", &a.repealed),
    ]
    .into_iter()
    .filter_map(|(l, d)| {
        d.as_ref().map(|d| {
            format!(
                "{l} {}{}{}",
                d.date,
                d.citation
                    .as_ref()
                    .map_or(String::new(), |c| format!(" ({})", md(c))),
                d.unconfirmed
                    .as_ref()
                    .map_or(String::new(), |u| format!(" **unconfirmed:** {}", md(u)))
            )
        })
    })
    .collect();
    if !dates.is_empty() {
        let _ = writeln!(out, "- **In force:** {}", dates.join("; "));
    }
    if a.effective.is_none() {
        let _ = writeln!(
            out,
            "- **Enacted:** no enactment date recorded (the rule base finds it on any date)"
        );
    }
}

/// The value histories a block's rules read: one row per entry, with the act that set it.
fn histories<'r>(out: &mut String, rules: impl IntoIterator<Item = &'r Rule>) {
    let values = super::histories(rules);
    if values.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n| value | in force | amount | citation |\n|---|---|---|---|"
    );
    for v in values {
        for e in &v.entries {
            let u = e
                .unconfirmed
                .as_ref()
                .map_or(String::new(), |u| format!(" **unconfirmed:** {}", md(u)));
            let _ = writeln!(
                out,
                "| `{}` ({}, read {}) | {} | {} | {}{u} |",
                v.key,
                md(&v.meaning),
                super::read_by(v),
                e.period(),
                e.value,
                md(&e.citation)
            );
        }
    }
}

/// The authority's own rules and duties (those of shared restrictions are listed there).
fn rules_and_duties(out: &mut String, a: &Authority) {
    let own: Vec<&Rule> = a.rules.iter().filter(|r| r.restriction.is_none()).collect();
    if !own.is_empty() {
        let _ = writeln!(
            out,
            "\n| rule | condition or limit | why | citation |\n|---|---|---|---|"
        );
        for r in &own {
            let _ = writeln!(out, "{}", rule_line(r));
        }
        histories(out, own);
    }
    let duties: Vec<&Duty> = a
        .duties
        .iter()
        .filter(|d| d.restriction.is_none())
        .collect();
    if !duties.is_empty() {
        let _ = writeln!(
            out,
            "\n| duty | kind | timing | detail | citation |\n|---|---|---|---|---|"
        );
        for d in duties {
            let _ = writeln!(out, "{}", duty_line(d, &a.duties));
        }
    }
}

/// The whole handbook as Markdown.
pub fn render(rb: &RuleBase) -> String {
    let mut out = String::from(
        "# Authority handbook\n\n\
         Generated from the rule base by `cargo run -q -- docs > docs/authorities.md`; do not edit by hand \
         (a test fails when this file and `rules/` disagree). Every number here is a rule the engine applies. \
         Values marked **unconfirmed** are the best-sourced values in `../shared/domain/authorities.md`, not \
         confirmed against current law.\n\n",
    );
    index(&mut out, rb);
    out.push('\n');
    for a in &rb.authorities {
        authority(&mut out, rb, a);
    }
    programs(&mut out, rb);
    let _ = writeln!(out, "# Shared restrictions\n");
    for r in rb.restrictions.values() {
        restriction(&mut out, rb, r);
    }
    partners(&mut out, rb);
    out
}

/// Every program with the authorities it runs under, its other names, dates and scope.
fn programs(out: &mut String, rb: &RuleBase) {
    if rb.programs.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "# Programs\n\n\
         A program or funding line runs under the authorities named; their rules decide. \
         `authsel show NAME` finds each by its id or any of its other names.\n\n\
         | id | name | runs under | also known as | dates | limited to | citation |\n\
         |---|---|---|---|---|---|---|"
    );
    for p in &rb.programs {
        let under: Vec<String> = p
            .under
            .iter()
            .map(|u| match rb.authority(u) {
                Some(a) => format!("[`{u}`](#{})", anchor(a)),
                None => format!("`{u}`"),
            })
            .collect();
        let aka: Vec<String> = p.aka.iter().map(|n| md(n)).collect();
        let mut dates = Vec::new();
        for (label, d) in [
            ("from", &p.effective),
            ("to", &p.expires),
            ("repealed", &p.repealed),
        ] {
            if let Some(d) = d {
                let u = if d.unconfirmed.is_some() {
                    " (unconfirmed)"
                } else {
                    ""
                };
                dates.push(format!("{label} {}{u}", d.date));
            }
        }
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            p.id,
            md(&p.name),
            under.join(", "),
            aka.join(", "),
            if dates.is_empty() {
                "-".to_string()
            } else {
                dates.join("; ")
            },
            p.scope.as_deref().map_or("-".to_string(), md),
            md(&p.citation)
        );
    }
    out.push('\n');
}

/// The table of every authority with its status.
fn index(out: &mut String, rb: &RuleBase) {
    let _ = writeln!(
        out,
        "| id | citation | name | title | in force |\n|---|---|---|---|---|"
    );
    for a in &rb.authorities {
        let status = match (&a.repealed, &a.expires) {
            (Some(r), _) => format!("repealed {}", r.date),
            (None, Some(e)) => format!("expires after {}", e.date),
            _ => "yes".to_string(),
        };
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} | {status} |",
            a.id,
            anchor(a),
            md(&a.citation),
            md(&a.name),
            a.title.map_or("-".to_string(), |t| t.to_string())
        );
    }
}

/// One shared restriction: who applies it, its rules, duties and caveats.
fn restriction(out: &mut String, rb: &RuleBase, r: &crate::model::Restriction) {
    let _ = writeln!(
        out,
        "## `{}` — {}\n\n- **Citation:** {}",
        r.id, r.name, r.citation
    );
    let users: Vec<&str> = rb
        .authorities
        .iter()
        .filter(|a| a.applies.contains(&r.id))
        .map(|a| a.id.as_str())
        .collect();
    let _ = writeln!(
        out,
        "- **Applied by:** {}",
        if users.is_empty() {
            "-".to_string()
        } else {
            users.join(", ")
        }
    );
    if !r.rules.is_empty() {
        let _ = writeln!(
            out,
            "\n| rule | condition or limit | why | citation |\n|---|---|---|---|"
        );
        for rule in &r.rules {
            let _ = writeln!(out, "{}", rule_line(rule));
        }
        histories(out, &r.rules);
    }
    if !r.duties.is_empty() {
        let _ = writeln!(
            out,
            "\n| duty | kind | timing | detail | citation |\n|---|---|---|---|---|"
        );
        for d in &r.duties {
            let _ = writeln!(out, "{}", duty_line(d, &r.duties));
        }
    }
    for c in &r.caveats {
        let _ = writeln!(out, "\n- {}", md(c));
    }
    out.push('\n');
}

/// The partner registry: names, aliases, memberships with dates.
fn partners(out: &mut String, rb: &RuleBase) {
    let _ = writeln!(
        out,
        "# Partner registry\n\n| partner | also known as | memberships |\n|---|---|---|"
    );
    for p in &rb.registry.partners {
        let ms: Vec<String> = p
            .members
            .iter()
            .map(|m| {
                format!(
                    "{} from {}{}",
                    m.group,
                    m.from,
                    m.to.map_or(String::new(), |t| format!(" to {t}"))
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            p.name,
            p.aka.join(", "),
            ms.join("; ")
        );
    }
}

fn anchor(a: &Authority) -> String {
    // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
    format!("{} — {}", a.id, a.name)
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

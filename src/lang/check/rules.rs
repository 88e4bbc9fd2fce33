//! Rules and conditions: type-checking `require`, `ceiling` and `duty` members and their
//! conditions, terms and literals. Recursion here follows the condition's nesting, which the
//! parser bounds (`limits::MAX_DEPTH`).

use super::{Checker, Scope};
use crate::diagnostic::Span;
use crate::lang::ast::{self, Expr, Ident, LitKind, Literal, Member as AstMember, Operand};
use crate::model::history::{Limit, ValueRef};
use crate::model::text::Text;
use crate::model::*;
use std::collections::HashSet;

/// Where a block's rules and duties go as they are checked.
pub(super) struct Sink {
    pub rules: Vec<Rule>,
    pub duties: Vec<Duty>,
    duty_names: HashSet<String>,
    /// `precedes NAME` as written: (the duty's index in `duties`, the name).
    pub precedes: Vec<(usize, Ident)>,
    /// The restriction being checked, if it is one.
    restriction: Option<String>,
}

impl Sink {
    pub(super) fn new(restriction: Option<String>) -> Sink {
        Sink {
            rules: Vec::new(),
            duties: Vec::new(),
            duty_names: HashSet::new(),
            precedes: Vec::new(),
            restriction,
        }
    }
}

/// What every rule and duty has besides its kind.
struct Common {
    guard: Option<Cond>,
    when: Option<Text>,
    because: Option<Text>,
    remedy: Option<String>,
    citation: Text,
    unconfirmed: Option<Text>,
    restriction: Option<String>,
}

impl Common {
    fn rule(self, name: &Ident, kind: RuleKind) -> Rule {
        let mut values = Vec::new();
        if let Some(g) = &self.guard {
            values_in(g, &mut values);
        }
        match &kind {
            RuleKind::Require { cond, .. } => values_in(cond, &mut values),
            RuleKind::Ceiling { limit, .. } => push_value(limit.history(), &mut values),
        }
        Rule {
            values,
            name: Text::from(&name.name),
            reads: Inputs::of_rule(self.guard.as_ref(), &kind),
            kind,
            guard: self.guard,
            when: self.when,
            because: self.because,
            remedy: self.remedy,
            citation: self.citation,
            unconfirmed: self.unconfirmed,
            restriction: self.restriction,
            shared: None,
            rendered: std::array::from_fn(|_| crate::model::text::Rendered::new()),
            remedies: std::array::from_fn(|_| crate::model::text::Rendered::new()),
        }
    }
}

impl Checker<'_> {
    /// A `require`, `ceiling` or `duty` member, type-checked into `sink`.
    pub(super) fn rule_member(
        &mut self,
        file: usize,
        m: &AstMember,
        scope: &Scope,
        sink: &mut Sink,
    ) {
        let head = match m {
            AstMember::Require(h, _) | AstMember::Ceiling(h, ..) | AstMember::Duty(h, ..) => h,
            _ => return,
        };
        self.citation(file, &head.cite);
        let common = Common {
            guard: head.when.as_ref().and_then(|e| self.cond(file, e, scope)),
            when: head.when.as_ref().map(|e| Text::from(self.source(file, e))),
            because: head.because.as_ref().map(|b| Text::from(&b.value)),
            remedy: head.remedy.as_ref().map(|b| b.value.clone()),
            citation: Text::from(&head.cite.value),
            unconfirmed: head.unconfirmed.as_ref().map(|u| Text::from(&u.value)),
            restriction: sink.restriction.clone(),
        };
        match m {
            AstMember::Require(_, e) => {
                if let Some(cond) = self.cond(file, e, scope) {
                    let condition = self.source(file, e).into();
                    let kind = RuleKind::Require { cond, condition };
                    sink.rules.push(common.rule(&head.name, kind));
                }
            }
            AstMember::Ceiling(_, amount, within) => {
                let Some(limit) = self.limit(file, amount, scope) else {
                    return;
                };
                let kind = RuleKind::Ceiling {
                    limit,
                    within: within.as_ref().map(|w| w.name.clone()),
                };
                sink.rules.push(common.rule(&head.name, kind));
            }
            AstMember::Duty(_, kind, to, timing, precedes) => {
                if let Some(p) = precedes {
                    sink.precedes.push((sink.duties.len(), p.clone()));
                }
                self.duty(file, &head.name, kind, to.as_ref(), timing, common, sink)
            }
            _ => {}
        }
    }

    /// A ceiling's amount: dollars, or a `value.NAME` whose history is in dollars.
    fn limit(&mut self, file: usize, amount: &ast::Amount, scope: &Scope) -> Option<Limit> {
        match amount {
            ast::Amount::Literal(lit) => match lit.kind {
                LitKind::Usd(limit) => Some(Limit::Fixed(Usd(limit))),
                _ => {
                    let msg = "a ceiling is a dollar amount".to_string();
                    self.err(file, lit.span, "E0106", msg);
                    None
                }
            },
            ast::Amount::Value(id) => {
                let v = self.value_ref(file, id, scope)?;
                if v.ty != Type::Usd {
                    let msg = format!(
                        "a ceiling is a dollar amount; `value.{}` is {}",
                        id.name, v.ty
                    );
                    self.err(file, id.span, "E0106", msg);
                    return None;
                }
                Some(Limit::Dated(v))
            }
        }
    }

    /// `value.NAME`: its checked history, or E0102.
    fn value_ref(&mut self, file: usize, id: &Ident, scope: &Scope) -> Option<ValueRef> {
        let v = scope.values.get(&id.name).cloned();
        if v.is_none() {
            self.unknown(file, id, "value", scope.values.keys().map(String::as_str));
        }
        v
    }

    /// A condition's text, whitespace collapsed.
    fn source(&self, file: usize, e: &Expr) -> String {
        let text = self.files.get(file).map_or("", |f| f.text.as_str());
        let s = e.span();
        text.get(s.start..s.end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[allow(clippy::too_many_arguments)]
    fn duty(
        &mut self,
        file: usize,
        name: &Ident,
        kind: &Ident,
        to: Option<&ast::Str>,
        timing: &ast::Timing,
        common: Common,
        sink: &mut Sink,
    ) {
        let Some(k) = ObligationKind::from_name(&kind.name) else {
            let kinds = ObligationKind::ALL.iter().map(|k| k.name());
            self.unknown(file, kind, "duty kind", kinds);
            return;
        };
        let timing = match timing {
            ast::Timing::DaysBefore {
                days,
                session,
                anchor,
            } => Timing::DaysBefore {
                days: *days,
                session: *session,
                anchor: *anchor,
            },
            ast::Timing::DaysAfter { days, session } => Timing::DaysAfter {
                days: *days,
                session: *session,
            },
            ast::Timing::Before(ast::Anchor::Start) => Timing::BeforeStart,
            ast::Timing::Before(ast::Anchor::Offer) => Timing::BeforeOffer,
            ast::Timing::Periodic(s) => Timing::Periodic {
                when: s.value.clone(),
            },
        };
        if !sink.duty_names.insert(name.name.clone()) {
            let msg = format!("two duties named `{}`", name.name);
            self.err(file, name.span, "E0110", msg);
        }
        let mut duty = Duty {
            name: name.name.clone(),
            kind: k,
            to: to.map(|t| Text::from(&t.value)),
            timing,
            guard: common.guard,
            when: common.when,
            because: common.because,
            citation: common.citation,
            unconfirmed: common.unconfirmed,
            restriction: common.restriction,
            message: Text::default(),
            precedes: None,
        };
        duty.message = duty.render_message();
        sink.duties.push(duty);
    }

    /// Type-checks a condition. Returns `None` after reporting errors. One small frame per
    /// `and`/`or` level (a chain of `not`s is a loop); the leaves are checked by `leaf`.
    fn cond(&mut self, file: usize, e: &Expr, scope: &Scope) -> Option<Cond> {
        let mut e = e;
        let mut nots = 0usize;
        while let Expr::Not(x, _) = e {
            self.work.add(1);
            nots += 1;
            e = x;
        }
        self.work.add(1);
        let c = match e {
            Expr::Or(xs, _) | Expr::And(xs, _) => {
                let mut out = Vec::new();
                let mut ok = true;
                for x in xs {
                    match self.cond(file, x, scope) {
                        Some(c) => out.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                if matches!(e, Expr::Or(..)) {
                    Cond::Or(out)
                } else {
                    Cond::And(out)
                }
            }
            _ => self.leaf(file, e, scope)?,
        };
        Some((0..nots).fold(c, |c, _| Cond::Not(Box::new(c))))
    }

    /// A condition without `and`, `or` or `not` at its top.
    fn leaf(&mut self, file: usize, e: &Expr, scope: &Scope) -> Option<Cond> {
        match e {
            Expr::Or(..) | Expr::And(..) | Expr::Not(..) => self.cond(file, e, scope),
            Expr::Has {
                field,
                op,
                items,
                span,
            } => self.has(file, (*field, *op, *span), items, scope),
            Expr::Bare(v) => {
                let t = self.term(file, v, scope, None)?;
                if t.ty != Type::Bool {
                    self.err(
                        file,
                        v.span,
                        "E0106",
                        format!("a condition must be true/false; this is {}", t.ty),
                    );
                    return None;
                }
                Some(Cond::Truthy(t))
            }
            Expr::In {
                value,
                negated,
                list,
                ..
            } => {
                let t = self.term(file, value, scope, None)?;
                let mut set = Vec::new();
                for l in list {
                    set.push(self.literal(file, l, t.ty, None)?);
                }
                Some(Cond::In {
                    term: t,
                    negated: *negated,
                    set,
                })
            }
            Expr::Cmp { lhs, op, rhs, span } => self.compare(file, lhs, *op, rhs, *span, scope),
        }
    }

    /// `purposes has x`, `activities any [...]`, `purposes only [...]`: the list is not empty and
    /// every item is declared.
    fn has(
        &mut self,
        file: usize,
        (field, op, span): (ast::SetField, ast::HasOp, Span),
        items: &[Ident],
        scope: &Scope,
    ) -> Option<Cond> {
        if items.is_empty() {
            let word = match op {
                ast::HasOp::Has => "has",
                ast::HasOp::Any => "any",
                ast::HasOp::All => "all",
                ast::HasOp::Only => "only",
            };
            let msg = format!("`{word} []`: an empty list decides nothing");
            self.err(file, span, "E0119", msg).help = Some(
                "list at least one purpose or activity; an exception names what it covers, \
                 as in `not purposes only [disaster_relief]`"
                    .to_string(),
            );
            return None;
        }
        let mut ok = true;
        for i in items {
            let (known, what) = match field {
                ast::SetField::Purposes => (scope.purposes.contains_key(&i.name), "purpose"),
                ast::SetField::Activities => (scope.activities.contains_key(&i.name), "activity"),
            };
            if !known {
                ok = false;
                match field {
                    ast::SetField::Purposes => {
                        self.unknown(file, i, what, scope.purposes.keys().map(String::as_str))
                    }
                    ast::SetField::Activities => {
                        self.unknown(file, i, what, scope.activities.keys().map(String::as_str))
                    }
                }
            }
        }
        ok.then(|| Cond::Has {
            field,
            op,
            items: items.iter().map(|i| i.name.clone()).collect(),
        })
    }

    /// `lhs OP rhs`: both sides of one type, and `<`, `<=`, `>=`, `>` only on ordered types.
    fn compare(
        &mut self,
        file: usize,
        lhs: &ast::Value,
        op: ast::CmpOp,
        rhs: &ast::Value,
        span: Span,
        scope: &Scope,
    ) -> Option<Cond> {
        // Resolve the side that names its own type first; a bare word takes the other's.
        let (l, r) = if is_word(lhs) {
            let r = self.term(file, rhs, scope, None)?;
            (self.term(file, lhs, scope, Some(r.ty))?, r)
        } else {
            let l = self.term(file, lhs, scope, None)?;
            (l.clone(), self.term(file, rhs, scope, Some(l.ty))?)
        };
        if l.ty != r.ty {
            let msg = format!("cannot compare {} with {}", l.ty, r.ty);
            self.err(file, span, "E0106", msg);
            return None;
        }
        let ordered = matches!(
            l.ty,
            Type::Usd | Type::Months | Type::Days | Type::Date | Type::Int
        );
        if !ordered && !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne) {
            let msg = format!(
                "`{}` needs numbers, dollars or dates; {} can only be compared with == or !=",
                op.symbol(),
                l.ty
            );
            self.err(file, span, "E0108", msg);
            return None;
        }
        Some(Cond::Cmp { lhs: l, op, rhs: r })
    }

    fn term(
        &mut self,
        file: usize,
        v: &ast::Value,
        scope: &Scope,
        expected: Option<Type>,
    ) -> Option<Term> {
        let (source, ty) = match &v.operand {
            Operand::Literal(l) => {
                let val = match (&l.kind, expected) {
                    (LitKind::Word(_), Some(t)) => self.literal(file, l, t, None)?,
                    (LitKind::Word(w), None) => {
                        self.err(file, l.span, "E0102", format!("unknown name `{w}`"))
                            .help = Some(format!(
                            "fields are: {}",
                            Field::ALL.map(Field::name).join(", ")
                        ));
                        return None;
                    }
                    _ => self.literal(file, l, expected.unwrap_or(Type::Str), Some(()))?,
                };
                let ty = val.ty();
                (Source::Const(val), ty)
            }
            Operand::Path(parts) => self.path(file, v, parts, scope)?,
        };
        // `+ N` on months adds N months; `-` could go below zero months, so it is written as `+`
        // on the other side (`A <= B + 60`).
        let fits = match ty {
            Type::Int => true,
            Type::Months => v.offset > 0,
            _ => false,
        };
        if v.offset != 0 && !fits {
            let e = self.err(
                file,
                v.span,
                "E0108",
                format!("`+`/`-` apply to numbers (and `+` to months), not {ty}"),
            );
            if ty == Type::Months {
                e.help = Some("write `A - N <= B` as `A <= B + N`".to_string());
            }
            return None;
        }
        Some(Term {
            source,
            offset: v.offset,
            ty,
        })
    }

    /// `amount_usd`, `partner.GROUP`, `fact.NAME`: the source of a path and its type.
    fn path(
        &mut self,
        file: usize,
        v: &ast::Value,
        parts: &[Ident],
        scope: &Scope,
    ) -> Option<(Source, Type)> {
        Some(match parts {
            [f] => match Field::from_name(&f.name) {
                Some(field) => (Source::Field(field), field.ty()),
                None => {
                    self.unknown(file, f, "field", Field::ALL.map(Field::name));
                    return None;
                }
            },
            [ns, name] if ns.name == "partner" => {
                if !scope.groups.contains_key(&name.name) {
                    self.unknown(
                        file,
                        name,
                        "partner group",
                        scope.groups.keys().map(String::as_str),
                    );
                    return None;
                }
                (
                    Source::PartnerGroup(
                        name.name.clone(),
                        Text::from(format!("partner.{}", name.name)),
                    ),
                    Type::Bool,
                )
            }
            [ns, name] if ns.name == "fact" => match scope.facts.get(&name.name) {
                Some(f) => (
                    Source::Fact(
                        name.name.clone(),
                        Text::from(format!("fact.{}", name.name)),
                        Box::new(f.clone()),
                    ),
                    f.ty,
                ),
                None => {
                    self.unknown(file, name, "fact", scope.facts.keys().map(String::as_str));
                    return None;
                }
            },
            [ns, name] if ns.name == "value" => {
                let v = self.value_ref(file, name, scope)?;
                let ty = v.ty;
                (Source::Value(v), ty)
            }
            _ => {
                self.err(
                    file,
                    v.span,
                    "E0102",
                    "unknown path: use `partner.GROUP`, `fact.NAME` or `value.NAME`".to_string(),
                );
                return None;
            }
        })
    }

    /// A literal as a value of type `want`. With `natural`, the literal's own type wins (for
    /// comparisons, where the other side is checked against it).
    pub(super) fn literal(
        &mut self,
        file: usize,
        l: &Literal,
        want: Type,
        natural: Option<()>,
    ) -> Option<Val> {
        let val = match &l.kind {
            LitKind::Usd(v) => Val::Usd(Usd(*v)),
            LitKind::Months(v) => Val::Months(*v),
            LitKind::Days(v) => Val::Days(*v),
            LitKind::Date(d) => Val::Date(*d),
            LitKind::Int(v) => Val::Int(*v),
            LitKind::Bool(b) => Val::Bool(*b),
            LitKind::Str(s) => Val::Str(s.clone()),
            LitKind::Word(w) => {
                return self.enum_word(
                    file,
                    &Ident {
                        name: w.clone(),
                        span: l.span,
                    },
                    want,
                );
            }
        };
        if natural.is_none() && val.ty() != want {
            self.err(
                file,
                l.span,
                "E0106",
                format!("expected {want}, found {}", val.ty()),
            );
            return None;
        }
        Some(val)
    }

    pub(super) fn enum_word(&mut self, file: usize, i: &Ident, want: Type) -> Option<Val> {
        let found = match want {
            Type::Recipient => RecipientKind::ALL
                .into_iter()
                .find(|k| k.to_string() == i.name)
                .map(Val::Recipient),
            Type::Funding => Funding::ALL
                .into_iter()
                .find(|k| k.to_string() == i.name)
                .map(Val::Funding),
            Type::Leahy => LeahyStatus::ALL
                .into_iter()
                .find(|k| k.to_string() == i.name)
                .map(Val::Leahy),
            _ => {
                self.err(
                    file,
                    i.span,
                    "E0106",
                    format!("expected {want}, found the name `{}`", i.name),
                );
                return None;
            }
        };
        if found.is_none() {
            let names: Vec<String> = match want {
                Type::Recipient => RecipientKind::ALL.iter().map(|k| k.to_string()).collect(),
                Type::Funding => Funding::ALL.iter().map(|k| k.to_string()).collect(),
                _ => LeahyStatus::ALL.iter().map(|k| k.to_string()).collect(),
            };
            let hint = self.hint(&i.name, names.iter().map(String::as_str));
            let d = self.err(
                file,
                i.span,
                "E0107",
                format!("`{}` is not {want} (one of {})", i.name, names.join(", ")),
            );
            d.help = hint;
        }
        found
    }
}

fn is_word(v: &ast::Value) -> bool {
    matches!(
        &v.operand,
        Operand::Literal(Literal {
            kind: LitKind::Word(_),
            ..
        })
    )
}

/// The values with a history a condition reads, each once, in order of first use.
fn values_in(c: &Cond, out: &mut Vec<ValueRef>) {
    let term = |t: &Term, out: &mut Vec<ValueRef>| {
        if let Source::Value(v) = &t.source {
            push_value(Some(v), out);
        }
    };
    match c {
        Cond::Or(xs) | Cond::And(xs) => xs.iter().for_each(|x| values_in(x, out)),
        Cond::Not(x) => values_in(x, out),
        Cond::Cmp { lhs, rhs, .. } => {
            term(lhs, out);
            term(rhs, out);
        }
        Cond::In { term: t, .. } | Cond::Truthy(t) => term(t, out),
        Cond::Has { .. } => {}
    }
}

fn push_value(v: Option<&ValueRef>, out: &mut Vec<ValueRef>) {
    if let Some(v) = v {
        if !out.iter().any(|o| o.id == v.id) {
            out.push(v.clone());
        }
    }
}

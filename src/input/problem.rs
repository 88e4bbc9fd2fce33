//! Problems found in an input file after it parsed, gathered cheaply (a byte span, a code, a short
//! message) and turned into diagnostics at the end: sorted by position, at most
//! `MAX_PER_FILE` of them, then one line counting the rest. Positions come from one `Locator`,
//! and "did you mean" is worked out only for the problems shown, so a file with ten thousand
//! unknown ids costs time and memory linear in its size.

use crate::diagnostic::{Diagnostic, Locator, Severity, Span, MAX_PER_FILE};

/// One thing wrong with an input file.
pub struct Problem<'a> {
    pub span: Span,
    pub code: &'static str,
    pub message: String,
    pub help: Help<'a>,
}

/// A problem's help line: none, fixed, or worked out only if the problem is shown.
pub enum Help<'a> {
    None,
    Text(String),
    Lazy(Box<dyn Fn() -> Option<String> + 'a>),
}

impl Help<'_> {
    pub fn resolve(&self) -> Option<String> {
        match self {
            Help::None => None,
            Help::Text(s) => Some(s.clone()),
            Help::Lazy(f) => f(),
        }
    }
}

impl<'a> Problem<'a> {
    /// A code in `I` is a note (a planner's word read as an id), never a failure.
    pub fn is_note(&self) -> bool {
        self.code.starts_with('I')
    }

    pub fn new(span: Span, code: &'static str, message: impl Into<String>) -> Problem<'a> {
        Problem {
            span,
            code,
            message: message.into(),
            help: Help::None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem<'a> {
        self.help = Help::Text(help.into());
        self
    }

    pub fn lazy_help(mut self, help: impl Fn() -> Option<String> + 'a) -> Problem<'a> {
        self.help = Help::Lazy(Box::new(help));
        self
    }
}

/// The diagnostics for `problems` of `text` (the text the spans point into): in file order (then
/// by code), the
/// first `MAX_PER_FILE`, then one `E0216` saying how many more there were.
pub(crate) fn diagnostics(
    file: &str,
    text: &str,
    mut problems: Vec<Problem<'_>>,
) -> Vec<Diagnostic> {
    if problems.is_empty() {
        // Most files: no line index to build.
        return Vec::new();
    }
    problems.sort_by_key(|p| (p.span.start, p.code));
    let mut locator = Locator::new(text);
    let mut out = Vec::with_capacity(problems.len().min(MAX_PER_FILE + 1));
    for p in problems.iter().take(MAX_PER_FILE) {
        let severity = if p.is_note() {
            Severity::Info
        } else {
            Severity::Error
        };
        let mut d = Diagnostic::located(
            file,
            &mut locator,
            p.span,
            severity,
            p.code,
            p.message.clone(),
        );
        d.help = p.help.resolve();
        out.push(d);
    }
    if let Some(next) = problems.get(MAX_PER_FILE) {
        let (line, column) = locator.line_col(next.span.start);
        out.push(Diagnostic::more_errors(
            file,
            line,
            column,
            problems.len() - MAX_PER_FILE,
        ));
    }
    out
}

/// A checked file's outcome: the value with its notes when every problem is a note, else its
/// errors alone (the notes would only crowd them, and the value is not used).
pub(crate) fn noted<T>(
    value: T,
    file: &str,
    text: &str,
    mut problems: Vec<Problem<'_>>,
) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
    if problems.iter().all(Problem::is_note) {
        Ok((value, diagnostics(file, text, problems)))
    } else {
        problems.retain(|p| !p.is_note());
        Err(diagnostics(file, text, problems))
    }
}

/// "did you mean `x`?" for the closest of `known`, if any is close.
pub(crate) fn did_you_mean<'k>(
    word: &str,
    known: impl IntoIterator<Item = &'k str>,
) -> Option<String> {
    crate::diagnostic::did_you_mean(word, known).map(|s| format!("did you mean `{s}`?"))
}

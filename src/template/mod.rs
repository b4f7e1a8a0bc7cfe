//! Variable substitution in cluster templates and provider components, exactly as
//! clusterctl does it (its `SimpleProcessor`, on top of drone/envsubst).
//!
//! Parse a text once with [`Template::parse`], then list what it needs with
//! [`Template::variables`] or fill it in with [`Template::process`] (which insists that
//! required variables are set) or [`Template::evaluate`] (which does not). [`process`] does
//! both steps for a one-off text. Values come from a lookup closure, so the caller decides
//! precedence (flags, then environment, then config file).
//!
//! # Syntax
//!
//! Only `${...}` is substituted; `$VAR` is copied as is and `$$` is an escaped `$`.
//! Inside the braces: `${VAR}`; defaults `${VAR=d}`, `${VAR:=d}`, `${VAR:-d}` and, also as
//! defaults, `${VAR:?d}` and `${VAR:+d}` (the default may contain `${OTHER}`); length
//! `${#VAR}`; case `${VAR^}`, `${VAR^^}`, `${VAR,}`, `${VAR,,}`; substrings `${VAR:n}` and
//! `${VAR:n:len}`; glob trims `${VAR#p}`, `${VAR##p}`, `${VAR%p}`, `${VAR%%p}`; replacement
//! `${VAR/p/r}`, `${VAR//p/r}`, `${VAR/#p/r}`, `${VAR/%p/r}` (with `\/` and `\\` escapes).
//! A variable that is unset and one that is set to the empty string evaluate the same.
//!
//! # Byte offsets
//!
//! Like upstream, lengths, substrings and glob trims count bytes, not characters, and can
//! cut a multi-byte character in two. The bytes of such a partial character each come out
//! as U+FFFD (`${V:1}` with `V=é` gives `"\u{FFFD}"`), which is what a Go program printing
//! upstream's result as JSON shows.
//!
//! # Where capictl differs
//!
//! Upstream panics on a substring whose length ends before its start (`${V:3:-1}`, or a
//! length so large that the end overflows); here that gives the empty string. Upstream
//! nests `${...}` without limit; here more than 64 levels is [`SyntaxError::TooDeep`].
//! Everything else, including oddities such as a NUL character ending the template and
//! `${A:é}` being a bad substitution, is kept (see `tests/quirks.rs`).

mod ast;
mod eval;
mod glob;
mod go_unicode;
mod legacy;
mod parser;
mod runes;
mod scanner;
mod variables;

#[cfg(test)]
mod tests;

/// A parsed template; parse once, then list its variables or fill them in.
///
/// For a single substitution of a text you will not inspect, [`process`] is simpler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    nodes: Vec<ast::Node>,
}

/// A variable that a template refers to at its top level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// The variable name.
    pub name: String,
    /// The default as written in the template, or `None` if the variable is required.
    ///
    /// Built from the operator's arguments of the variable's first occurrence: literal
    /// text verbatim and nested expressions as `${NAME}`. An empty default means required,
    /// so `${A=}` and `${#A}` are required while `${A:0:3}` has the "default" `03`.
    pub default: Option<String>,
}

/// Why a template could not be parsed, in upstream's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// An operator is malformed, for example `${A:1:2:3}` or `${#}`.
    #[error("bad substitution")]
    BadSubstitution,
    /// A name is followed by something that is not an operator, as in `${A-x}` or `${BA$R}`.
    #[error("missing closing brace")]
    MissingClosingBrace,
    /// `${` is not followed by a name, as in `${}` or `${ A B }`.
    #[error("unable to parse variable name")]
    VariableName,
    /// An operator argument is missing or unterminated, as in `${A#}` or `${A/x`.
    #[error("unable to parse substitution within function")]
    FunctionSubstitution,
    /// A default operator is malformed.
    #[error("unable to parse default function")]
    DefaultFunction,
    /// Expressions nest more deeply than capictl allows (upstream has no limit).
    #[error("expressions are nested more than {} levels deep", parser::MAX_NESTING)]
    TooDeep,
}

/// Errors from parsing or processing a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The template is not valid; `line` and `column` (1-based, in characters) locate the
    /// `${` that starts the offending top-level expression.
    #[error("{error} in the expression starting at line {line}, column {column}")]
    Parse {
        /// What is wrong, in upstream's words.
        error: SyntaxError,
        /// Line of the expression's `${`.
        line: usize,
        /// Column of the expression's `${`.
        column: usize,
    },
    /// Required variables have no value; the names are sorted.
    #[error(
        "value for variables [{}] is not set. Please set the value using os environment \
         variables or the clusterctl config file",
        .0.join(", ")
    )]
    MissingVariables(Vec<String>),
}

impl Template {
    /// Parses `text`, first rewriting the legacy spellings `${ VAR }`, `${ VAR}` and
    /// `${VAR }` to `${VAR}` as clusterctl does.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let normalized = legacy::normalize(text);
        match parser::parse(&normalized.text) {
            Ok(nodes) => Ok(Template { nodes }),
            Err(failure) => {
                let offset = normalized.original_offset(failure.offset);
                let (line, column) = line_and_column(text, offset);
                Err(TemplateError::Parse {
                    error: failure.error,
                    line,
                    column,
                })
            }
        }
    }

    /// The variables used at the top level, sorted by name, each with the default of its
    /// first occurrence. Variables used only inside another expression's arguments (as
    /// `B` in `${A:=${B}}`) are not listed, as upstream does not list them.
    pub fn variables(&self) -> Vec<Variable> {
        variables::inspect(&self.nodes)
    }

    /// Fills in the template; a `None` from `lookup` counts as the empty string.
    ///
    /// Never fails: required variables without a value simply come out empty. Use
    /// [`Template::process`] to refuse that.
    pub fn evaluate(&self, lookup: &dyn Fn(&str) -> Option<String>) -> String {
        runes::to_string_lossy(&eval::evaluate(&self.nodes, lookup))
    }

    /// Fills in the template like clusterctl's `SimpleProcessor.Process`: if any required
    /// variable has no value (`lookup` returns `None`) nothing is substituted and the
    /// missing names are reported.
    ///
    /// `Some("")` counts as a value. clusterctl's own lookup (viper with `AllowEmptyEnv`)
    /// reports a variable set to the empty string, in the environment or the config file,
    /// as set, so such a `lookup` should return `Some("")` for it.
    pub fn process(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<String, TemplateError> {
        let missing = variables::missing(&self.nodes, lookup);
        if !missing.is_empty() {
            return Err(TemplateError::MissingVariables(missing));
        }
        Ok(self.evaluate(lookup))
    }
}

/// Parses and processes `text` in one step; see [`Template::process`].
pub fn process(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<String, TemplateError> {
    Template::parse(text)?.process(lookup)
}

/// 1-based line and character column of byte `offset` in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    (line, column)
}

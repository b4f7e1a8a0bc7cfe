//! The parsed form of a template.

/// A piece of a template: literal text or one `${...}` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    /// Literal bytes, already unescaped.
    Text(Vec<u8>),
    /// A `${...}` expression.
    Expr(Expr),
}

/// One `${NAME...}` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Expr {
    /// The variable name (Unicode letters, digits and `_`).
    pub(super) name: String,
    /// What to do with the variable's value.
    pub(super) operator: Operator,
    /// The operator's arguments, each literal text or a nested expression.
    pub(super) args: Vec<Node>,
}

/// The operator of an expression, named after what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Operator {
    /// `${A}`: the value.
    Value,
    /// `${#A}`: the value's length in bytes.
    Length,
    /// `${A^}`, `${A^^}`, `${A,}`, `${A,,}` and the inert mixes `${A,^}`, `${A^,}`.
    Case(CaseChange),
    /// `${A#p}` (shortest) and `${A##p}` (longest): remove a matching prefix.
    TrimPrefix {
        /// Whether the longest match is removed.
        longest: bool,
    },
    /// `${A%p}` (shortest) and `${A%%p}` (longest): remove a matching suffix.
    TrimSuffix {
        /// Whether the longest match is removed.
        longest: bool,
    },
    /// `${A:offset}` and `${A:offset:length}`.
    Substring,
    /// `${A/p/r}`, `${A//p/r}`, `${A/#p/r}`, `${A/%p/r}`.
    Replace(ReplaceScope),
    /// `${A=d}`, `${A:=d}`, `${A:-d}`, `${A:?d}`, `${A:+d}`: all mean "value, else default".
    Default(DefaultForm),
}

/// The case operators. The mixes parse but, like upstream, change nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CaseChange {
    /// `^`
    UpperFirst,
    /// `^^`
    UpperAll,
    /// `,`
    LowerFirst,
    /// `,,`
    LowerAll,
    /// `,^`
    LowerUpper,
    /// `^,`
    UpperLower,
}

/// Which occurrences a replace operator rewrites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReplaceScope {
    /// `/`: the first occurrence.
    First,
    /// `//`: every occurrence.
    All,
    /// `/#`: an occurrence at the start.
    Prefix,
    /// `/%`: an occurrence at the end.
    Suffix,
}

/// How a default was spelled; every form behaves the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DefaultForm {
    /// `=`
    Assign,
    /// `:=`
    ColonAssign,
    /// `:-`
    ColonDash,
    /// `:?`
    ColonQuestion,
    /// `:+`
    ColonPlus,
}

impl CaseChange {
    /// Recognises a case operator token.
    pub(super) fn from_token(token: &[u8]) -> Option<Self> {
        Some(match token {
            b"^" => CaseChange::UpperFirst,
            b"^^" => CaseChange::UpperAll,
            b"," => CaseChange::LowerFirst,
            b",," => CaseChange::LowerAll,
            b",^" => CaseChange::LowerUpper,
            b"^," => CaseChange::UpperLower,
            _ => return None,
        })
    }
}

impl ReplaceScope {
    /// Recognises a replace operator token.
    pub(super) fn from_token(token: &[u8]) -> Option<Self> {
        Some(match token {
            b"/" => ReplaceScope::First,
            b"//" => ReplaceScope::All,
            b"/#" => ReplaceScope::Prefix,
            b"/%" => ReplaceScope::Suffix,
            _ => return None,
        })
    }
}

impl DefaultForm {
    /// Recognises a default operator token.
    pub(super) fn from_token(token: &[u8]) -> Option<Self> {
        Some(match token {
            b"=" => DefaultForm::Assign,
            b":=" => DefaultForm::ColonAssign,
            b":-" => DefaultForm::ColonDash,
            b":?" => DefaultForm::ColonQuestion,
            b":+" => DefaultForm::ColonPlus,
            _ => return None,
        })
    }
}

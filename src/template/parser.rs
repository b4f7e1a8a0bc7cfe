//! Turns template text into [`Node`]s, with upstream's grammar and error choices.
//!
//! Each function sets what the scanner accepts, scans, and decides; the order of those
//! steps is what makes `${A-x}` a "missing closing brace" while `${A:x}` is a substring.

use super::SyntaxError;
use super::ast::{CaseChange, DefaultForm, Expr, Node, Operator, ReplaceScope};
use super::runes;
use super::scanner::{Accept, BACKSLASH, CLOSE, DOLLAR, ESCAPE, IDENT, OPEN, Scanner, Token};

/// How deeply `${...}` may nest inside arguments. Upstream has no limit; this one keeps
/// recursion bounded on hostile input and is far beyond any real template.
pub(super) const MAX_NESTING: usize = 64;

/// A syntax error and the offset of the top-level `${` it was found in.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Failure {
    pub(super) error: SyntaxError,
    pub(super) offset: usize,
}

/// Parses `text` into top-level nodes.
///
/// Top-level text is scanned here byte by byte (it is most of every manifest, and upstream's
/// scanner accepts every character there): a run ends at `${` or at a NUL, which ends the
/// template, and `$$` stands for `$`. Each expression is then parsed by upstream's
/// mode-driven scanner, started at its `${`. UTF-8 continuation bytes never equal `$`, `{` or
/// NUL, so scanning bytes is the same as scanning characters.
pub(super) fn parse(text: &str) -> Result<Vec<Node>, Failure> {
    let bytes = text.as_bytes();
    let mut nodes = Vec::new();
    let mut literal: Vec<u8> = Vec::new();
    let mut run = 0;
    let mut at = 0;
    loop {
        let Some(found) = bytes[at..]
            .iter()
            .position(|&b| b == b'$' || b == 0)
            .map(|i| at + i)
        else {
            literal.extend_from_slice(&bytes[run..]);
            push_text(&mut nodes, &mut literal);
            return Ok(nodes);
        };
        match (bytes[found], bytes.get(found + 1)) {
            (0, _) => {
                literal.extend_from_slice(&bytes[run..found]);
                push_text(&mut nodes, &mut literal);
                return Ok(nodes);
            }
            (_, Some(b'$')) => {
                literal.extend_from_slice(&bytes[run..=found]);
                at = found + 2;
                run = at;
            }
            (_, Some(b'{')) => {
                literal.extend_from_slice(&bytes[run..found]);
                push_text(&mut nodes, &mut literal);
                let mut parser = Parser {
                    scanner: Scanner::new(&text[found..]),
                    depth: 0,
                };
                parser.scanner.mode = OPEN;
                parser.scanner.scan();
                let expr = parser.expression().map_err(|error| Failure {
                    error,
                    offset: found,
                })?;
                nodes.push(expr);
                at = found + parser.scanner.consumed();
                run = at;
            }
            _ => at = found + 1,
        }
    }
}

fn push_text(nodes: &mut Vec<Node>, literal: &mut Vec<u8>) {
    if !literal.is_empty() {
        nodes.push(Node::Text(std::mem::take(literal)));
    }
}

type Parsed = Result<Node, SyntaxError>;

struct Parser<'a> {
    scanner: Scanner<'a>,
    depth: usize,
}

impl Parser<'_> {
    /// Parses what follows a `${`.
    fn expression(&mut self) -> Parsed {
        if self.depth >= MAX_NESTING {
            return Err(SyntaxError::TooDeep);
        }
        self.depth += 1;
        let parsed = self.expression_body();
        self.depth -= 1;
        parsed
    }

    fn expression_body(&mut self) -> Parsed {
        self.scanner.escapes = DOLLAR | BACKSLASH;
        if self.scanner.peek() == '#' {
            return self.length();
        }
        let name = self.scan_with(accept_name, IDENT, SyntaxError::VariableName)?;
        let name = runes::to_string_lossy(&name);
        match self.scanner.peek() {
            ':' => return self.default_or_substring(name),
            '=' => return self.default(name),
            ',' | '^' => return self.case(name),
            '/' => return self.replace(name),
            '#' => return self.trim(name, accept_hashes, true),
            '%' => return self.trim(name, accept_percents, false),
            _ => {}
        }
        self.scanner.accept = accept_name;
        self.scanner.mode = CLOSE;
        match self.scanner.scan() {
            Token::Close => Ok(expr(name, Operator::Value, Vec::new())),
            _ => Err(SyntaxError::MissingClosingBrace),
        }
    }

    /// Scans one identifier token under `accept` and `mode`, or fails with `error`.
    fn scan_with(
        &mut self,
        accept: Accept,
        mode: u8,
        error: SyntaxError,
    ) -> Result<Vec<u8>, SyntaxError> {
        self.scanner.accept = accept;
        self.scanner.mode = mode;
        match self.scanner.scan() {
            Token::Ident => Ok(self.scanner.token()),
            _ => Err(error),
        }
    }

    /// One argument: a nested expression or a run of text.
    fn argument(&mut self, accept: Accept, mode: u8) -> Parsed {
        self.scanner.accept = accept;
        self.scanner.mode = mode | OPEN;
        match self.scanner.scan() {
            Token::Open => self.expression(),
            Token::Ident | Token::Close => Ok(Node::Text(self.scanner.token())),
            Token::Illegal | Token::End => Err(SyntaxError::FunctionSubstitution),
        }
    }

    fn close(&mut self) -> Result<(), SyntaxError> {
        self.scanner.mode = CLOSE;
        match self.scanner.scan() {
            Token::Close => Ok(()),
            _ => Err(SyntaxError::BadSubstitution),
        }
    }

    /// Looks one character past the `:` to choose between `:=`-style defaults and
    /// substrings. Stepping back uses the width of the character looked at, so a
    /// multi-byte character after the `:` lands the scanner before the `:` and the
    /// substring then fails, as upstream does (`${A:é}` is a bad substitution).
    fn default_or_substring(&mut self, name: String) -> Parsed {
        self.scanner.read();
        let next = self.scanner.peek();
        self.scanner.unread();
        match next {
            '=' | '-' | '?' | '+' => self.default(name),
            _ => self.substring(name),
        }
    }

    fn substring(&mut self, name: String) -> Parsed {
        self.scan_with(accept_one_colon, IDENT, SyntaxError::BadSubstitution)?;
        let mut args = vec![self.argument(reject_colon_close, IDENT)?];
        self.scanner.accept = accept_colons;
        self.scanner.mode = IDENT | CLOSE;
        match self.scanner.scan() {
            Token::Close => return Ok(expr(name, Operator::Substring, args)),
            Token::Ident => {}
            Token::Illegal | Token::End | Token::Open => return Err(SyntaxError::BadSubstitution),
        }
        args.push(self.argument(accept_not_close, IDENT)?);
        self.close()?;
        Ok(expr(name, Operator::Substring, args))
    }

    fn trim(&mut self, name: String, accept: Accept, prefix: bool) -> Parsed {
        let token = self.scan_with(accept, IDENT, SyntaxError::BadSubstitution)?;
        let longest = token.len() > 1;
        let arg = self.argument(accept_not_close, IDENT)?;
        self.close()?;
        let operator = if prefix {
            Operator::TrimPrefix { longest }
        } else {
            Operator::TrimSuffix { longest }
        };
        Ok(expr(name, operator, vec![arg]))
    }

    fn replace(&mut self, name: String) -> Parsed {
        let token = self.scan_with(accept_replace, IDENT, SyntaxError::BadSubstitution)?;
        let scope = ReplaceScope::from_token(&token).ok_or(SyntaxError::BadSubstitution)?;
        let operator = Operator::Replace(scope);
        let mut args = vec![self.argument(accept_not_slash, IDENT | ESCAPE)?];
        self.scan_with(accept_slashes, IDENT, SyntaxError::BadSubstitution)?;
        if self.scanner.peek() == '}' {
            self.close()?;
            return Ok(expr(name, operator, args));
        }
        args.push(self.argument(accept_not_close, IDENT | ESCAPE)?);
        self.close()?;
        Ok(expr(name, operator, args))
    }

    fn default(&mut self, name: String) -> Parsed {
        let accept = if self.scanner.peek() == '=' {
            accept_one_equal
        } else {
            accept_default
        };
        let token = self.scan_with(accept, IDENT, SyntaxError::DefaultFunction)?;
        let form = DefaultForm::from_token(&token).ok_or(SyntaxError::DefaultFunction)?;
        let mut args = Vec::new();
        while self.scanner.peek() != '}' {
            args.push(self.argument(accept_not_close, IDENT)?);
        }
        self.close()?;
        Ok(expr(name, Operator::Default(form), args))
    }

    fn case(&mut self, name: String) -> Parsed {
        let token = self.scan_with(accept_case, IDENT, SyntaxError::BadSubstitution)?;
        let change = CaseChange::from_token(&token).ok_or(SyntaxError::BadSubstitution)?;
        self.close()?;
        Ok(expr(name, Operator::Case(change), Vec::new()))
    }

    fn length(&mut self) -> Parsed {
        self.scan_with(accept_one_hash, IDENT, SyntaxError::BadSubstitution)?;
        let name = self.scan_with(accept_name, IDENT, SyntaxError::BadSubstitution)?;
        self.close()?;
        Ok(expr(
            runes::to_string_lossy(&name),
            Operator::Length,
            Vec::new(),
        ))
    }
}

fn expr(name: String, operator: Operator, args: Vec<Node>) -> Node {
    Node::Expr(Expr {
        name,
        operator,
        args,
    })
}

fn accept_name(c: char, _: usize) -> bool {
    runes::is_letter(c) || runes::is_digit(c) || c == '_'
}

fn accept_colons(c: char, _: usize) -> bool {
    c == ':'
}

fn accept_one_colon(c: char, index: usize) -> bool {
    index == 1 && c == ':'
}

fn accept_one_hash(c: char, index: usize) -> bool {
    index == 1 && c == '#'
}

fn accept_one_equal(c: char, index: usize) -> bool {
    index == 1 && c == '='
}

fn accept_not_close(c: char, _: usize) -> bool {
    c != '}'
}

fn reject_colon_close(c: char, _: usize) -> bool {
    c != ':' && c != '}'
}

fn accept_slashes(c: char, _: usize) -> bool {
    c == '/'
}

fn accept_not_slash(c: char, _: usize) -> bool {
    c != '/'
}

fn accept_hashes(c: char, index: usize) -> bool {
    c == '#' && index < 3
}

fn accept_percents(c: char, index: usize) -> bool {
    c == '%' && index < 3
}

fn accept_case(c: char, index: usize) -> bool {
    (c == ',' || c == '^') && index < 3
}

fn accept_default(c: char, index: usize) -> bool {
    match index {
        1 => c == ':',
        2 => matches!(c, '=' | '-' | '?' | '+'),
        _ => false,
    }
}

fn accept_replace(c: char, index: usize) -> bool {
    match index {
        1 => c == '/',
        2 => matches!(c, '/' | '#' | '%'),
        _ => false,
    }
}

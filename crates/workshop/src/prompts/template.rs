//! The prompt template language and its pure renderer.
//!
//! - `{{name}}` (spaces inside the braces allowed) is replaced by the value of variable
//!   `name` (`[A-Za-z_][A-Za-z0-9_]*`), a declared one or a built-in ([`BUILTINS`]).
//! - `\{{` writes a literal `{{` (the backslash is dropped); nothing else is an escape, so a
//!   lone `}}` or a backslash elsewhere is text.
//! - Any other `{{` (no closing `}}`, or not a name inside) is an error, so a typo is caught
//!   when the prompt is saved rather than shown to a model.

use chrono::NaiveDateTime;
use serde_json::{Map, Value};

use super::variables::{Variable, coerce};

/// Variables every template may use without declaring them.
pub const BUILTINS: [&str; 4] = ["CURRENT_DATE", "CURRENT_TIME", "USER_NAME", "USER_EMAIL"];

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text.
    Text(&'a str),
    /// A placeholder naming a variable.
    Variable(&'a str),
}

/// Why a template or a rendering failed: the field to blame and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// `content` for the template itself, `variables.<name>` for a value.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn error(field: impl Into<String>, message: impl Into<String>) -> RenderError {
    RenderError {
        field: field.into(),
        message: message.into(),
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Splits `template` into text and placeholders.
pub fn parse(template: &str) -> Result<Vec<Piece<'_>>, RenderError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(at) = rest.find("{{") {
        if rest[..at].ends_with('\\') {
            pieces.push(Piece::Text(&rest[..at - 1]));
            pieces.push(Piece::Text("{{"));
            rest = &rest[at + 2..];
            offset += at + 2;
            continue;
        }
        pieces.push(Piece::Text(&rest[..at]));
        let after = &rest[at + 2..];
        let position = template[..offset + at].chars().count();
        let Some(end) = after.find("}}") else {
            return Err(error(
                "content",
                format!(
                    "\"{{{{\" at character {position} is not closed by \"}}}}\"; write \\{{{{ for literal braces"
                ),
            ));
        };
        let name = after[..end].trim();
        if !is_name(name) {
            return Err(error(
                "content",
                format!(
                    "\"{{{{{}}}}}\" at character {position} is not a variable name; write \\{{{{ for literal braces",
                    &after[..end]
                ),
            ));
        }
        pieces.push(Piece::Variable(name));
        rest = &after[end + 2..];
        offset += at + 2 + end + 2;
    }
    pieces.push(Piece::Text(rest));
    pieces.retain(|p| *p != Piece::Text(""));
    Ok(pieces)
}

/// `Ok` when `template` parses and uses only declared variables and built-ins; else the first
/// undeclared name.
pub fn check(template: &str, declared: &[Variable]) -> Result<(), RenderError> {
    for piece in parse(template)? {
        if let Piece::Variable(name) = piece
            && !BUILTINS.contains(&name)
            && !declared.iter().any(|v| v.name == name)
        {
            return Err(error(
                "content",
                format!(
                    "uses {{{{{name}}}}}, which is not declared in variables (nor a built-in: {})",
                    BUILTINS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// What the built-ins stand for in one rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// `CURRENT_DATE` (`YYYY-MM-DD`) and `CURRENT_TIME` (`HH:MM:SS`), UTC.
    pub at: NaiveDateTime,
    /// `USER_NAME`.
    pub user_name: String,
    /// `USER_EMAIL`.
    pub user_email: String,
}

/// Renders `template` with `values` for the `declared` variables: a missing value takes the
/// default, a missing required one without default is an error, an optional one is empty;
/// every value is checked against its type; a value for an undeclared name is an error.
pub fn render(
    template: &str,
    declared: &[Variable],
    values: &Map<String, Value>,
    context: &Context,
) -> Result<String, RenderError> {
    if let Some(unknown) = values
        .keys()
        .find(|k| !declared.iter().any(|v| &v.name == *k))
    {
        return Err(error(
            format!("variables.{unknown}"),
            "is not a variable of this prompt",
        ));
    }
    let mut out = String::with_capacity(template.len());
    for piece in parse(template)? {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Variable(name) => out.push_str(&value_of(name, declared, values, context)?),
        }
    }
    Ok(out)
}

fn value_of(
    name: &str,
    declared: &[Variable],
    values: &Map<String, Value>,
    context: &Context,
) -> Result<String, RenderError> {
    let Some(variable) = declared.iter().find(|v| v.name == name) else {
        return Ok(match name {
            "CURRENT_DATE" => context.at.format("%Y-%m-%d").to_string(),
            "CURRENT_TIME" => context.at.format("%H:%M:%S").to_string(),
            "USER_NAME" => context.user_name.clone(),
            "USER_EMAIL" => context.user_email.clone(),
            other => return Err(error("content", format!("{{{{{other}}}}} is not declared"))),
        });
    };
    let field = format!("variables.{name}");
    match values
        .get(name)
        .filter(|v| !v.is_null())
        .or(variable.default.as_ref())
    {
        Some(value) => coerce(variable, value).map_err(|message| error(field, message)),
        None if variable.required => Err(error(field, "is required")),
        None => Ok(String::new()),
    }
}

//! Declared prompt variables: name, type, required, default, options (select), description —
//! checked when a prompt is saved, and each value checked against its type when it renders.

use chrono::NaiveDate;
use serde_json::Value;

use super::template::BUILTINS;
use crate::WorkshopError;

/// Most variables one prompt declares.
pub const MAX_VARIABLES: usize = 50;

/// What a variable holds (and how a form asks for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum VariableType {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// A number (JSON number or numeric text).
    Number,
    /// One of `options`.
    Select,
    /// `YYYY-MM-DD`.
    Date,
    /// `true` or `false`.
    Boolean,
}

/// A declared variable.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// `[A-Za-z_][A-Za-z0-9_]{0,63}`, not a built-in.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: VariableType,
    /// Rendering without a value (and without a default) fails.
    #[serde(default)]
    pub required: bool,
    /// Used when no value is given; must fit the type.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// The choices of a `select` (required for it, refused for other types).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Help text for a form.
    #[serde(default)]
    pub description: String,
}

/// The value of `variable` as text, or why `value` does not fit its type.
pub fn coerce(variable: &Variable, value: &Value) -> Result<String, String> {
    match (variable.kind, value) {
        (VariableType::Text | VariableType::Textarea, Value::String(s)) => Ok(s.clone()),
        (VariableType::Text | VariableType::Textarea, _) => Err("must be text".into()),
        (VariableType::Number, Value::Number(n)) => Ok(n.to_string()),
        (VariableType::Number, Value::String(s))
            if s.trim().parse::<f64>().is_ok_and(f64::is_finite) =>
        {
            Ok(s.trim().to_owned())
        }
        (VariableType::Number, _) => Err("must be a number".into()),
        (VariableType::Boolean, Value::Bool(b)) => Ok(b.to_string()),
        (VariableType::Boolean, Value::String(s)) if s == "true" || s == "false" => Ok(s.clone()),
        (VariableType::Boolean, _) => Err("must be true or false".into()),
        (VariableType::Date, Value::String(s))
            if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() =>
        {
            Ok(s.clone())
        }
        (VariableType::Date, _) => Err("must be a date as YYYY-MM-DD".into()),
        (VariableType::Select, Value::String(s)) if variable.options.contains(s) => Ok(s.clone()),
        (VariableType::Select, _) => Err(format!("must be one of {}", variable.options.join(", "))),
    }
}

/// Checks the declarations of a prompt; the field of a fault is `variables[i].<member>`.
pub fn check_declarations(variables: &[Variable]) -> Result<(), WorkshopError> {
    if variables.len() > MAX_VARIABLES {
        return Err(WorkshopError::invalid(
            "variables",
            format!("at most {MAX_VARIABLES} variables"),
        ));
    }
    for (i, variable) in variables.iter().enumerate() {
        let field = |member: &str| format!("variables[{i}].{member}");
        let name = &variable.name;
        let mut chars = name.chars();
        let well_formed = name.len() <= 64
            && chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !well_formed {
            return Err(WorkshopError::invalid(
                field("name"),
                "must be 1 to 64 characters of A-Z, a-z, 0-9 and '_', not starting with a digit",
            ));
        }
        if BUILTINS.contains(&name.as_str()) {
            return Err(WorkshopError::invalid(
                field("name"),
                format!("{name} is a built-in"),
            ));
        }
        if variables[..i].iter().any(|v| &v.name == name) {
            return Err(WorkshopError::invalid(
                field("name"),
                format!("{name} is declared twice"),
            ));
        }
        if variable.description.contains('\0') || variable.description.chars().count() > 500 {
            return Err(WorkshopError::invalid(
                field("description"),
                "must be at most 500 characters, without NUL",
            ));
        }
        match variable.kind {
            VariableType::Select if variable.options.is_empty() => {
                return Err(WorkshopError::invalid(
                    field("options"),
                    "a select needs options",
                ));
            }
            VariableType::Select
                if variable
                    .options
                    .iter()
                    .any(|o| o.is_empty() || o.contains('\0')) =>
            {
                return Err(WorkshopError::invalid(
                    field("options"),
                    "options must be non-empty text",
                ));
            }
            VariableType::Select => {}
            _ if !variable.options.is_empty() => {
                return Err(WorkshopError::invalid(
                    field("options"),
                    "only a select has options",
                ));
            }
            _ => {}
        }
        if let Some(default) = &variable.default
            && !default.is_null()
        {
            coerce(variable, default).map_err(|m| WorkshopError::invalid(field("default"), m))?;
        }
    }
    Ok(())
}

//! Checks a tool's `parameters` as a JSON Schema of the kind function calling uses: an object
//! schema with `properties`, `required` naming only declared properties, and every property
//! with a valid `type` (nested objects and array `items` checked the same way). A fault is
//! reported with its path, e.g. `parameters.properties.city.type`.

use serde_json::{Map, Value};

/// The JSON Schema type names.
pub const TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "array", "object", "null",
];

/// Where a schema is wrong and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFault {
    /// Path of the faulty member, starting at `parameters`.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn fault(path: &str, message: impl Into<String>) -> SchemaFault {
    SchemaFault {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// `Ok` when `schema` is a valid parameters schema.
pub fn check_parameters(schema: &Value) -> Result<(), SchemaFault> {
    let root = "parameters";
    let object = schema
        .as_object()
        .ok_or_else(|| fault(root, "must be a JSON Schema object"))?;
    if object.get("type") != Some(&Value::String("object".into())) {
        return Err(fault(&format!("{root}.type"), "must be \"object\""));
    }
    if !object.contains_key("properties") {
        return Err(fault(&format!("{root}.properties"), "is required"));
    }
    check_object_members(root, object)
}

/// `properties` (an object of property schemas) and `required` (a subset of them).
fn check_object_members(path: &str, object: &Map<String, Value>) -> Result<(), SchemaFault> {
    let empty = Map::new();
    let properties = match object.get("properties") {
        None => &empty,
        Some(Value::Object(properties)) => properties,
        Some(_) => return Err(fault(&format!("{path}.properties"), "must be an object")),
    };
    for (name, property) in properties {
        check_property(&format!("{path}.properties.{name}"), property)?;
    }
    match object.get("required") {
        None => Ok(()),
        Some(Value::Array(names)) => {
            for (i, name) in names.iter().enumerate() {
                let at = format!("{path}.required[{i}]");
                let name = name
                    .as_str()
                    .ok_or_else(|| fault(&at, "must be a property name (a string)"))?;
                if !properties.contains_key(name) {
                    return Err(fault(&at, format!("{name:?} is not a declared property")));
                }
            }
            Ok(())
        }
        Some(_) => Err(fault(
            &format!("{path}.required"),
            "must be a list of property names",
        )),
    }
}

fn check_property(path: &str, property: &Value) -> Result<(), SchemaFault> {
    let object = property
        .as_object()
        .ok_or_else(|| fault(path, "must be a schema object"))?;
    let type_path = format!("{path}.type");
    let types: Vec<&str> = match object.get("type") {
        None => return Err(fault(&type_path, "is required")),
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) if !names.is_empty() => names
            .iter()
            .map(|n| {
                n.as_str()
                    .ok_or_else(|| fault(&type_path, "must list type names"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(fault(&type_path, "must be a type name or a list of them")),
    };
    if let Some(bad) = types.iter().find(|t| !TYPES.contains(t)) {
        return Err(fault(
            &type_path,
            format!(
                "{bad:?} is not a JSON Schema type; use one of {}",
                TYPES.join(", ")
            ),
        ));
    }
    if object.get("description").is_some_and(|d| !d.is_string()) {
        return Err(fault(&format!("{path}.description"), "must be a string"));
    }
    if let Some(values) = object.get("enum")
        && values.as_array().is_none_or(Vec::is_empty)
    {
        return Err(fault(&format!("{path}.enum"), "must be a non-empty list"));
    }
    if types.contains(&"object") {
        check_object_members(path, object)?;
    }
    if types.contains(&"array")
        && let Some(items) = object.get("items")
    {
        check_property(&format!("{path}.items"), items)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path_of(schema: Value) -> String {
        check_parameters(&schema).unwrap_err().path
    }

    #[test]
    fn accepts_function_calling_schemas() {
        let weather = json!({
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "where"},
                "unit": {"type": "string", "enum": ["c", "f"]},
                "days": {"type": ["integer", "null"]},
                "stops": {"type": "array", "items": {"type": "object", "properties": {"at": {"type": "string"}}, "required": ["at"]}}
            },
            "required": ["city"]
        });
        assert_eq!(check_parameters(&weather), Ok(()));
        assert_eq!(
            check_parameters(&json!({"type": "object", "properties": {}})),
            Ok(())
        );
    }

    #[test]
    fn names_the_path_of_the_fault() {
        assert_eq!(path_of(json!([1])), "parameters");
        assert_eq!(path_of(json!({"type": "string"})), "parameters.type");
        assert_eq!(path_of(json!({"type": "object"})), "parameters.properties");
        assert_eq!(
            path_of(json!({"type": "object", "properties": {"city": {"type": "text"}}})),
            "parameters.properties.city.type"
        );
        assert_eq!(
            path_of(json!({"type": "object", "properties": {"city": {}}})),
            "parameters.properties.city.type"
        );
        assert_eq!(
            path_of(
                json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a", "b"]})
            ),
            "parameters.required[1]"
        );
        assert_eq!(
            path_of(
                json!({"type": "object", "properties": {"l": {"type": "array", "items": {"type": "nope"}}}})
            ),
            "parameters.properties.l.items.type"
        );
        assert_eq!(
            path_of(
                json!({"type": "object", "properties": {"o": {"type": "object", "properties": {}, "required": ["x"]}}})
            ),
            "parameters.properties.o.required[0]"
        );
        assert_eq!(
            path_of(json!({"type": "object", "properties": {"e": {"type": "string", "enum": []}}})),
            "parameters.properties.e.enum"
        );
    }
}

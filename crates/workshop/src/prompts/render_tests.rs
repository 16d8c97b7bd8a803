//! Unit tests of the template language, the renderer and the variable declarations.

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::template::{Context, Piece, check, parse, render};
use super::variables::{Variable, VariableType, check_declarations};

fn var(name: &str, kind: VariableType) -> Variable {
    Variable {
        name: name.into(),
        kind,
        required: false,
        default: None,
        options: Vec::new(),
        description: String::new(),
    }
}

fn context() -> Context {
    Context {
        at: NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_opt(21, 5, 9)
            .unwrap(),
        user_name: "Ada".into(),
        user_email: "ada@example.org".into(),
    }
}

fn values(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn parses_placeholders_text_and_escaped_braces() {
    assert_eq!(
        parse("Hi {{ name }}, \\{{not}} {{x}}}").unwrap(),
        vec![
            Piece::Text("Hi "),
            Piece::Variable("name"),
            Piece::Text(", "),
            Piece::Text("{{"),
            Piece::Text("not}} "),
            Piece::Variable("x"),
            Piece::Text("}"),
        ]
    );
    assert_eq!(parse("").unwrap(), vec![]);
    assert_eq!(
        parse("a } b }} c \\ d").unwrap(),
        vec![Piece::Text("a } b }} c \\ d")]
    );
}

#[test]
fn malformed_placeholders_are_errors_naming_the_position() {
    let unclosed = parse("ab {{name").unwrap_err();
    assert_eq!(unclosed.field, "content");
    assert!(
        unclosed.message.contains("character 3"),
        "{}",
        unclosed.message
    );
    assert!(parse("{{1abc}}").is_err());
    assert!(parse("{{a b}}").is_err());
    assert!(parse("{{}}").is_err());
}

#[test]
fn renders_values_builtins_and_literal_braces() {
    let declared = vec![var("topic", VariableType::Text)];
    let text = render(
        "{{topic}} on {{CURRENT_DATE}} at {{CURRENT_TIME}} for {{USER_NAME}} <{{USER_EMAIL}}> \\{{topic}}",
        &declared,
        &values(json!({"topic": "Rust"})),
        &context(),
    )
    .unwrap();
    assert_eq!(
        text,
        "Rust on 2026-12-04 at 21:05:09 for Ada <ada@example.org> {{topic}}"
    );
}

#[test]
fn missing_values_take_defaults_or_fail_when_required() {
    let mut required = var("who", VariableType::Text);
    required.required = true;
    let mut defaulted = var("tone", VariableType::Text);
    defaulted.default = Some(json!("friendly"));
    let optional = var("extra", VariableType::Text);
    let declared = vec![required, defaulted, optional];
    let template = "{{who}}|{{tone}}|{{extra}}";
    let missing = render(template, &declared, &Map::new(), &context()).unwrap_err();
    assert_eq!(
        (missing.field.as_str(), missing.message.as_str()),
        ("variables.who", "is required")
    );
    let null = render(
        template,
        &declared,
        &values(json!({"who": null})),
        &context(),
    )
    .unwrap_err();
    assert_eq!(null.field, "variables.who");
    let text = render(
        template,
        &declared,
        &values(json!({"who": "me"})),
        &context(),
    )
    .unwrap();
    assert_eq!(text, "me|friendly|");
    let unknown = render(
        template,
        &declared,
        &values(json!({"who": "me", "typo": 1})),
        &context(),
    )
    .unwrap_err();
    assert_eq!(unknown.field, "variables.typo");
}

#[test]
fn values_are_checked_against_their_types() {
    let mut choice = var("size", VariableType::Select);
    choice.options = vec!["s".into(), "m".into()];
    let declared = vec![
        var("n", VariableType::Number),
        var("d", VariableType::Date),
        var("b", VariableType::Boolean),
        choice,
        var("t", VariableType::Textarea),
    ];
    let template = "{{n}} {{d}} {{b}} {{size}} {{t}}";
    let good = json!({"n": 2.5, "d": "2026-01-31", "b": true, "size": "m", "t": "x\ny"});
    assert_eq!(
        render(template, &declared, &values(good.clone()), &context()).unwrap(),
        "2.5 2026-01-31 true m x\ny"
    );
    let numeric_text = json!({"n": " 42 ", "d": "2026-01-31", "b": "false", "size": "s", "t": ""});
    assert_eq!(
        render(template, &declared, &values(numeric_text), &context()).unwrap(),
        "42 2026-01-31 false s "
    );
    for (field, bad) in [
        ("n", json!("many")),
        ("d", json!("2026-02-30")),
        ("b", json!("yes")),
        ("size", json!("xl")),
        ("t", json!(5)),
    ] {
        let mut input = good.clone();
        input[field] = bad;
        let err = render(template, &declared, &values(input), &context()).unwrap_err();
        assert_eq!(err.field, format!("variables.{field}"));
    }
}

#[test]
fn saving_checks_declarations_and_undeclared_names() {
    let declared = vec![var("topic", VariableType::Text)];
    assert!(check("{{topic}} {{USER_NAME}}", &declared).is_ok());
    let undeclared = check("{{topic}} {{audience}}", &declared).unwrap_err();
    assert!(undeclared.message.contains("audience"));
    let mut select = var("s", VariableType::Select);
    assert_eq!(
        check_declarations(&[select.clone()])
            .unwrap_err()
            .to_string(),
        "variables[0].options: a select needs options"
    );
    select.options = vec!["a".into()];
    select.default = Some(json!("b"));
    assert!(
        check_declarations(&[select])
            .unwrap_err()
            .to_string()
            .starts_with("variables[0].default")
    );
    let twice = vec![var("a", VariableType::Text), var("a", VariableType::Number)];
    assert!(
        check_declarations(&twice)
            .unwrap_err()
            .to_string()
            .starts_with("variables[1].name")
    );
    assert!(check_declarations(&[var("USER_NAME", VariableType::Text)]).is_err());
    assert!(check_declarations(&[var("9lives", VariableType::Text)]).is_err());
}

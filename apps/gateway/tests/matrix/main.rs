//! The role × route matrix: every route, called as every kind of caller, answers exactly the
//! status this table says. Another organization's admin gets 404 for this organization's
//! objects (object-level isolation). A route missing from the table fails the test.

use std::collections::BTreeSet;

use owp_testkit::{Backend, on_both_backends};
use reqwest::Method;
use serde_json::Value;

mod rows_content;
mod rows_identity;
mod rows_knowledge;
mod rows_models;
mod statuses;
mod world;

use world::{World, world};

on_both_backends!(
    every_route_answers_every_role_as_the_table_says,
    no_spelling_of_a_path_gets_past_a_refusal,
);

/// Callers, in table column order.
const CALLERS: [&str; 7] = [
    "anonymous",
    "guest",
    "user",
    "instructor",
    "admin",
    "other_admin",
    "super_admin",
];

/// One route called one way, and the status each caller column must get.
struct Row {
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expected: [u16; 7],
}

fn row(
    method: Method,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expected: [u16; 7],
) -> Row {
    Row {
        method,
        template,
        path,
        body,
        expected,
    }
}

const NO_ID: &str = "0190a000-0000-7000-8000-000000000000";

/// Every row, in the order the test walks them (signing out comes last).
fn table(w: &World) -> Vec<Row> {
    [
        rows_identity::rows(w),
        rows_models::rows(w),
        rows_content::rows(w),
        rows_knowledge::rows(w),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Replaces `{caller}` in string values so create routes get a fresh name per caller.
fn personalise(body: &Value, caller: &str) -> Value {
    match body {
        Value::String(s) => Value::String(s.replace("{caller}", &caller.replace('_', "-"))),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), personalise(v, caller)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Calls `path` as the caller of `column` with the row's method and body; the status.
async fn send(w: &World, row: &Row, column: usize, caller: &str, path: &str) -> u16 {
    let mut request = w.app.client.request(row.method.clone(), w.app.url(path));
    if let Some(token) = &w.tokens[column] {
        request = request.bearer_auth(token);
    }
    if row.template == "/api/v1/documents" && row.method == Method::POST {
        // A file of its own per caller and spelling, so none is answered as a duplicate.
        let text = format!("notes of {caller} at {path}");
        let part = reqwest::multipart::Part::bytes(text.into_bytes()).file_name("notes.txt");
        request = request.multipart(reqwest::multipart::Form::new().part("file", part));
    } else if row.template == "/api/v1/auth/token" {
        request = request.form(&[
            ("username", format!("{caller}@form.example.org").as_str()),
            ("password", "wrong-password"),
        ]);
    } else if let Some(body) = &row.body {
        request = request.json(&personalise(body, caller));
    }
    request.send().await.unwrap().status().as_u16()
}

fn percent(c: char) -> String {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// Spellings of `path` a client can send: every character percent-encoded, one character of
/// each segment encoded (first and last), each slash doubled, a trailing slash, upper case and
/// capitalised segments.
fn variants(path: &str) -> Vec<String> {
    let segments: Vec<&str> = path.split('/').collect();
    let encode_in_segment = |index: usize, pick: fn(&str) -> usize| {
        let mut parts: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
        let segment = segments[index];
        let at = pick(segment);
        let c = segment[at..].chars().next().unwrap();
        parts[index] = format!(
            "{}{}{}",
            &segment[..at],
            percent(c),
            &segment[at + c.len_utf8()..]
        );
        parts.join("/")
    };
    let mut out = vec![
        path.chars()
            .map(|c| if c == '/' { "/".to_owned() } else { percent(c) })
            .collect::<String>(),
    ];
    for (index, segment) in segments.iter().enumerate() {
        if segment.is_empty() {
            continue;
        }
        out.push(encode_in_segment(index, |_| 0));
        out.push(encode_in_segment(index, |s| {
            s.char_indices().last().map_or(0, |(i, _)| i)
        }));
    }
    for (i, c) in path.char_indices() {
        if c == '/' {
            out.push(format!("{}/{}", &path[..i], &path[i..]));
        }
    }
    out.push(format!("{path}/"));
    out.push(path.to_uppercase());
    out.push(
        segments
            .iter()
            .map(|s| {
                let mut chars = s.chars();
                chars.next().map_or(String::new(), |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            })
            .collect::<Vec<_>>()
            .join("/"),
    );
    out.sort();
    out.dedup();
    out.retain(|v| v != path);
    out
}

/// Every caller the table refuses a route (401 or 403) is refused alike, or finds no route
/// (404), however the path is spelt: the access check judges what the router matches.
async fn no_spelling_of_a_path_gets_past_a_refusal(backend: Backend) {
    let w = world(backend).await;
    let mut failures = Vec::new();
    let mut tried = 0;
    for row in &table(&w) {
        for (column, caller) in CALLERS.iter().enumerate() {
            let expected = row.expected[column];
            if expected != 401 && expected != 403 {
                continue;
            }
            for variant in variants(&row.path) {
                tried += 1;
                let status = send(&w, row, column, caller, &variant).await;
                // 429: the sign-in routes throttle this many wrong attempts, still a refusal.
                if ![expected, 404, 429].contains(&status) {
                    failures.push(format!(
                        "{} {variant} as {caller}: got {status}, want {expected} or 404",
                        row.method
                    ));
                }
            }
        }
    }
    assert!(tried > 1000, "only {tried} spellings were tried");
    assert!(
        failures.is_empty(),
        "{} spellings got past a refusal:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn every_route_answers_every_role_as_the_table_says(backend: Backend) {
    let w = world(backend).await;
    let rows = table(&w);

    let spec: Value = w.app.get("/openapi.json").await.json().await.unwrap();
    let documented: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.template.to_owned()))
        .collect();
    assert_eq!(
        covered, documented,
        "the matrix must list exactly the documented routes"
    );

    let mut failures = Vec::new();
    for row in &rows {
        for (column, caller) in CALLERS.iter().enumerate() {
            let status = send(&w, row, column, caller, &row.path).await;
            if status != row.expected[column] {
                failures.push(format!(
                    "{} {} as {caller}: got {status}, want {}",
                    row.method, row.template, row.expected[column]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

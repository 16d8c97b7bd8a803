//! Embeds the built browser app when the `spa` feature is on.
//!
//! Walks `web/dist` (the output of `npm run build`) and writes `spa_assets.rs` into `OUT_DIR`: one
//! `(url path, content type, include_bytes!(file))` entry per file. With the feature off, or when
//! `web/dist` does not exist, the list is empty and the gateway serves a page explaining how to
//! build the app, so `cargo build`/`cargo test` never need Node.

// Outside tests: no unwrap/expect (the workspace Cargo.toml says why this is here).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?);
    let dist = manifest_dir.join("../../web/dist");

    let mut files = Vec::new();
    if env::var_os("CARGO_FEATURE_SPA").is_some() {
        // A directory here makes cargo rerun this script when anything inside it changes. A
        // missing path would rerun it (and rebuild the crate) on every build, so until the app
        // is built, watch `web/` for `dist` to appear instead.
        if dist.is_dir() {
            println!("cargo::rerun-if-changed={}", dist.display());
            collect(&dist, &mut files)?;
        } else {
            println!(
                "cargo::rerun-if-changed={}",
                manifest_dir.join("../../web").display()
            );
            println!(
                "cargo::warning=feature `spa` is on but web/dist is missing: run `npm run build` in web/"
            );
        }
    }
    files.sort();

    let mut code = String::from(
        "/// Embedded files of the browser app: (URL path, content type, bytes).\n\
         pub static ASSETS: &[(&str, &str, &[u8])] = &[\n",
    );
    for file in &files {
        let relative = file.strip_prefix(&dist)?;
        let url: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let absolute = fs::canonicalize(file)?;
        writeln!(
            code,
            "    ({:?}, {:?}, include_bytes!({:?})),",
            format!("/{}", url.join("/")),
            content_type(file),
            absolute.to_string_lossy()
        )?;
    }
    code.push_str("];\n");
    fs::write(out_dir.join("spa_assets.rs"), code)?;
    Ok(())
}

/// Every regular file under `dir`, recursively.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), Box<dyn Error>> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

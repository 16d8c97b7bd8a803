//! `owp audit …`: verify the hash chain, export events as CSV or JSON lines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use clap::Subcommand;
use owp_audit::{AuditEvent, AuditFilter, ChainHead};

use super::admin::{Failure, current_database, finish};
use super::{EXIT_CONFIG, EXIT_UNCHECKED};
use crate::config::Config;
use crate::{secrets, telemetry};

/// Events read per query while exporting.
const EXPORT_BATCH: i64 = 500;

/// The columns of a CSV export, in order.
const CSV_HEADER: &str = "seq,id,occurred_at,event_type,actor,actor_user_id,subject_user_id,\
credential_id,organization_id,ip,user_agent,request_id,detail";

#[derive(Debug, Subcommand)]
pub(super) enum AuditCommand {
    /// Walk the audit hash chain and print the report as JSON; exits 1 when it is not intact,
    /// 3 when it could not be checked. Needs the same AUDIT_SECRET (or JWT secret) as the server.
    Verify {
        /// A head logged earlier (`owp::audit` lines, `SEQ:HASH`): the chain must still hold it,
        /// which finds a cut-off tail.
        #[arg(long, value_name = "SEQ:HASH")]
        expect_head: Option<ChainHead>,
    },
    /// Export events oldest first, with an `actor` column (a user id, or `cli` for the
    /// operator's commands). Reads only.
    Export {
        /// `csv` (one header line) or `jsonl` (one JSON object per line).
        #[arg(long, value_enum, default_value = "jsonl")]
        format: Format,
        /// Write to this file (replaced if it exists) instead of stdout.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Only events at or after this time (RFC 3339, or a date meaning its midnight UTC).
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        since: Option<NaiveDateTime>,
        /// Only events before this time (RFC 3339, or a date meaning its midnight UTC).
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        until: Option<NaiveDateTime>,
    },
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Format {
    /// Comma-separated values (RFC 4180), for spreadsheets.
    Csv,
    /// JSON lines, for log pipelines and `jq`.
    Jsonl,
}

/// A UTC time from RFC 3339 (`2026-12-01T08:00:00Z`, any offset) or a date (`2026-12-01`).
pub(super) fn parse_time(text: &str) -> Result<NaiveDateTime, String> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.naive_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .ok_or_else(|| "expected RFC 3339 (2026-12-01T08:00:00Z) or a date (2026-12-01)".into())
}

impl AuditCommand {
    /// Runs the command against the configured database.
    pub(super) async fn run(self, config: Config) -> ExitCode {
        match self {
            AuditCommand::Verify { expect_head } => verify(config, expect_head).await,
            AuditCommand::Export {
                format,
                output,
                since,
                until,
            } => {
                let filter = AuditFilter {
                    since,
                    until,
                    ..AuditFilter::default()
                };
                finish(export(&config, format, output, filter).await)
            }
        }
    }
}

async fn export(
    config: &Config,
    format: Format,
    output: Option<PathBuf>,
    filter: AuditFilter,
) -> Result<(), Failure> {
    let db = current_database(config).await.map_err(Failure::Failed)?;
    let mut out: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let write_failed = |e: std::io::Error| Failure::Failed(format!("cannot write the export: {e}"));
    if format == Format::Csv {
        writeln!(out, "{CSV_HEADER}").map_err(write_failed)?;
    }
    let mut after = 0;
    loop {
        let batch_filter = filter.clone();
        let batch = db
            .run(move |conn| owp_audit::export_batch(conn, &batch_filter, after, EXPORT_BATCH))
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        for event in &batch {
            let line = match format {
                Format::Csv => csv_line(event),
                Format::Jsonl => json_line(event)?,
            };
            writeln!(out, "{line}").map_err(write_failed)?;
        }
    }
    out.flush().map_err(write_failed)
}

fn json_line(event: &AuditEvent) -> Result<String, Failure> {
    let mut value =
        serde_json::to_value(event).map_err(|e| Failure::Failed(format!("cannot encode: {e}")))?;
    if let serde_json::Value::Object(fields) = &mut value {
        fields.insert("actor".into(), event.actor().into());
    }
    Ok(value.to_string())
}

fn csv_line(event: &AuditEvent) -> String {
    let occurred_at = event
        .occurred_at
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string();
    let detail = event.detail.to_string();
    let fields = [
        Some(event.seq.to_string()),
        Some(event.id.to_string()),
        Some(occurred_at),
        Some(event.event_type.clone()),
        event.actor().map(str::to_owned),
        event.actor_user_id.clone(),
        event.subject_user_id.clone(),
        event.credential_id.clone(),
        event.organization_id.clone(),
        event.ip.clone(),
        event.user_agent.clone(),
        event.request_id.clone(),
        Some(detail),
    ];
    fields
        .iter()
        .map(|f| csv_field(f.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(",")
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `owp audit verify`: reads only (a schema that is not current is refused, not migrated).
async fn verify(config: Config, expect_head: Option<ChainHead>) -> ExitCode {
    telemetry::init(config.log_format);
    let key = match secrets::existing_audit_key(&config) {
        Ok(key) => key,
        Err(err) => {
            eprintln!("owp: {err}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let walked = match current_database(&config).await {
        Ok(db) => {
            db.run(move |conn| owp_audit::verify(conn, &key, expect_head.as_ref()))
                .await
        }
        Err(why) => {
            eprintln!("owp: cannot verify the audit chain: {why}");
            return ExitCode::from(EXIT_UNCHECKED);
        }
    };
    let report = match walked {
        Ok(report) => report,
        Err(err) => {
            eprintln!("owp: cannot verify the audit chain: {err}");
            return ExitCode::from(EXIT_UNCHECKED);
        }
    };
    match serde_json::to_string_pretty(&report) {
        Ok(json) => println!("{json}"),
        Err(err) => {
            eprintln!("owp: cannot print the report: {err}");
            return ExitCode::from(EXIT_UNCHECKED);
        }
    }
    if report.intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(
            csv_field(r#"{"a":1,"b":"x"}"#),
            r#""{""a"":1,""b"":""x""}""#
        );
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn times_are_rfc3339_or_dates() {
        let at = parse_time("2026-12-01T09:30:00+01:00").unwrap();
        assert_eq!(at.to_string(), "2026-12-01 08:30:00");
        assert_eq!(
            parse_time("2026-12-01").unwrap().to_string(),
            "2026-12-01 00:00:00"
        );
        assert!(parse_time("yesterday").is_err());
    }
}

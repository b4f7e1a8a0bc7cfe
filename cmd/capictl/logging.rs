//! Logs on stderr in clusterctl's format: `message key="value" key2={"json":1}`, one line per
//! entry. Verbosity: `-v`, else `CLUSTERCTL_LOG_LEVEL`; level 0 shows progress, 1–4 details,
//! 5 and above request-level debugging.

use std::fmt::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

struct ClusterctlFormat;

#[derive(Default)]
struct Fields {
    message: String,
    pairs: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if let Some(name) = field.name().strip_prefix("json.") {
            // Already JSON (a Kubernetes object reference), written as clusterctl's logger
            // marshals it.
            let _ = write!(self.pairs, " {name}={value}");
        } else if field.name() == "message" {
            self.message = value.to_string();
        } else {
            let _ = write!(
                self.pairs,
                " {}={}",
                field_name(field),
                serde_json::Value::String(value.into())
            );
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        let _ = write!(self.pairs, " {}={value}", field_name(field));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        let _ = write!(self.pairs, " {}={value}", field_name(field));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        let _ = write!(self.pairs, " {}={value}", field_name(field));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if let Some(name) = field.name().strip_prefix("json.") {
            let _ = write!(self.pairs, " {name}={text}");
        } else if field.name() == "message" {
            self.message = text;
        } else {
            let _ = write!(
                self.pairs,
                " {}={}",
                field_name(field),
                serde_json::Value::String(text)
            );
        }
    }
}

/// Field names as clusterctl spells them (`r#override` → `override`, `search_file` → `searchFile`).
fn field_name(field: &Field) -> String {
    let name = field.name().trim_start_matches("r#");
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl<S, N> FormatEvent<S, N> for ClusterctlFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        writeln!(writer, "{}{}", fields.message, fields.pairs)
    }
}

/// Installs the logger. `-v` wins over `CLUSTERCTL_LOG_LEVEL`.
pub fn init(verbosity: Option<u8>, config: &capictl::Config) -> anyhow::Result<()> {
    let level = match verbosity.filter(|v| *v > 0) {
        Some(v) => v,
        None => config
            .log_level()
            .map_err(|e| anyhow::anyhow!(e))?
            .unwrap_or(0),
    };
    let max = match level {
        0 => Level::INFO,
        1..=4 => Level::DEBUG,
        _ => Level::TRACE,
    };
    let filter = tracing_subscriber::filter::Targets::new()
        .with_target("capictl", max)
        // Other crates (kube, hyper) only at -v 9 and above: capictl reports their failures.
        .with_default(if level >= 9 {
            tracing_subscriber::filter::LevelFilter::DEBUG
        } else {
            tracing_subscriber::filter::LevelFilter::OFF
        });
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let layer = tracing_subscriber::fmt::layer()
        .event_format(ClusterctlFormat)
        .with_writer(|| LogLine(Vec::new()));
    let _ = tracing_subscriber::registry()
        .with(layer)
        .with(filter)
        .try_init();
    Ok(())
}

/// One formatted log entry, written out when dropped: above the progress bars while they are
/// drawn, else straight to stderr.
struct LogLine(Vec<u8>);

impl std::io::Write for LogLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        if self.0.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.0);
        if !crate::progress::print_above_bars(text.trim_end_matches('\n')) {
            use std::io::Write as _;
            let _ = std::io::stderr().lock().write_all(&self.0);
        }
    }
}

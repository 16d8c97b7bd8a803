//! `owp health`: asks a running server's `/healthz`, so a container image without curl can
//! still have a `HEALTHCHECK` (and an operator can probe from a shell).

use std::error::Error as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

/// The liveness URL of the server this environment configures: its `BIND` address (loopback
/// when it listens on every address) and its `PORT`. `None` for port 0, which names no port.
pub fn default_url(bind: IpAddr, port: u16) -> Option<String> {
    if port == 0 {
        return None;
    }
    let host = match bind {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let host = match host {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    Some(format!("http://{host}:{port}/healthz"))
}

/// GETs `url` within `timeout`; `Err` is one line saying why the server is not healthy
/// (unreachable, too slow, or an answer other than 200).
pub async fn check(url: &str, timeout: Duration) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|err| format!("cannot build an HTTP client: {}", one_line(&err)))?;
    let response = client.get(url).send().await.map_err(|err| {
        if err.is_timeout() {
            format!("{url} did not answer within {}s", timeout.as_secs_f32())
        } else {
            format!("cannot reach {url}: {}", one_line(&err))
        }
    })?;
    match response.status() {
        reqwest::StatusCode::OK => Ok(()),
        status => Err(format!("{url} answered {status}")),
    }
}

/// An error and its causes on one line (reqwest hides "connection refused" in a source).
fn one_line(err: &reqwest::Error) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_address_means_loopback_of_its_family() {
        let url = |bind: &str, port| default_url(bind.parse().unwrap(), port);
        assert_eq!(
            url("0.0.0.0", 8080).as_deref(),
            Some("http://127.0.0.1:8080/healthz")
        );
        assert_eq!(
            url("::", 9000).as_deref(),
            Some("http://[::1]:9000/healthz")
        );
        assert_eq!(
            url("10.1.2.3", 8080).as_deref(),
            Some("http://10.1.2.3:8080/healthz")
        );
        assert_eq!(url("127.0.0.1", 0), None);
    }
}

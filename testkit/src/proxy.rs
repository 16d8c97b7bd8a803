//! A TCP proxy that tests switch off and on to simulate a database outage (and its end)
//! without touching the real server other tests share.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// Forwards connections to a target while up; while down, closes new and existing ones.
pub struct TcpProxy {
    address: SocketAddr,
    shared: Arc<Shared>,
    accept_loop: AbortHandle,
}

struct Shared {
    target: String,
    up: AtomicBool,
    connections: Mutex<Vec<AbortHandle>>,
}

impl TcpProxy {
    /// Starts a proxy on a random local port in front of `target` (`host:port`).
    pub async fn start(target: &str, up: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
        let address = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            target: target.to_owned(),
            up: AtomicBool::new(up),
            connections: Mutex::new(Vec::new()),
        });
        let accept_loop = tokio::spawn(accept(listener, shared.clone())).abort_handle();
        Self {
            address,
            shared,
            accept_loop,
        }
    }

    /// Where clients connect.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Cuts every open connection and refuses new ones.
    pub fn go_down(&self) {
        self.shared.up.store(false, Ordering::SeqCst);
        for connection in self
            .shared
            .connections
            .lock()
            .expect("proxy lock")
            .drain(..)
        {
            connection.abort();
        }
    }

    /// Forwards new connections again.
    pub fn come_up(&self) {
        self.shared.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.accept_loop.abort();
        self.go_down();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((inbound, _)) = listener.accept().await {
        if !shared.up.load(Ordering::SeqCst) {
            drop(inbound);
            continue;
        }
        let target = shared.target.clone();
        let handle = tokio::spawn(relay(inbound, target)).abort_handle();
        shared.connections.lock().expect("proxy lock").push(handle);
    }
}

async fn relay(mut inbound: TcpStream, target: String) {
    if let Ok(mut outbound) = TcpStream::connect(&target).await {
        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
    }
}

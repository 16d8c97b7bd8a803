//! The fake's listener and connections: hyper HTTP/1 on Tokio, stoppable on demand so
//! [`Mode::Down`](super::Mode::Down) can make the port refuse connections.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use super::{Shared, routes};

/// A bound listener and the task accepting on it; dropping it aborts the task, which closes the
/// port and every connection.
pub(crate) struct Listener {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Listener {
    /// Binds `addr` and starts accepting connections served from `shared`.
    pub(crate) async fn bind(addr: SocketAddr, shared: &Shared) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (shutdown, stop) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, shared.clone(), stop));
        Ok(Self {
            addr,
            shutdown: Some(shutdown),
            task,
        })
    }

    /// The bound address (the real port when bound to port 0).
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Closes the port and every open connection, returning once both are gone.
    pub(crate) async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The loop may already have ended; then there is nothing left to stop.
            let _ = shutdown.send(());
        }
        // An error here means the task was aborted, which also closed everything.
        let _ = (&mut self.task).await;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Shared, mut stop: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                // A failed accept (e.g. the peer reset first) only loses that connection.
                if let Ok((stream, _)) = accepted {
                    connections.spawn(serve(stream, shared.clone()));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

async fn serve(stream: TcpStream, shared: Shared) {
    // Without it small NDJSON chunks could wait for the peer's ACK (Nagle).
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| {
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(routes::handle(request, shared).await) }
    });
    // A connection error (client gone, scripted disconnect) only ends this connection.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

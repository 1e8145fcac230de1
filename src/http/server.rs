//! The listening socket: accepting connections, holding each to its time limits, capping how
//! many are open, and closing them all on shutdown.
//!
//! `axum::serve` has none of these limits: a client that sends half a request, or connects and
//! says nothing, or keeps an idle keep-alive socket, held its connection (and memory) for as
//! long as it liked, and kept a stopping process alive. Here hyper's HTTP/1 connection gets a
//! timer: the headers of every request, the first and each one after a keep-alive pause, must
//! arrive within `header_timeout` or the connection is closed. The body and the answer are
//! bounded by the per-request timeout layer. At most `max_connections` are open at once; one
//! more is answered with a 503 problem and closed, without its request being read. On shutdown
//! the listener closes, idle connections are closed at once, requests in flight get
//! `shutdown_grace` to finish, and whatever is left is then dropped.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

use axum::response::IntoResponse;

use super::problem::{ApiError, Kind};
use super::state::AppState;
use crate::t;

/// Accepts and serves connections until `shutdown` completes, then drains them.
pub(super) async fn run(
    listener: TcpListener,
    router: Router,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let config = &state.config;
    let open = Arc::new(Semaphore::new(config.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors (or a connection reset before it was accepted):
                    // a pause lets connections close instead of spinning on the error.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            state.metrics.connection_refused();
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(
            move |mut req: axum::extract::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            },
        );
        let service = hyper::service::service_fn(move |req| service.clone().oneshot(req));
        let conn = http.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        let state = state.clone();
        state.metrics.connection(true);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, client = %peer, "connection ended with an error");
            }
            state.metrics.connection(false);
            drop(permit);
        });
    }
    drop(listener);
    let open = graceful.count();
    if open > 0 {
        tracing::info!(
            connections = open,
            "closing idle connections, waiting for the rest"
        );
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(config.shutdown_grace) => {
            tracing::warn!(
                grace_secs = config.shutdown_grace.as_secs(),
                "requests still in flight after the shutdown grace; closing them"
            );
        }
    }
    Ok(())
}

/// A connection beyond the limit: a 503 problem without reading the request, then closed.
async fn refuse(mut stream: TcpStream) {
    let res = ApiError::new(Kind::Overloaded, t!("http-too-many-connections"))
        .retry_after(1)
        .into_response();
    let (parts, body) = res.into_parts();
    let body = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        parts.status.as_u16(),
        parts.status.canonical_reason().unwrap_or_default()
    );
    for (name, value) in &parts.headers {
        if let Ok(v) = value.to_str() {
            head.push_str(&format!("{name}: {v}\r\n"));
        }
    }
    head.push_str(&format!(
        "connection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    ));
    let write = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&body).await?;
        stream.shutdown().await
    };
    // A client that does not read its refusal does not hold the task either.
    let _ = tokio::time::timeout(Duration::from_secs(2), write).await;
}

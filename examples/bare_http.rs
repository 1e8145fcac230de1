//! The ceiling for `/healthz` on this machine: axum answering a fixed 16-byte body with no
//! middleware, no state and no data. `scripts/peer-postgis.sh` measures it in the same run,
//! so the service's own figure can be read against what the HTTP stack alone allows.
//!   cargo run --release --example bare_http -- 127.0.0.1:18091

use axum::Router;
use axum::routing::get;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18091".into());
    let app = Router::new().route("/healthz", get(|| async { "{\"status\":\"ok\"}" }));
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    axum::serve(listener, app).await
}

//! Prometheus metrics of the service and the `/metrics` endpoint.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
};

use super::openapi::Problem;

use super::state::AppState;

/// Prometheus metrics of the service.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    lookups: IntCounterVec,
    data: IntGaugeVec,
}

impl Metrics {
    /// Counts a request and its latency under its route and status.
    pub(super) fn observe(
        &self,
        route: &str,
        status: axum::http::StatusCode,
        elapsed: std::time::Duration,
    ) {
        self.requests
            .with_label_values(&[route, status.as_str()])
            .inc();
        self.latency
            .with_label_values(&[route])
            .observe(elapsed.as_secs_f64());
    }

    pub(super) fn new() -> Metrics {
        let requests = IntCounterVec::new(
            Opts::new(
                "wijkwijzer_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "wijkwijzer_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1.0,
            ]),
            &["route"],
        )
        .expect("valid metric");
        let lookups = IntCounterVec::new(
            Opts::new(
                "wijkwijzer_lookups_total",
                "Lookups by LWA area (or outside)",
            ),
            &["lwa"],
        )
        .expect("valid metric");
        let data = IntGaugeVec::new(
            Opts::new("wijkwijzer_data_info", "The loaded data version (value 1)"),
            &["version"],
        )
        .expect("valid metric");
        let registry = Registry::new();
        for c in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(lookups.clone()),
            Box::new(data.clone()),
        ] {
            registry.register(c).expect("metric registered once");
        }
        Metrics {
            registry,
            requests,
            latency,
            lookups,
            data,
        }
    }

    pub(super) fn set_version(&self, version: &str) {
        self.data.reset();
        self.data.with_label_values(&[version]).set(1);
    }

    pub fn count_lookup(&self, lwa: Option<&str>) {
        self.lookups
            .with_label_values(&[lwa.unwrap_or("outside")])
            .inc();
    }

    fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

#[utoipa::path(get, path = "/metrics", tag = "service", summary = "Prometheus metrics",
    responses((status = 200, body = String, content_type = "text/plain"), (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 429, body = Problem, content_type = "application/problem+json"), (status = 503, body = Problem, content_type = "application/problem+json")))]
pub(super) async fn metrics(State(s): State<Arc<AppState>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

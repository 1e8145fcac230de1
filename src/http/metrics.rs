//! Prometheus metrics of the service; `/metrics` serves them (in `http/mod.rs`).

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry,
};

/// Prometheus metrics of the service.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    lookups: IntCounterVec,
    data: IntGaugeVec,
    reloads: IntCounterVec,
    key_file_refused: IntCounter,
    keys_suspended: IntGauge,
    auth_failures: IntCounterVec,
    rate_limited: IntCounterVec,
    connections: IntGauge,
    connections_refused: IntCounter,
    rate_limit_clients: IntGauge,
    classify_cancelled: IntCounter,
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
                "Lookups by area of the coverage layer (or outside); the label keeps its first name",
            ),
            &["lwa"],
        )
        .expect("valid metric");
        let data = IntGaugeVec::new(
            Opts::new("wijkwijzer_data_info", "The loaded data version (value 1)"),
            &["version"],
        )
        .expect("valid metric");
        let build = IntGaugeVec::new(
            Opts::new(
                "wijkwijzer_build_info",
                "The running build (value 1): crate version",
            ),
            &["version"],
        )
        .expect("valid metric");
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        // Labels are fixed words: nothing read from a file or a request (a path, a key's name)
        // becomes a label.
        let reloads = IntCounterVec::new(
            Opts::new(
                "wijkwijzer_reloads_total",
                "Reloads of keys and data by outcome (ok, refused)",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let key_file_refused = IntCounter::new(
            "wijkwijzer_key_file_refused_total",
            "Reloads that could not read or parse the key file (each suspends keyed access)",
        )
        .expect("valid metric");
        let keys_suspended = IntGauge::new(
            "wijkwijzer_keyed_access_suspended",
            "1 while the key file is broken and every presented key gets a 503; 0 otherwise",
        )
        .expect("valid metric");
        let auth_failures = IntCounterVec::new(
            Opts::new(
                "wijkwijzer_auth_failures_total",
                "Requests refused for their key (unknown key, malformed header, missing right, keys suspended)",
            ),
            &["reason"],
        )
        .expect("valid metric");
        let rate_limited = IntCounterVec::new(
            Opts::new(
                "wijkwijzer_rate_limited_total",
                "Requests refused with 429 by the limit that applied (key, client-address)",
            ),
            &["limit"],
        )
        .expect("valid metric");
        let connections = IntGauge::new(
            "wijkwijzer_http_connections",
            "Connections open now (at most max-connections)",
        )
        .expect("valid metric");
        let connections_refused = IntCounter::new(
            "wijkwijzer_http_connections_refused_total",
            "Connections answered 503 and closed because max-connections were open",
        )
        .expect("valid metric");
        let rate_limit_clients = IntGauge::new(
            "wijkwijzer_rate_limit_clients",
            "Client addresses (IPv6: /64 networks) the rate limiter holds state for",
        )
        .expect("valid metric");
        let classify_cancelled = IntCounter::new(
            "wijkwijzer_classify_cancelled_total",
            "Classifications stopped because their request timed out or its client left",
        )
        .expect("valid metric");
        let registry = Registry::new();
        for c in [
            Box::new(build) as Box<dyn prometheus::core::Collector>,
            Box::new(reloads.clone()),
            Box::new(key_file_refused.clone()),
            Box::new(keys_suspended.clone()),
            Box::new(auth_failures.clone()),
            Box::new(rate_limited.clone()),
            Box::new(requests.clone()),
            Box::new(latency.clone()),
            Box::new(lookups.clone()),
            Box::new(data.clone()),
            Box::new(connections.clone()),
            Box::new(connections_refused.clone()),
            Box::new(rate_limit_clients.clone()),
            Box::new(classify_cancelled.clone()),
        ] {
            registry.register(c).expect("metric registered once");
        }
        Metrics {
            registry,
            requests,
            latency,
            lookups,
            data,
            reloads,
            key_file_refused,
            keys_suspended,
            auth_failures,
            rate_limited,
            connections,
            connections_refused,
            rate_limit_clients,
            classify_cancelled,
        }
    }

    /// A connection opened (`true`) or closed.
    pub(super) fn connection(&self, opened: bool) {
        if opened {
            self.connections.inc();
        } else {
            self.connections.dec();
        }
    }

    pub(super) fn connection_refused(&self) {
        self.connections_refused.inc();
    }

    pub(super) fn rate_limit_clients(&self, n: usize) {
        self.rate_limit_clients.set(n as i64);
    }

    pub(super) fn classify_cancelled(&self) {
        self.classify_cancelled.inc();
    }

    pub(super) fn reload_outcome(&self, ok: bool) {
        self.reloads
            .with_label_values(&[if ok { "ok" } else { "refused" }])
            .inc();
    }

    /// A reload read the key file (`true`) or could not, and keyed access is suspended.
    pub(super) fn key_file_read(&self, ok: bool) {
        if !ok {
            self.key_file_refused.inc();
        }
        self.keys_suspended.set(i64::from(!ok));
    }

    /// `reason`: `unknown-key`, `malformed`, `forbidden` or `keys-suspended`.
    pub(super) fn auth_failure(&self, reason: &'static str) {
        self.auth_failures.with_label_values(&[reason]).inc();
    }

    /// `limit`: `key` or `client-address`.
    pub(super) fn rate_limited(&self, limit: &'static str) {
        self.rate_limited.with_label_values(&[limit]).inc();
    }

    pub(super) fn set_version(&self, version: &str) {
        self.data.reset();
        self.data.with_label_values(&[version]).set(1);
    }

    /// Counts a lookup by the coverage area it fell in.
    pub fn count_lookup(&self, area: Option<&str>) {
        self.lookups
            .with_label_values(&[area.unwrap_or("outside")])
            .inc();
    }

    pub(super) fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

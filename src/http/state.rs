//! The service's state: where the data comes from, the serving snapshot with its prepared
//! area GeoJSON, the API keys and their limiters, and reload (validate completely, then swap).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use axum::http::HeaderValue;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::{Value, json};

use crate::auth::ApiKeys;
use crate::geodata::Period;
use crate::geodata::{Geodata, GeodataError};
use crate::resolve::{On, Resolver};
use crate::roster::Audience;

use super::area_json::{area_feature, wgs84_geometry};
use super::metrics::Metrics;

/// Where the served data comes from, so that a reload reads it again.
#[derive(Debug, Clone)]
pub enum DataSource {
    Embedded,
    Dir(PathBuf),
}

impl DataSource {
    pub fn load(&self) -> Result<Geodata, GeodataError> {
        match self {
            DataSource::Embedded => Geodata::embedded(),
            DataSource::Dir(d) => Geodata::load_dir(d),
        }
    }
}

/// Limits and options of a running service.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// XYZ tile URL template for the page's base map.
    pub tiles: Option<String>,
    pub keys: ApiKeys,
    /// The key file, re-read on every reload (SIGHUP, `POST /admin/reload`).
    pub keys_file: Option<PathBuf>,
    /// Requests per second per client address; 0 switches rate limiting off.
    pub rate_per_second: u32,
    pub rate_burst: u32,
    pub max_concurrent: usize,
    pub timeout: Duration,
    pub max_query_bytes: usize,
    pub max_body_bytes: usize,
    /// Largest body `POST /v1/classify` accepts (413 beyond it).
    pub max_classify_bytes: usize,
    /// How long a classification may take (a lookup has `timeout`).
    pub classify_timeout: Duration,
    /// Classifications one client may have in flight.
    pub classify_per_client: usize,
    /// Bytes of uploads classified at once, all clients together.
    pub classify_memory_bytes: usize,
    /// How far an uploaded workbook may expand.
    pub workbook: crate::classify::workbook::Limits,
    /// Address file to re-read on reload; `None`: keep the loaded address index.
    pub addresses: Option<std::path::PathBuf>,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// One info line per request (the access log and audit trail).
    pub access_log: bool,
    /// How long a connection may take to send its headers or stay silent between requests.
    pub header_timeout: Duration,
    /// Connections held open at once; beyond it a new one gets a 503 and is closed.
    pub max_connections: usize,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
    /// The address clients reach the service at, for links (no trailing `/`).
    pub public_url: Option<String>,
    /// How often the key file and data files are looked at for changes; `None`: never.
    pub watch: Option<Duration>,
}

impl ServeConfig {
    /// The configuration `serve` runs with for resolved options (its defaults are
    /// [`crate::config::ServeOptions::resolve`]'s, written there only) and a key file's keys.
    pub fn from_options(o: &crate::config::Resolved, keys: ApiKeys) -> ServeConfig {
        ServeConfig {
            tiles: o.tiles.clone(),
            keys,
            keys_file: o.keys.clone(),
            rate_per_second: o.rate_limit,
            rate_burst: o.rate_burst,
            max_concurrent: o.max_concurrent,
            timeout: Duration::from_secs(o.timeout_secs),
            // Fixed limits (not options): a lookup's query and the admin body are small.
            max_query_bytes: 4096,
            max_body_bytes: 64 * 1024,
            max_classify_bytes: o.max_classify_mib.saturating_mul(1 << 20),
            classify_timeout: Duration::from_secs(o.classify_timeout_secs),
            classify_per_client: o.classify_per_client,
            classify_memory_bytes: o.classify_memory_mib.saturating_mul(1 << 20),
            workbook: o.workbook_limits(),
            addresses: o.addresses.clone(),
            trusted_proxies: o.trusted_proxy.clone(),
            access_log: o.access_log,
            header_timeout: Duration::from_secs(o.header_timeout_secs),
            max_connections: o.max_connections,
            shutdown_grace: Duration::from_secs(o.shutdown_grace_secs),
            public_url: o.public_url.clone(),
            watch: (o.watch_secs > 0).then(|| Duration::from_secs(o.watch_secs)),
        }
    }
}

impl Default for ServeConfig {
    /// `serve`'s defaults, without keys.
    fn default() -> Self {
        ServeConfig::from_options(
            &crate::config::ServeOptions::default().resolve(),
            ApiKeys::default(),
        )
    }
}

/// One consistent snapshot of the data and everything rendered from it.
pub struct Served {
    pub resolver: Resolver,
    /// Per audience (public, internal), per layer: the FeatureCollection, as of `prepared`.
    layer_collections: [BTreeMap<String, String>; 2],
    /// Per audience, per area id: the Feature, as of `prepared`.
    area_features: [BTreeMap<String, String>; 2],
    pub(super) version_header: HeaderValue,
    version: String,
    /// The day the collections and features were made for.
    prepared: jiff::civil::Date,
    /// The period whose areas `wgs84` holds.
    prepared_period: Period,
    /// Per layer, per area of `prepared_period`: the geometry in WGS84 as GeoJSON.
    wgs84: Vec<Vec<Value>>,
}

pub(super) fn audience_index(a: Audience) -> usize {
    match a {
        Audience::Public => 0,
        Audience::Internal => 1,
    }
}

/// A layer's FeatureCollection and its features, as one day's answers give them.
fn layer_json(on: On<'_>, layer: usize, geometries: &[Value], audience: Audience) -> Value {
    let meta = on.meta();
    let layer = &on.data().layers[layer];
    let features: Vec<Value> = layer
        .areas
        .iter()
        .zip(geometries)
        .map(|(a, g)| area_feature(on, a, g, audience))
        .collect();
    json!({
        "type": "FeatureCollection",
        "name": layer.info.id,
        "title": layer.info.title,
        "attribution": meta.attribution,
        "data": meta,
        "features": features,
    })
}

impl Served {
    pub fn new(resolver: Resolver) -> Served {
        // A server keys the place names at load, as it renders everything else here, so that
        // no request waits for them.
        resolver.addresses().landmarks().prepare();
        let mut layer_collections: [BTreeMap<String, String>; 2] = Default::default();
        let mut area_features: [BTreeMap<String, String>; 2] = Default::default();
        let today = resolver.today();
        // Reprojecting every vertex is the costly part: do it once, for both audiences.
        let geometries = wgs84_of(today);
        for audience in [Audience::Public, Audience::Internal] {
            let k = audience_index(audience);
            for (i, layer) in today.data().layers.iter().enumerate() {
                let fc = layer_json(today, i, &geometries[i], audience);
                for f in fc["features"].as_array().into_iter().flatten() {
                    if let Some(id) = f["id"].as_str() {
                        area_features[k].insert(id.to_string(), f.to_string());
                    }
                }
                layer_collections[k].insert(layer.info.id.clone(), fc.to_string());
            }
        }
        // The version every answer's `data` block states: the areas' files and the addresses.
        let version = resolver.meta().version.clone();
        let version_header =
            HeaderValue::from_str(&version).unwrap_or(HeaderValue::from_static("unknown"));
        let (prepared, prepared_period) = (today.day(), today.resolver().period());
        Served {
            resolver,
            layer_collections,
            area_features,
            version_header,
            version,
            prepared,
            prepared_period,
            wgs84: geometries,
        }
    }

    /// An area's geometry in WGS84 as GeoJSON: reprojected once per data set for the period
    /// of the day it was loaded, on demand for other periods.
    pub(super) fn wgs84_geometry(&self, on: On<'_>, layer: usize, area: usize) -> Cow<'_, Value> {
        if on.resolver().period() == self.prepared_period {
            Cow::Borrowed(&self.wgs84[layer][area])
        } else {
            Cow::Owned(wgs84_geometry(&on.data().layers[layer].areas[area]))
        }
    }

    /// A layer's FeatureCollection for `on`'s day, `None` for an unknown layer.
    pub(super) fn layer_collection(
        &self,
        on: On<'_>,
        layer: &str,
        audience: Audience,
    ) -> Option<Cow<'_, str>> {
        let k = audience_index(audience);
        if on.day() == self.prepared {
            return self.layer_collections[k]
                .get(layer)
                .map(|s| Cow::Borrowed(s.as_str()));
        }
        let i = on.data().layer_index(layer)?;
        let geometries: Vec<Value> = (0..on.data().layers[i].areas.len())
            .map(|a| self.wgs84_geometry(on, i, a).into_owned())
            .collect();
        Some(Cow::Owned(
            layer_json(on, i, &geometries, audience).to_string(),
        ))
    }

    /// One area's Feature for `on`'s day, `None` for an unknown id.
    pub(super) fn area_feature(
        &self,
        on: On<'_>,
        id: &str,
        audience: Audience,
    ) -> Option<Cow<'_, str>> {
        let k = audience_index(audience);
        if on.day() == self.prepared {
            return self.area_features[k]
                .get(id)
                .map(|s| Cow::Borrowed(s.as_str()));
        }
        let (layer, area) =
            on.data().layers.iter().enumerate().find_map(|(l, layer)| {
                layer.areas.iter().position(|a| a.id == id).map(|a| (l, a))
            })?;
        let geometry = self.wgs84_geometry(on, layer, area);
        Some(Cow::Owned(
            area_feature(
                on,
                &on.data().layers[layer].areas[area],
                &geometry,
                audience,
            )
            .to_string(),
        ))
    }

    /// The version of what is served: the geodata's files and the address index together.
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// Every area of a day's layers in WGS84.
fn wgs84_of(on: On<'_>) -> Vec<Vec<Value>> {
    on.data()
        .layers
        .iter()
        .map(|l| l.areas.iter().map(wgs84_geometry).collect())
        .collect()
}

/// The API keys in force and one rate limiter per key.
pub struct KeyState {
    pub keys: ApiKeys,
    /// Per key name: its rate and limiter (`None`: not limited).
    pub(super) limiters: BTreeMap<String, (u32, Option<governor::DefaultDirectRateLimiter>)>,
}

impl KeyState {
    fn new(keys: ApiKeys, config: &ServeConfig) -> KeyState {
        let limiters = keys
            .rates()
            .map(|(name, rate)| {
                let per_second = rate.per_second.unwrap_or(config.rate_per_second);
                let burst = rate.burst.unwrap_or(config.rate_burst).max(per_second);
                let limiter = NonZeroU32::new(per_second).map(|r| {
                    RateLimiter::direct(
                        Quota::per_second(r).allow_burst(NonZeroU32::new(burst).unwrap_or(r)),
                    )
                });
                (name.to_string(), (per_second, limiter))
            })
            .collect();
        KeyState { keys, limiters }
    }
}

/// How the files a reload reads look now.
fn files_now(config: &ServeConfig, source: &DataSource) -> super::watch::Looks {
    let dir = match source {
        DataSource::Dir(d) => Some(d.as_path()),
        DataSource::Embedded => None,
    };
    super::watch::Looks::take(
        config.keys_file.as_deref(),
        dir,
        config.addresses.as_deref(),
    )
}

/// Everything the handlers share.
pub struct AppState {
    pub(super) served: ArcSwap<Served>,
    pub(super) source: DataSource,
    pub(super) config: ServeConfig,
    pub metrics: Metrics,
    pub(super) limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// The keys and their limiters; swapped whole when the key file is re-read.
    pub(super) keys: ArcSwap<KeyState>,
    pub(super) reloading: tokio::sync::Mutex<()>,
    /// Set when shutdown begins: `/readyz` then says not ready so no new traffic is sent.
    pub(super) shutting_down: std::sync::atomic::AtomicBool,
    /// Why the last reload was refused, until one succeeds: `/healthz` reports it (see
    /// [`AppState::last_reload_refused`] for who sees what).
    pub(super) last_reload_error: std::sync::Mutex<Option<GeodataError>>,
    /// The files as they looked when they were last read (see [`super::watch`]).
    files_read: std::sync::Mutex<super::watch::Looks>,
    /// The classifications in flight, per client and their memory together.
    pub(super) uploads: super::uploads::Uploads,
}

impl AppState {
    /// A service on already loaded data, default limits, no keys; reloads read the embedded
    /// data again.
    pub fn new(resolver: Resolver) -> AppState {
        Self::with_config(DataSource::Embedded, resolver, ServeConfig::default())
    }

    pub fn with_config(source: DataSource, resolver: Resolver, config: ServeConfig) -> AppState {
        let metrics = Metrics::new();
        let served = Served::new(resolver);
        metrics.set_version(served.version());
        let limiter = NonZeroU32::new(config.rate_per_second).map(|rate| {
            let burst =
                NonZeroU32::new(config.rate_burst.max(config.rate_per_second)).unwrap_or(rate);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        let keys = ArcSwap::from_pointee(KeyState::new(config.keys.clone(), &config));
        let files_read = std::sync::Mutex::new(if config.watch.is_some() {
            files_now(&config, &source)
        } else {
            super::watch::Looks::default()
        });
        AppState {
            files_read,
            uploads: super::uploads::Uploads::new(
                config.classify_per_client,
                config.classify_memory_bytes,
            ),
            served: ArcSwap::from_pointee(served),
            source,
            config,
            metrics,
            limiter,
            keys,
            reloading: tokio::sync::Mutex::new(()),
            shutting_down: std::sync::atomic::AtomicBool::new(false),
            last_reload_error: std::sync::Mutex::new(None),
        }
    }

    /// Forgets the clients whose budget is full again, so that the limiter holds state only
    /// for those seen in the last few seconds: without this, every new address (an IPv6
    /// client can pick from 2^64) stayed in memory for the life of the process.
    pub fn sweep_rate_limits(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            self.metrics.rate_limit_clients(limiter.len());
        }
    }

    /// How many clients the rate limiter holds state for.
    pub fn rate_limit_clients(&self) -> usize {
        self.limiter.as_ref().map_or(0, |l| l.len())
    }

    /// The current snapshot.
    pub fn current(&self) -> Arc<Served> {
        self.served.load_full()
    }

    /// Re-reads the key file, then loads and validates the data source again and swaps it in.
    /// Returns (previous version, new version).
    ///
    /// The keys go first and on their own: a revoked key stops working at this reload even when
    /// the data is refused (a broken `buurt.geojson` must not keep a removed key valid), and a
    /// refused key file suspends keyed access without holding back good data. The two fail
    /// differently on purpose: refused data keeps the previous data serving, since stale areas
    /// are still mostly right, but a refused key file suspends every key (see [`Self::read_keys`]),
    /// since a stale key list keeps a revoked key working.
    pub async fn reload(&self) -> Result<(String, String), GeodataError> {
        let _one_at_a_time = self.reloading.lock().await;
        self.note_files_read(true);
        let mut problems = Vec::new();
        if let Err(p) = self.read_keys() {
            problems.push(p);
        }
        let result = match self.reload_data().await {
            Ok(versions) if problems.is_empty() => Ok(versions),
            Ok((_, version)) => Err(GeodataError {
                origin: format!("the key file (the data was reloaded: version {version})"),
                problems,
            }),
            Err(mut e) => {
                problems.append(&mut e.problems);
                Err(GeodataError {
                    origin: e.origin,
                    problems,
                })
            }
        };
        self.record_reload(result)
    }

    /// Re-reads the key file alone (the data unchanged); a refused file suspends keyed access.
    pub async fn reload_keys(&self) -> Result<(), GeodataError> {
        let _one_at_a_time = self.reloading.lock().await;
        self.note_files_read(false);
        let result = self.read_keys().map_err(|p| GeodataError {
            origin: "the key file".into(),
            problems: vec![p],
        });
        self.record_reload(result)
    }

    /// Looks at the files every `every` and reloads what changed (see [`super::watch`]); runs
    /// until the process ends. A change is acted on once it has held still for one look.
    pub(super) async fn watch_files(self: Arc<Self>, every: Duration) {
        let look = |state: Arc<AppState>| async move {
            tokio::task::spawn_blocking(move || files_now(&state.config, &state.source))
                .await
                .unwrap_or_default()
        };
        let mut previous = self.files_read();
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let now = look(self.clone()).await;
            let settled = now == previous;
            previous = now.clone();
            let acted_on = self.files_read();
            if !settled || now == acted_on {
                continue;
            }
            let result = if now.same_data(&acted_on) {
                tracing::info!("the key file changed; reading it again");
                self.reload_keys().await.map(|()| None)
            } else {
                tracing::info!("the data files changed; reloading");
                self.reload().await.map(Some)
            };
            if let Err(e) = result {
                tracing::error!(error = %e, "reload after a change refused (refused data keeps the previous data; a refused key file suspends keyed access)");
            }
        }
    }

    /// Counts a reload's outcome and keeps its refusal for `/healthz` (until one succeeds).
    fn record_reload<T>(&self, result: Result<T, GeodataError>) -> Result<T, GeodataError> {
        self.metrics.reload_outcome(result.is_ok());
        if let Ok(mut last) = self.last_reload_error.lock() {
            *last = result.as_ref().err().cloned();
        }
        result
    }

    /// Notes how the files look as they are about to be read: all of them, or the key file.
    fn note_files_read(&self, all: bool) {
        if self.config.watch.is_none() {
            return;
        }
        let now = files_now(&self.config, &self.source);
        if let Ok(mut read) = self.files_read.lock() {
            if all {
                *read = now;
            } else {
                read.keys = now.keys;
            }
        }
    }

    /// How the files looked when they were last read.
    pub(super) fn files_read(&self) -> super::watch::Looks {
        self.files_read
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// Reads the key file and puts its keys in force; a file that cannot be read or parsed
    /// suspends keyed access until one can. The edit that broke the file may be the one that
    /// removed a key, and nothing tells which keys the admin meant to keep, so none is kept:
    /// key holders get a 503 that says the key file is broken, anonymous callers are answered
    /// as before. The problem names the file and may quote it: it is logged here, and
    /// [`Self::last_reload_refused`] decides who else may see it.
    fn read_keys(&self) -> Result<(), crate::geodata::Problem> {
        let Some(path) = &self.config.keys_file else {
            return Ok(());
        };
        match ApiKeys::load(path) {
            Ok(keys) => {
                if self.keyed_access_suspended() {
                    tracing::warn!(keys = ?keys, "key file read again; keyed access resumes");
                } else {
                    tracing::info!(keys = ?keys, "key file re-read");
                }
                self.keys.store(Arc::new(KeyState::new(keys, &self.config)));
                self.metrics.key_file_read(true);
                Ok(())
            }
            Err(p) => {
                self.keys
                    .store(Arc::new(KeyState::new(ApiKeys::suspended(), &self.config)));
                self.metrics.key_file_read(false);
                tracing::error!(
                    problem = %p,
                    "key file refused; keyed access is suspended (every key gets a 503) until a reload reads a good file: fix it, then send SIGHUP (or, with --watch-secs, wait for the next look)"
                );
                Err(p)
            }
        }
    }

    /// Whether the key file was refused at the last reload, so that no key works.
    pub fn keyed_access_suspended(&self) -> bool {
        self.keys.load().keys.is_suspended()
    }

    /// The refusal of the last reload, as `/healthz` may show it to `caller`: everything for
    /// admin keys; for anyone else which files were refused and where, never what they hold
    /// (a parser quotes the offending line) nor where they lie.
    pub fn last_reload_refused(&self, admin: bool) -> Option<Value> {
        let last = self.last_reload_error.lock().ok()?;
        let e = last.as_ref()?;
        if admin {
            return Some(json!({
                "summary": format!("{} problem(s) in {}", e.problems.len(), e.origin),
                "problems": e.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            }));
        }
        let mut files: Vec<String> = e.problems.iter().map(|p| p.public()).collect();
        files.dedup();
        Some(Value::String(files.join("; ")))
    }

    async fn reload_data(&self) -> Result<(String, String), GeodataError> {
        let source = self.source.clone();
        let address_file = self.config.addresses.clone();
        let current_addresses = self.current().resolver.addresses().clone();
        let started = Instant::now();
        let served = tokio::task::spawn_blocking(move || {
            let addresses = match address_file {
                Some(path) => Arc::new(crate::address::AddressIndex::load(&path).map_err(|e| {
                    GeodataError {
                        origin: path.display().to_string(),
                        problems: vec![crate::geodata::Problem::new(
                            &e.file,
                            e.line.map(|l| format!("line {l}")).as_deref(),
                            e.reason,
                        )],
                    }
                })?),
                None => current_addresses,
            };
            source
                .load()
                .map(|d| Served::new(Resolver::new(d).with_addresses(addresses)))
        })
        .await
        .map_err(|e| GeodataError {
            origin: "reload".into(),
            problems: vec![crate::geodata::Problem::new(
                "-",
                None,
                format!("reload task failed: {e}"),
            )],
        })??;
        for warning in served
            .resolver
            .data()
            .roster_warnings(crate::roster::today())
        {
            tracing::warn!("roster: {warning}");
        }
        let new = served.version().to_string();
        let old = self.served.swap(Arc::new(served));
        self.metrics.set_version(&new);
        tracing::info!(previous = %old.version(), version = %new, ms = started.elapsed().as_millis() as u64, "data reloaded");
        Ok((old.version().to_string(), new))
    }
}

//! `serve`'s options, declared once: the same struct is the command line (with an environment
//! variable for every option) and the config file (`serve --config wijkwijzer.toml`).
//!
//! Every field is optional so that the sources can be layered: a flag beats its environment
//! variable (clap does that), both beat the file, and the file beats the defaults in
//! [`ServeOptions::resolve`], the only place they are written. A key the file does not know is
//! refused with its name, so a typo never silently falls back to a default.

use std::net::SocketAddr;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Every option of `wijkwijzer serve`. In the file the keys are the flag names without `--`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServeOptions {
    /// Geodata directory to serve instead of the embedded default.
    #[arg(long, env = "WIJKWIJZER_GEODATA")]
    pub geodata: Option<PathBuf>,
    /// Address file (canonical CSV from `wijkwijzer import bag|addresses`); default: the
    /// geodata directory's `addresses.csv`, else the embedded OpenStreetMap addresses; re-read
    /// on reload.
    #[arg(long, env = "WIJKWIJZER_ADDRESSES")]
    pub addresses: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "WIJKWIJZER_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// XYZ tile URL template ({z}/{x}/{y}) for the page's base map, e.g. PDOK
    /// BRT-Achtergrondkaart; without it the page draws the areas only and needs no internet.
    #[arg(long, env = "WIJKWIJZER_TILES")]
    pub tiles: Option<String>,
    /// API key file (salted hashes; see `wijkwijzer keygen`). Callers with a key see internal
    /// contact channels and have the key's own rate limit; admin keys may reload the data.
    #[arg(long, env = "WIJKWIJZER_KEYS")]
    pub keys: Option<PathBuf>,
    /// Requests per second per client address, and per key unless the key file gives the key
    /// its own rate (0: no rate limit) [default: 100].
    #[arg(long, env = "WIJKWIJZER_RATE_LIMIT")]
    pub rate_limit: Option<u32>,
    /// Requests a client may send at once before the rate applies [default: 200].
    #[arg(long, env = "WIJKWIJZER_RATE_BURST")]
    pub rate_burst: Option<u32>,
    /// A reverse proxy (address or CIDR) whose Forwarded / X-Forwarded-For headers give the
    /// client's address; repeat for several (environment: comma-separated) [default: none].
    #[arg(long, env = "WIJKWIJZER_TRUSTED_PROXY", value_delimiter = ',', value_parser = parse_net)]
    pub trusted_proxy: Option<Vec<ipnet::IpNet>>,
    /// Requests handled at once, 1 or more; beyond this the service answers 503 at once
    /// [default: 512].
    #[arg(long, env = "WIJKWIJZER_MAX_CONCURRENT")]
    pub max_concurrent: Option<NonZeroUsize>,
    /// Seconds a request may take before it is answered with 503, 1 or more [default: 10].
    #[arg(long, env = "WIJKWIJZER_TIMEOUT_SECS")]
    pub timeout_secs: Option<NonZeroU64>,
    /// Log format [default: text].
    #[arg(long, env = "WIJKWIJZER_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// One log line per request at info (method, path, status, duration, request id, client,
    /// the key's name): the record of who retrieved what [default: true].
    #[arg(long, env = "WIJKWIJZER_ACCESS_LOG")]
    pub access_log: Option<bool>,
    /// Largest file `POST /v1/classify` accepts, in MiB, 1 or more (larger: 413)
    /// [default: 64].
    #[arg(long, env = "WIJKWIJZER_MAX_CLASSIFY_MIB")]
    pub max_classify_mib: Option<NonZeroUsize>,
    /// Seconds a connection may take to send a request's headers, and may stay silent between
    /// requests, before the service closes it, 1 or more [default: 10].
    #[arg(long, env = "WIJKWIJZER_HEADER_TIMEOUT_SECS")]
    pub header_timeout_secs: Option<NonZeroU64>,
    /// Connections held open at once, 1 or more; beyond this a new connection is answered 503
    /// and closed [default: 1024].
    #[arg(long, env = "WIJKWIJZER_MAX_CONNECTIONS")]
    pub max_connections: Option<NonZeroUsize>,
    /// Seconds shutdown waits for requests in flight before it closes what is left, 1 or more
    /// [default: 20].
    #[arg(long, env = "WIJKWIJZER_SHUTDOWN_GRACE_SECS")]
    pub shutdown_grace_secs: Option<NonZeroU64>,
    /// The address clients reach the service at (e.g. https://wijkwijzer.example.nl), for the
    /// links of the OGC API; without it they come from the request's Host header (and a trusted
    /// proxy's X-Forwarded-Host / -Proto) [default: none].
    #[arg(long, env = "WIJKWIJZER_PUBLIC_URL", value_parser = parse_public_url)]
    #[serde(default, deserialize_with = "public_url_in_file")]
    pub public_url: Option<String>,
    /// Seconds between looks at the key file and the data files for changes, which are then
    /// reloaded as on SIGHUP (for Kubernetes, where Secrets and ConfigMaps change in place);
    /// 0: only on SIGHUP or `POST /admin/reload` [default: 0].
    #[arg(long, env = "WIJKWIJZER_WATCH_SECS")]
    pub watch_secs: Option<u64>,
    /// Seconds `POST /v1/classify` may take before it is answered with 503 and stopped, 1 or
    /// more; a lookup keeps `timeout-secs` [default: 300].
    #[arg(long, env = "WIJKWIJZER_CLASSIFY_TIMEOUT_SECS")]
    pub classify_timeout_secs: Option<NonZeroU64>,
    /// Classifications one client (address, or key) may have in flight at once, 1 or more;
    /// beyond it 429 [default: 2].
    #[arg(long, env = "WIJKWIJZER_CLASSIFY_PER_CLIENT")]
    pub classify_per_client: Option<NonZeroUsize>,
    /// MiB of uploads classified at once, all clients together; an upload that does not fit
    /// waits for one that is done, and is answered 503 if none is done within 10 s [default:
    /// 96].
    #[arg(long, env = "WIJKWIJZER_CLASSIFY_MEMORY_MIB")]
    pub classify_memory_mib: Option<NonZeroUsize>,
    /// Largest uncompressed size of one part of an uploaded workbook, in MiB [default: 1024].
    #[arg(long, env = "WIJKWIJZER_WORKBOOK_MAX_UNPACKED_MIB")]
    pub workbook_max_unpacked_mib: Option<u64>,
    /// Largest ratio of a workbook part's uncompressed to its compressed size [default: 200].
    #[arg(long, env = "WIJKWIJZER_WORKBOOK_MAX_RATIO")]
    pub workbook_max_ratio: Option<u64>,
    /// Most shared strings an uploaded `.xlsx` may announce or hold [default: 2000000].
    #[arg(long, env = "WIJKWIJZER_WORKBOOK_MAX_STRINGS")]
    pub workbook_max_strings: Option<u64>,
    /// Most text an uploaded `.xlsx`'s shared strings may hold, in MiB [default: 48].
    #[arg(long, env = "WIJKWIJZER_WORKBOOK_MAX_TEXT_MIB")]
    pub workbook_max_text_mib: Option<u64>,
    /// Most cells (rows times columns from column A) an uploaded workbook's sheet may expand
    /// to [default: 24000000].
    #[arg(long, env = "WIJKWIJZER_WORKBOOK_MAX_CELLS")]
    pub workbook_max_cells: Option<u64>,
    /// Most columns an uploaded workbook's sheet may use, from column A [default: 1024].
    #[arg(long, env = "WIJKWIJZER_WORKBOOK_MAX_COLUMNS")]
    pub workbook_max_columns: Option<u32>,
}

/// An absolute http(s) address without a query; a trailing `/` is dropped.
fn parse_public_url(s: &str) -> Result<String, String> {
    let t = s.trim().trim_end_matches('/');
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| format!("'{s}' must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') || t.contains(['?', '#', ' ']) {
        return Err(format!(
            "'{s}' must be an address like https://wijkwijzer.example.nl (a host, optionally a path, no query)"
        ));
    }
    Ok(t.to_string())
}

/// The config file's `public-url`, checked as the flag is.
fn public_url_in_file<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    parse_public_url(&s)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

/// An address is a network of one.
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| {
            format!("'{s}' is not an address or CIDR network (e.g. 10.0.0.0/8 or 127.0.0.1)")
        })
}

/// The options with every default filled in: what the service runs with.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Resolved {
    pub geodata: Option<PathBuf>,
    pub addresses: Option<PathBuf>,
    pub listen: SocketAddr,
    pub tiles: Option<String>,
    pub keys: Option<PathBuf>,
    pub rate_limit: u32,
    pub rate_burst: u32,
    pub trusted_proxy: Vec<ipnet::IpNet>,
    pub max_concurrent: usize,
    pub timeout_secs: u64,
    pub log_format: LogFormat,
    pub access_log: bool,
    pub max_classify_mib: usize,
    pub header_timeout_secs: u64,
    pub max_connections: usize,
    pub shutdown_grace_secs: u64,
    pub public_url: Option<String>,
    pub watch_secs: u64,
    pub classify_timeout_secs: u64,
    pub classify_per_client: usize,
    pub classify_memory_mib: usize,
    pub workbook_max_unpacked_mib: u64,
    pub workbook_max_ratio: u64,
    pub workbook_max_strings: u64,
    pub workbook_max_text_mib: u64,
    pub workbook_max_cells: u64,
    pub workbook_max_columns: u32,
}

impl ServeOptions {
    /// Reads a config file; unknown keys and wrong types are refused with their name and line.
    pub fn from_file(path: &Path) -> Result<ServeOptions, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Fills what `self` leaves open from `lower` (flags and environment over the file).
    pub fn or(self, lower: ServeOptions) -> ServeOptions {
        ServeOptions {
            geodata: self.geodata.or(lower.geodata),
            addresses: self.addresses.or(lower.addresses),
            listen: self.listen.or(lower.listen),
            tiles: self.tiles.or(lower.tiles),
            keys: self.keys.or(lower.keys),
            rate_limit: self.rate_limit.or(lower.rate_limit),
            rate_burst: self.rate_burst.or(lower.rate_burst),
            trusted_proxy: self.trusted_proxy.or(lower.trusted_proxy),
            max_concurrent: self.max_concurrent.or(lower.max_concurrent),
            timeout_secs: self.timeout_secs.or(lower.timeout_secs),
            log_format: self.log_format.or(lower.log_format),
            access_log: self.access_log.or(lower.access_log),
            max_classify_mib: self.max_classify_mib.or(lower.max_classify_mib),
            header_timeout_secs: self.header_timeout_secs.or(lower.header_timeout_secs),
            max_connections: self.max_connections.or(lower.max_connections),
            shutdown_grace_secs: self.shutdown_grace_secs.or(lower.shutdown_grace_secs),
            public_url: self.public_url.or(lower.public_url),
            watch_secs: self.watch_secs.or(lower.watch_secs),
            classify_timeout_secs: self.classify_timeout_secs.or(lower.classify_timeout_secs),
            classify_per_client: self.classify_per_client.or(lower.classify_per_client),
            classify_memory_mib: self.classify_memory_mib.or(lower.classify_memory_mib),
            workbook_max_unpacked_mib: self
                .workbook_max_unpacked_mib
                .or(lower.workbook_max_unpacked_mib),
            workbook_max_ratio: self.workbook_max_ratio.or(lower.workbook_max_ratio),
            workbook_max_strings: self.workbook_max_strings.or(lower.workbook_max_strings),
            workbook_max_text_mib: self.workbook_max_text_mib.or(lower.workbook_max_text_mib),
            workbook_max_cells: self.workbook_max_cells.or(lower.workbook_max_cells),
            workbook_max_columns: self.workbook_max_columns.or(lower.workbook_max_columns),
        }
    }

    /// The defaults, for everything still open.
    pub fn resolve(self) -> Resolved {
        const WB: crate::classify::workbook::Limits = crate::classify::workbook::Limits::DEFAULT;
        Resolved {
            geodata: self.geodata,
            addresses: self.addresses,
            listen: self
                .listen
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
            tiles: self.tiles,
            keys: self.keys,
            rate_limit: self.rate_limit.unwrap_or(100),
            rate_burst: self.rate_burst.unwrap_or(200),
            trusted_proxy: self.trusted_proxy.unwrap_or_default(),
            // A limit of 0 would leave a service that answers nothing while it says it is
            // ready: the types refuse it, with the option's name.
            max_concurrent: self.max_concurrent.map_or(512, NonZeroUsize::get),
            timeout_secs: self.timeout_secs.map_or(10, NonZeroU64::get),
            log_format: self.log_format.unwrap_or(LogFormat::Text),
            access_log: self.access_log.unwrap_or(true),
            max_classify_mib: self.max_classify_mib.map_or(64, NonZeroUsize::get),
            header_timeout_secs: self.header_timeout_secs.map_or(10, NonZeroU64::get),
            max_connections: self.max_connections.map_or(1024, NonZeroUsize::get),
            // Inside Kubernetes' default 30 s termination grace and systemd's 90 s stop timeout.
            shutdown_grace_secs: self.shutdown_grace_secs.map_or(20, NonZeroU64::get),
            public_url: self.public_url,
            watch_secs: self.watch_secs.unwrap_or(0),
            // Sized so that the largest upload (64 MiB, two million rows of coordinates, or of
            // the order of 100,000 free-text addresses) is answered on a busy 2-core machine.
            classify_timeout_secs: self.classify_timeout_secs.map_or(300, NonZeroU64::get),
            classify_per_client: self.classify_per_client.map_or(2, NonZeroUsize::get),
            // One upload of the largest size with room for small ones beside it: two of 64 MiB
            // at once went past the Deployment's 256 MiB.
            classify_memory_mib: self.classify_memory_mib.map_or(96, NonZeroUsize::get),
            workbook_max_unpacked_mib: self
                .workbook_max_unpacked_mib
                .unwrap_or(WB.max_unpacked_mib),
            workbook_max_ratio: self.workbook_max_ratio.unwrap_or(WB.max_ratio),
            workbook_max_strings: self.workbook_max_strings.unwrap_or(WB.max_strings),
            workbook_max_text_mib: self.workbook_max_text_mib.unwrap_or(WB.max_text_mib),
            workbook_max_cells: self.workbook_max_cells.unwrap_or(WB.max_cells),
            workbook_max_columns: self.workbook_max_columns.unwrap_or(WB.max_columns),
        }
    }
}

impl Resolved {
    /// The workbook limits of uploads.
    pub fn workbook_limits(&self) -> crate::classify::workbook::Limits {
        crate::classify::workbook::Limits {
            max_unpacked_mib: self.workbook_max_unpacked_mib,
            max_ratio: self.workbook_max_ratio,
            max_strings: self.workbook_max_strings,
            max_text_mib: self.workbook_max_text_mib,
            max_cells: self.workbook_max_cells,
            max_columns: self.workbook_max_columns,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_public_url_is_checked_in_the_file_as_on_the_command_line() {
        let ok: ServeOptions =
            toml::from_str("public-url = \"https://wijkwijzer.example.nl/\"\n").unwrap();
        assert_eq!(
            ok.public_url.as_deref(),
            Some("https://wijkwijzer.example.nl")
        );
        for bad in ["wijkwijzer.example.nl", "https://", "https://x.nl/?a=1"] {
            let err =
                toml::from_str::<ServeOptions>(&format!("public-url = \"{bad}\"\n")).unwrap_err();
            assert!(err.to_string().contains("https://"), "{bad}: {err}");
        }
        assert!(parse_public_url("http://10.0.0.5:8080/wijkwijzer").is_ok());
    }

    #[test]
    fn flags_beat_the_file_and_the_file_beats_the_defaults() {
        let file: ServeOptions = toml::from_str(
            "rate-limit = 7\nlisten = \"0.0.0.0:9000\"\ntrusted-proxy = [\"10.0.0.0/8\"]\n",
        )
        .unwrap();
        let flags = ServeOptions {
            rate_limit: Some(3),
            ..ServeOptions::default()
        };
        let r = flags.or(file).resolve();
        assert_eq!(r.rate_limit, 3);
        assert_eq!(r.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(r.trusted_proxy, vec!["10.0.0.0/8".parse().unwrap()]);
        assert_eq!(r.rate_burst, 200);
    }

    #[test]
    fn limits_of_zero_are_refused_by_name() {
        let err = toml::from_str::<ServeOptions>("max-concurrent = 0\n").unwrap_err();
        assert!(err.to_string().contains("max-concurrent"), "{err}");
        let err = toml::from_str::<ServeOptions>("max-classify-mib = 0\n").unwrap_err();
        assert!(err.to_string().contains("max-classify-mib"), "{err}");
        let err = toml::from_str::<ServeOptions>("timeout-secs = 0\n").unwrap_err();
        assert!(err.to_string().contains("timeout-secs"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_refused_by_name() {
        let err = toml::from_str::<ServeOptions>("rate_limt = 7\n").unwrap_err();
        assert!(err.to_string().contains("rate_limt"), "{err}");
    }
}
